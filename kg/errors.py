"""The errors careerkg raises. Each names the input and the problem in one line, and carries the exit code the
command line uses for it: 2 for input that cannot be read (or a usage error), 1 for input that was read but is
invalid, or an answer that could not be given whole.

Every layer raises these classes and every face maps them by class, never by their text: the command line to
exit codes (:attr:`CareerkgError.exit_code`), the HTTP server to statuses. A message names the setting that
stopped a query (:attr:`QueryLimitError.setting`), never a command-line flag: the command line adds the flag.
Where a message ends with advice on what to change (:class:`AdvisedError`), the advice is in words; a face
that changes things its own way (the command line, with its flags) gives its own advice after the problem.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AdvisedError",
    "BindingError",
    "CareerkgError",
    "CredentialsError",
    "EndpointError",
    "IncompleteAnswerError",
    "InvalidInputError",
    "InvalidKnowledgeError",
    "InvalidProfilesError",
    "MissingDependencyError",
    "NoNamedGraphsError",
    "QueryFailedError",
    "QueryLimitError",
    "QueryRefusedError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "QueryWorkerError",
    "ReasonerUnavailableError",
    "ResultTooLargeError",
    "ServiceBusyError",
    "ServiceRefusedError",
    "UnknownTermError",
    "UpdateSyntaxError",
    "UnreadableInputError",
]


class CareerkgError(Exception):
    """Base class: a problem with what the user gave careerkg, or with a server it was pointed at (never a bug
    in careerkg)."""

    #: The exit code the command line uses for this error.
    exit_code = 1


class AdvisedError(CareerkgError):
    """An error whose message is a problem, then advice on what to change, which each face may word its own way.

    ``str(error)`` is :attr:`lead`, :attr:`problem` and :attr:`advice`, the advice in words. A face with its
    own way to change things (the command line names its flags) states :attr:`problem` with a lead and
    advice of its own, chosen by the error's class. Only the problem is an argument, so the error pickles."""

    #: Words before the problem (``"the reasoner"``), naming the setting the problem is about.
    lead = ""
    #: Words after the problem: what to change.
    advice = ""

    @property
    def problem(self) -> str:
        """The message without its lead and advice."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return f"{self.lead}{self.problem}{self.advice}"


class UnreadableInputError(CareerkgError):
    """An input cannot be read or parsed at all (missing file, bad syntax, wrong encoding)."""

    exit_code = 2


class InvalidInputError(CareerkgError):
    """An input was read but breaks careerkg's rules (for example a profile that fails the SHACL shapes)."""

    exit_code = 1


class InvalidProfilesError(InvalidInputError):
    """Some profiles could not be answered: they fail the shapes, or records of the input could not be read.

    :attr:`results` holds everything that was answered and every problem, as data (the answers for the good
    profiles are never lost). The exit code is 2 when a record could not be read, else 1, as on the command
    line."""

    def __init__(self, message: str, results: Any, unreadable: bool = False) -> None:
        super().__init__(message)
        #: The complete outcome: answers for the valid profiles, violations of the invalid ones, unread records.
        self.results = results
        self.exit_code = 2 if unreadable else 1


class InvalidKnowledgeError(InvalidInputError):
    """Knowledge careerkg cannot use (a knowledge pack, or the spreadsheet a pack is built from): every problem
    found, one line each naming the file and the term (or row and column), in :attr:`problems`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        #: One line per problem.
        self.problems = list(problems)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class MissingDependencyError(CareerkgError):
    """An optional package a requested feature needs is not installed."""

    exit_code = 2


class ReasonerUnavailableError(MissingDependencyError, AdvisedError):
    """The reasoner asked for needs a package that is not installed (the problem begins with its name)."""

    lead = "the reasoner "


class UnknownTermError(CareerkgError):
    """A role, skill or query name that careerkg does not know."""

    exit_code = 2


class BindingError(UnknownTermError, AdvisedError):
    """A value bound to a query variable that cannot be sent to a server safely: the variable's name is not
    one, or its IRI could break out of ``<...>``. The problem begins with the variable (``" from: ..."``),
    or with ``": "`` when its name is what is wrong."""

    lead = "binding"


class QuerySyntaxError(UnreadableInputError):
    """A SPARQL query that does not parse."""


class UpdateSyntaxError(QuerySyntaxError):
    """A request that does not parse and names update operations (INSERT, DELETE, LOAD, ...): a syntax error,
    and refused as an update would be (careerkg's queries are read-only)."""


class QueryRefusedError(InvalidInputError):
    """A query careerkg will not run: an update, or a SERVICE clause (careerkg is read-only and offline)."""


class ServiceRefusedError(QueryRefusedError, AdvisedError):
    """A query holding the word SERVICE, refused (the advice: how to match such a value otherwise)."""

    advice = '; match such a value with REGEX(?x, "[s]ervice")'


class QueryFailedError(InvalidInputError):
    """A valid query the engine could not evaluate."""


class NoNamedGraphsError(QueryFailedError, AdvisedError):
    """A query using GRAPH over careerkg's in-memory graph, which has no named graphs."""

    advice = ": drop GRAPH, or run the query in an on-disk store or a SPARQL server"


class QueryLimitError(InvalidInputError, AdvisedError):
    """A query (or an exchange with a server) was stopped by a limit, so its answer could not be given whole."""

    #: The setting that stopped it: ``"time_limit"`` or ``"max_results"`` (faces add how to change it).
    setting = ""


class QueryTimeoutError(QueryLimitError):
    """A query ran past its time limit and was stopped."""

    setting = "time_limit"
    advice = " (narrow it, or add LIMIT)"


class ResultTooLargeError(QueryLimitError):
    """A query's answer is larger than the result cap (it is refused, never cut)."""

    setting = "max_results"
    advice = "; add LIMIT or narrow the query"


class ServiceBusyError(CareerkgError):
    """Every worker that could run the request is busy; trying again later may succeed."""

    exit_code = 1


class QueryWorkerError(CareerkgError):
    """A query worker could not start, or stopped while answering (out of memory, say); it is replaced."""

    exit_code = 1


class EndpointError(CareerkgError):
    """A SPARQL server careerkg was pointed at could not be reached, or refused or failed a request."""

    exit_code = 2


class CredentialsError(EndpointError, AdvisedError):
    """A SPARQL server asks for credentials (HTTP 401) and none were given; the problem names the server."""

    advice = ": give a user name and its password"


class IncompleteAnswerError(EndpointError):
    """A SPARQL server's answer lacks rows it has (it caps answers, or they changed while being fetched): an
    answer that may be incomplete is never given as if it were whole."""

    exit_code = 1

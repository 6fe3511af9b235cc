"""The errors careerkg raises. Each names the input and the problem in one line, and carries the exit code the
command line uses for it: 2 for input that cannot be read (or a usage error), 1 for input that was read but is
invalid, or an answer that could not be given whole.

Every layer raises these classes and every face maps them by class, never by their text: the command line to
exit codes (:attr:`CareerkgError.exit_code`), the HTTP server to statuses. A message names the setting that
stopped a query (:attr:`QueryLimitError.setting`), never a command-line flag: the command line adds the flag.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CareerkgError",
    "EndpointError",
    "InvalidInputError",
    "InvalidProfilesError",
    "MissingDependencyError",
    "QueryFailedError",
    "QueryLimitError",
    "QueryRefusedError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ResultTooLargeError",
    "ServiceBusyError",
    "UnknownTermError",
    "UnreadableInputError",
]


class CareerkgError(Exception):
    """Base class: a problem with what the user gave careerkg, or with a server it was pointed at (never a bug
    in careerkg)."""

    #: The exit code the command line uses for this error.
    exit_code = 1


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


class MissingDependencyError(CareerkgError):
    """An optional package a requested feature needs is not installed."""

    exit_code = 2


class UnknownTermError(CareerkgError):
    """A role, skill or query name that careerkg does not know."""

    exit_code = 2


class QuerySyntaxError(UnreadableInputError):
    """A SPARQL query that does not parse."""


class QueryRefusedError(InvalidInputError):
    """A query careerkg will not run: an update, or a SERVICE clause (careerkg is read-only and offline)."""


class QueryFailedError(InvalidInputError):
    """A valid query the engine could not evaluate."""


class QueryLimitError(InvalidInputError):
    """A query (or an exchange with a server) was stopped by a limit, so its answer could not be given whole."""

    #: The setting that stopped it: ``"time_limit"`` or ``"max_results"`` (faces add how to change it).
    setting = ""


class QueryTimeoutError(QueryLimitError):
    """A query ran past its time limit and was stopped."""

    setting = "time_limit"


class ResultTooLargeError(QueryLimitError):
    """A query's answer is larger than the result cap (it is refused, never cut)."""

    setting = "max_results"


class ServiceBusyError(CareerkgError):
    """Every worker that could run the request is busy; trying again later may succeed."""

    exit_code = 1


class EndpointError(CareerkgError):
    """A SPARQL server careerkg was pointed at could not be reached, or refused or failed a request."""

    exit_code = 2

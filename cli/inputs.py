"""Profile arguments of the commands (files, or ``-`` for standard input) and the options they share.

The library reads and evaluates each input on its own (:mod:`careerkg.inputs`); this module prints what it
reports: an input that cannot be read is one line on stderr and is skipped, so the readable inputs next to
it still get their answers, and the command then ends with exit code 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

# The options are needed to build every command; what reading profiles needs is imported only when it is done.
if TYPE_CHECKING:
    from careerkg.engine import Engine, Evaluation
    from careerkg.inputs import Documents, Outcome
    from careerkg.io.profiles import ProfileSet
    from careerkg.knowledge.names import TermIndex
    from rdflib import Graph

F = TypeVar("F", bound=Callable[..., Any])

PROFILE_FORMATS = ["turtle", "nt", "xml", "json-ld", "json", "jsonl"]

profiles_argument = click.argument("profiles", nargs=-1, required=True, metavar="PROFILE...")

profile_format_option = click.option(
    "--input-format",
    "input_format",
    type=click.Choice(PROFILE_FORMATS),
    default=None,
    metavar="FORMAT",
    help="Format of the profile inputs: turtle, nt, xml, json-ld, json (object, array or JSON Lines) or "
    "jsonl (streamed line by line). Default: from each file's suffix, else from its content.",
)


def store_option_saying(help_text: str) -> Callable[[F], F]:
    """The --store option (an on-disk Oxigraph store), with a help text for the command."""
    return click.option(
        "--store",
        "store_path",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CAREERKG_STORE",
        metavar="PATH",
        help=help_text,
    )


store_option = store_option_saying(
    "Keep the graph, inferred triples and profiles in an on-disk Oxigraph store at PATH (created on "
    "first use; also CAREERKG_STORE); profiles given here are added to it for good."
)

endpoint_option = click.option(
    "--endpoint",
    metavar="URL",
    envvar="CAREERKG_ENDPOINT",
    help="Run inside this SPARQL 1.1 query endpoint instead (e.g. http://localhost:7878/query for Oxigraph, "
    "http://localhost:3030/ds/query for Fuseki; also CAREERKG_ENDPOINT).",
)

graph_option = click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="With --endpoint: the named graph holding careerkg's data (sent as the default graph of each query).",
)

#: Where the password for --user comes from (never the command line, where shell histories and process
#: lists would show it); without it, careerkg asks for it on the terminal.
PASSWORD_VARIABLE = "CAREERKG_ENDPOINT_PASSWORD"

user_option = click.option(
    "--user",
    metavar="NAME",
    envvar="CAREERKG_ENDPOINT_USER",
    help=f"With --endpoint: the user to give the server when it asks (HTTP Basic or Digest), e.g. dba for "
    f"Virtuoso's /sparql-auth; the password comes from {PASSWORD_VARIABLE}, else it is asked for (also "
    "CAREERKG_ENDPOINT_USER).",
)


def endpoint_password(user: str | None, endpoint: str) -> str | None:
    """The password for ``user`` at ``endpoint``: from :data:`PASSWORD_VARIABLE`, else asked for on the
    terminal without echo; None without a user."""
    if user is None:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is not None:
        return password
    if not _terminal():
        raise click.UsageError(f"--user {user}: set {PASSWORD_VARIABLE} (there is no terminal to ask on)")
    return str(click.prompt(f"Password for {user} at {endpoint}", hide_input=True, err=True))


def _terminal() -> bool:
    """Whether a password can be asked for: hidden input is read from the controlling terminal, even when
    standard input is a file or a pipe (which may hold a profile)."""
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return sys.stdin.isatty()


@dataclass
class ProfileInputs:
    """The profiles read from each input (each input is a document of its own: the same IRI in two files is
    two profiles, never merged), and what could not be read (already reported on stderr)."""

    documents: Documents

    @property
    def sets(self) -> list[ProfileSet]:
        return self.documents.sets

    @property
    def unreadable(self) -> int:
        return len(self.documents.unreadable)

    def fail_if_unreadable(self) -> None:
        if self.unreadable:
            raise click.exceptions.Exit(2)


def read_inputs(names: tuple[str, ...], terms: TermIndex, fmt: str | None) -> ProfileInputs:
    """Read every input named in ``names`` (``-``: standard input); report each unreadable one, or unreadable
    record, on stderr and go on; exit 2 at once when nothing could be read."""
    from careerkg.inputs import named_inputs, read_documents

    documents = read_documents(named_inputs(names, sys.stdin.buffer), terms, fmt)
    for warning in documents.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for problem in documents.unreadable:
        click.echo(f"Error: {problem}", err=True)
    if documents.unreadable and not documents.sets:
        raise click.exceptions.Exit(2)
    return ProfileInputs(documents)


def known_terms() -> tuple[TermIndex | None, Mapping[str, str]]:
    """The running command's engine's names of roles and skills, and its labels by IRI (for messages in the
    user's words)."""
    from careerkg.cli.app import Settings

    settings = click.get_current_context().find_object(Settings)
    if settings is None:
        return None, {}
    return settings.engine.terms, settings.engine.catalogue.labels


#: Set in the command's context when an input was found invalid beside what the command answered.
INVALID_INPUT = "careerkg.invalid-input"


def report(outcome: Outcome) -> None:
    """Invalid profiles get no results: their violations go to stderr, one line each, naming the input; and
    statements left out of what may be stored are said to be."""
    from careerkg.cli.render import violation_line

    terms, labels = known_terms()
    for document, profiles in zip(outcome.documents, outcome.read.sets, strict=True):
        for profile, violations in document.evaluation.invalid.items():
            for v in violations:
                line = violation_line(profiles.title(profile), v, profiles.location(profile), terms=terms,
                                      labels=labels)  # fmt: skip
                click.echo(line, err=True)
        for line in document.left_out:
            click.echo(f"Error: {line}", err=True)
            # what a document said that was not a profile's to say makes the input invalid (exit code 1)
            click.get_current_context().meta[INVALID_INPUT] = True


def evaluate_inputs(engine: Engine, inputs: ProfileInputs) -> tuple[Evaluation, Graph]:
    """Evaluate each input on its own and report what became of its profiles. Returns everything evaluated,
    and the triples of the valid profiles (each input without its own invalid ones)."""
    outcome = engine.evaluate_documents(inputs.documents)
    report(outcome)
    return outcome.evaluation, outcome.valid

"""Profile arguments of the commands: files or ``-`` for standard input, each read on its own.

An input that cannot be read is reported (one line on stderr) and skipped, so the readable inputs next to it
still get their answers; the command then ends with exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from careerkg.cli.render import violation_line
from careerkg.engine import Engine, Evaluation, merge_evaluations
from careerkg.errors import UnreadableInputError
from careerkg.io.profiles import ProfileInput, ProfileSet, read_profiles
from careerkg.io.rdfout import storable
from careerkg.knowledge.names import TermIndex
from careerkg.vocab import CK
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


@dataclass
class ProfileInputs:
    """The profiles read from each input (each input is a document of its own: the same IRI in two files is
    two profiles, never merged), and how many inputs were unreadable."""

    sets: list[ProfileSet] = field(default_factory=list)
    unreadable: int = 0

    @property
    def merged(self) -> ProfileSet:
        """All inputs in one graph (for SPARQL over them together)."""
        merged = ProfileSet()
        for profiles in self.sets:
            merged.add(profiles)
        return merged

    def fail_if_unreadable(self) -> None:
        if self.unreadable:
            raise click.exceptions.Exit(2)


def report_invalid(evaluation: Evaluation, location: str | None = None) -> None:
    """Invalid profiles get no results: their violations go to stderr, one line each, naming the input."""
    for profile, violations in evaluation.invalid.items():
        for v in violations:
            click.echo(violation_line(profile, v, location), err=True)


def evaluate_inputs(engine: Engine, inputs: ProfileInputs) -> tuple[Evaluation, Graph]:
    """Evaluate each input on its own and report its invalid profiles under its name. Returns everything
    evaluated, and the triples of the valid profiles (each input without its own invalid ones: an invalid
    profile in one file never costs a valid one with the same IRI in another)."""
    evaluations = []
    valid = Graph()
    for document in inputs.sets:
        evaluation = engine.evaluate(document)
        report_invalid(evaluation, document.name)
        valid_profiles = {p for p in document.order if str(p) not in evaluation.invalid}
        kept, elsewhere, malformed = storable(document.graph, set(document.order), valid_profiles, str(CK))
        if elsewhere:
            click.echo(f"Error: {document.name}: {elsewhere} statement(s) about something other than its "
                       "profiles were left out (careerkg's own terms and moves are not a profile's to say)",
                       err=True)  # fmt: skip
        if malformed:
            click.echo(f"Error: {document.name}: {malformed} statement(s) naming a malformed IRI were left out "
                       "(not a valid IRI as subject, property, value or datatype)", err=True)  # fmt: skip
        valid += kept
        evaluations.append(evaluation)
    return merge_evaluations(evaluations), valid


def read_inputs(names: tuple[str, ...], terms: TermIndex, fmt: str | None) -> ProfileInputs:
    """Read every input named in ``names``; report each unreadable one on stderr and go on."""
    result = ProfileInputs()
    for name in names:
        try:
            source = ProfileInput.from_stream("-", sys.stdin.buffer) if name == "-" else ProfileInput.from_path(name)
            profiles = read_profiles(source, terms, fmt)
            result.sets.append(profiles)
            for problem in profiles.problems:  # records skipped; the rest of the input is used
                click.echo(f"Error: {problem}", err=True)
                result.unreadable += 1
        except UnreadableInputError as error:
            click.echo(f"Error: {error}", err=True)
            result.unreadable += 1
    if result.unreadable and not result.sets:
        raise click.exceptions.Exit(2)
    return result

"""The streaming pipeline behind ``careerkg eligible``: chunks of profiles rendered by worker processes.

Each worker builds its own :class:`~careerkg.engine.Engine` once (the prepared knowledge comes from the
on-disk cache) and turns a chunk of raw records into the text to print, so only text crosses processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import click
from careerkg.batch import Item, SeenIris, chunked, input_items, ordered_map, parse_items
from careerkg.cli.render import csv_text, violation_line
from careerkg.eligibility import Assessment
from careerkg.engine import Engine, Evaluation
from careerkg.errors import UnreadableInputError
from careerkg.io.profiles import GENERATED_PROFILE_PREFIX
from careerkg.io.rdfout import serialize
from careerkg.model import Facts
from careerkg.validation.shacl import Violation
from rdflib import Graph

CSV_HEADERS = ["profile", "currentRole", "role", "label", "transition", "sections"]
CSV_EXPLAIN_HEADERS = ["requirementsMet", "justification"]


@dataclass
class Record:
    """What one input record prints: its stdout piece (if answered) and its stderr lines."""

    source: str
    document: int
    location: str
    profile: str | None
    kind: str  # "answered", "invalid" or "unreadable"
    piece: str | None = None
    messages: list[str] = field(default_factory=list)


@dataclass
class ChunkOutput:
    """What one chunk prints, record by record in input order (and, for Turtle, one block of triples)."""

    records: list[Record] = field(default_factory=list)
    turtle: str | None = None


_WORKER: dict[str, Any] = {}


def init_worker(reasoner: str, fmt: str, explain: bool) -> None:
    """Process initialiser: one engine per worker, built once."""
    _WORKER.update(engine=Engine(reasoner), fmt=fmt, explain=explain)


def profile_text(a: Assessment, explain: bool) -> str:
    from careerkg.cli.eligible import eligible_text

    return eligible_text((a,), explain)


def render(a: Assessment, fmt: str, explain: bool) -> str:
    if fmt in {"json", "jsonl"}:
        return json.dumps(a.to_json(explain), indent=2 if fmt == "json" else None)
    if fmt == "csv":
        rows = []
        for m in a.eligible:
            row: list[Any] = [a.profile, a.current_role, m.transition.to_role, m.role_label, m.transition.iri,
                              "; ".join(m.transition.sections)]  # fmt: skip
            if explain:
                row += ["; ".join(r.label for r in m.requirements if r.met), m.transition.justification]
            rows.append(row)
        return csv_text([], rows).split("\n", 1)[1] if rows else ""
    return profile_text(a, explain)


def _evaluate(
    engine: Engine, profiles: list[tuple[str, str, Facts]], others: dict[Any, set[Any]]
) -> tuple[list[Assessment | tuple[Violation, ...]], dict[str, Facts]]:
    """Evaluate a chunk: an assessment or the violations for each profile, and all derived facts.

    Records are independent: the same IRI twice in one chunk is evaluated twice, in separate rounds."""
    results: list[Assessment | tuple[Violation, ...]] = [() for _ in profiles]
    derived: dict[str, Facts] = {}
    remaining = list(range(len(profiles)))
    while remaining:
        batch: dict[str, int] = {}
        later: list[int] = []
        for index in remaining:
            iri = profiles[index][1]
            if iri in batch:
                later.append(index)
            else:
                batch[iri] = index
        evaluation = engine.evaluate_facts({iri: profiles[i][2] for iri, i in batch.items()}, others, gaps=False)
        by_iri = {a.profile: a for a in evaluation.assessments}
        for iri, index in batch.items():
            results[index] = by_iri.get(iri) or evaluation.invalid.get(iri, ())
        for iri, facts in evaluation.derived.items():
            derived.setdefault(iri, set()).update(facts)
        remaining = later
    return results, derived


def _evaluate_isolating_failures(
    engine: Engine, profiles: list[tuple[str, str, Facts]], others: dict[Any, set[Any]]
) -> tuple[list[Assessment | tuple[Violation, ...]], dict[str, Facts], dict[int, str]]:
    """:func:`_evaluate` for the chunk; should it fail unexpectedly, each profile again on its own, so that one
    record no check foresaw costs only itself (reported with the failure), never its whole chunk."""
    try:
        results, derived = _evaluate(engine, profiles, others)
        return results, derived, {}
    except Exception:  # noqa: BLE001 - narrowed below, one profile at a time
        pass
    results = [() for _ in profiles]
    derived = {}
    failures: dict[int, str] = {}
    for index, profile in enumerate(profiles):
        try:
            (result,), found = _evaluate(engine, [profile], others)
        except Exception as error:  # noqa: BLE001 - reported on the record's own line
            failures[index] = f"{type(error).__name__}: {str(error)[:200]}"
            continue
        results[index] = result
        derived.update(found)
    return results, derived, failures


def render_chunk(items: list[Item]) -> ChunkOutput:
    """Parse, validate, reason over and render one chunk (runs in a worker)."""
    engine: Engine = _WORKER["engine"]
    fmt: str = _WORKER["fmt"]
    explain: bool = _WORKER["explain"]
    out = ChunkOutput()
    parsed = parse_items(items, engine.terms)
    results, derived, failures = _evaluate_isolating_failures(engine, parsed.profiles, parsed.others)
    for position, (kind, index) in enumerate(parsed.order):
        source, document = items[position].source, items[position].document
        if kind == "error":
            message = parsed.errors[index][1]
            out.records.append(
                Record(source, document, items[position].location, None, "unreadable", None, [f"Error: {message}"])
            )
            continue
        location, iri, _ = parsed.profiles[index]
        result = results[index]
        if index in failures:
            message = f"Error: {location}: careerkg could not evaluate {iri} ({failures[index]}); please report it"
            out.records.append(Record(source, document, location, iri, "unreadable", None, [message]))
        elif isinstance(result, Assessment):
            piece = render(result, fmt, explain) if fmt != "turtle" else None
            out.records.append(Record(source, document, location, iri, "answered", piece))
        else:
            lines = [violation_line(iri, v, location) for v in result]
            out.records.append(Record(source, document, location, iri, "invalid", None, lines))
    if fmt == "turtle" and derived:
        out.turtle = serialize(Evaluation((), {}, derived).derived_graph(), "turtle")
    return out


@dataclass
class Totals:
    answered: int = 0
    invalid: int = 0
    unreadable: int = 0


def _items(names: tuple[str, ...], engine: Engine, fmt: str | None, totals: Totals) -> Iterator[Item]:
    """The records of every input in turn; each file is open only while its own records are read."""
    for document, name in enumerate(names):
        try:
            with contextlib.ExitStack() as stack:
                if name == "-":
                    stream = sys.stdin.buffer
                else:
                    try:
                        stream = stack.enter_context(open(name, "rb"))  # noqa: SIM115 - closed by the stack
                    except OSError as error:
                        raise UnreadableInputError(f"{name}: cannot read: {error.strerror or error}") from error
                for item in input_items(name, stream, engine.terms, fmt):
                    yield dataclasses.replace(item, document=document)
        except UnreadableInputError as error:
            click.echo(f"Error: {error}", err=True)
            totals.unreadable += 1


def run(
    names: tuple[str, ...],
    engine: Engine,
    input_format: str | None,
    fmt: str,
    explain: bool,
    jobs: int,
    chunk_size: int,
) -> Totals:
    """Stream every input through the workers and print the answers in input order."""
    totals = Totals()
    progress = _Progress()
    printer = Printer(fmt, explain)
    chunks = chunked(_items(names, engine, input_format, totals), chunk_size)
    seen = SeenIris()
    document = -1
    for output in ordered_map(render_chunk, chunks, jobs, init_worker, (engine.reasoner_name, fmt, explain)):
        for record in output.records:
            if record.document != document:  # each input is a document of its own: its IRIs are its own
                seen, document = SeenIris(), record.document
            # A record without an @id is named by a digest of its content, counted per chunk: two equal
            # records in different chunks share that name yet are two records, never a repeat.
            generated = record.profile is not None and record.profile.startswith(GENERATED_PROFILE_PREFIX)
            if record.profile is not None and not generated and not seen.add(record.profile):
                message = (f"Error: {record.location}: the profile {record.profile} appears again in "
                           f"{record.source}; give each person one record (this one is skipped)")  # fmt: skip
                click.echo(message, err=True)
                totals.unreadable += 1
                continue
            if record.piece is not None:
                printer.piece(record.piece)
            for message in record.messages:
                click.echo(message, err=True)
            setattr(totals, record.kind, getattr(totals, record.kind) + 1)
        if output.turtle is not None:
            printer.piece(output.turtle)
        progress.update(totals.answered + totals.invalid + totals.unreadable)
    progress.done()
    printer.close()
    return totals


def print_assessments(assessments: tuple[Assessment, ...], fmt: str, explain: bool, derived: Graph | None) -> None:
    """Print assessments made elsewhere (in a store) exactly as :func:`run` prints its own."""
    printer = Printer(fmt, explain)
    if fmt == "turtle":
        if derived is not None and len(derived):
            printer.piece(serialize(derived, "turtle"))
    else:
        for a in assessments:
            printer.piece(render(a, fmt, explain))
    printer.close()


class Printer:
    """Writes rendered pieces to stdout: a JSON array's brackets and commas, the CSV header, and newlines."""

    def __init__(self, fmt: str, explain: bool) -> None:
        self.fmt = fmt
        self.first = True
        if fmt == "json":
            click.echo("[", nl=False)
        if fmt == "csv":
            click.echo(csv_text(CSV_HEADERS + (CSV_EXPLAIN_HEADERS if explain else []), []), nl=False)

    def piece(self, piece: str) -> None:
        if self.fmt == "json":
            click.echo(("\n" if self.first else ",\n") + piece, nl=False)
        elif self.fmt == "table":
            click.echo(piece, nl=False)
        elif piece:
            click.echo(piece if piece.endswith("\n") else piece + "\n", nl=False)
        self.first = False

    def close(self) -> None:
        if self.fmt == "json":
            click.echo("\n]" if not self.first else "]")


class _Progress:
    """A one-line count on stderr, only when stderr is a terminal and the work has run for a while."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.enabled = sys.stderr.isatty()

    def update(self, count: int) -> None:
        now = time.monotonic()
        if self.enabled and now - self.start > 1.0 and now - self.last > 0.5:
            rate = count / max(now - self.start, 1e-9)
            sys.stderr.write(f"\rcareerkg: {count:,} profiles ({rate:,.0f}/s)")
            sys.stderr.flush()
            self.last = now
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

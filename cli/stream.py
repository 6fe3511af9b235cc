"""How ``careerkg eligible`` prints the library's streamed answers: each answer rendered in the worker that
evaluated it (so only text crosses processes), a JSON array's brackets, a CSV header, a progress count."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click
from careerkg.cli.render import csv_text, short
from careerkg.knowledge.catalogue import CK_PREFIXES

if TYPE_CHECKING:
    from careerkg.batch import Record
    from careerkg.eligibility import Assessment, Move
    from careerkg.engine import Engine
    from rdflib import Graph

CSV_HEADERS = ["profile", "currentRole", "role", "label", "transition", "sections"]
CSV_EXPLAIN_HEADERS = ["requirementsMet", "justification"]


def _requirement_lines(move: Move) -> list[str]:
    lines = []
    for r in move.requirements:
        mark = "met" if r.met else "MISSING" if r.essential else "not met"
        kind = "essential" if r.essential else "optional"
        by = "; ".join(f.label for f in r.met_by)
        lines.append(f"      [{mark}] {kind}: {r.label}" + (f"  <- {by}" if by else ""))
    return lines


def _provenance_lines(move: Move, prefixes: Mapping[str, str]) -> list[str]:
    t = move.transition
    source = move.source_label or (short(str(t.source), prefixes) if t.source is not None else "")
    parts = [f"source: {source}" if source else "no source named"]
    if t.sections:
        parts.append(f"section: {'; '.join(t.sections)}")
    lines = [f"      {'; '.join(parts)}"]
    lines.append(f"      why: {t.justification}" if t.justification else "      no justification recorded")
    return lines


def profile_heading(a: Assessment) -> str:
    return f"{a.profile}  (now: {a.current_role_label})"


def eligible_text(assessments: tuple[Assessment, ...], explain: bool, prefixes: Mapping[str, str] = CK_PREFIXES) -> str:
    """The assessments as text, terms named by ``prefixes`` (the catalogue's: careerkg's and the packs')."""
    out = []
    for a in assessments:
        out.append(f"{a.title}  (now: {a.current_role_label})")
        if not a.moves_out:
            out.append(f"  careerkg knows no moves out of {a.current_role_label} (its source names none)")
        elif not a.eligible:
            out.append("  no move is open yet; `careerkg gaps` shows what is missing")
        for m in a.eligible:
            role, via = short(str(m.transition.to_role), prefixes), short(str(m.transition.iri), prefixes)
            out.append(f"  -> {m.role_label} ({role}) via {via}")
            if explain:
                out += _requirement_lines(m) + _provenance_lines(m, prefixes)
        out.append("")
    return "\n".join(out)


def render(a: Assessment, fmt: str, explain: bool, prefixes: Mapping[str, str] = CK_PREFIXES) -> str:
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
    return eligible_text((a,), explain, prefixes)


@dataclass
class Totals:
    answered: int = 0
    invalid: int = 0
    unreadable: int = 0


def run(
    names: tuple[str, ...],
    engine: Engine,
    input_format: str | None,
    fmt: str,
    explain: bool,
    jobs: int,
    chunk_size: int,
) -> Totals:
    """Stream every input through the library's batch evaluation and print the answers in input order."""
    from careerkg.batch import evaluate_stream
    from careerkg.engine import Evaluation
    from careerkg.io.rdfout import serialize

    totals = Totals()
    progress = _Progress()
    printer = Printer(fmt, explain)
    sources = [(name, sys.stdin.buffer if name == "-" else None) for name in names]
    # the text names terms by the knowledge's prefixes; the other formats give full IRIs
    prefixes = engine.catalogue.prefixes if fmt == "table" else CK_PREFIXES
    render_piece = None if fmt == "turtle" else functools.partial(render, fmt=fmt, explain=explain, prefixes=prefixes)
    chunks = evaluate_stream(engine, sources, input_format, jobs, chunk_size, render_piece, fmt == "turtle")
    for chunk in chunks:
        for record in chunk.records:
            if record.piece is not None:
                printer.piece(record.piece)
            messages = _messages(record, engine)
            if messages:
                progress.clear()  # a message never runs into the count: it starts on a line of its own
            for message in messages:
                click.echo(message, err=True)
            setattr(totals, record.kind, getattr(totals, record.kind) + 1)
        if chunk.derived:
            printer.piece(serialize(Evaluation((), {}, chunk.derived).derived_graph(), "turtle"))
        progress.update(totals.answered + totals.invalid + totals.unreadable)
    progress.done()
    printer.close()
    return totals


def _messages(record: Record, engine: Engine) -> list[str]:
    from careerkg.cli.render import violation_line

    said = [f"Warning: {warning}" for warning in record.warnings]
    if record.error is not None:
        return [*said, f"Error: {record.error}"]
    assert record.profile is not None or not record.violations
    terms, labels = engine.terms, engine.catalogue.labels
    return said + [violation_line(str(record.title), v, record.location, terms=terms, labels=labels)
                   for v in record.violations]  # fmt: skip


def print_assessments(
    assessments: Sequence[Assessment],
    fmt: str,
    explain: bool,
    derived: Graph | None,
    prefixes: Mapping[str, str] = CK_PREFIXES,
) -> None:
    """Print assessments made elsewhere (in a store) exactly as :func:`run` prints its own (``prefixes``: the
    catalogue's, as :func:`run` names terms)."""
    printer = Printer(fmt, explain)
    if fmt == "turtle":
        if derived is not None and len(derived):
            from careerkg.io.rdfout import serialize

            printer.piece(serialize(derived, "turtle"))
    else:
        for a in assessments:
            printer.piece(render(a, fmt, explain, prefixes))
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

    def clear(self) -> None:
        """Take the count off its line (it comes back at the next update), so a message can be printed."""
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False

    def done(self) -> None:
        self.clear()

"""Plain-text tables and CSV for the commands' human-readable and spreadsheet outputs."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote

import click
from careerkg.knowledge.catalogue import CK_PREFIXES, curie
from careerkg.knowledge.names import TermIndex, alternatives
from careerkg.validation.shacl import Violation
from careerkg.vocab import CK
from rdflib import Graph


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An aligned text table; empty cells print as ``-``."""
    cells = [[("-" if c is None or c == "" else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join([line, rule, *body]) + "\n"


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue()


def short(iri: str | None, prefixes: Mapping[str, str] = CK_PREFIXES) -> str:
    """An IRI as a CURIE by ``prefixes`` (a catalogue's: careerkg's ``ck:`` and the packs' own); an IRI no
    prefix fits unchanged, and ``-`` for none."""
    return "-" if iri is None else curie(iri, prefixes)


#: The profile properties in words, and the kind of term each names (for suggestions).
_PROPERTY_WORDS = {
    str(CK.currentRole): ("current role", "role"),
    str(CK.hasSkill): ("skill", "skill"),
    str(CK.yearsInRole): ("years in role", None),
    str(CK.productsManaged): ("products managed", None),
}


def _in_words(value: str, kind: str | None, terms: TermIndex | None, labels: Mapping[str, str]) -> tuple[str, str]:
    """A value as the user wrote it (a known role or skill by its label; an unknown name careerkg made an IRI
    of, by the name), and a suggestion for an unknown role or skill ("" if none)."""
    if value in labels:
        return labels[value], ""
    if kind is None or not value.startswith(str(CK)):
        return value, ""
    written = unquote(value.removeprefix(str(CK)))  # what the user wrote, as careerkg read it
    close = terms.closest(kind, written) if terms is not None else []
    return repr(written), (f" Did you mean {alternatives(close)}?" if close else "")


def violation_line(
    profile: str,
    violation: Violation,
    location: str | None = None,
    *,
    lead: str = "invalid profile ",
    whole: str = "-",
    terms: TermIndex | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """One readable line for a shape violation: ``lead``, the profile (its name, or IRI) and where it was
    read, the property in words (``whole`` when the violation is about the profile itself), the value as the
    user wrote it, the message, and, for an unknown role or skill, the closest known ones (with ``terms``;
    ``labels``: the catalogue's labels by IRI)."""
    where = f" ({location})" if location else ""
    words, kind = _PROPERTY_WORDS.get(violation.path or "", (None, None))
    path = words or (short(violation.path) if violation.path is not None else whole)
    if violation.value is None:
        return f"{lead}{profile}{where}: {path}: {violation.message}"
    value, hint = _in_words(violation.value, kind, terms, labels or {})
    if len(value) > 80:  # an absurd value is named, not printed whole
        value = value[:60] + f"... ({len(value):,} characters)"
    shown = f"{path} {value}" if words else f"{path} = {value}"
    return f"{lead}{profile}{where}: {shown}: {violation.message}{hint}"


def emit_rdf(graph: Graph, fmt: str | None, output: Path | None) -> None:
    """Write ``graph`` in ``fmt`` (default: from ``output``'s suffix, else Turtle) to ``output`` (atomically:
    the file is whole or as it was) or, without it, to standard output."""
    from careerkg.io.rdfout import format_from_suffix, serialize, write_atomically

    text = serialize(graph, fmt or (format_from_suffix(output) if output else "turtle"))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)

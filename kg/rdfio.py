"""RDF serialisation formats: names, file suffixes, media types, and atomic output files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

__all__ = ["RDF_FORMATS", "format_from_suffix", "serialize", "without_subjects", "write_atomically"]

#: careerkg's name for each RDF output format -> rdflib's serializer name.
RDF_FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "xml": "xml",
    "json-ld": "json-ld",
    "nt": "nt",
}

_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
}


def format_from_suffix(path: str | os.PathLike[str], default: str = "turtle") -> str:
    """The output format a file name implies (``.owl`` and ``.rdf`` mean RDF/XML), else ``default``."""
    return _SUFFIXES.get(Path(path).suffix.lower(), default)


def serialize(graph: Graph, fmt: str) -> str:
    """``graph`` as text in careerkg format ``fmt`` (one of :data:`RDF_FORMATS`)."""
    text = graph.serialize(format=RDF_FORMATS[fmt])
    return text if text.endswith("\n") else text + "\n"


def without_subjects(graph: Graph, subjects: set[Node]) -> Graph:
    """``graph`` without the triples whose subject is in ``subjects`` (the graph itself when there are none)."""
    if not subjects:
        return graph
    kept = Graph()
    for triple in graph:
        if triple[0] not in subjects:
            kept.add(triple)
    return kept


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either wholly replaced or left as it was."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise OSError(error.errno, f"cannot write here: {error.strerror}", str(target)) from error
    try:
        # mkstemp makes the file 0600: give it the mode the file had, or a new file's usual mode (umask)
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

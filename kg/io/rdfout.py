"""RDF serialisation formats: names, file suffixes, media types, and atomic output files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Set as AbstractSet
from pathlib import Path

from careerkg.io.profiles import literal_problem, well_formed_iri
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["RDF_FORMATS", "format_from_suffix", "serialize", "storable", "write_atomically"]

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


def _reachable(graph: Graph, starts: AbstractSet[Node], own_namespace: str) -> set[Node]:
    """The nodes of ``graph`` that ``starts`` lead to through objects, never into careerkg's own vocabulary."""
    reachable: set[Node] = set()
    frontier = list(starts)
    while frontier:
        node = frontier.pop()
        if node in reachable or (isinstance(node, URIRef) and str(node).startswith(own_namespace)):
            continue
        reachable.add(node)
        frontier.extend(o for o in graph.objects(node, None) if isinstance(o, (URIRef, BNode)))
    return reachable


def storable(
    graph: Graph, profiles: AbstractSet[Node], valid: AbstractSet[Node], own_namespace: str
) -> tuple[Graph, int, int]:
    """What of a profile document may join careerkg's data: the statements about the ``valid`` profiles and
    the nodes they lead to (a nested skill, say), except nodes of careerkg's own vocabulary
    (``own_namespace``), which a document may point at but never describe; and of those, none that names a
    malformed IRI (as subject, property, object or a literal's datatype), which no store would take.
    Returns that graph, how many statements were about neither a profile nor what one leads to (a
    transition a document tried to add, the knowledge graph's own terms), and how many of the valid
    profiles' statements named a malformed IRI."""
    reachable = _reachable(graph, valid, own_namespace)
    anyone = _reachable(graph, profiles, own_namespace)

    def fine(node: Node) -> bool:
        if isinstance(node, Literal):
            return literal_problem(node) is None and (node.datatype is None or bool(str(node.datatype)))
        return not isinstance(node, URIRef) or well_formed_iri(str(node))

    kept = Graph()
    elsewhere = malformed = 0
    for triple in graph:
        if triple[0] not in reachable:
            elsewhere += triple[0] not in anyone
        elif all(fine(node) for node in triple):
            kept.add(triple)
        else:
            malformed += 1
    return kept, elsewhere, malformed


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

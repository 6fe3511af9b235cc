"""Writing RDF: the output formats (described in :mod:`careerkg.formats`), what of a profile document may be
stored, and output files written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Set as AbstractSet
from pathlib import Path

from careerkg.formats import format_named, format_of_suffix
from careerkg.io.iris import literal_problem, well_formed_iri
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["RDF_FORMATS", "format_from_suffix", "serialize", "storable", "write_atomically"]

#: The RDF formats careerkg writes, in the order it offers them: careerkg's name -> rdflib's serializer name.
RDF_FORMATS: dict[str, str] = {name: str(format_named(name).rdflib) for name in ("turtle", "xml", "json-ld", "nt")}


def format_from_suffix(path: str | os.PathLike[str], default: str = "turtle") -> str:
    """The output format a file name implies (``.owl`` and ``.rdf`` mean RDF/XML, ``.json`` JSON-LD), else
    ``default``."""
    found = format_of_suffix(Path(path).suffix)
    return found.written_as if found is not None and found.written_as is not None else default


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

"""Reading knowledge packs: RDF documents of a user's own roles, skills and transitions.

A pack is read as offline as a profile: no remote JSON-LD context, no ``owl:imports`` followed, no RDF/XML
entities. Its bytes are read (and hashed, for the prepared-knowledge cache) at once; its statements are
parsed when they are first needed, so that an engine whose prepared knowledge is cached never parses them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from careerkg.errors import UnreadableInputError
from careerkg.formats import format_of_suffix
from careerkg.io.iris import RELATIVE_BASE
from careerkg.io.profiles import local_contexts, parse_rdf, refuse_xml_declarations
from careerkg.vocab import DCTERMS, OWL, RDF
from rdflib import Graph

__all__ = ["PACK_FORMATS", "PackFile", "read_pack"]

#: The formats a pack may be written in.
PACK_FORMATS = ("turtle", "nt", "xml", "json-ld")


@dataclass(frozen=True)
class PackFile:
    """A knowledge pack read from a file (see :class:`careerkg.knowledge.packs.Pack`)."""

    path: str
    sha256: str
    format: str
    data: bytes = field(repr=False)

    @cached_property
    def graph(self) -> Graph:
        """The pack's statements (parsed on first use; :class:`UnreadableInputError` if they cannot be)."""
        return _parse(self.data, self.format, self.path)

    @property
    def title(self) -> str | None:
        """The ``dcterms:title`` of the pack's ontology header, if it has one."""
        return _header_value(self.graph, DCTERMS.title)

    @property
    def version(self) -> str | None:
        """The ``owl:versionInfo`` of the pack's ontology header, if it has one."""
        return _header_value(self.graph, OWL.versionInfo)

    def to_json(self) -> dict[str, Any]:
        """What ``/health`` and ``careerkg knowledge check --format json`` say of the pack."""
        return {"path": self.path, "title": self.title, "version": self.version, "sha256": self.sha256}

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to worker processes without its parsed statements (they are parsed again only if needed).
        return (PackFile, (self.path, self.sha256, self.format, self.data))


def _header_value(graph: Graph, predicate: Any) -> str | None:
    for header in graph.subjects(RDF.type, OWL.Ontology):
        value = graph.value(header, predicate)
        if value is not None:
            return str(value)
    return None


def read_pack(path: str | os.PathLike[str]) -> PackFile:
    """Read the pack at ``path``; its format comes from its suffix (``.ttl``, ``.nt``, ``.rdf``/``.owl``/``.xml``,
    ``.jsonld``). :class:`UnreadableInputError` (naming the file) if it cannot be read; its statements are parsed
    when first used (:attr:`PackFile.graph` raises the same error if they cannot be), so that a pack whose
    prepared knowledge is cached is never parsed."""
    name = str(path)
    known = format_of_suffix(Path(name).suffix.lower())
    if known is None or known.name not in PACK_FORMATS and known.name != "json":
        raise UnreadableInputError(
            f"{name}: a knowledge pack is Turtle (.ttl), N-Triples (.nt), RDF/XML (.rdf, .owl) or JSON-LD (.jsonld)"
        )
    fmt = "json-ld" if known.name == "json" else known.name
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        raise UnreadableInputError(f"{name}: cannot read: {error.strerror or error}") from error
    return PackFile(name, hashlib.sha256(data).hexdigest(), fmt, data)


def _parse(data: bytes, fmt: str, name: str) -> Graph:
    if not data.strip():
        raise UnreadableInputError(f"{name}: empty knowledge pack")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableInputError(f"{name}: not UTF-8 text (byte {error.start})") from error
    graph = Graph()
    if fmt == "json-ld":
        try:
            document = json.loads(text)
        except ValueError as error:
            raise UnreadableInputError(f"{name}: not valid JSON-LD: {error}") from error
        text = json.dumps(local_contexts(document, name))
    elif fmt == "xml":
        refuse_xml_declarations(data, name)
    parse_rdf(graph, text, fmt, name, base=RELATIVE_BASE)
    return graph

"""careerkg's knowledge, prepared once for fast answers and cached on disk.

Parsing the Turtle files, closing the ontology and compiling its rules and shapes takes about two seconds;
answering one profile with the prepared tables takes milliseconds. So the prepared form (catalogue with
labels, term index, compiled OWL 2 RL tables, compiled profile shapes, rule inputs) is pickled to a cache
file named by a hash of its sources: any change to them makes a new cache entry, and a stale one is never
read.

The cache lives in ``$CAREERKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/careerkg``, else ``~/.cache/careerkg``.
``CAREERKG_CACHE_DIR=off`` disables it. A cache that cannot be written is not an error: careerkg prepares
the knowledge in memory and says so in its debug log.

The cache key covers the bundled files and careerkg's own modules, so a new release or a local edit never
reads a cache built by other code.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careerkg.knowledge import bundled
from careerkg.knowledge.catalogue import Catalogue
from careerkg.knowledge.names import TermIndex
from careerkg.knowledge.packs import KnowledgeSet

if TYPE_CHECKING:  # imported where they are built or used: answers from a store or the catalogue need neither
    from careerkg.reasoning.compiled import CompiledOntology
    from careerkg.validation.compiled import CompiledShapes

__all__ = ["Prepared", "cache_dir", "load_prepared", "prepare", "prepared_key", "source_key"]

log = logging.getLogger("careerkg")


@dataclass(frozen=True)
class Prepared:
    """The prepared knowledge. The compiled rule tables and shapes are kept pickled apart and unpickled when
    first used: the questions that need only the catalogue (roles, paths, answers read from a store) do not
    pay for them."""

    key: str
    catalogue: Catalogue
    terms: TermIndex
    #: The compiled ontology and shapes, pickled (None: not compilable, see :attr:`ontology`, :attr:`shapes`).
    ontology_pickle: bytes | None
    shapes_pickle: bytes | None
    #: What the SPARQL rules read from the knowledge (its statements about requirements), as N-Triples.
    rule_inputs: str
    rules: tuple[str, ...]
    #: Why the compiled reasoner cannot be used for this knowledge (None when it can).
    uncompiled: str | None = None
    #: Each pack's ontology header (``title``, ``version``), by the SHA-256 of its bytes.
    pack_headers: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)

    @cached_property
    def ontology(self) -> CompiledOntology | None:
        """The compiled OWL 2 RL tables; None when the knowledge uses constructs they do not implement."""
        return _unpickled(self.ontology_pickle) if self.ontology_pickle is not None else None

    @cached_property
    def shapes(self) -> CompiledShapes | None:
        """The compiled profile shapes; None when they use features the compiled validator does not implement
        (pySHACL validates then)."""
        return _unpickled(self.shapes_pickle) if self.shapes_pickle is not None else None

    def __getstate__(self) -> dict[str, object]:
        # the unpickled tables stay out of the cache file: they are in it, pickled, already
        return {k: v for k, v in self.__dict__.items() if k not in {"ontology", "shapes"}}


def _unpickled(data: bytes) -> Any:
    """``pickle.loads(data)`` with the cyclic garbage collector paused: unpickling a large knowledge base
    creates a million objects, none of them garbage, and each collection the allocations trigger would walk
    them all again (ten times slower at ESCO's size)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def source_key() -> str:
    """Hash of every bundled RDF/SPARQL file and of careerkg's own modules, in every subpackage (so an
    upgrade, or an edit to an editable install, never reads a cache built by other code)."""
    from importlib import resources

    digest = hashlib.sha256(str(pickle.HIGHEST_PROTOCOL).encode())
    folders = [("", resources.files("careerkg"))]
    while folders:  # every module of every subpackage (the command line's too: it is part of the code)
        prefix, folder = folders.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                digest.update(f"{prefix}{entry.name}".encode() + b"\0" + entry.read_bytes())
            elif entry.is_dir() and entry.joinpath("__init__.py").is_file():
                folders.append((f"{prefix}{entry.name}/", entry))
    for package in bundled.DATA_PACKAGES:
        for name in bundled.data_files(package):
            digest.update(f"\0{package}/{name}\0".encode())
            digest.update(bundled.read_text(package, name).encode("utf-8"))
    return digest.hexdigest()[:24]


def prepare(key: str | None = None, knowledge: KnowledgeSet | None = None, lang: str = "en") -> Prepared:
    """Build the prepared form of ``knowledge`` (the shipped knowledge by default), with labels in ``lang``,
    without the cache. Packs are checked first: :class:`~careerkg.errors.InvalidKnowledgeError` lists every
    problem."""
    from careerkg.errors import InvalidKnowledgeError
    from careerkg.reasoning.closure import Reasoner
    from careerkg.reasoning.compiled import UnsupportedOntology, compile_knowledge
    from careerkg.validation.compiled import UnsupportedShapes, compile_shapes
    from careerkg.validation.packs import check_packs
    from rdflib import Graph

    known = knowledge or KnowledgeSet()
    graph = known.graph()
    if known.packs:
        problems = check_packs(known, graph)
        if problems:
            raise InvalidKnowledgeError(problems)
    reasoner = Reasoner(graph)
    try:
        ontology: CompiledOntology | None = compile_knowledge(graph)
    except UnsupportedOntology as reason:
        uncompiled: str | None = str(reason)
        ontology = None
    else:
        uncompiled = None
    shapes_graph = Graph().parse(data=bundled.read_text("careerkg.ontology", "profile-shapes.ttl"), format="turtle")
    try:
        shapes: CompiledShapes | None = compile_shapes(shapes_graph, graph)
    except UnsupportedShapes as reason:
        log.debug("compiled validator unavailable: %s", reason)
        shapes = None
    return Prepared(
        key or prepared_key(known, lang),
        Catalogue.from_graph(graph, lang),
        TermIndex.from_graph(graph),
        pickle.dumps(ontology, protocol=pickle.HIGHEST_PROTOCOL) if ontology is not None else None,
        pickle.dumps(shapes, protocol=pickle.HIGHEST_PROTOCOL) if shapes is not None else None,
        reasoner.rule_inputs.serialize(format="nt"),
        tuple(reasoner.rules),
        uncompiled,
        {pack.sha256: {"title": pack.title, "version": pack.version} for pack in known.packs},
    )


def cache_dir() -> Path | None:
    configured = os.environ.get("CAREERKG_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in {"", "off", "0", "no"} else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "careerkg"


def prepared_key(knowledge: KnowledgeSet, lang: str = "en") -> str:
    """The cache key of the prepared form of ``knowledge`` with labels in ``lang``: careerkg's own files and
    code, and the packs' bytes (a changed pack is never answered from a stale cache)."""
    key = source_key()
    extra = knowledge.key + ("" if lang == "en" else f"-{lang.lower()}")
    return f"{key}-{extra}" if extra else key


def load_prepared(knowledge: KnowledgeSet | None = None, lang: str = "en") -> Prepared:
    """The prepared form of ``knowledge`` (the shipped knowledge by default), from the cache when it holds the
    current version, else built (and cached)."""
    known = knowledge or KnowledgeSet()
    key = prepared_key(known, lang)
    folder = cache_dir()
    path = folder / f"prepared-{key}.pickle" if folder else None
    if path is not None and path.is_file():
        try:
            value = _unpickled(path.read_bytes())
            if isinstance(value, Prepared) and value.key == key:
                return value
        except Exception as error:  # a damaged cache file is rebuilt, never trusted
            log.debug("ignoring unreadable cache %s: %s", path, error)
    prepared = prepare(key, known, lang)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prepared-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(prepared, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as error:
            log.debug("cannot write cache %s: %s", path, error)
    return prepared

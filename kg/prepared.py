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

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from careerkg.knowledge import bundled
from careerkg.knowledge.catalogue import Catalogue
from careerkg.knowledge.names import TermIndex
from careerkg.reasoning.compiled import CompiledOntology, UnsupportedOntology, compile_ontology
from careerkg.validation.compiled import CompiledShapes, UnsupportedShapes, compile_shapes

__all__ = ["Prepared", "cache_dir", "load_prepared", "prepare", "source_key"]

log = logging.getLogger("careerkg")


@dataclass(frozen=True)
class Prepared:
    key: str
    catalogue: Catalogue
    terms: TermIndex
    #: None when the ontology uses constructs the compiled reasoner does not implement.
    ontology: CompiledOntology | None
    #: None when the shapes use features the compiled validator does not implement (pySHACL is used).
    shapes: CompiledShapes | None
    #: Logical axioms and generated requirement axioms, as N-Triples: what the SPARQL rules run over.
    axioms_ntriples: str
    rules: tuple[str, ...]


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


def prepare(key: str | None = None) -> Prepared:
    """Build the prepared form from the bundled files (no cache)."""
    from careerkg.knowledge.graphs import knowledge_graph
    from careerkg.reasoning.closure import Reasoner
    from rdflib import Graph

    knowledge = knowledge_graph(axioms=False)
    reasoner = Reasoner(knowledge)
    try:
        ontology: CompiledOntology | None = compile_ontology(reasoner.axioms)
    except UnsupportedOntology as reason:
        log.debug("compiled reasoner unavailable: %s", reason)
        ontology = None
    shapes_graph = Graph().parse(data=bundled.read_text("careerkg.ontology", "profile-shapes.ttl"), format="turtle")
    try:
        shapes: CompiledShapes | None = compile_shapes(shapes_graph, knowledge)
    except UnsupportedShapes as reason:
        log.debug("compiled validator unavailable: %s", reason)
        shapes = None
    return Prepared(
        key or source_key(),
        Catalogue.from_graph(knowledge),
        TermIndex.from_graph(knowledge),
        ontology,
        shapes,
        reasoner.axioms.serialize(format="nt"),
        tuple(reasoner.rules),
    )


def cache_dir() -> Path | None:
    configured = os.environ.get("CAREERKG_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in {"", "off", "0", "no"} else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "careerkg"


def load_prepared() -> Prepared:
    """The prepared knowledge, from the cache when it holds the current version, else built (and cached)."""
    key = source_key()
    folder = cache_dir()
    path = folder / f"prepared-{key}.pickle" if folder else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
            if isinstance(value, Prepared) and value.key == key:
                return value
        except Exception as error:  # a damaged cache file is rebuilt, never trusted
            log.debug("ignoring unreadable cache %s: %s", path, error)
    prepared = prepare(key)
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

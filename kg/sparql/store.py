"""A persistent embedded store: careerkg's graph, inferred triples and profiles kept on disk by Oxigraph.

``careerkg query --store PATH`` and ``careerkg eligible --store PATH`` use it, so SPARQL runs on Oxigraph's
engine and a restart loses nothing. A new store is filled with the knowledge graph (ontology, knowledge
base, alignments) and the OWL 2 RL closure's additions to it; profiles, and what inference derives for
them, are added as they are evaluated. Everything lives in the default graph, so any SPARQL query sees it
all. The in-memory rdflib graph stays the default; the store is opt-in.

Queries are parsed and checked by :func:`careerkg.sparql.queries.prepare` first (read-only, no SERVICE), and FROM
clauses are ignored: Oxigraph only ever reads this store.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from careerkg.errors import UnreadableInputError
from careerkg.model import Facts, facts_to_graph, rdflib_from_oxigraph, to_oxigraph
from rdflib import Graph
from rdflib.term import Node

__all__ = ["PersistentStore"]

_MARKER = "urn:careerkg:store"
#: The marker's statement of which knowledge the store holds.
_KNOWLEDGE = "http://purl.org/dc/terms/identifier"


class PersistentStore:
    """An on-disk Oxigraph store holding careerkg's graph."""

    def __init__(self, path: str | Path) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.path = Path(path)
        try:
            self.store = ox.Store(str(self.path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise UnreadableInputError(
                    f"{path}: the store is in use by another process (a running `careerkg serve`?)"
                ) from error
            raise UnreadableInputError(f"{path}: cannot open the store: {error}") from error

    @property
    def initialised(self) -> bool:
        return bool(self.store.query(f"ASK {{ GRAPH <{_MARKER}> {{ ?s ?p ?o }} }}"))

    @property
    def knowledge_key(self) -> str:
        """What knowledge the store was filled with: empty for careerkg's own alone, else the digest of the
        knowledge packs it holds too (:attr:`careerkg.knowledge.packs.KnowledgeSet.key`)."""
        for quad in self.store.quads_for_pattern(self._ox.NamedNode(_MARKER), self._ox.NamedNode(_KNOWLEDGE), None):
            return str(getattr(quad.object, "value", ""))
        return ""

    def initialise(self, knowledge: Graph, closure: Graph, knowledge_key: str = "") -> None:
        """Fill a new store with the knowledge graph and its closure (once; later calls do nothing), noting
        which knowledge it is (``knowledge_key``)."""
        if self.initialised:
            return
        ox = self._ox
        self.add_graph(knowledge)
        self.add_graph(closure)
        marker = ox.NamedNode(_MARKER)
        self.store.add(
            ox.Quad(marker, ox.NamedNode("http://purl.org/dc/terms/created"), ox.Literal("careerkg"), marker)
        )
        if knowledge_key:
            self.store.add(ox.Quad(marker, ox.NamedNode(_KNOWLEDGE), ox.Literal(knowledge_key), marker))
        self.store.flush()

    def add_graph(self, graph: Graph) -> None:
        ox = self._ox
        data = graph.serialize(format="nt", encoding="utf-8")
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES)

    def forget(self, subjects: Iterable[str]) -> None:
        """Remove every statement about ``subjects`` (IRIs), so that a profile given again replaces the
        one held rather than merging with it (a skill dropped, a role changed)."""
        for subject in subjects:
            for quad in list(self.store.quads_for_pattern(to_oxigraph(subject), None, None, None)):
                self.store.remove(quad)

    def add_profiles(
        self, profiles: Graph, derived: Mapping[str, Facts] | None = None, replacing: Iterable[str] = ()
    ) -> None:
        """Keep profiles (and, if given, what inference derived for them), first forgetting what was held
        about the profiles in ``replacing``."""
        self.forget(replacing)
        self.add_graph(profiles)
        if derived:
            self.add_graph(facts_to_graph(derived))
        self.store.flush()

    def query(self, text: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run a read-only query (already checked by :func:`careerkg.sparql.queries.prepare`) on Oxigraph."""
        ox = self._ox
        substitutions = {ox.Variable(name): to_oxigraph(value) for name, value in (bindings or {}).items()}
        return self.store.query(text, substitutions=substitutions, default_graph=ox.DefaultGraph())

    def select(self, text: str) -> list[dict[str, Node]]:
        """The solutions of a SELECT query, with rdflib terms."""
        result = self.query(text)
        names = [v.value for v in result.variables]
        return [
            {name: rdflib_from_oxigraph(solution[name]) for name in names if solution[name] is not None}
            for solution in result
        ]

    def construct(self, text: str) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query, as an rdflib graph."""
        data = self._ox.serialize(self.query(text), format=self._ox.RdfFormat.N_TRIPLES)
        graph = Graph()
        graph.parse(data=(data or b"").decode("utf-8"), format="nt")
        return graph

    def close(self) -> None:
        """Flush and let go of the store (its lock is released when the object is gone)."""
        self.store.flush()
        del self.store
        gc.collect()  # nothing else may keep Oxigraph's handle (and its lock) alive

    def hand_over_to_readers(self) -> Callable[[], None]:
        """Close the store so that read-only processes may open it (Oxigraph's read-only mode is undefined
        with a writer open), while still keeping every other writer out: the lock Oxigraph's storage
        (RocksDB) takes on ``PATH/LOCK`` is taken again, on the same file, by this process. Returns the
        function that lets it go."""
        import fcntl  # POSIX; careerkg's store needs it only here

        self.close()
        lock = open(self.path / "LOCK", "a+b")  # noqa: SIM115 - held until the returned function runs
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            lock.close()
            raise UnreadableInputError(f"{self.path}: the store is in use by another process") from error
        return lock.close

    def __len__(self) -> int:
        return len(self.store)

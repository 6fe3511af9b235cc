"""careerkg's on-disk store, as the engine uses it: filled with the knowledge once, profiles kept with what
inference derived for them, eligibility answered inside it, and queries run by stoppable read-only workers.

:class:`Store` is what :meth:`careerkg.Engine.open_store` returns, and what ``careerkg eligible --store``,
``query --store`` and ``serve`` drive. The knowledge (and its OWL 2 RL closure, which takes a second or two to
compute) is added only to a store that does not hold it yet: answering from a filled store computes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from careerkg.eligibility import Assessment, assess_in_dataset
from careerkg.errors import InvalidInputError
from careerkg.sparql.store import PersistentStore
from careerkg.vocab import CK

if TYPE_CHECKING:
    from careerkg.engine import Engine
    from careerkg.inputs import Documents, Outcome, Profiles
    from careerkg.reports import Results
    from careerkg.sparql.pool import QueryAnswer, QueryPool
    from rdflib.term import Identifier

__all__ = ["Store"]


class Store:
    """An on-disk Oxigraph store holding careerkg's knowledge graph, its closure, and profiles."""

    def __init__(self, engine: Engine, path: str | os.PathLike[str]) -> None:
        self.engine = engine
        self.path = Path(path)
        self._store: PersistentStore | None = PersistentStore(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Flush and let go of the store (and its lock)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def _open(self) -> PersistentStore:
        if self._store is None:
            raise ValueError(f"{self.path}: the store is closed")
        return self._store

    def fill(self) -> bool:
        """Add careerkg's knowledge and its OWL 2 RL closure, unless the store holds them already (then nothing
        is computed). Returns whether it added them."""
        store = self._open
        wanted = self.engine.knowledge_set.key
        if store.initialised:
            if store.knowledge_key != wanted:
                raise InvalidInputError(
                    f"{self.path}: the store holds other knowledge than this (other knowledge packs, or none); "
                    "give a new store for this knowledge"
                )
            return False
        store.initialise(self.engine.knowledge, self.engine.reasoner.knowledge_closure, wanted)
        return True

    def add(self, profiles: Profiles | Documents, *, input_format: str | None = None) -> Outcome:
        """Evaluate profiles and keep the valid ones with what inference derived for them; a profile given again
        replaces the one held (nothing of the old one is merged in). Invalid profiles are not kept."""
        from careerkg.inputs import Documents

        documents = profiles if isinstance(profiles, Documents) else self.engine.read(profiles, input_format)
        return self.keep(self.engine.evaluate_documents(documents))

    def keep(self, outcome: Outcome) -> Outcome:
        """Keep the valid profiles of an evaluation, with what inference derived for them (replacing any held
        under the same IRI)."""
        self.fill()
        evaluation = outcome.evaluation
        self._open.add_profiles(
            outcome.valid, evaluation.derived, replacing=[a.profile for a in evaluation.assessments]
        )
        return outcome

    def eligible(
        self, profiles: Profiles | Documents | None = None, *, input_format: str | None = None, errors: str = "raise"
    ) -> Results[Assessment]:
        """With ``profiles``: evaluate them, keep the valid ones, and answer them (as
        :meth:`careerkg.Engine.eligible`). Without: answer every profile the store holds, by careerkg's portable
        eligibility queries run inside it (sorted by IRI; the open moves only, the answers' ``gaps`` are empty)."""
        from careerkg.reports import Results, checked, results_of

        if profiles is None:
            self.fill()
            return Results(assess_in_dataset(self._open, self.engine.catalogue))
        outcome = self.add(profiles, input_format=input_format)
        return checked(results_of(outcome, outcome.evaluation.assessments), errors)

    def counts(self) -> dict[str, int]:
        """How many triples, and how many profiles, the store holds."""
        store = self._open
        held = store.select(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p <{CK.currentRole}> ?r }}")
        triples = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return {"triples": int(str(triples[0]["n"])), "profiles": int(str(held[0]["n"])) if held else 0}

    @contextmanager
    def readers(
        self, workers: int = 1, time_limit: float | None = 30.0, max_results: int | None = 100_000
    ) -> Iterator[QueryPool]:
        """Close the store for writing and answer read-only queries over it with ``workers`` processes that a
        query past ``time_limit`` seconds is stopped in; no other process may write to the store meanwhile."""
        from careerkg.sparql.pool import QueryPool

        self.fill()
        release = self._open.hand_over_to_readers()
        self._store = None
        pool = QueryPool(str(self.path), workers, time_limit, max_results or 2**62)
        try:
            yield pool
        finally:
            pool.close()
            release()

    def query(
        self,
        text: str,
        graph_form: bool,
        media_type: str,
        bindings: Mapping[str, Identifier] | None = None,
        *,
        time_limit: float | None = 300.0,
        max_results: int | None = 1_000_000,
    ) -> QueryAnswer:
        """Run a read-only query (checked already: see :func:`careerkg.sparql.queries.prepare`) over everything
        the store holds, in a worker stopped after ``time_limit`` seconds, answered in ``media_type``; anything
        but an answer raises one of careerkg's query errors (see :meth:`careerkg.sparql.pool.QueryPool.run`),
        its message beginning with the store's path. The store is closed for writing afterwards."""
        values = {name: value.n3() for name, value in (bindings or {}).items()}
        with self.readers(1, time_limit or None, max_results) as pool:
            return pool.run(text, graph_form, media_type, values, source=str(self.path))

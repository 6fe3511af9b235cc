"""Reasoner backends behind one interface: each derives ``ck:meetsRequirement`` and ``ck:eligibleFor`` for a
batch of profiles, applying careerkg's SPARQL rules and the OWL 2 RL closure until neither adds anything.

* ``compiled`` (the default, the fastest): the ontology's closure computed once and compiled into rule
  tables (:mod:`careerkg.reasoning.compiled`), the SPARQL rules run by Oxigraph (:mod:`careerkg.reasoning.rules`).
* ``owlrl``: owlrl's pure-Python OWL 2 RL closure and rdflib's SPARQL engine; the reference.
* ``reasonable``: the Rust OWL 2 RL reasoner ``reasonable`` and rdflib's SPARQL engine.

All three take and return profiles as (predicate, object) fact sets with IRIs as plain strings; the parity
tests check they derive the same triples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from careerkg.errors import ReasonerUnavailableError
from careerkg.model import Facts, facts_to_graph, term
from careerkg.reasoning import BACKENDS
from careerkg.reasoning.compiled import CompiledOntology
from careerkg.reasoning.owl import owl_rl_closure
from careerkg.vocab import CK
from rdflib import Graph

__all__ = ["BACKENDS", "Backend", "DERIVED"]

#: The relations the backends report (everything else they derive is bookkeeping).
DERIVED = (str(CK.meetsRequirement), str(CK.eligibleFor))


class Backend(Protocol):
    name: str

    def infer(self, profiles: Mapping[str, Facts]) -> dict[str, Facts]:
        """For each profile, the ``ck:meetsRequirement`` and ``ck:eligibleFor`` facts inference derives."""


class CompiledBackend:
    """Compiled OWL 2 RL tables plus the SPARQL rules on Oxigraph."""

    name = "compiled"

    def __init__(self, ontology: CompiledOntology, rule_inputs: str, rules: list[str]) -> None:
        from careerkg.reasoning.rules import OxigraphRules

        self.ontology = ontology
        self.rules = OxigraphRules(rule_inputs, rules)

    def infer(self, profiles: Mapping[str, Facts]) -> dict[str, Facts]:
        state = {subject: set(facts) for subject, facts in profiles.items()}
        for subject, new in self.rules.apply(state).items():
            state[subject] |= new
        changed = set(state)
        while changed:
            for subject in changed:
                state[subject], _ = self.ontology.close(state[subject])
            added = self.rules.apply({s: state[s] for s in state})
            for subject, new in added.items():
                state[subject] |= new
            changed = set(added)
        return {s: {(p, o) for p, o in facts if p in DERIVED} for s, facts in state.items()}


class _RdflibRules:
    """The SPARQL rules run by rdflib over the knowledge graph plus the profiles (the reference path)."""

    def __init__(self, rules: list[str]) -> None:
        from rdflib.plugins.sparql import prepareQuery

        self.rules = [prepareQuery(rule) for rule in rules]

    def apply(self, data: Graph) -> int:
        added = 0
        for rule in self.rules:
            for triple in list(data.query(rule)):
                if triple not in data:  # type: ignore[operator]
                    data.add(triple)  # type: ignore[arg-type]
                    added += 1
        return added


def _collect(graph_triples: object, profiles: Mapping[str, Facts]) -> dict[str, Facts]:
    out: dict[str, Facts] = {s: set() for s in profiles}
    for s, p, o in graph_triples:  # type: ignore[attr-defined]
        key, predicate = term(s), str(p)
        if predicate in DERIVED and key in out:
            out[str(key)].add((predicate, term(o)))
    return out


class _GraphBackend:
    """A reasoner over one rdflib graph: the axioms plus the batch, closed with the rules until a fixpoint."""

    name = ""

    def __init__(self, axioms: Graph, rules: list[str]) -> None:
        self.axioms = axioms
        self.rules = _RdflibRules(rules)

    def close(self, data: Graph) -> None:
        """Add the OWL 2 RL closure of ``data`` to it."""
        raise NotImplementedError

    def infer(self, profiles: Mapping[str, Facts]) -> dict[str, Facts]:
        data = Graph()
        data += self.axioms
        data += facts_to_graph(profiles)
        self.rules.apply(data)
        while True:
            self.close(data)
            if not self.rules.apply(data):  # the closure is complete: stop once the rules add nothing
                break
        return _collect(data, profiles)


class OwlrlBackend(_GraphBackend):
    """owlrl's OWL 2 RL closure with rdflib's SPARQL engine: slow, simple, the reference."""

    name = "owlrl"

    def close(self, data: Graph) -> None:
        owl_rl_closure(data)


class ReasonableBackend(_GraphBackend):
    """The Rust OWL 2 RL reasoner ``reasonable`` with rdflib's SPARQL engine for the rules."""

    name = "reasonable"

    def __init__(self, axioms: Graph, rules: list[str]) -> None:
        try:
            import reasonable  # type: ignore[import-untyped]  # noqa: F401
        except ImportError as error:
            raise ReasonerUnavailableError(
                "reasonable needs the optional package reasonable, which is not installed: install it with "
                "pip install 'careerkg[reasonable]' (or choose the reasoner compiled or owlrl, which need nothing more)"
            ) from error
        super().__init__(axioms, rules)

    def close(self, data: Graph) -> None:
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(data)
        for triple in reasoner.reason():
            data.add(triple)

"""The OWL 2 RL closure of an rdflib graph, computed by owlrl: the reference every reasoner is checked against.

It closes the ontology once for the compiled reasoner (:mod:`~careerkg.reasoning.compiled`), each batch for
the owlrl backend (:mod:`~careerkg.reasoning.backends`), and the knowledge graph for its exported closure
(:mod:`~careerkg.reasoning.closure`). owlrl is imported only when a closure is computed.
"""

from __future__ import annotations

from rdflib import Graph

__all__ = ["owl_rl_closure"]


def owl_rl_closure(graph: Graph) -> None:
    """Add to ``graph`` the OWL 2 RL closure of it, without the axiomatic triples and datatype axioms owlrl can
    add (statements about the built-in vocabularies, which say nothing about careerkg's data)."""
    import owlrl  # type: ignore[import-untyped]

    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)

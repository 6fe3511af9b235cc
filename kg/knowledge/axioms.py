"""Turn requirement data into OWL 2 RL axioms: the one mechanism behind eligibility.

Requirements and transitions are plain data in the knowledge base. This module reads that data and writes
the class axioms that let any OWL 2 RL reasoner derive ``ck:meetsRequirement`` and ``ck:eligibleFor``:

* a skill requirement *r* for skill *s*::

      (ck:hasSkill value s)  SubClassOf  (ck:meetsRequirement value r)

* a skill category requirement *r* for category *C*::

      (ck:hasSkill some C)  SubClassOf  (ck:meetsRequirement value r)

* a transition from role *F* to role *T* with essential requirements *r1 … rn*::

      (ck:currentRole value F) and (ck:meetsRequirement value r1) and … and (ck:meetsRequirement value rn)
          SubClassOf  (ck:eligibleFor value T)

Threshold requirements (numbers) are outside OWL 2 RL; the SPARQL rules in ``careerkg.rules`` derive their
``ck:meetsRequirement`` triples. Every axiom uses only hasValue, someValuesFrom and intersectionOf on the
subclass side and hasValue on the superclass side: within OWL 2 RL and free of property chains, keys,
cardinalities and enumerations, so owlrl and other rule reasoners (``reasonable``, GraphDB, Jena) agree.

Adding a transition or requirement to the graph adds its axioms here with no code change.
"""

from __future__ import annotations

import hashlib

from careerkg.vocab import CK, OWL, RDF, RDFS, bind_prefixes
from rdflib import BNode, Graph
from rdflib.collection import Collection
from rdflib.term import Node, URIRef

__all__ = ["requirement_axioms"]


class _AxiomWriter:
    """Writes class expressions with blank nodes named from their content, so output is stable across runs."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._used: dict[str, int] = {}

    def _node(self, *parts: Node | str) -> BNode:
        key = hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
        # One blank node per occurrence: OWL's RDF mapping forbids sharing a class expression's node.
        count = self._used.get(key, 0)
        self._used[key] = count + 1
        return BNode(f"ck{key}n{count}")

    def restriction(self, kind: URIRef, prop: URIRef, value: Node) -> BNode:
        node = self._node("restriction", kind, prop, value)
        self.graph.add((node, RDF.type, OWL.Restriction))
        self.graph.add((node, OWL.onProperty, prop))
        self.graph.add((node, kind, value))
        return node

    def has_value(self, prop: URIRef, value: Node) -> BNode:
        return self.restriction(OWL.hasValue, prop, value)

    def some_values_from(self, prop: URIRef, cls: Node) -> BNode:
        return self.restriction(OWL.someValuesFrom, prop, cls)

    def intersection(self, members: list[BNode], *name: Node) -> Node:
        if len(members) == 1:  # OWL needs two or more operands; one is the expression itself
            return members[0]
        node = self._node("intersection", *name)
        self.graph.add((node, RDF.type, OWL.Class))
        head = self._node("list", *name)
        Collection(self.graph, head, list(members))
        self.graph.add((node, OWL.intersectionOf, head))
        return node

    def subclass(self, sub: Node, sup: Node) -> None:
        self.graph.add((sub, RDFS.subClassOf, sup))


def requirement_axioms(knowledge: Graph) -> Graph:
    """The OWL 2 RL axioms implied by the requirement and transition data in ``knowledge``.

    Returns a new graph holding only the generated axioms (no copy of ``knowledge``).
    """
    axioms = bind_prefixes(Graph())
    writer = _AxiomWriter(axioms)

    for requirement, skill in sorted(knowledge.subject_objects(CK.requiredSkill), key=str):
        writer.subclass(
            writer.has_value(CK.hasSkill, skill),
            writer.has_value(CK.meetsRequirement, requirement),
        )

    for requirement, category in sorted(knowledge.subject_objects(CK.requiredSkillCategory), key=str):
        writer.subclass(
            writer.some_values_from(CK.hasSkill, category),
            writer.has_value(CK.meetsRequirement, requirement),
        )

    for transition in sorted(knowledge.subjects(RDF.type, CK.Transition), key=str):
        from_role = knowledge.value(transition, CK.fromRole)
        to_role = knowledge.value(transition, CK.toRole)
        if from_role is None or to_role is None:
            continue  # malformed; the knowledge shapes report it
        conditions = [writer.has_value(CK.currentRole, from_role)]
        conditions += [
            writer.has_value(CK.meetsRequirement, requirement)
            for requirement in sorted(knowledge.objects(transition, CK.essentialRequirement), key=str)
        ]
        writer.subclass(
            writer.intersection(conditions, transition),
            writer.has_value(CK.eligibleFor, to_role),
        )
    return axioms

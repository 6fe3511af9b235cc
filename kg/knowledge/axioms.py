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

:func:`axioms_document` gives the same axioms as an ontology document of their own, importing the knowledge
they are generated from: the shipped ``ontology/requirement-axioms.ttl`` is that document for careerkg's own
knowledge, so that a reasoner given the raw files (resolved through ``ontology/catalog-v001.xml``) derives what
careerkg derives. careerkg itself never reads that file: it generates the axioms from the knowledge it is
given, packs included, so the shipped copy is never loaded beside them.
"""

from __future__ import annotations

import hashlib

from careerkg.vocab import CK, DCTERMS, KNOWLEDGE_IRI, OWL, RDF, RDFS, XSD, bind_prefixes
from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node, URIRef

__all__ = ["AXIOMS_IRI", "AXIOMS_VERSION", "axioms_document", "requirement_axioms"]

#: The ontology IRI of the requirement axioms as a document of their own (``ontology/requirement-axioms.ttl``).
AXIOMS_IRI = URIRef("https://w3id.org/careerkg/requirement-axioms")
#: Its version; the version IRI is ``AXIOMS_IRI/AXIOMS_VERSION``.
AXIOMS_VERSION = "1.0.0"


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


def axioms_document(knowledge: Graph) -> Graph:
    """The requirement axioms of ``knowledge`` as an OWL ontology document: a header importing careerkg's
    knowledge base (``https://w3id.org/careerkg/kg``, which imports the vocabulary) and the axioms.

    The header is fixed (no date of generation), so the document generated from unchanged knowledge is the
    same graph every time, and a shipped copy can be checked to be current by comparing graphs.
    """
    document = requirement_axioms(knowledge)
    document.bind("dcterms", DCTERMS)
    header = AXIOMS_IRI
    document.add((header, RDF.type, OWL.Ontology))
    document.add((header, OWL.imports, KNOWLEDGE_IRI))
    document.add((header, OWL.versionIRI, URIRef(f"{AXIOMS_IRI}/{AXIOMS_VERSION}")))
    document.add((header, OWL.versionInfo, Literal(AXIOMS_VERSION)))
    document.add((header, DCTERMS.title, Literal("careerkg requirement axioms", lang="en")))
    document.add((header, DCTERMS.description, Literal(
        "OWL 2 RL class axioms generated by careerkg from the requirement and transition data of its knowledge "
        "base: with them (and the output of careerkg's SPARQL rules for threshold requirements) any OWL 2 RL "
        "reasoner derives ck:meetsRequirement and ck:eligibleFor for a profile. Generated, not edited: "
        "regenerate it whenever the knowledge base changes.", lang="en")))  # fmt: skip
    document.add((header, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    document.add((header, DCTERMS.source, KNOWLEDGE_IRI))
    document.add((header, DCTERMS.created, Literal("2026-12-02", datatype=XSD.date)))
    return document

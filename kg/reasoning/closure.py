"""Eligibility by inference: the OWL 2 RL closure (owlrl) together with careerkg's SPARQL rules.

The reasoner sees only what matters for eligibility: the logical axioms of the ontology and knowledge base
(classes, properties, typing, requirement data and the generated requirement axioms), never labels,
definitions, provenance or alignments, which are brought back only for output. The SPARQL rules in
``careerkg.rules`` and the OWL 2 RL closure are applied in turn until neither adds a triple.
"""

from __future__ import annotations

from functools import cached_property

from careerkg.knowledge import bundled
from careerkg.knowledge.axioms import requirement_axioms
from careerkg.knowledge.graphs import knowledge_graph
from careerkg.model import Facts, term
from careerkg.reasoning.owl import owl_rl_closure
from careerkg.vocab import CK, OWL, RDF, RDFS, bind_prefixes
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

__all__ = ["Reasoner", "annotation_predicates", "logical_axioms"]

#: Namespaces of the built-in vocabularies, about which the closure derives only tautologies.
_BUILTIN = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2001/XMLSchema#")  # fmt: skip


def annotation_predicates(knowledge: Graph) -> set[Node]:
    """The predicates whose statements a reasoner never needs: the annotation properties ``knowledge`` declares,
    and rdfs:label, comment, seeAlso and isDefinedBy (but not the annotation properties the requirement data
    uses: the SPARQL rules and the requirement axioms read them)."""
    annotation: set[Node] = set(knowledge.subjects(RDF.type, OWL.AnnotationProperty))
    annotation |= {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
    return annotation - {CK.thresholdProperty, CK.requiredSkillCategory}


def logical_axioms(knowledge: Graph) -> Graph:
    """``knowledge`` without its annotations (:func:`annotation_predicates`), keeping what a reasoner needs."""
    annotation = annotation_predicates(knowledge)
    keep = Graph()
    keep.addN((s, p, o, keep) for s, p, o in knowledge if p not in annotation)
    return keep


def _named_in(rules: list[str]) -> set[URIRef]:
    """Every IRI the ``rules`` name (in their parsed form, so prefixes are resolved)."""
    from rdflib.plugins.sparql import prepareQuery

    named: set[URIRef] = set()
    stack: list[object] = [prepareQuery(rule).algebra for rule in rules]
    while stack:
        item = stack.pop()
        if isinstance(item, URIRef):
            named.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return named


class Reasoner:
    """OWL 2 RL plus SPARQL rules over careerkg's knowledge; reusable across many calls."""

    def __init__(self, knowledge: Graph | None = None) -> None:
        #: The ontology and knowledge base, without generated axioms (the reasoner generates its own).
        self.knowledge = knowledge if knowledge is not None else knowledge_graph(axioms=False)

    @cached_property
    def axioms(self) -> Graph:
        """What the reasoner works on: the logical axioms and the axioms generated from the requirements."""
        axioms = logical_axioms(self.knowledge)
        axioms += requirement_axioms(self.knowledge)
        return axioms

    @cached_property
    def rule_inputs(self) -> Graph:
        """What the SPARQL rules read from the knowledge: the logical statements about the requirements of the
        kinds the rules name (a rule matches a profile's values against requirement data, e.g. the threshold
        of a ``ck:ThresholdRequirement``; it never needs roles, skills, moves or other requirements)."""
        knowledge = self.knowledge
        annotation = annotation_predicates(knowledge)
        kinds = set(knowledge.transitive_subjects(RDFS.subClassOf, CK.Requirement)) & _named_in(self.rules)
        requirements = {r for kind in kinds for r in knowledge.subjects(RDF.type, kind)}
        inputs = Graph()
        for requirement in requirements:
            inputs.addN((s, p, o, inputs) for s, p, o in knowledge.triples((requirement, None, None))
                        if p not in annotation)  # fmt: skip
        return inputs

    @cached_property
    def rules(self) -> list[str]:
        return [bundled.read_text("careerkg.rules", name) for name in bundled.data_files("careerkg.rules")]

    @cached_property
    def knowledge_closure(self) -> Graph:
        """What the OWL 2 RL closure adds to the knowledge graph itself (e.g. roles typed schema:Occupation
        through ck:Role's superclass), without the trivial triples every node gets (owl:sameAs itself,
        rdf:type owl:Thing) and without statements about the axioms' blank nodes."""
        data = Graph()
        data += self.axioms
        owl_rl_closure(data)
        added = bind_prefixes(Graph())
        for s, p, o in data:
            if (s, p, o) in self.axioms or isinstance(s, BNode) or isinstance(o, BNode):
                continue
            if (p == OWL.sameAs and s == o) or (p == RDF.type and o in (OWL.Thing, RDFS.Resource)):
                continue
            if str(s).startswith(_BUILTIN) or str(o).startswith(_BUILTIN):
                continue
            added.add((s, p, o))
        return added

    def infer(self, profiles: Graph) -> Graph:
        """The triples inference adds about the subjects of ``profiles``: ``ck:meetsRequirement`` and
        ``ck:eligibleFor`` (a new graph; ``profiles`` is not changed). The reference: owlrl and rdflib."""
        from careerkg.model import facts_to_graph
        from careerkg.reasoning.backends import OwlrlBackend

        facts: dict[str, Facts] = {}
        for s, p, o in profiles:
            key = term(s)
            if type(key) is str:
                facts.setdefault(key, set()).add((str(p), term(o)))
        derived = OwlrlBackend(self.axioms, self.rules).infer(facts)
        return bind_prefixes(facts_to_graph(derived))

"""A compiled OWL 2 RL reasoner for independent profiles over a fixed ontology.

Profiles never refer to one another, and the ontology (TBox and knowledge-base individuals) is the same
for every profile. So the ontology's part of the OWL 2 RL closure is computed once (by owlrl, the
reference), and compiled into lookup tables for the OWL 2 RL rules that can fire on a profile's own facts:

=========  =========================================================================
rule       what fires, per profile *x*
=========  =========================================================================
cls-hv2    ``x p v`` and ``R = (p value v)``               ⇒ ``x a R``
cls-hv1    ``x a R`` and ``R = (p value v)``               ⇒ ``x p v``
cls-svf1   ``x p y``, ``y a C`` and ``R = (p some C)``     ⇒ ``x a R``
cls-svf2   ``x p y`` and ``R = (p some owl:Thing)``        ⇒ ``x a R``
cls-int1   ``x a C1 … x a Cn`` and ``I = C1 and … and Cn`` ⇒ ``x a I``
cax-sco    ``x a C`` and ``C ⊑ D`` (closed transitively)   ⇒ ``x a D``
prp-dom    ``x p y`` and ``p domain D``                    ⇒ ``x a D``
prp-rng    ``x p y`` and ``p range D``                     ⇒ ``y a D``
prp-spo1   ``x p y`` and ``p ⊑ q``                         ⇒ ``x q y``
=========  =========================================================================

(cls-int2, cls-uni, cls-com and the scm-* rules are already folded into the closed subclass table.)
An ontology that uses any construct whose rules are not compiled here (inverse, symmetric, transitive or
functional properties, property chains, keys, allValuesFrom, cardinalities, oneOf, sameAs) is refused with
:class:`UnsupportedOntology`, and careerkg falls back to a general reasoner. The parity tests check that
this reasoner, owlrl and ``reasonable`` derive the same ``ck:eligibleFor`` and ``ck:meetsRequirement``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from careerkg.model import Facts, Term, term
from careerkg.reasoning.owl import owl_rl_closure
from careerkg.vocab import OWL, RDF, RDFS
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

__all__ = ["CompiledOntology", "UnsupportedOntology", "compile_ontology"]

_TYPE = str(RDF.type)
_THING = str(OWL.Thing)


_UNSUPPORTED = {
    OWL.inverseOf: "owl:inverseOf",
    OWL.propertyChainAxiom: "property chains",
    OWL.hasKey: "keys",
    OWL.allValuesFrom: "owl:allValuesFrom",
    OWL.maxCardinality: "cardinality restrictions",
    OWL.maxQualifiedCardinality: "cardinality restrictions",
    OWL.cardinality: "cardinality restrictions",
    OWL.qualifiedCardinality: "cardinality restrictions",
    OWL.oneOf: "owl:oneOf",
    OWL.sameAs: "owl:sameAs",
    OWL.hasSelf: "owl:hasSelf",
}
_UNSUPPORTED_TYPES = {
    OWL.SymmetricProperty,
    OWL.TransitiveProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
    OWL.ReflexiveProperty,
}


class UnsupportedOntology(ValueError):
    """The ontology uses a construct this compiled reasoner does not implement."""


@dataclass
class CompiledOntology:
    """Lookup tables for the OWL 2 RL rules that fire on a profile's facts (see the module docstring)."""

    superclasses: dict[Term, frozenset[Term]] = field(default_factory=dict)
    has_value_in: dict[tuple[Term, Term], tuple[Term, ...]] = field(default_factory=dict)
    has_value_out: dict[Term, tuple[tuple[Term, Term], ...]] = field(default_factory=dict)
    some_values: dict[Term, tuple[tuple[Term, Term], ...]] = field(default_factory=dict)
    intersections: dict[Term, tuple[tuple[Term, frozenset[Term]], ...]] = field(default_factory=dict)
    domains: dict[Term, frozenset[Term]] = field(default_factory=dict)
    ranges: dict[Term, frozenset[Term]] = field(default_factory=dict)
    superproperties: dict[Term, frozenset[Term]] = field(default_factory=dict)
    individual_types: dict[Term, frozenset[Term]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._fact_types: dict[tuple[object, ...], frozenset[Term]] = {}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_fact_types"] = {}
        return state

    def _supers(self, classes: Iterable[Term]) -> set[Term]:
        out: set[Term] = set()
        for cls in classes:
            out |= self.superclasses.get(cls, frozenset((cls,)))
        return out

    def _object_types(self, obj: Term, predicates: Iterable[Term]) -> set[Term]:
        types = set(self.individual_types.get(obj, ()))
        for q in predicates:
            types |= self._supers(self.ranges.get(q, ()))
        return types

    def _svf(self, predicates: Iterable[Term], object_types: set[Term]) -> set[Term]:
        found: set[Term] = set()
        for q in predicates:
            for restriction, cls in self.some_values.get(q, ()):
                if cls == _THING or cls in object_types:
                    found.add(restriction)
        return found

    def fact_types(self, fact: tuple[Term, Term]) -> frozenset[Term]:
        """Every type a profile gets from this one fact alone (cls-hv2, prp-dom, cls-svf, cax-sco), cached."""
        p, o = fact
        # Cache literal facts under plain-string keys: rdflib's Literal equality runs in Python and is slow.
        key: tuple[object, ...] = fact
        if type(o) is not str:
            key = (p, str(o), str(getattr(o, "datatype", "")), getattr(o, "language", None))
        cached = self._fact_types.get(key)
        if cached is None:
            direct: set[Term] = {o} if p == _TYPE else set()
            direct.update(self.has_value_in.get(fact, ()))
            direct.update(self.domains.get(p, ()))
            if p in self.some_values:
                direct |= self._svf((p,), self._object_types(o, (p,)))
            cached = frozenset(self._supers(direct))
            self._fact_types[key] = cached
        return cached

    def close(self, facts: Iterable[tuple[Term, Term]]) -> tuple[Facts, set[Term]]:
        """The OWL 2 RL closure of one profile's facts: (all facts, all types of the profile)."""
        known: Facts = set()
        types: set[Term] = set()
        frontier: Facts = set(facts)
        while frontier:
            # prp-spo1: superproperty facts join the frontier
            for p, o in list(frontier):
                for q in self.superproperties.get(p, ()):
                    if (q, o) not in known:
                        frontier.add((q, o))
            known |= frontier
            new_types: set[Term] = set()
            for fact in frontier:
                new_types |= self.fact_types(fact)
            new_types -= types
            types |= new_types
            # cls-svf where an object's type comes from the range of another predicate on it
            by_object: dict[Term, set[Term]] = {}
            for p, o in known:
                if p != _TYPE:
                    by_object.setdefault(o, set()).add(p)
            for o, predicates in by_object.items():
                if len(predicates) > 1 and any(q in self.some_values for q in predicates):
                    extra = self._supers(self._svf(predicates, self._object_types(o, predicates))) - types
                    types |= extra
                    new_types |= extra
            # cls-int1, repeated while intersections enable further intersections
            queue = list(new_types)
            while queue:
                cls = queue.pop()
                for intersection, members in self.intersections.get(cls, ()):
                    if intersection not in types and members <= types:
                        added = self._supers((intersection,)) - types
                        types |= added
                        new_types |= added
                        queue.extend(added)
            # cls-hv1: hasValue restrictions the profile belongs to give it new facts
            frontier = set()
            for cls in new_types:
                for fact in self.has_value_out.get(cls, ()):
                    if fact not in known:
                        frontier.add(fact)
        known.update((_TYPE, cls) for cls in types)
        return known, types


def _check_supported(tbox: Graph) -> None:
    for predicate, what in _UNSUPPORTED.items():
        if (None, predicate, None) in tbox:
            raise UnsupportedOntology(f"the ontology uses {what}")
    for kind in _UNSUPPORTED_TYPES:
        if (None, RDF.type, kind) in tbox:
            raise UnsupportedOntology(f"the ontology declares a {kind.rsplit('#', 1)[-1]}")


def _list(graph: Graph, head: Node | None) -> list[Node]:
    items: list[Node] = []
    while head != RDF.nil and head is not None:
        first = graph.value(head, RDF.first)
        if first is None:
            break
        items.append(first)
        head = graph.value(head, RDF.rest)
    return items


def compile_ontology(axioms: Graph) -> CompiledOntology:
    """Close ``axioms`` (logical axioms and generated requirement axioms) with owlrl and compile the result."""
    _check_supported(axioms)
    closed = Graph()
    closed += axioms
    owl_rl_closure(closed)

    compiled = CompiledOntology()
    sup: dict[Term, set[Term]] = defaultdict(set)
    for sub, parent in closed.subject_objects(RDFS.subClassOf):
        sup[term(sub)].add(term(parent))
    classes = set(sup) | {o for s in sup.values() for o in s}
    classes |= {term(c) for kind in (OWL.Class, OWL.Restriction) for c in closed.subjects(RDF.type, kind)}
    for cls in classes:
        sup[cls].add(cls)
    compiled.superclasses = {c: frozenset(s) for c, s in sup.items()}

    hv_in: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
    hv_out: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
    svf: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
    for restriction in set(closed.subjects(OWL.onProperty, None)):
        prop = closed.value(restriction, OWL.onProperty)
        assert prop is not None
        for value in closed.objects(restriction, OWL.hasValue):
            hv_in[(term(prop), term(value))].append(term(restriction))
            hv_out[term(restriction)].append((term(prop), term(value)))
        for cls in closed.objects(restriction, OWL.someValuesFrom):
            svf[term(prop)].append((term(restriction), term(cls)))
    compiled.has_value_in = {k: tuple(v) for k, v in hv_in.items()}
    compiled.has_value_out = {k: tuple(v) for k, v in hv_out.items()}
    compiled.some_values = {k: tuple(v) for k, v in svf.items()}

    inter: dict[Term, list[tuple[Term, frozenset[Term]]]] = defaultdict(list)
    for intersection, head in closed.subject_objects(OWL.intersectionOf):
        members = frozenset(term(m) for m in _list(closed, head))
        for member in members:
            inter[member].append((term(intersection), members))
    compiled.intersections = {k: tuple(v) for k, v in inter.items()}

    def grouped(predicate: URIRef) -> dict[Term, frozenset[Term]]:
        table: dict[Term, set[Term]] = defaultdict(set)
        for s, o in closed.subject_objects(predicate):
            table[term(s)].add(term(o))
        return {k: frozenset(v) for k, v in table.items()}

    compiled.domains = grouped(RDFS.domain)
    compiled.ranges = grouped(RDFS.range)
    compiled.superproperties = {p: frozenset(q for q in qs if q != p) for p, qs in grouped(RDFS.subPropertyOf).items()}
    types: dict[Term, set[Term]] = defaultdict(set)
    for individual, cls in closed.subject_objects(RDF.type):
        if not isinstance(individual, BNode):
            types[term(individual)].add(term(cls))
    compiled.individual_types = {k: frozenset(v) for k, v in types.items()}
    return compiled

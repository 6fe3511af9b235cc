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

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from careerkg.model import Facts, Term, term
from careerkg.reasoning.owl import owl_rl_closure
from careerkg.vocab import CK, OWL, RDF, RDFS
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

__all__ = ["CompiledOntology", "UnsupportedOntology", "compile_knowledge", "compile_ontology"]

log = logging.getLogger("careerkg")

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
    """Close ``axioms`` (logical axioms and generated requirement axioms) with owlrl and compile the result:
    the reference :func:`compile_knowledge` is checked against."""
    _check_supported(axioms)
    closed = Graph()
    closed += axioms
    owl_rl_closure(closed)
    return _tables(closed)


def _tables(closed: Graph) -> CompiledOntology:
    """The rule tables of an ontology already closed under OWL 2 RL."""
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


# -- the fast path: the schema closed by owlrl, the requirement data compiled straight into the tables ------

#: Statements that make their subject (and, where marked, their object) a class or a property: what belongs
#: to the schema, which owlrl closes, rather than to the individuals, which the compiled rules type.
_SCHEMA_PREDICATES = {
    RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, OWL.complementOf, OWL.unionOf, OWL.intersectionOf,
    RDFS.subPropertyOf, OWL.equivalentProperty, OWL.propertyDisjointWith, RDFS.domain, RDFS.range,
    OWL.onProperty, OWL.hasValue, OWL.someValuesFrom, OWL.disjointUnionOf,
}  # fmt: skip
_SCHEMA_TYPES = {
    OWL.Class, RDFS.Class, OWL.Restriction, RDFS.Datatype, OWL.Ontology, RDF.Property, OWL.ObjectProperty,
    OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.OntologyProperty, OWL.AllDisjointClasses,
}  # fmt: skip
_SCHEMA_OBJECTS = {
    RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, OWL.complementOf, RDFS.subPropertyOf,
    OWL.equivalentProperty, RDFS.domain, RDFS.range, OWL.someValuesFrom, OWL.onProperty,
}  # fmt: skip


def _schema_nodes(logical: Iterable[tuple[Node, Node, Node]]) -> set[Node]:
    """The classes, properties and ontology headers of ``logical`` (every other IRI subject is an individual)."""
    schema: set[Node] = set()
    for s, p, o in logical:
        schema.add(p)
        if p in _SCHEMA_PREDICATES or isinstance(s, BNode):
            schema.add(s)
            if p in _SCHEMA_OBJECTS:
                schema.add(o)
        elif p == RDF.type:
            schema.add(o)
            if o in _SCHEMA_TYPES:
                schema.add(s)
    return schema


class _Synthetic:
    """The anonymous classes of the requirement axioms (see :mod:`careerkg.knowledge.axioms`), one per
    distinct expression, added to the tables directly: owlrl would otherwise relate every occurrence of an
    expression to every other, which grows with the square of the knowledge."""

    def __init__(self, compiled: CompiledOntology) -> None:
        self.compiled = compiled
        self.edges: dict[Term, set[Term]] = defaultdict(set)
        self.hv_in: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
        self.hv_out: dict[Term, tuple[Term, Term]] = {}
        self.svf: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        self.inter: dict[Term, list[tuple[Term, frozenset[Term]]]] = defaultdict(list)

    @staticmethod
    def _name(*parts: object) -> str:
        return "_:ckc" + hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]

    def has_value(self, prop: Term, value: Term) -> Term:
        cls = self._name("hasValue", prop, value)
        if cls not in self.hv_out:
            self.hv_out[cls] = (prop, value)
            self.hv_in[(prop, value)].append(cls)
            self.edges[cls].add(cls)
        return cls

    def some_values(self, prop: Term, filler: Term) -> Term:
        cls = self._name("someValuesFrom", prop, filler)
        if cls not in self.edges:
            self.svf[prop].append((cls, filler))
            self.edges[cls].add(cls)
        return cls

    def intersection(self, members: list[Term], name: Term) -> Term:
        if len(members) == 1:
            return members[0]
        cls = self._name("intersectionOf", name)
        operands = frozenset(members)
        for member in operands:
            self.inter[member].append((cls, operands))
        self.edges[cls].add(cls)
        return cls

    def subclass(self, sub: Term, sup: Term) -> None:
        self.edges[sub].add(sup)

    def merge(self) -> None:
        """Add the expressions to the compiled tables, their superclasses closed transitively."""
        compiled = self.compiled
        thing = _THING
        for cls in self.edges:
            seen, stack = {cls}, [cls]
            while stack:
                for parent in self.edges.get(stack.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            closed: set[Term] = {thing}
            for found in seen:
                closed |= compiled.superclasses.get(found, frozenset((found,)))
            compiled.superclasses[cls] = frozenset(closed)
        for key, classes in self.hv_in.items():
            compiled.has_value_in[key] = compiled.has_value_in.get(key, ()) + tuple(classes)
        for cls, fact in self.hv_out.items():
            compiled.has_value_out[cls] = compiled.has_value_out.get(cls, ()) + (fact,)
        for prop, pairs in self.svf.items():
            compiled.some_values[prop] = compiled.some_values.get(prop, ()) + tuple(pairs)
        for member, operands in self.inter.items():
            compiled.intersections[member] = compiled.intersections.get(member, ()) + tuple(operands)


def _requirement_tables(compiled: CompiledOntology, knowledge: Graph) -> None:
    """The requirement axioms of ``knowledge``, as :func:`careerkg.knowledge.axioms.requirement_axioms` states
    them, compiled into the tables."""
    has_skill, meets, current, eligible = (str(CK.hasSkill), str(CK.meetsRequirement), str(CK.currentRole),
                                           str(CK.eligibleFor))  # fmt: skip
    out = _Synthetic(compiled)
    for requirement, skill in knowledge.subject_objects(CK.requiredSkill):
        out.subclass(out.has_value(has_skill, term(skill)), out.has_value(meets, term(requirement)))
    for requirement, category in knowledge.subject_objects(CK.requiredSkillCategory):
        out.subclass(out.some_values(has_skill, term(category)), out.has_value(meets, term(requirement)))

    def by_subject(predicate: URIRef) -> dict[Node, list[Node]]:
        table: dict[Node, list[Node]] = defaultdict(list)
        for s, o in knowledge.subject_objects(predicate):
            table[s].append(o)
        return table

    from_roles, to_roles = by_subject(CK.fromRole), by_subject(CK.toRole)
    essentials = by_subject(CK.essentialRequirement)
    for transition in set(knowledge.subjects(RDF.type, CK.Transition)):
        if len(from_roles[transition]) != 1 or len(to_roles[transition]) != 1:
            continue  # malformed; the knowledge shapes report it
        conditions = [out.has_value(current, term(from_roles[transition][0]))]
        conditions += [out.has_value(meets, term(r)) for r in essentials[transition]]
        out.subclass(
            out.intersection(conditions, term(transition)), out.has_value(eligible, term(to_roles[transition][0]))
        )
    out.merge()


def _individual_types(compiled: CompiledOntology, data: Iterable[tuple[Node, Node, Node]]) -> None:
    """Type every individual of ``data`` with the compiled rules themselves (each individual's own statements,
    and the ranges of the statements that point at it): the individuals' part of the OWL 2 RL closure, without
    a pass of owlrl over all of them. An individual is typed again while what its types depend on changes: the
    ranges pointing at it, or the types of what it points at through a someValuesFrom property."""
    outgoing: dict[Term, Facts] = defaultdict(set)
    for s, predicate, value in data:
        outgoing[term(s)].add((str(predicate), term(value)))
    schema_types = dict(compiled.individual_types)
    incoming: dict[Term, set[Term]] = defaultdict(set)
    dependents: dict[Term, set[Term]] = defaultdict(set)

    def point(subject: Term, p: Term, o: Term) -> bool:
        """Note ``subject p o``; True when it gives ``o`` a type it did not have."""
        if not isinstance(o, str) or p == _TYPE:
            return False
        properties = (p, *compiled.superproperties.get(p, ()))
        if any(q in compiled.some_values for q in properties):
            dependents[o].add(subject)
        before = len(incoming[o])
        for q in properties:
            incoming[o] |= compiled.ranges.get(q, frozenset())
        return len(incoming[o]) != before

    for subject, said in outgoing.items():
        for p, o in said:
            point(subject, p, o)
    types = dict(schema_types)
    pending: set[Term] = set(outgoing) | set(incoming)
    while pending:
        compiled.individual_types = types
        compiled._fact_types = {}
        changed: set[Term] = set()
        grown: set[Term] = set()
        for individual in pending:
            facts = outgoing.get(individual, set()) | {(_TYPE, cls) for cls in incoming.get(individual, ())}
            known, found = compiled.close(facts)
            for p, o in known - facts:
                if point(individual, p, o):
                    grown.add(o)
            now = frozenset(found | schema_types.get(individual, frozenset()))
            if now != types.get(individual):
                types[individual] = now
                changed.add(individual)
        # types only grow, and there are finitely many: this ends
        pending = grown | {dependent for done in changed for dependent in dependents.get(done, ())}
    compiled.individual_types = types
    compiled._fact_types = {}


def compile_knowledge(knowledge: Graph) -> CompiledOntology:
    """The compiled tables for ``knowledge``, fast at any size: owlrl
    closes only the schema (classes and properties); the individuals are typed by the compiled rules and the
    requirement axioms go straight into the tables. It derives what :func:`compile_ontology` over the logical
    and generated requirement axioms derives (the parity tests check it); knowledge whose individuals point
    at anonymous nodes is compiled by that reference instead."""
    from careerkg.knowledge.axioms import requirement_axioms
    from careerkg.reasoning.closure import annotation_predicates, logical_axioms

    _check_supported(knowledge)
    annotation = annotation_predicates(knowledge)
    logical = [triple for triple in knowledge if triple[1] not in annotation]
    schema_nodes = _schema_nodes(logical)
    schema, data = Graph(), []
    for triple in logical:
        if triple[0] in schema_nodes:
            schema.add(triple)
        elif isinstance(triple[2], BNode):
            log.debug("compiling by the full owlrl closure: %s points at an anonymous node", triple[0])
            axioms = logical_axioms(knowledge)
            axioms += requirement_axioms(knowledge)
            return compile_ontology(axioms)
        else:
            data.append(triple)
    owl_rl_closure(schema)
    compiled = _tables(schema)
    _requirement_tables(compiled, knowledge)
    _individual_types(compiled, data)
    return compiled

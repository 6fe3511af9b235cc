"""A compiled validator for SHACL Core shapes of the simple kind careerkg's profile shapes use.

pySHACL is the reference validator; this one checks the same shapes without building a data graph per
profile, so a batch of profiles validates in a fraction of the time. It implements, for node shapes with
``sh:targetClass`` or ``sh:targetSubjectsOf`` and property shapes with an IRI ``sh:path``, the components
``sh:minCount``, ``sh:maxCount``, ``sh:nodeKind``, ``sh:class``, ``sh:datatype``, ``sh:or`` (of datatype
shapes), ``sh:in``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive`` and ``sh:maxExclusive``.
Shapes that use anything else are refused with :class:`UnsupportedShapes` (careerkg then uses pySHACL).
The parity tests check both validators report the same violations on generated profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from careerkg.io.profiles import ill_formed
from careerkg.model import Facts, Term, term
from careerkg.validation.shacl import Violation
from careerkg.vocab import RDF, RDFS, SH, XSD
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["CompiledShapes", "UnsupportedShapes", "compile_shapes"]

_SUPPORTED = {
    SH.path, SH.minCount, SH.maxCount, SH.nodeKind, SH["class"], SH.datatype, SH["or"], SH["in"],
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.message, SH.name, SH.description,
    SH.severity, RDF.type, RDFS.label, RDFS.comment,
}  # fmt: skip
_NODE_SUPPORTED = {SH.targetClass, SH.targetSubjectsOf, SH.property, RDF.type, RDFS.label, RDFS.comment}
_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    str(XSD.integer): int,
    str(XSD.decimal): Decimal,
    str(XSD.string): str,
    str(XSD.boolean): bool,
}


class UnsupportedShapes(ValueError):
    """The shapes use a SHACL feature this compiled validator does not implement."""


@dataclass(frozen=True)
class _Check:
    """One constraint of a property shape, as a test on the value set."""

    kind: str
    argument: Any


@dataclass(frozen=True)
class _PropertyShape:
    shape: str
    path: str
    checks: tuple[_Check, ...]
    message: str
    severity: str


@dataclass(frozen=True)
class _NodeShape:
    shape: str
    target_classes: frozenset[str]
    target_subjects_of: frozenset[str]
    properties: tuple[_PropertyShape, ...]


def _list(graph: Graph, head: Node | None) -> list[Node]:
    items: list[Node] = []
    while head is not None and head != RDF.nil:
        first = graph.value(head, RDF.first)
        if first is None:
            raise UnsupportedShapes("malformed RDF list")
        items.append(first)
        head = graph.value(head, RDF.rest)
    return items


def _message(graph: Graph, shape: Node) -> str:
    messages = [m for m in graph.objects(shape, SH.message) if isinstance(m, Literal)]
    english = [m for m in messages if m.language in (None, "en")]
    return str((english or messages)[0]) if messages else "violates a SHACL constraint"


def _property_shape(graph: Graph, shape: Node) -> _PropertyShape:
    for predicate in set(graph.predicates(shape, None)):
        if predicate not in _SUPPORTED:
            raise UnsupportedShapes(f"the compiled validator does not implement {predicate}")
    path = graph.value(shape, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapes("only IRI paths are compiled")
    checks: list[_Check] = []
    for kind, predicate in (("minCount", SH.minCount), ("maxCount", SH.maxCount)):
        value = graph.value(shape, predicate)
        if value is not None:
            checks.append(_Check(kind, int(value)))  # type: ignore[call-overload]
    node_kind = graph.value(shape, SH.nodeKind)
    if node_kind is not None:
        if node_kind not in (SH.IRI, SH.Literal, SH.BlankNode):
            raise UnsupportedShapes(f"sh:nodeKind {node_kind}")
        checks.append(_Check("nodeKind", str(node_kind)))
    for cls in graph.objects(shape, SH["class"]):
        checks.append(_Check("class", term(cls)))
    for datatype in graph.objects(shape, SH.datatype):
        checks.append(_Check("datatypes", (str(datatype),)))
    for alternatives in graph.objects(shape, SH["or"]):
        datatypes = []
        for alternative in _list(graph, alternatives):
            predicates = set(graph.predicates(alternative, None))
            if predicates != {SH.datatype}:
                raise UnsupportedShapes("sh:or is compiled only over datatype shapes")
            datatypes.append(str(graph.value(alternative, SH.datatype)))
        checks.append(_Check("datatypes", tuple(datatypes)))
    for values in graph.objects(shape, SH["in"]):
        checks.append(_Check("in", frozenset(term(v) for v in _list(graph, values))))
    for kind, predicate in (("minInclusive", SH.minInclusive), ("maxInclusive", SH.maxInclusive),
                            ("minExclusive", SH.minExclusive), ("maxExclusive", SH.maxExclusive)):  # fmt: skip
        bound = graph.value(shape, predicate)
        if bound is not None:
            assert isinstance(bound, Literal)
            checks.append(_Check(kind, bound.toPython()))
    severity = graph.value(shape, SH.severity) or SH.Violation
    return _PropertyShape(str(shape), str(path), tuple(checks),
                          _message(graph, shape), str(severity).rsplit("#", 1)[-1])  # fmt: skip


def _well_typed(value: Literal, datatype: str) -> bool:
    # ill-formed by XML Schema's grammar too, not only by rdflib's reading: "3.5E0"^^xsd:decimal fails
    # sh:datatype, as in the W3C validators (SHACL 4.1.1: an ill-typed literal does not match its datatype)
    if str(value.datatype) != datatype or ill_formed(value):
        return False
    expected = _PYTHON_TYPES.get(datatype)
    python = value.toPython()
    if expected is int and isinstance(python, bool):
        return False
    return expected is None or isinstance(python, expected)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "minInclusive": lambda v, b: v >= b,
    "maxInclusive": lambda v, b: v <= b,
    "minExclusive": lambda v, b: v > b,
    "maxExclusive": lambda v, b: v < b,
}


def _compares(value: Term, kind: str, bound: Any) -> bool:
    if not isinstance(value, Literal) or ill_formed(value):
        return False
    python = value.toPython()
    if isinstance(python, (str, bytes)) or python is None or isinstance(python, Literal):
        return False
    try:
        return bool(_COMPARE[kind](python, bound))
    except (TypeError, ValueError, ArithmeticError):
        return False


@dataclass(frozen=True)
class CompiledShapes:
    """Node shapes compiled for checking profiles given as fact sets."""

    node_shapes: tuple[_NodeShape, ...]
    #: The knowledge graph's individuals -> their classes, with all superclasses (SHACL's rdf:type/rdfs:subClassOf*).
    types: Mapping[Term, frozenset[Term]]
    #: The knowledge graph's classes -> themselves and all their superclasses.
    supers: Mapping[Term, frozenset[Term]]

    def _is_instance(self, value: Term, cls: Term, extra_types: Mapping[Term, Iterable[Term]]) -> bool:
        if cls in self.types.get(value, ()):
            return True
        return any(cls in self.supers.get(t, frozenset((t,))) for t in extra_types.get(value, ()))

    def targets(self, shape: _NodeShape, facts: Facts) -> bool:
        for p, o in facts:
            if p in shape.target_subjects_of:
                return True
            if p == _TYPE and self.supers.get(o, frozenset((o,))) & shape.target_classes:
                return True
        return False

    def validate(
        self, focus: str, facts: Facts, extra_types: Mapping[Term, Iterable[Term]] | None = None
    ) -> list[Violation]:
        """The violations of one profile (``focus`` with its ``facts``); ``extra_types`` are ``rdf:type``
        statements the input makes about other nodes (e.g. ``ck:Astronaut a ck:Role``)."""
        extra = extra_types or {}
        found: set[Violation] = set()
        for node_shape in self.node_shapes:
            if not self.targets(node_shape, facts):
                continue
            for prop in node_shape.properties:
                values = [o for p, o in facts if p == prop.path]
                for check in prop.checks:
                    for bad in self._failures(check, values, extra):
                        found.add(Violation(focus, prop.path, None if bad is None else _text(bad), prop.message,
                                            prop.severity, prop.shape))  # fmt: skip
        return sorted(found, key=lambda v: (v.focus, v.path or "", v.value or "", v.message, v.shape))

    def _failures(self, check: _Check, values: list[Term], extra: Mapping[Term, Iterable[Term]]) -> list[Term | None]:
        kind, arg = check.kind, check.argument
        if kind == "minCount":
            return [None] if len(values) < arg else []
        if kind == "maxCount":
            return [None] if len(values) > arg else []
        if kind == "nodeKind":
            want = {str(SH.IRI): _is_iri, str(SH.Literal): _is_literal, str(SH.BlankNode): _is_bnode}[arg]
            return [v for v in values if not want(v)]
        if kind == "class":
            return [v for v in values if isinstance(v, Literal) or not self._is_instance(v, arg, extra)]
        if kind == "datatypes":
            return [v for v in values if not (isinstance(v, Literal) and any(_well_typed(v, d) for d in arg))]
        if kind == "in":
            return [v for v in values if v not in arg]
        return [v for v in values if not _compares(v, kind, arg)]


_TYPE = str(RDF.type)


def _is_iri(value: Term) -> bool:
    return type(value) is str and not value.startswith("_:")


def _is_bnode(value: Term) -> bool:
    return type(value) is str and value.startswith("_:") or isinstance(value, BNode)


def _is_literal(value: Term) -> bool:
    return isinstance(value, Literal)


def _text(value: Term) -> str:
    if type(value) is str and value.startswith("_:"):
        return value[2:]
    return str(value)


def compile_shapes(shapes: Graph, knowledge: Graph) -> CompiledShapes:
    """Compile the node shapes in ``shapes``; ``knowledge`` supplies the classes of known nodes."""
    node_shapes = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        for predicate in set(shapes.predicates(shape, None)):
            if predicate not in _NODE_SUPPORTED:
                raise UnsupportedShapes(f"the compiled validator does not implement {predicate} on node shapes")
        properties = tuple(_property_shape(shapes, p) for p in sorted(shapes.objects(shape, SH.property), key=str))
        node_shapes.append(
            _NodeShape(
                str(shape),
                frozenset(str(c) for c in shapes.objects(shape, SH.targetClass)),
                frozenset(str(p) for p in shapes.objects(shape, SH.targetSubjectsOf)),
                properties,
            )
        )
    superclasses: dict[Term, set[Term]] = {}
    for sub, sup in knowledge.subject_objects(RDFS.subClassOf):
        superclasses.setdefault(term(sub), set()).add(term(sup))

    def ancestors(cls: Term) -> set[Term]:
        seen = {cls}
        stack = [cls]
        while stack:
            for parent in superclasses.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    types: dict[Term, set[Term]] = {}
    for node, cls in knowledge.subject_objects(RDF.type):
        if not isinstance(node, BNode):
            types.setdefault(term(node), set()).update(ancestors(term(cls)))
    supers = {cls: frozenset(ancestors(cls)) for cls in superclasses}
    return CompiledShapes(tuple(node_shapes), {k: frozenset(v) for k, v in types.items()}, supers)

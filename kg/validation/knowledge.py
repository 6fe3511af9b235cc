"""A compiled validator for the knowledge shapes (``ontology/knowledge-shapes.ttl``), fast at ESCO size.

pySHACL is the reference validator, and the parity tests (``tests/test_knowledge_check.py``) check that this
one reports the same violations, field for field, on careerkg's knowledge and on broken knowledge covering every
constraint. It exists because pySHACL runs a SPARQL constraint once per focus node (re-parsing the query each
time), which takes many minutes on a pack of ESCO's size (tens of thousands of roles, skills, requirements and
transitions); this validator takes seconds.

It is compiled from the shapes graph's triples and implements the SHACL features the knowledge shapes use, with
the few close relatives that share their code: node shapes with ``sh:targetClass`` (instances through
``rdf:type/rdfs:subClassOf*``) and ``sh:property``; property shapes with an IRI ``sh:path`` or
``[ sh:oneOrMorePath P ]``; the components ``sh:minCount``, ``sh:maxCount``, ``sh:nodeKind``, ``sh:class``,
``sh:datatype``, ``sh:in``, ``sh:or``, ``sh:xone``, ``sh:node``, ``sh:hasValue``, ``sh:disjoint``,
``sh:languageIn``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` or ``sh:qualifiedMaxCount``,
``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive`` and ``sh:maxExclusive``; ``sh:message``;
``sh:severity sh:Violation``; and SPARQL-based constraints (``sh:sparql`` with ``sh:select``, prefixes from
``sh:prefixes`` and ``sh:declare``) on node shapes. Anything else, and anything whose outcome pySHACL leaves to
chance (two messages on one shape, a message it would have to make up for a component other than
``sh:nodeKind``, ``sh:class`` or ``sh:datatype``), is refused with
:class:`~careerkg.validation.compiled.UnsupportedShapes`: careerkg then uses pySHACL.

A SPARQL constraint is run once for all its focus nodes, not once per focus node: ``$this`` becomes ``?this`` and
the target pattern (``?this rdf:type/rdfs:subClassOf* <class>``) opens the outer WHERE group. That equals SHACL's
pre-binding only for queries of a simple form, so queries with nested groups other than ``EXISTS { }``, nested
SELECTs, VALUES, MINUS, SERVICE, GRAPH, OPTIONAL, UNION, aggregates, GROUP BY, ORDER BY, LIMIT or OFFSET are
refused. The queries run in an in-memory Oxigraph store holding only the triples of the predicates they mention.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any, Protocol

from careerkg.knowledge import bundled
from careerkg.model import Term, from_oxigraph, term, to_oxigraph
from careerkg.validation.compiled import UnsupportedShapes, _list
from careerkg.validation.shacl import Violation
from careerkg.vocab import OWL, RDF, RDFS, SH, XSD
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

__all__ = ["KnowledgeShapes", "check_knowledge", "compile_knowledge_shapes"]

_SH = str(SH)
#: Parameters of the components implemented here, and the shape properties that do not constrain anything.
_PROPERTY_ONLY = {SH.path, SH.minCount, SH.maxCount, SH.disjoint, SH.qualifiedValueShape, SH.qualifiedMinCount,
                  SH.qualifiedMaxCount}  # fmt: skip
_EITHER = {SH.nodeKind, SH["class"], SH.datatype, SH["in"], SH["or"], SH.xone, SH.node, SH.hasValue, SH.languageIn,
           SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.message, SH.severity, SH.name,
           SH.description, SH.order, SH.group, SH.defaultValue}  # fmt: skip
_NODE_ONLY = {SH.targetClass, SH.property, SH.sparql}
#: Every SHACL term the shapes graph may use anywhere (as a predicate, or as a class of its nodes).
_KNOWN = _PROPERTY_ONLY | _EITHER | _NODE_ONLY | {SH.oneOrMorePath, SH.select, SH.prefixes, SH.declare, SH.prefix,
                                                  SH.namespace}  # fmt: skip
_KNOWN_CLASSES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.PrefixDeclaration, SH.PropertyGroup}
#: Parameters that may be given more than once (each value is one more check).
_REPEATABLE = {SH["class"], SH["or"], SH.xone, SH.node, SH.hasValue, SH.disjoint, SH.property, SH.sparql,
               SH.targetClass, SH.name, SH.description}  # fmt: skip
_NODE_KINDS = {
    SH.IRI: "I", SH.BlankNode: "B", SH.Literal: "L", SH.BlankNodeOrIRI: "BI", SH.BlankNodeOrLiteral: "BL",
    SH.IRIOrLiteral: "IL",
}  # fmt: skip
_NO_VALUE: tuple[None] = (None,)
_TYPE, _SUBCLASS = str(RDF.type), str(RDFS.subClassOf)


class _Data:
    """The data graph as the checks read it, in compiled form (:mod:`careerkg.model`: IRIs as plain strings, which
    hash in C, where rdflib's terms hash in Python): each predicate's values by subject (indexed on first use), and
    classes with their superclasses (SHACL's ``rdf:type/rdfs:subClassOf*``)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._objects: dict[str, dict[Term, list[Term]]] = {}
        self._ancestors: dict[Term, frozenset[Term]] = {}
        self._classes: dict[Term, frozenset[Term]] = {}
        self._members: dict[Term, list[Term]] | None = None

    def objects(self, predicate: str) -> dict[Term, list[Term]]:
        found = self._objects.get(predicate)
        if found is None:
            found = self._objects[predicate] = {}
            for subject, value in self.graph.subject_objects(URIRef(predicate)):
                key = term(subject)
                values = found.get(key)
                if values is None:
                    found[key] = [term(value)]
                else:
                    values.append(term(value))
        return found

    def values(self, path: _Path, focus: Term) -> Sequence[Term]:
        by_subject = self.objects(path.predicate)
        if not path.one_or_more:
            return by_subject.get(focus, ())
        # pySHACL's one-or-more path: everything reachable in one step or more (the focus only through a cycle)
        reached: dict[Term, None] = {}
        stack = list(by_subject.get(focus, ()))
        while stack:
            node = stack.pop()
            if node not in reached:
                reached[node] = None
                stack.extend(by_subject.get(node, ()))
        return list(reached)

    def ancestors(self, cls: Term) -> frozenset[Term]:
        found = self._ancestors.get(cls)
        if found is None:
            parents = self.objects(_SUBCLASS)
            seen = {cls}
            stack = [cls]
            while stack:
                for parent in parents.get(stack.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            found = self._ancestors[cls] = frozenset(seen)
        return found

    def classes(self, node: Term) -> frozenset[Term]:
        found = self._classes.get(node)
        if found is None:
            classes: set[Term] = set()
            for cls in self.objects(_TYPE).get(node, ()):
                classes |= self.ancestors(cls)
            found = self._classes[node] = frozenset(classes)
        return found

    def instances(self, classes: Iterable[Term]) -> list[Term]:
        """The instances of ``classes`` (pySHACL's focus nodes of sh:targetClass), each once."""
        if self._members is None:
            self._members = {}
            for node, types in self.objects(_TYPE).items():
                for cls in types:
                    self._members.setdefault(cls, []).append(node)
        wanted = set(classes)
        found: dict[Term, None] = {}
        for cls, members in self._members.items():
            if wanted & self.ancestors(cls):
                found.update(dict.fromkeys(members))
        return list(found)


def _text(value: Term) -> str:
    """A term as pySHACL's report gives it (a blank node by its label)."""
    return value[2:] if type(value) is str and value.startswith("_:") else str(value)


class _Constraint(Protocol):
    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        """The results on ``focus`` with value nodes ``values``: a value node each, or None for a result with no
        value (as pySHACL gives them)."""


@dataclass(frozen=True)
class _Path:
    node: Node  # as it appears in the shapes graph: the result's sh:resultPath
    predicate: str
    one_or_more: bool


@dataclass(frozen=True)
class _Check:
    constraint: _Constraint
    message: str


@dataclass(frozen=True)
class _Shape:
    node: Node
    path: _Path | None
    checks: tuple[_Check, ...]
    properties: tuple[_Shape, ...]

    def conforms(self, data: _Data, focus: Term) -> bool:
        """Whether ``focus`` conforms (no result at all), as sh:node, sh:or, sh:xone and qualified shapes ask."""
        values = (focus,) if self.path is None else data.values(self.path, focus)
        for check in self.checks:
            if check.constraint.failures(data, focus, values):
                return False
        return all(prop.conforms(data, focus) for prop in self.properties)


@dataclass(frozen=True)
class _MinCount:
    count: int

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return _NO_VALUE if len(values) < self.count else ()


@dataclass(frozen=True)
class _MaxCount:
    count: int

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return _NO_VALUE if len(values) > self.count else ()


def _kind(value: Term) -> str:
    if isinstance(value, Literal):
        return "L"
    return "B" if isinstance(value, BNode) or type(value) is str and value.startswith("_:") else "I"


@dataclass(frozen=True)
class _NodeKind:
    kinds: str  # "I", "B" and/or "L"

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if _kind(v) not in self.kinds]


@dataclass(frozen=True)
class _Class:
    cls: Term

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if isinstance(v, Literal) or self.cls not in data.classes(v)]


_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float, XSD.decimal: Decimal,
    XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime,
}  # fmt: skip


def _has_python_type(value: Literal, datatype: Node) -> bool:
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(value.value, expected)


@dataclass(frozen=True)
class _Datatype:
    datatype: Node

    def matches(self, value: Term) -> bool:
        """pySHACL's test, special cases included."""
        if not isinstance(value, Literal):
            return False
        if value.datatype == self.datatype:
            return getattr(value, "ill_typed", None) is not True and _has_python_type(value, self.datatype)
        if self.datatype == RDFS.Literal:
            return True
        if self.datatype == RDFS.Datatype and value.datatype:
            return True
        if value.datatype is None and value.language is None and self.datatype == XSD.string:
            return _has_python_type(value, self.datatype)
        if self.datatype == RDF.langString and value.language:
            return _has_python_type(value, self.datatype)
        return False

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if not self.matches(v)]


@dataclass(frozen=True)
class _In:
    members: frozenset[Term]

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if v not in self.members]


@dataclass(frozen=True)
class _LanguageIn:
    languages: frozenset[str]  # lower case

    def matches(self, value: Term) -> bool:
        if not isinstance(value, Literal) or not value.language:
            return False
        language = str(value.language).lower()
        return "*" in self.languages or language in self.languages or language.split("-")[0] in self.languages

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if not self.matches(v)]


def _compare_literal(value: Literal, bound: Literal) -> int:
    """pySHACL's order of two literals (TypeError when they cannot be compared)."""
    if value.eq(bound):
        return 0
    if value.value.__class__ in (datetime, time):
        if value.value == bound.value:
            return 0
        if value.value > bound.value:
            return 1
    elif value > bound:
        return 1
    return -1


_ORDERS = {
    SH.minInclusive: lambda order: order >= 0,
    SH.maxInclusive: lambda order: order <= 0,
    SH.minExclusive: lambda order: order > 0,
    SH.maxExclusive: lambda order: order < 0,
}


@dataclass(frozen=True)
class _Range:
    kind: URIRef
    bound: Literal

    def within(self, value: Term) -> bool:
        if not isinstance(value, Literal) or isinstance(self.bound.value, str) != isinstance(value.value, str):
            return False
        try:
            return bool(_ORDERS[self.kind](_compare_literal(value, self.bound)))
        except (TypeError, NotImplementedError):
            return False

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if not self.within(v)]


@dataclass(frozen=True)
class _HasValue:
    value: Term

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return () if self.value in values else _NO_VALUE


@dataclass(frozen=True)
class _Disjoint:
    predicate: str

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        others = data.objects(self.predicate).get(focus)
        return [v for v in dict.fromkeys(values) if v in others] if others else ()


@dataclass(frozen=True)
class _Or:
    shapes: tuple[_Shape, ...]

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if not any(s.conforms(data, v) for s in self.shapes)]


@dataclass(frozen=True)
class _Xone:
    shapes: tuple[_Shape, ...]

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if sum(s.conforms(data, v) for s in self.shapes) != 1]


@dataclass(frozen=True)
class _NodeShapeCheck:
    shape: _Shape

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        return [v for v in values if not self.shape.conforms(data, v)]


@dataclass(frozen=True)
class _Qualified:
    shape: _Shape
    minimum: int | None
    maximum: int | None

    def failures(self, data: _Data, focus: Term, values: Sequence[Term]) -> Sequence[Term | None]:
        count = sum(self.shape.conforms(data, v) for v in values)
        too_few = self.minimum is not None and count < self.minimum
        too_many = self.maximum is not None and count > self.maximum
        return _NO_VALUE if too_few or too_many else ()


@dataclass(frozen=True)
class _Sparql:
    """A SPARQL constraint rewritten to run once for all focus nodes."""

    shape: Node
    query: str
    message: str
    #: The variables the original query selects (None: ``SELECT *``).
    selected: frozenset[str] | None
    #: The predicates whose triples the query can read (None: any).
    predicates: frozenset[str] | None


@dataclass(frozen=True)
class _TargetShape:
    shape: _Shape
    classes: tuple[Term, ...]
    sparql: tuple[_Sparql, ...]


@dataclass(frozen=True)
class KnowledgeShapes:
    """Shapes compiled by :func:`compile_knowledge_shapes`; :meth:`validate` checks a data graph."""

    targets: tuple[_TargetShape, ...]

    def validate(self, graph: Graph) -> list[Violation]:
        """The violations of ``graph``, as :func:`careerkg.validation.shacl.validate_knowledge` reports them.
        :class:`UnsupportedShapes` if a SPARQL constraint cannot be run here after all."""
        data = _Data(graph)
        found: set[Violation] = set()
        # The indexes add a million objects at ESCO size, and each generational collection they set off would scan
        # the whole graph again (two thirds of the time, with collection on).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for target in self.targets:
                _check_shape(data, target, found)
            _run_sparql(data, [s for t in self.targets for s in t.sparql], found)
        finally:
            if collecting:
                gc.enable()
        return sorted(found, key=lambda v: (v.focus, v.path or "", v.value or "", v.message, v.shape))


def _check_shape(data: _Data, target: _TargetShape, found: set[Violation]) -> None:
    shape = target.shape
    node_name = str(shape.node)
    properties = [(prop, prop.path, str(prop.node), str(prop.path.node)) for prop in shape.properties if prop.path]
    for focus in data.instances(target.classes):
        focus_name = _text(focus)
        single = (focus,)
        for check in shape.checks:
            for bad in check.constraint.failures(data, focus, single):
                found.add(Violation(focus_name, None, None if bad is None else _text(bad), check.message, "Violation",
                                    node_name))  # fmt: skip
        for prop, path, prop_name, path_name in properties:
            values = data.values(path, focus)
            for check in prop.checks:
                for bad in check.constraint.failures(data, focus, values):
                    found.add(Violation(focus_name, path_name, None if bad is None else _text(bad), check.message,
                                        "Violation", prop_name))  # fmt: skip


def _run_sparql(data: _Data, constraints: list[_Sparql], found: set[Violation]) -> None:
    if not constraints:
        return
    import pyoxigraph as ox

    predicates: set[str] | None = {_TYPE, _SUBCLASS}
    for constraint in constraints:
        if constraint.predicates is None or predicates is None:
            predicates = None
        else:
            predicates |= constraint.predicates
    store = ox.Store()
    if predicates is None:
        store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data.graph)
    else:
        # Only the triples the queries can read: at ESCO size, converting every triple would take most of the time.
        for predicate in predicates:
            named = to_oxigraph(predicate)
            store.bulk_extend(
                ox.Quad(to_oxigraph(s), named, to_oxigraph(o)) for s, os in data.objects(predicate).items() for o in os
            )
    for constraint in constraints:
        try:
            solutions = store.query(constraint.query)
        except (SyntaxError, ValueError, OSError) as error:
            raise UnsupportedShapes(
                f"Oxigraph cannot run the SPARQL constraint of {constraint.shape}: {error}"
            ) from None
        assert isinstance(solutions, ox.QuerySolutions)
        shape_name = str(constraint.shape)
        for solution in solutions:
            this, path, value = (_bound(constraint, solution, name) for name in ("this", "path", "value"))
            if this is None and path is None and value is None:
                continue  # pySHACL reports a solution only when it selects and binds one of them
            focus = _text(from_oxigraph(solution["this"]))
            found.add(Violation(focus, path, focus if value is None else value, constraint.message, "Violation",
                                shape_name))  # fmt: skip


def _bound(constraint: _Sparql, solution: Any, name: str) -> str | None:
    """The text of variable ``name`` in ``solution``, if the constraint's query selects and binds it."""
    import pyoxigraph as ox

    if constraint.selected is not None and name not in constraint.selected:
        return None
    value = solution[name]
    if value is None:
        return None
    if isinstance(value, ox.Literal) and value.datatype.value not in (str(XSD.string), str(RDF.langString)):
        # Oxigraph keeps typed literals in canonical form ("01" is read back as "1"), which is not pySHACL's text
        raise UnsupportedShapes(f"the SPARQL constraint of {constraint.shape} reports a typed literal")
    return _text(from_oxigraph(value))


# ---------------------------------------------------------------------------------------------------------------
# Compiling


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self._compiled: dict[tuple[Node, bool], _Shape] = {}
        self._names = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
        for prefix, namespace in shapes.namespaces():
            self._names.bind(prefix, namespace, override=True, replace=True)
        # pySHACL binds sh: (if nothing else is) before it writes a message naming a SHACL term
        self._names.bind("sh", SH, override=False, replace=False)

    def one(self, shape: Node, predicate: URIRef) -> Node | None:
        values = list(self.graph.objects(shape, predicate))
        if len(values) > 1:
            raise UnsupportedShapes(f"{shape} has {len(values)} values of {predicate}")
        return values[0] if values else None

    def integer(self, shape: Node, predicate: URIRef) -> int | None:
        value = self.one(shape, predicate)
        if value is None:
            return None
        if not isinstance(value, Literal) or type(value.value) is not int:
            raise UnsupportedShapes(f"{predicate} of {shape} is not an integer")
        return value.value

    def text(self, node: Node) -> str:
        """A term as pySHACL writes it in a message it makes up (prefixed if the shapes graph binds a prefix)."""
        return node.n3(namespace_manager=self._names)

    def message(self, shape: Node) -> str | None:
        messages = list(self.graph.objects(shape, SH.message))
        if len(messages) > 1:
            raise UnsupportedShapes(f"{shape} has {len(messages)} messages (pySHACL would report one at random)")
        return str(messages[0]) if messages else None

    def shape(self, node: Node, reporting: bool, within: tuple[Node, ...] = ()) -> _Shape:
        """The shape ``node``: its results are reported (``reporting``: a target shape or one of its property
        shapes) or only decide whether a value conforms (``within`` another shape's sh:node, sh:or, ...)."""
        known = self._compiled.get((node, reporting))
        if known is not None:
            return known
        if node in within:
            raise UnsupportedShapes(f"{node} is recursive")
        graph = self.graph
        path_node = self.one(node, SH.path)
        allowed = _EITHER | (_PROPERTY_ONLY if path_node is not None else _NODE_ONLY)
        for predicate in set(graph.predicates(node, None)):
            if str(predicate).startswith(_SH) and predicate not in allowed:
                raise UnsupportedShapes(f"the compiled knowledge validator does not implement {predicate} on {node}")
            if (
                str(predicate).startswith(_SH)
                and predicate not in _REPEATABLE
                and len(set(graph.objects(node, predicate))) > 1
            ):
                raise UnsupportedShapes(f"{node} has more than one value of {predicate}")
        for cls in graph.objects(node, RDF.type):
            if cls not in (SH.NodeShape, SH.PropertyShape):
                raise UnsupportedShapes(f"{node} is a {cls} (an implicit class target or another kind of node)")
        if not reporting and graph.value(node, SH.sparql) is not None:
            raise UnsupportedShapes(f"{node} has a SPARQL constraint but is used within another shape")
        severity = graph.value(node, SH.severity)
        if severity is not None and severity != SH.Violation:
            raise UnsupportedShapes(f"{node} has severity {severity}")
        inner = (*within, node)
        message = self.message(node) if reporting else ""
        checks: list[_Check] = []

        def add(constraint: _Constraint, generic: str | None = None) -> None:
            text = message if message is not None else generic
            if text is None:
                raise UnsupportedShapes(f"{node} has no sh:message, and pySHACL's own message is not reproduced here")
            checks.append(_Check(constraint, text))

        least, most = self.integer(node, SH.minCount), self.integer(node, SH.maxCount)
        if least is not None:
            add(_MinCount(least))
        if most is not None:
            add(_MaxCount(most))
        node_kind = self.one(node, SH.nodeKind)
        if node_kind is not None:
            if not isinstance(node_kind, URIRef) or node_kind not in _NODE_KINDS:
                raise UnsupportedShapes(f"sh:nodeKind {node_kind}")
            add(_NodeKind(_NODE_KINDS[node_kind]), f"Value is not of Node Kind {self.text(node_kind)}")
        classes = list(graph.objects(node, SH["class"]))
        for cls in classes:
            add(_Class(term(cls)), f"Value does not have class {self.text(cls)}" if len(classes) == 1 else None)
        datatype = self.one(node, SH.datatype)
        if datatype is not None:
            add(_Datatype(datatype), f"Value is not Literal with datatype {self.text(datatype)}")
        members = self.one(node, SH["in"])
        if members is not None:
            add(_In(frozenset(term(v) for v in _list(graph, members))))
        languages = self.one(node, SH.languageIn)
        if languages is not None:
            tags = _list(graph, languages)
            if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in tags):
                raise UnsupportedShapes(f"sh:languageIn of {node} is not a list of strings")
            add(_LanguageIn(frozenset(str(t).lower() for t in tags)))
        for order in _ORDERS:
            bound = self.one(node, order)
            if bound is not None:
                if not isinstance(bound, Literal):
                    raise UnsupportedShapes(f"{order} of {node} is not a literal")
                add(_Range(order, bound))
        for value in graph.objects(node, SH.hasValue):
            add(_HasValue(term(value)))
        for predicate in graph.objects(node, SH.disjoint):
            if not isinstance(predicate, URIRef):
                raise UnsupportedShapes(f"sh:disjoint of {node} is not an IRI")
            add(_Disjoint(str(predicate)))
        for members in graph.objects(node, SH["or"]):
            add(_Or(tuple(self.shape(m, False, inner) for m in _list(graph, members))))
        for members in graph.objects(node, SH.xone):
            add(_Xone(tuple(self.shape(m, False, inner) for m in _list(graph, members))))
        for other in graph.objects(node, SH.node):
            nested = self.shape(other, False, inner)
            if nested.path is not None:
                raise UnsupportedShapes(f"sh:node of {node} is a property shape")
            add(_NodeShapeCheck(nested))
        qualified = self.one(node, SH.qualifiedValueShape)
        minimum, maximum = self.integer(node, SH.qualifiedMinCount), self.integer(node, SH.qualifiedMaxCount)
        if qualified is not None:
            if minimum is None and maximum is None:
                raise UnsupportedShapes(f"{node} has a qualified value shape without a qualified count")
            add(_Qualified(self.shape(qualified, False, inner), minimum, maximum))
        elif minimum is not None or maximum is not None:
            raise UnsupportedShapes(f"{node} has a qualified count without a qualified value shape")
        properties = []
        for prop in graph.objects(node, SH.property):
            compiled = self.shape(prop, reporting, inner)
            if compiled.path is None:
                raise UnsupportedShapes(f"sh:property of {node} is not a property shape")
            properties.append(compiled)
        shape = _Shape(node, None if path_node is None else self.path(path_node), tuple(checks),
                       tuple(sorted(properties, key=lambda p: str(p.node))))  # fmt: skip
        self._compiled[(node, reporting)] = shape
        return shape

    def path(self, node: Node) -> _Path:
        if isinstance(node, URIRef):
            return _Path(node, str(node), False)
        predicates = set(self.graph.predicates(node, None))
        inner = self.graph.value(node, SH.oneOrMorePath)
        if predicates != {SH.oneOrMorePath} or not isinstance(inner, URIRef):
            raise UnsupportedShapes("only IRI paths and sh:oneOrMorePath of an IRI are compiled")
        return _Path(node, str(inner), True)

    def prefixes(self, constraint: Node) -> dict[str, str]:
        """pySHACL's prefixes for a SPARQL constraint: rdf, rdfs and owl, and the sh:declare of its sh:prefixes
        (with those of every ontology in the shapes graph, unless sh:prefixes names an ontology that declares)."""
        graph = self.graph
        ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
        named = set(graph.objects(graph.identifier, SH.declare))
        every = named.union(*(set(graph.objects(o, SH.declare)) for o in ontologies))
        prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        declared: dict[str, str] = {}
        for node in graph.objects(constraint, SH.prefixes):
            own = set(graph.objects(node, SH.declare))
            for declaration in own | named if own and node in ontologies else own | every:
                prefix, namespace = self.one(declaration, SH.prefix), self.one(declaration, SH.namespace)
                if not isinstance(prefix, Literal) or not isinstance(namespace, Literal):
                    raise UnsupportedShapes(f"a malformed sh:declare in {node}")
                if declared.setdefault(str(prefix), str(namespace)) != str(namespace):
                    raise UnsupportedShapes(f"prefix {prefix} is declared twice (pySHACL would use one at random)")
        return prefixes | declared

    def sparql(self, shape: Node, constraint: Node, classes: Sequence[Node]) -> _Sparql:
        graph = self.graph
        for predicate in set(graph.predicates(constraint, None)):
            if str(predicate).startswith(_SH) and predicate not in (SH.select, SH.prefixes, SH.message):
                raise UnsupportedShapes(f"the compiled knowledge validator does not implement {predicate} on {shape}")
        for cls in graph.objects(constraint, RDF.type):
            if cls != SH.SPARQLConstraint:
                raise UnsupportedShapes(f"the SPARQL constraint of {shape} is a {cls}")
        select = self.one(constraint, SH.select)
        if not isinstance(select, Literal) or not isinstance(select.value, str):
            raise UnsupportedShapes(f"the SPARQL constraint of {shape} has no sh:select string")
        own, of_shape = self.message(constraint), self.message(shape)
        if (own is None) == (of_shape is None):
            raise UnsupportedShapes(f"the SPARQL constraint of {shape} needs one message, on it or on its shape")
        message = own if own is not None else of_shape
        assert message is not None
        if re.search(r"\{[?$]", message):
            raise UnsupportedShapes(f"the message of the SPARQL constraint of {shape} has variables")
        if not all(isinstance(c, URIRef) for c in classes):
            raise UnsupportedShapes(f"{shape} targets a class that is a blank node")
        prefixes = self.prefixes(constraint)
        query, selected = _rewrite(str(select), classes)
        text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + query
        return _Sparql(shape, text, message, selected, _read_predicates(text))

    def targets(self) -> tuple[_TargetShape, ...]:
        graph = self.graph
        for predicate in set(graph.predicates()):
            if str(predicate).startswith(_SH) and predicate not in _KNOWN:
                raise UnsupportedShapes(f"the compiled knowledge validator does not implement {predicate}")
        for cls in set(graph.objects(None, RDF.type)):
            if str(cls).startswith(_SH) and cls not in _KNOWN_CLASSES:
                raise UnsupportedShapes(f"the compiled knowledge validator does not implement {cls}")
        targets = []
        for node in sorted(set(graph.subjects(SH.targetClass, None)), key=str):
            shape = self.shape(node, True)
            if shape.path is not None:
                raise UnsupportedShapes(f"{node} is a property shape with a target")
            classes = sorted(graph.objects(node, SH.targetClass), key=str)
            sparql = tuple(self.sparql(node, c, classes) for c in graph.objects(node, SH.sparql))
            targets.append(_TargetShape(shape, tuple(term(c) for c in classes), sparql))
        return tuple(targets)


# ---------------------------------------------------------------------------------------------------------------
# SPARQL constraints, rewritten to run once


#: String literals, IRIs and comments: blanked out (same length) before the query's keywords are looked at.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
    r'"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*'|"
    r"<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n]*",
    re.S,
)  # fmt: skip
#: Keywords whose meaning changes when $this is joined rather than pre-bound (or that SHACL forbids).
_REFUSED = re.compile(
    r"(?<![\w:?$])(VALUES|MINUS|SERVICE|GRAPH|FROM|OPTIONAL|UNION|LIMIT|OFFSET|GROUP|HAVING|ORDER|COUNT|SUM|MIN|MAX|"
    r"AVG|SAMPLE|GROUP_CONCAT)(?![\w:])",
    re.I,
)
_SELECT = re.compile(r"(?<![\w:?$])SELECT(?![\w:])\s*(?:(?:DISTINCT|REDUCED)(?![\w:]))?", re.I)
_THIS = re.compile(r"[$?]this\b")
#: How pySHACL finds $this to pre-bind it (a query where it finds none runs with $this unbound).
_PYSHACL_THIS = re.compile(r"([\s{}()])[\$\?]this", re.M)


def _rewrite(select: str, classes: Sequence[Node]) -> tuple[str, frozenset[str] | None]:
    """``select`` run once for every focus node: ``$this`` as ``?this``, selected, and bound by the target pattern
    at the start of the outer WHERE group; and the variables the query selected (None for ``*``)."""
    masked = _OPAQUE.sub(lambda m: " " * len(m.group()), select)
    where = f"the SPARQL constraint {select.strip()[:60]!r}..."
    refused = _REFUSED.search(masked)
    if refused:
        raise UnsupportedShapes(f"{where} uses {refused.group(1).upper()}")
    if re.search(r"[$?](shapesGraph|currentShape|PATH|failure)\b", masked):
        raise UnsupportedShapes(f"{where} uses a variable SHACL binds other than $this")
    if re.search(r"(?<![\w:?$])AS\s+[$?]this\b", masked, re.I):
        raise UnsupportedShapes(f"{where} binds $this")
    if not _PYSHACL_THIS.search(select):
        raise UnsupportedShapes(f"{where} does not use $this as pySHACL pre-binds it")
    selects = list(_SELECT.finditer(masked))
    if len(selects) != 1:
        raise UnsupportedShapes(f"{where} has a nested SELECT")
    opening = masked.find("{", selects[0].end())
    if opening < 0:
        raise UnsupportedShapes(f"{where} has no WHERE group")
    for brace in re.finditer(r"\{", masked[opening + 1 :]):
        before = masked[: opening + 1 + brace.start()].rstrip()
        if not re.search(r"(?<![\w:?$])EXISTS$", before, re.I):
            raise UnsupportedShapes(f"{where} has a nested group other than EXISTS {{ }}")
    projection = masked[selects[0].end() : opening].strip()
    projection = re.sub(r"(?<![\w:?$])WHERE$", "", projection, flags=re.I).strip()
    selected: frozenset[str] | None
    if projection == "*":
        selected = None
    elif re.fullmatch(r"(?:[$?]\w+\s*)+", projection):
        selected = frozenset(v[1:] for v in projection.split())
        if not selected & {"this", "path", "value"}:
            raise UnsupportedShapes(f"{where} selects none of $this, ?path and ?value")
    else:
        raise UnsupportedShapes(f"{where} selects expressions")
    # the masked copy has the same length as the text: positions found in it hold in the text
    text = _substitute_this(select, masked)
    type_path = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
    patterns = [f"{{ ?this {type_path} <{c}> }}" for c in classes]
    target = f" ?this {type_path} <{classes[0]}> . " if len(patterns) == 1 else " " + " UNION ".join(patterns) + " "
    head = "" if selected is None or "this" in selected else " ?this"
    end = selects[0].end()
    text = text[:end] + head + text[end : opening + 1] + target + text[opening + 1 :]
    return text, selected


def _substitute_this(select: str, masked: str) -> str:
    """``$this`` written ``?this`` wherever it is a variable (not in a string, an IRI or a comment)."""
    pieces = []
    last = 0
    for match in _THIS.finditer(masked):
        pieces.append(select[last : match.start()] + "?this")
        last = match.end()
    return "".join(pieces) + select[last:]


def _read_predicates(query: str) -> frozenset[str] | None:
    """Every IRI ``query`` mentions, a superset of the predicates it reads; None when it can read any (a variable
    predicate or a negated property set)."""
    from rdflib.paths import NegatedPath, Path
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception as error:  # pyparsing's and rdflib's errors alike: not a query this module can read
        raise UnsupportedShapes(f"a SPARQL constraint cannot be parsed: {error}") from None
    found: set[str] = set()
    stack: list[Any] = [algebra]
    while stack:
        item = stack.pop()
        if isinstance(item, NegatedPath):
            return None
        if isinstance(item, URIRef):
            found.add(str(item))
        elif isinstance(item, Path):
            stack.extend(vars(item).values())
        elif isinstance(item, CompValue):
            triples = item.get("triples")
            if isinstance(triples, list):
                for triple in triples:
                    if not isinstance(triple, (list, tuple)) or len(triple) != 3 or isinstance(triple[1], Variable):
                        return None  # a predicate that is a variable (or a form this walk does not know)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return frozenset(found)


# ---------------------------------------------------------------------------------------------------------------
# Entry points


def compile_knowledge_shapes(shapes: Graph) -> KnowledgeShapes:
    """Compile ``shapes``; :class:`UnsupportedShapes` if they use anything this validator does not implement."""
    return KnowledgeShapes(_Compiler(shapes).targets())


@cache
def _bundled() -> KnowledgeShapes:
    graph = Graph().parse(data=bundled.read_text("careerkg.ontology", "knowledge-shapes.ttl"), format="turtle")
    return compile_knowledge_shapes(graph)


def check_knowledge(graph: Graph, shapes: Graph | None = None) -> list[Violation]:
    """The violations of ``graph`` (a knowledge base with its ontology) against ``shapes`` (careerkg's knowledge
    shapes by default), as :func:`careerkg.validation.shacl.validate_knowledge` reports them.
    :class:`UnsupportedShapes` when the shapes need pySHACL."""
    compiled = _bundled() if shapes is None else compile_knowledge_shapes(shapes)
    return compiled.validate(graph)

"""SHACL validation of profiles, of the knowledge base, and of careerkg's shapes themselves.

pySHACL is imported only when a validation runs: it is slow to import and most commands never need it.
"""

from __future__ import annotations

from dataclasses import dataclass

from careerkg.io.iris import WELL_FORMED_IRIS, malformed_statements, printable, well_formed_iri
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.model import term
from careerkg.vocab import RDF, SH, bind_prefixes
from rdflib import Graph
from rdflib.term import Node

__all__ = [
    "ValidationReport",
    "Violation",
    "combine",
    "validate_knowledge",
    "validate_profiles",
    "validate_shapes",
]


@dataclass(frozen=True)
class Violation:
    """One SHACL result, as a career coach reads it: what, which property, which value, and why."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: ``conforms``, the readable ``violations``, and the W3C SHACL report graph."""

    conforms: bool
    violations: tuple[Violation, ...]
    graph: Graph


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _report(conforms: bool, report: Graph) -> ValidationReport:
    violations = set()
    for result in report.objects(None, SH.result):
        violations.add(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=_text(report.value(result, SH.resultPath)),
                value=_text(report.value(result, SH.value)),
                message=str(report.value(result, SH.resultMessage) or "violates a SHACL constraint"),
                severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                shape=str(report.value(result, SH.sourceShape)),
            )
        )
    # One line per distinct problem: a value failing two constraints of one shape yields two identical results.
    ordered = sorted(violations, key=lambda v: (v.focus, v.path or "", v.value or "", v.message, v.shape))
    return ValidationReport(conforms=conforms, violations=tuple(ordered), graph=bind_prefixes(report))


def _validate(data: Graph, shapes: Graph) -> ValidationReport:
    from pyshacl import validate

    conforms, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_infos=True, allow_warnings=True
    )
    assert isinstance(report, Graph)
    return _report(bool(conforms), report)


def _shapes(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=bundled.read_text("careerkg.ontology", name), format="turtle")
    return graph


def validate_profiles(profiles: Graph, knowledge: Graph | None = None) -> ValidationReport:
    """Validate ``profiles`` against the profile shapes, with the knowledge that says which roles and skills
    exist (careerkg's own by default)."""
    data = Graph()
    data += knowledge if knowledge is not None else bundled.load([Part.ONTOLOGY, Part.KG])
    data += profiles
    report = _validate(data, _shapes("profile-shapes.ttl"))
    malformed = _malformed_iri_results(profiles, report.graph)
    return _report(False, report.graph) if malformed else report


def _malformed_iri_results(profiles: Graph, report: Graph) -> int:
    """Add to ``report`` a SHACL result for each thing the statements of ``profiles`` say that no RDF store
    would take (:func:`careerkg.io.iris.malformed_statements`): JSON-LD lets any string through as an
    ``@id``, which pySHACL does not check but every store refuses. Returns how many were added."""
    from rdflib import BNode, Literal, URIRef

    def named(iri: str, node: Node) -> Node:
        # A malformed IRI cannot be written as one (a Turtle report would not parse): it is given as text.
        return node if well_formed_iri(iri) else Literal(printable(iri))

    node = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    added = 0
    for subject in set(profiles.subjects()):
        focus = term(subject)
        assert type(focus) is str
        facts = {(str(p), term(o)) for p, o in profiles.predicate_objects(subject)}
        for found in malformed_statements(focus, facts):
            result = BNode()
            report.add((node or BNode(), SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, named(focus, subject)))
            if found.path is not None:
                report.add((result, SH.resultPath, named(found.path, URIRef(found.path))))
            if found.value is not None:
                report.add((result, SH.value, Literal(found.value)))
            report.add((result, SH.resultMessage, Literal(found.message)))
            report.add((result, SH.resultSeverity, SH.Violation))
            report.add((result, SH.sourceShape, URIRef(WELL_FORMED_IRIS)))
            added += 1
    if added and node is not None:
        report.set((node, SH.conforms, Literal(False)))
    # pySHACL's own results may name such IRIs too (sh:value <htt)s://x>): written as text, so that the report
    # is RDF any tool can read back.
    for subject, predicate, value in list(report):
        if isinstance(value, URIRef) and not well_formed_iri(str(value)):
            report.remove((subject, predicate, value))
            report.add((subject, predicate, Literal(str(value))))
    return added


def combine(reports: list[ValidationReport]) -> ValidationReport:
    """Several reports as one: conforms when all do, every result, one W3C report graph."""
    from rdflib import BNode, Literal

    graph = bind_prefixes(Graph())
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(all(r.conforms for r in reports))))
    for report in reports:
        for old in report.graph.subjects(RDF.type, SH.ValidationReport):
            for result in report.graph.objects(old, SH.result):
                graph.add((node, SH.result, result))
        for triple in report.graph:
            if triple[0] not in set(report.graph.subjects(RDF.type, SH.ValidationReport)):
                graph.add(triple)
    violations = tuple(v for r in reports for v in r.violations)
    return ValidationReport(all(r.conforms for r in reports), violations, graph)


def validate_knowledge(knowledge: Graph | None = None) -> ValidationReport:
    """Validate a knowledge base (by default careerkg's own, with its ontology) against the knowledge shapes."""
    data = bundled.load([Part.ONTOLOGY, Part.KG]) if knowledge is None else knowledge
    return _validate(data, _shapes("knowledge-shapes.ttl"))


def validate_shapes() -> ValidationReport:
    """Validate careerkg's shapes graphs against the W3C shapes for SHACL (pySHACL's bundled meta-SHACL)."""
    from pyshacl.entrypoints import meta_validate

    shapes = bundled.load([Part.SHAPES], Graph())
    conforms, report, _ = meta_validate(shapes, inference="none")
    assert isinstance(report, Graph)
    return _report(bool(conforms), report)

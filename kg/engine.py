"""The careerkg engine: knowledge, term index, catalogue and reasoner, built once and reused.

:meth:`Engine.evaluate` is the main job: validate profiles against the shapes, reason over the valid ones,
and assess each (eligible moves with explanations, gaps to the others). Invalid profiles get no answers,
only their violations; the valid profiles next to them are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from careerkg.catalogue import Catalogue
from careerkg.eligibility import Assessment, assess
from careerkg.knowledge import knowledge_graph
from careerkg.profiles import ProfileSet
from careerkg.reasoning import Reasoner
from careerkg.terms import TermIndex
from careerkg.validation import ValidationReport, Violation, validate_profiles
from careerkg.vocab import bind_prefixes
from rdflib import BNode, Graph, URIRef

__all__ = ["Engine", "Evaluation"]


@dataclass(frozen=True)
class Evaluation:
    """The outcome for a set of profiles."""

    #: Assessments of the valid profiles, in input order.
    assessments: tuple[Assessment, ...]
    #: Violations of each invalid profile (by IRI), in input order.
    invalid: dict[str, tuple[Violation, ...]]
    #: The triples inference derived for the valid profiles (``ck:meetsRequirement``, ``ck:eligibleFor``).
    derived: Graph
    #: The SHACL validation report over all profiles.
    report: ValidationReport


class Engine:
    """Everything careerkg answers with, loaded lazily: commands that need no inference never pay for it."""

    @cached_property
    def knowledge(self) -> Graph:
        """Ontology, knowledge base and alignments, as shipped (the reasoner adds the generated axioms)."""
        return knowledge_graph(axioms=False)

    @cached_property
    def terms(self) -> TermIndex:
        return TermIndex(self.knowledge)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue.from_graph(self.knowledge)

    @cached_property
    def reasoner(self) -> Reasoner:
        return Reasoner(self.knowledge)

    def evaluate(self, profiles: ProfileSet) -> Evaluation:
        """Validate, reason over the valid profiles, and assess each of them."""
        report = validate_profiles(profiles.graph)
        bad: dict[str, list[Violation]] = {}
        for violation in report.violations:
            bad.setdefault(violation.focus, []).append(violation)
        valid = [p for p in profiles.order if str(p) not in bad]
        valid_graph = _without_subjects(profiles.graph, {p for p in profiles.order if str(p) in bad})
        derived = self.reasoner.infer(valid_graph) if valid else bind_prefixes(Graph())
        assessments = tuple(assess(p, valid_graph, derived, self.catalogue) for p in valid)
        order = {str(p): i for i, p in enumerate(profiles.order)}
        invalid = {k: tuple(v) for k, v in sorted(bad.items(), key=lambda kv: order.get(kv[0], len(order)))}
        return Evaluation(assessments, invalid, derived, report)


def _without_subjects(graph: Graph, subjects: set[URIRef | BNode]) -> Graph:
    if not subjects:
        return graph
    kept = bind_prefixes(Graph())
    for triple in graph:
        if triple[0] not in subjects:
            kept.add(triple)
    return kept

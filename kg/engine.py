"""The careerkg engine: prepared knowledge, validation, a reasoner backend, and assessments.

:meth:`Engine.evaluate` is the main job: validate profiles against the shapes, reason over the valid ones,
and assess each (eligible moves with explanations, gaps to the others). Invalid profiles get no answers,
only their violations; the valid profiles next to them are unaffected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from careerkg.eligibility import Assessment, assess
from careerkg.io.profiles import RELATIVE_BASE, ProfileSet, literal_problem, printable, well_formed_iri
from careerkg.knowledge.catalogue import Catalogue
from careerkg.knowledge.names import TermIndex
from careerkg.model import Facts, Term, facts_to_graph, term
from careerkg.prepared import Prepared, load_prepared
from careerkg.reasoning import DEFAULT_REASONER
from careerkg.reasoning.backends import BACKENDS, Backend, CompiledBackend, OwlrlBackend, ReasonableBackend
from careerkg.validation.shacl import Violation
from careerkg.vocab import CK, RDF, bind_prefixes
from rdflib import Graph, Literal

__all__ = ["DEFAULT_REASONER", "Engine", "Evaluation", "merge_evaluations", "profile_facts"]

_TYPE = str(RDF.type)


@dataclass(frozen=True)
class Evaluation:
    """The outcome for a set of profiles."""

    #: Assessments of the valid profiles, in input order.
    assessments: tuple[Assessment, ...]
    #: Violations of each invalid profile (by IRI), in input order.
    invalid: dict[str, tuple[Violation, ...]]
    #: What inference derived for each valid profile (``ck:meetsRequirement``, ``ck:eligibleFor``).
    derived: dict[str, Facts] = field(default_factory=dict)

    def derived_graph(self) -> Graph:
        """The derived triples as an RDF graph."""
        return bind_prefixes(facts_to_graph(self.derived))


def profile_facts(profiles: ProfileSet) -> tuple[dict[str, Facts], dict[Term, set[Term]]]:
    """Each profile's facts, in input order, and the rdf:type statements the input makes about other nodes."""
    graph = profiles.graph
    facts: dict[str, Facts] = {}
    for subject in profiles.order:
        key = term(subject)
        assert type(key) is str
        facts[key] = {(str(p), term(o)) for p, o in graph.predicate_objects(subject)}
    others: dict[Term, set[Term]] = {}
    for s, o in graph.subject_objects(RDF.type):
        if term(s) not in facts:
            others.setdefault(term(s), set()).add(term(o))
    return facts, others


class Engine:
    """Everything careerkg answers with, loaded lazily: commands that need no inference never pay for it."""

    def __init__(self, reasoner: str = DEFAULT_REASONER) -> None:
        if reasoner not in BACKENDS:
            raise ValueError(f"unknown reasoner {reasoner!r} (choose from {', '.join(BACKENDS)})")
        self.reasoner_name = reasoner

    @cached_property
    def prepared(self) -> Prepared:
        return load_prepared()

    @cached_property
    def knowledge(self) -> Graph:
        """Ontology, knowledge base and alignments, as shipped (parsed only for commands that need RDF)."""
        from careerkg.knowledge.graphs import knowledge_graph

        return knowledge_graph(axioms=False)

    @property
    def terms(self) -> TermIndex:
        return self.prepared.terms

    @property
    def catalogue(self) -> Catalogue:
        return self.prepared.catalogue

    @cached_property
    def reasoner(self):  # type: ignore[no-untyped-def]  # the rdflib-level Reasoner, for whole-graph closures
        from careerkg.reasoning.closure import Reasoner

        return Reasoner(self.knowledge)

    @cached_property
    def backend(self) -> Backend:
        prepared = self.prepared
        name = self.reasoner_name
        if name == "compiled" and prepared.ontology is not None:
            return CompiledBackend(prepared.ontology, prepared.axioms_ntriples, list(prepared.rules))
        axioms = self.reasoner.axioms
        if name == "reasonable":
            return ReasonableBackend(axioms, list(prepared.rules))
        return OwlrlBackend(axioms, list(prepared.rules))

    def validate(self, profiles: Mapping[str, Facts], others: Mapping[Term, set[Term]]) -> dict[str, list[Violation]]:
        """Violations per invalid profile (compiled shapes; pySHACL when the shapes cannot be compiled). A
        profile whose identifier or statements are not well-formed IRIs is invalid too: RDF parsers let some
        through (JSON-LD takes any string as an @id), but no store or reasoner should be given them."""
        bad: dict[str, list[Violation]] = {}
        for subject, facts in profiles.items():
            malformed = _malformed_iris(subject, facts)
            if malformed:
                bad[subject] = malformed
        profiles = {s: f for s, f in profiles.items() if s not in bad}
        shapes = self.prepared.shapes
        if shapes is not None:
            for subject, facts in profiles.items():
                found = shapes.validate(subject, facts, others)
                if found:
                    bad[subject] = found
            return bad
        from careerkg.validation.shacl import validate_profiles

        graph = facts_to_graph({**profiles, **{str(s): {(_TYPE, t) for t in types} for s, types in others.items()}})
        for violation in validate_profiles(graph).violations:
            bad.setdefault(violation.focus, []).append(violation)
        return bad

    def evaluate_facts(
        self, profiles: Mapping[str, Facts], others: Mapping[Term, set[Term]] | None = None, gaps: bool = True
    ) -> Evaluation:
        """Validate, reason over the valid profiles, and assess each of them (input order is kept).
        ``gaps=False`` skips assessing the moves that are not open (faster when only eligibility matters)."""
        bad = self.validate(profiles, others or {})
        valid = {s: f for s, f in profiles.items() if s not in bad}
        derived = self.backend.infer(valid) if valid else {}
        assessments = tuple(assess(s, f, derived.get(s, set()), self.catalogue, gaps) for s, f in valid.items())
        invalid = {s: tuple(bad[s]) for s in profiles if s in bad}
        return Evaluation(assessments, invalid, derived)

    def evaluate(self, profiles: ProfileSet) -> Evaluation:
        facts, others = profile_facts(profiles)
        return self.evaluate_facts(facts, others)

    def evaluate_all(self, documents: list[ProfileSet]) -> Evaluation:
        """Evaluate each document on its own (profiles are never merged across documents), in order."""
        return merge_evaluations([self.evaluate(document) for document in documents])


def merge_evaluations(evaluations: list[Evaluation]) -> Evaluation:
    """Several evaluations as one, in order (an IRI invalid in any of them is listed once, with all its
    violations; use the evaluations themselves to tell documents apart)."""
    assessments: list[Assessment] = []
    invalid: dict[str, tuple[Violation, ...]] = {}
    derived: dict[str, Facts] = {}
    for evaluation in evaluations:
        assessments += evaluation.assessments
        for profile, violations in evaluation.invalid.items():
            invalid[profile] = invalid.get(profile, ()) + violations
        for profile, facts in evaluation.derived.items():
            derived.setdefault(profile, set()).update(facts)
    return Evaluation(tuple(assessments), invalid, derived)


def _malformed_iris(subject: str, facts: Facts) -> list[Violation]:
    found = []
    if not well_formed_iri(subject):
        message = "The profile's identifier (@id) is not a valid IRI."
        if subject.startswith(RELATIVE_BASE):
            message = (
                f"The profile's identifier {subject.removeprefix(RELATIVE_BASE)!r} is relative; give an absolute IRI."
            )
        found.append(Violation(subject, None, subject, message, "Violation", "urn:careerkg:well-formed-iris"))
    elif subject.startswith(str(CK)):
        message = (
            "The profile's identifier is a term of careerkg's own vocabulary; give the person an IRI of their own."
        )
        found.append(Violation(subject, None, subject, message, "Violation", "urn:careerkg:well-formed-iris"))
    for predicate, o in facts:
        p = str(predicate)
        if not well_formed_iri(p):
            found.append(Violation(subject, p, None, f"The property {p!r} is not a valid IRI.", "Violation",
                                   "urn:careerkg:well-formed-iris"))  # fmt: skip
        elif type(o) is str and not well_formed_iri(o):
            found.append(Violation(subject, p, printable(o), "The value is not a valid IRI.", "Violation",
                                   "urn:careerkg:well-formed-iris"))  # fmt: skip
        elif isinstance(o, Literal) and (problem := literal_problem(o)) is not None:
            message = f"The value is not one an RDF store takes: {problem}."
            found.append(Violation(subject, p, printable(str(o)), message, "Violation",
                                   "urn:careerkg:well-formed-iris"))  # fmt: skip
    return found

"""The answers careerkg gives, as result objects and as JSON, built in one place so that the Python API, the
command line and the HTTP API agree exactly.

``careerkg eligible --format json`` and ``POST /eligible`` both print :func:`eligible_report`, which is what
:meth:`Results.to_json` of :meth:`careerkg.Engine.eligible` gives; likewise ``gaps`` (:class:`GapReport`),
``path`` (:class:`PathReport`) and ``validate`` (:class:`Validation`, :func:`validation_report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

from careerkg.eligibility import Assessment, Move
from careerkg.errors import InvalidProfilesError
from careerkg.knowledge.catalogue import Catalogue
from careerkg.validation.shacl import ValidationReport, Violation
from rdflib import Graph, URIRef

if TYPE_CHECKING:
    from careerkg.inputs import Outcome
    from careerkg.paths import Route
    from careerkg.upskilling import GroupUpskilling, Upskilling

__all__ = [
    "Answer",
    "GapReport",
    "InvalidProfile",
    "PathReport",
    "Results",
    "Validation",
    "checked",
    "eligible_report",
    "gap_moves",
    "gaps_report",
    "group_report",
    "results_of",
    "validation_report",
    "violation_json",
]


class Answer(Protocol):
    """What every answer has: its JSON form, as the command line prints it."""

    def to_json(self) -> dict[str, Any]: ...


T = TypeVar("T", bound=Answer)


@dataclass(frozen=True)
class InvalidProfile:
    """A profile that fails the shapes: it gets no answer, only its violations."""

    #: The profile's IRI.
    profile: str
    #: The input it was read from (a path, ``-``, or the name the Python API gave it).
    input: str
    violations: tuple[Violation, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "input": self.input,
            "violations": [violation_json(v) for v in self.violations],
        }


@dataclass(frozen=True)
class Results(Sequence[T], Generic[T]):
    """The answers for the valid profiles, in input order (a sequence: ``results[0]``, ``len``, iteration),
    with everything that kept other profiles from an answer: nothing is dropped without a word."""

    answers: tuple[T, ...]
    #: Profiles that fail the shapes, with their violations.
    invalid: tuple[InvalidProfile, ...] = ()
    #: One line for each input, or record of an input, that could not be read (naming it).
    unreadable: tuple[str, ...] = ()
    #: One line for each input some of whose statements were not a profile's to make, and were left out.
    left_out: tuple[str, ...] = ()
    #: What inference derived for each valid profile (``ck:meetsRequirement``, ``ck:eligibleFor``), by IRI.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether every profile given was read and is valid."""
        return not self.invalid and not self.unreadable

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self.answers[index]

    def __len__(self) -> int:
        return len(self.answers)

    def __iter__(self) -> Iterator[T]:
        return iter(self.answers)

    def to_json(self, explain: bool = False) -> list[dict[str, Any]]:
        """The answers as the command line's ``--format json`` prints them (with ``explain``, as ``--explain``)."""
        return [a.to_json(explain) if isinstance(a, Assessment) else a.to_json() for a in self.answers]

    def problems_json(self) -> dict[str, Any]:
        """Everything that kept profiles from an answer, as JSON."""
        return {
            "invalid": [p.to_json() for p in self.invalid],
            "unreadable": list(self.unreadable),
            "leftOut": list(self.left_out),
        }


def eligible_report(assessments: Iterable[Assessment], explain: bool = False) -> list[dict[str, Any]]:
    """One object per valid profile: its current role and the roles it may move to next."""
    return [a.to_json(explain) for a in assessments]


def gap_moves(assessment: Assessment, target: URIRef | None) -> list[Move]:
    """The moves not yet open (closest first), or, with ``target``, the move into that role, open or not."""
    if target is None:
        return list(assessment.gaps)
    return [m for m in (*assessment.eligible, *assessment.gaps) if m.transition.to_role == target]


@dataclass(frozen=True)
class GapReport:
    """One profile's gaps: the moves not yet open (closest first), or with a target, the move into it; and,
    without a target, which single change opens which moves (:class:`careerkg.upskilling.Upskilling`)."""

    assessment: Assessment
    moves: tuple[Move, ...]
    #: Said when a target was asked for and no single move leads there (or it is the current role).
    note: str | None = None
    #: With a target no single move leads to: the shortest routes there (none when there is no route).
    routes: tuple[Route, ...] = ()
    #: The upskilling analysis (without a target).
    upskilling: Upskilling | None = None
    #: The target role asked for, if any.
    target: URIRef | None = None

    def to_json(self) -> dict[str, Any]:
        """The object ``careerkg gaps --format json`` prints for this profile."""
        a = self.assessment
        data: dict[str, Any] = {
            "profile": str(a.profile),
            "currentRole": str(a.current_role) if a.current_role else None,
            "currentRoleLabel": a.current_role_label,
            "gaps": [
                {**m.to_json(explain=False), "eligible": m.eligible, "missing": [r.to_json() for r in m.missing],
                 "requirements": [r.to_json() for r in m.requirements], "sections": list(m.transition.sections)}
                for m in self.moves
            ],
        }  # fmt: skip
        if self.note is not None:
            data["note"] = self.note
            data["target"] = str(self.target) if self.target is not None else None
            data["routes"] = [[str(role) for role in r.roles] for r in self.routes]
        if self.upskilling is not None:
            data.update(self.upskilling.to_json())
        return data


def gaps_report(
    assessments: Iterable[Assessment],
    catalogue: Catalogue,
    target: URIRef | None = None,
    upskilling: Sequence[Upskilling] | None = None,
) -> list[GapReport]:
    """For each profile: its moves that matter (see :func:`gap_moves`), and its upskilling analysis
    (``upskilling[i]`` belongs to the i-th assessment)."""
    from careerkg.paths import shortest_routes

    results = []
    for index, a in enumerate(assessments):
        moves = gap_moves(a, target)
        note = None
        routes: tuple[Route, ...] = ()
        if target is not None and not moves:
            goal = f"{catalogue.label(target)} ({catalogue.curie(target)})"
            if a.current_role == target:
                note = f"{goal} is already this client's current role: no move is needed"
            elif a.current_role is not None and (routes := tuple(shortest_routes(catalogue, a.current_role, target))):
                steps = len(routes[0].steps)
                via = " -> ".join(catalogue.label(role) for role in routes[0].roles)
                more = f" ({len(routes)} such routes)" if len(routes) > 1 else ""
                note = (
                    f"no single move leads from {a.current_role_label} to {goal}; "
                    f"the shortest route takes {steps} moves: {via}{more}"
                )
            else:
                note = (
                    f"no move, and no route of moves, leads from {a.current_role_label} to {goal} "
                    "in careerkg's knowledge"
                )
        analysis = upskilling[index] if upskilling is not None else None
        results.append(GapReport(a, tuple(moves), note, routes, analysis, target))
    return results


def group_report(analyses: Iterable[GapReport]) -> GroupUpskilling:
    """The upskilling analyses of a group's profiles, summed per change (reports made with a target have
    none: a ValueError)."""
    from careerkg.upskilling import group_upskilling

    reports = list(analyses)
    if any(r.upskilling is None for r in reports):
        raise ValueError("a group's upskilling analysis needs gap reports made without a target")
    return group_upskilling(r.upskilling for r in reports if r.upskilling is not None)


@dataclass(frozen=True)
class PathReport:
    """The shortest routes from one role to another; from a profile's current role, with which requirements
    the profile already meets."""

    start: URIRef
    goal: URIRef
    routes: tuple[Route, ...]
    catalogue: Catalogue = field(repr=False, compare=False)
    #: The profile's IRI, when the routes start from a profile.
    profile: str | None = None
    #: The requirements the profile meets now (None without a profile).
    met: frozenset[URIRef] | None = None

    @property
    def found(self) -> bool:
        """Whether there is a route (there is none when the roles are the same or the goal is out of reach)."""
        return bool(self.routes)

    def to_json(self) -> dict[str, Any]:
        """The object ``careerkg path --format json`` prints."""
        from careerkg.paths import route_json

        catalogue = self.catalogue
        return {
            "from": str(self.start), "fromLabel": catalogue.label(self.start), "to": str(self.goal),
            "toLabel": catalogue.label(self.goal), "profile": self.profile,
            "routes": [route_json(r, catalogue, set(self.met) if self.met is not None else None) for r in self.routes],
        }  # fmt: skip


def violation_json(violation: Violation) -> dict[str, Any]:
    return {
        "profile": violation.focus,
        "property": violation.path,
        "value": violation.value,
        "message": violation.message,
        "severity": violation.severity,
    }


def validation_report(report: ValidationReport) -> dict[str, Any]:
    """Whether every profile conforms, and each violation (profile, property, value, message, severity)."""
    return {"conforms": report.conforms, "violations": [violation_json(v) for v in report.violations]}


@dataclass(frozen=True)
class Validation:
    """SHACL validation of profile inputs by pySHACL: each input's report, and what could not be read."""

    #: (input name, its report), in input order.
    documents: tuple[tuple[str, ValidationReport], ...]
    #: All of them as one report (one W3C validation report graph).
    report: ValidationReport
    #: One line for each input, or record, that could not be read.
    unreadable: tuple[str, ...] = ()
    #: One line for each input that stated some of careerkg's knowledge (left out: not a profile's to say).
    knowledge: tuple[str, ...] = ()

    @property
    def conforms(self) -> bool:
        """Whether every profile read conforms to the shapes and the inputs said nothing but profiles (see
        :attr:`unreadable` for what was not read)."""
        return self.report.conforms and not self.knowledge

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Each violation, as a coach reads it: profile, property, value, message."""
        return self.report.violations

    @property
    def graph(self) -> Graph:
        """The W3C SHACL validation report."""
        return self.report.graph

    def to_json(self) -> dict[str, Any]:
        """The object ``careerkg validate --format json`` prints."""
        data = validation_report(self.report)
        if self.knowledge:
            data["conforms"] = False
            data["leftOut"] = list(self.knowledge)
        return data


def results_of(outcome: Outcome, answers: Iterable[T]) -> Results[T]:
    """``answers`` with everything the evaluation of the inputs found besides them."""
    invalid = tuple(
        InvalidProfile(profile, document.name, violations)
        for document in outcome.documents
        for profile, violations in document.evaluation.invalid.items()
    )
    left_out = tuple(line for document in outcome.documents for line in document.left_out)
    return Results(tuple(answers), invalid, tuple(outcome.unreadable), left_out, outcome.evaluation.derived)


def checked(results: Results[T], errors: str) -> Results[T]:
    """``results``, when every profile was answered or ``errors`` is ``"report"``; otherwise (``"raise"``)
    :class:`~careerkg.errors.InvalidProfilesError`, holding them, with a one-line summary."""
    if errors not in {"raise", "report"}:
        raise ValueError(f"errors must be 'raise' or 'report', not {errors!r}")
    if errors == "report" or results.ok:
        return results
    parts = []
    if results.unreadable:
        count = len(results.unreadable)
        parts.append(f"{count} input{'s' if count != 1 else ''} or record{'s' if count != 1 else ''} could not be read")
    if results.invalid:
        count = len(results.invalid)
        parts.append(f"{count} profile{'s' if count != 1 else ''} failed validation and got no answer")
    first = results.unreadable[0] if results.unreadable else _first_violation(results.invalid[0])
    message = f"{'; '.join(parts)} (first: {first}); the error's .results holds every answer and problem"
    raise InvalidProfilesError(message, results, unreadable=bool(results.unreadable))


def _first_violation(invalid: InvalidProfile) -> str:
    v = invalid.violations[0] if invalid.violations else None
    return f"{invalid.profile} ({invalid.input}): {v.message if v else 'invalid'}"

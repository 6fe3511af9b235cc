"""Upskilling analysis (after Nesta's *Mapping Career Causeways*): which single change to a profile, one more
skill or one threshold met ("at least two products managed", "at least four years in the current role"),
opens which moves, and which moves are exactly one essential requirement away.

Nothing here is guessed from the requirement data: each candidate change is made on a copy of the profile's
statements and the copy is evaluated by the engine that answers ``eligible`` (shapes, inference and all); a move
opens when the copy is eligible for it and the profile is not. The candidates are the changes that meet a
requirement some move out of the current role misses: the catalogue's skill it names, each skill of the
category it names, or the threshold's minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from careerkg.eligibility import Assessment, Move, RequirementStatus
from careerkg.errors import CareerkgError
from careerkg.knowledge.catalogue import Catalogue
from careerkg.model import Facts, Term
from careerkg.vocab import CK
from rdflib import Literal, URIRef

if TYPE_CHECKING:
    from careerkg.engine import Evaluation

__all__ = [
    "Change",
    "GroupChange",
    "GroupUpskilling",
    "NearMiss",
    "Opening",
    "Upskilling",
    "changes_for",
    "group_upskilling",
    "upskilling",
]

_HAS_SKILL = str(CK.hasSkill)

#: What evaluates profiles' statements (``Engine.evaluate_facts``): statements by subject, the rdf:type
#: statements the input makes about other nodes, and whether to assess the moves not open.
Evaluate = Callable[[Mapping[str, Facts], Mapping[Term, set[Term]], bool], "Evaluation"]


@dataclass(frozen=True, order=True)
class Change:
    """One change to a profile: a skill learnt, or a threshold requirement met."""

    #: ``"skill"`` or ``"threshold"``.
    kind: str
    #: The skill's IRI, or the threshold requirement's.
    iri: URIRef
    #: The skill's label, or the requirement's ("at least two products managed").
    label: str

    def describe(self) -> str:
        """The change in words: ``learning coding``, ``meeting: at least two products managed``."""
        return f"learning {self.label}" if self.kind == "skill" else f"meeting: {self.label}"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "iri": str(self.iri), "label": self.label}


@dataclass(frozen=True)
class Opening:
    """A change, and the moves it alone would open for one profile (none, when it meets a requirement but
    leaves others missing)."""

    change: Change
    moves: tuple[Move, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.change.to_json(),
            "opens": len(self.moves),
            "moves": [{"role": str(m.transition.to_role), "label": m.role_label} for m in self.moves],
        }


@dataclass(frozen=True)
class NearMiss:
    """A move exactly one essential requirement away."""

    move: Move
    requirement: RequirementStatus

    def to_json(self) -> dict[str, Any]:
        return {
            "role": str(self.move.transition.to_role),
            "label": self.move.role_label,
            "requirement": str(self.requirement.requirement),
            "requirementLabel": self.requirement.label,
        }


@dataclass(frozen=True)
class Upskilling:
    """One profile's upskilling analysis: every single change that meets a missing requirement, ranked by the
    moves it opens (most first, then by label), and the near misses."""

    assessment: Assessment
    openings: tuple[Opening, ...]
    near_misses: tuple[NearMiss, ...]

    @property
    def opening(self) -> tuple[Opening, ...]:
        """The changes that open at least one move."""
        return tuple(o for o in self.openings if o.moves)

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": [o.to_json() for o in self.openings],
            "nearMisses": [n.to_json() for n in self.near_misses],
        }


def changes_for(assessment: Assessment, asserted: Facts, catalogue: Catalogue) -> list[Change]:
    """The single changes that meet some essential requirement a move out of the current role misses."""
    held = {o for p, o in asserted if p == _HAS_SKILL}
    found: set[Change] = set()
    for move in assessment.gaps:
        for status in move.missing:
            requirement = catalogue.requirements.get(status.requirement)
            if requirement is None:
                raise CareerkgError(f"{status.requirement}: a requirement careerkg's knowledge does not describe")
            if requirement.kind == "skill" and requirement.skill is not None:
                skills = [requirement.skill]
            elif requirement.kind == "category" and requirement.category is not None:
                skills = [s for s, skill in catalogue.skills.items() if skill.category == requirement.category]
            elif requirement.kind == "threshold":
                found.add(Change("threshold", requirement.iri, requirement.label))
                continue
            else:
                raise CareerkgError(f"{status.requirement}: a requirement of no kind careerkg can change for")
            found.update(Change("skill", s, catalogue.label(s)) for s in skills if str(s) not in held)
    return sorted(found, key=lambda c: (c.kind, c.label, str(c.iri)))


def changed(asserted: Facts, change: Change, catalogue: Catalogue) -> Facts:
    """A copy of a profile's statements with ``change`` made: the skill added, or the threshold's property
    set to its minimum (every value it had replaced)."""
    if change.kind == "skill":
        return {*asserted, (_HAS_SKILL, str(change.iri))}
    requirement = catalogue.requirements[change.iri]
    if requirement.property is None or requirement.minimum is None:
        raise CareerkgError(f"{change.iri}: a threshold requirement without a property and a minimum")
    prop = str(requirement.property)
    minimum = requirement.minimum
    value = Literal(int(minimum)) if minimum == minimum.to_integral_value() else Literal(Decimal(minimum))
    return {(p, o) for p, o in asserted if p != prop} | {(prop, value)}


def upskilling(
    assessments: Sequence[Assessment],
    asserted: Sequence[Facts],
    others: Mapping[Term, set[Term]],
    evaluate: Evaluate,
    catalogue: Catalogue,
) -> list[Upskilling]:
    """The analysis of each assessed profile (``asserted[i]`` is the statements ``assessments[i]`` was made
    from; ``others``, the rdf:type statements their input makes about other nodes): every candidate change is
    evaluated, all in one call of ``evaluate``."""
    variants: dict[str, Facts] = {}
    plans: list[list[tuple[Change, str]]] = []
    for index, (assessment, facts) in enumerate(zip(assessments, asserted, strict=True)):
        plan = []
        for number, change in enumerate(changes_for(assessment, facts, catalogue)):
            subject = f"urn:careerkg:upskilling:{index}:{number}"
            variants[subject] = changed(facts, change, catalogue)
            plan.append((change, subject))
        plans.append(plan)
    evaluation = evaluate(variants, others, True) if variants else None
    if evaluation is not None and evaluation.invalid:
        subject, violations = next(iter(evaluation.invalid.items()))
        what = violations[0].message if violations else "invalid"
        raise CareerkgError(f"a changed copy of a profile failed validation ({subject}: {what})")
    evaluated = {a.profile: a for a in evaluation.assessments} if evaluation is not None else {}
    results = []
    for assessment, plan in zip(assessments, plans, strict=True):
        open_now = {m.transition.to_role for m in assessment.eligible}
        openings = []
        for change, subject in plan:
            copy = evaluated[subject]
            moves = tuple(m for m in copy.eligible if m.transition.to_role not in open_now)
            openings.append(Opening(change, moves))
        openings.sort(key=lambda o: (-len(o.moves), o.change.label, str(o.change.iri)))
        near = tuple(NearMiss(m, m.missing[0]) for m in assessment.gaps if len(m.missing) == 1)
        results.append(Upskilling(assessment, tuple(openings), near))
    return results


@dataclass(frozen=True)
class GroupChange:
    """One change across a group: the profiles it opens at least one move for, and the moves in all."""

    change: Change
    #: The profiles (IRIs, in input order) it opens at least one move for.
    profiles: tuple[str, ...]
    #: The moves it opens, summed over those profiles.
    moves: int

    def to_json(self) -> dict[str, Any]:
        return {**self.change.to_json(), "profiles": len(self.profiles), "moves": self.moves,
                "profileIris": list(self.profiles)}  # fmt: skip


@dataclass(frozen=True)
class GroupUpskilling:
    """The upskilling analysis of a group of profiles: each change that opens a move for any of them, ranked
    by the profiles it helps (most first), then the moves it opens, then its label."""

    #: How many valid profiles were analysed (the invalid and unreadable ones are the results' problems).
    profiles: int
    changes: tuple[GroupChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {"profiles": self.profiles, "changes": [c.to_json() for c in self.changes]}


def group_upskilling(analyses: Iterable[Upskilling]) -> GroupUpskilling:
    """Each profile's analysis, summed per change."""
    helped: dict[Change, list[str]] = {}
    moves: dict[Change, int] = {}
    count = 0
    for analysis in analyses:
        count += 1
        for opening in analysis.opening:
            helped.setdefault(opening.change, []).append(analysis.assessment.profile)
            moves[opening.change] = moves.get(opening.change, 0) + len(opening.moves)
    changes = [GroupChange(c, tuple(p), moves[c]) for c, p in helped.items()]
    changes.sort(key=lambda g: (-len(g.profiles), -g.moves, g.change.label, str(g.change.iri)))
    return GroupUpskilling(count, tuple(changes))

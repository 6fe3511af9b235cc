"""Eligible next roles, with explanations, and the gaps to the moves not yet open.

Eligibility itself comes from inference (``ck:eligibleFor``, derived by :class:`careerkg.reasoning.Reasoner`);
which requirements a profile meets comes from inference too (``ck:meetsRequirement``). This module only
gathers, for each answer, the transition it rests on, the profile fact that met each requirement, and the
source section: the explanation a person can check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from careerkg.catalogue import Catalogue, Requirement, Transition
from careerkg.vocab import CK
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["Assessment", "Fact", "Move", "RequirementStatus", "assess"]


@dataclass(frozen=True)
class Fact:
    """A statement of the profile that meets a requirement, e.g. ``ck:hasSkill ck:Coding``."""

    property: str
    value: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {"property": self.property, "value": self.value, "label": self.label}


@dataclass(frozen=True)
class RequirementStatus:
    requirement: URIRef
    label: str
    essential: bool
    met: bool
    met_by: tuple[Fact, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "requirement": str(self.requirement),
            "label": self.label,
            "essential": self.essential,
            "met": self.met,
            "metBy": [f.to_json() for f in self.met_by],
        }


@dataclass(frozen=True)
class Move:
    """One transition, assessed for one profile."""

    transition: Transition
    role_label: str
    requirements: tuple[RequirementStatus, ...]
    eligible: bool
    source_label: str

    @property
    def essential(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if r.essential]

    @property
    def optional(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if not r.essential]

    @property
    def missing(self) -> list[RequirementStatus]:
        return [r for r in self.essential if not r.met]

    @property
    def score(self) -> dict[str, int]:
        return {
            "essentialMet": sum(r.met for r in self.essential),
            "essentialTotal": len(self.essential),
            "optionalMet": sum(r.met for r in self.optional),
            "optionalTotal": len(self.optional),
        }

    def closeness(self) -> tuple[float, int, int, str]:
        """Sort key, closest first: share of essentials met, fewest missing, most optionals met, label."""
        s = self.score
        share = s["essentialMet"] / s["essentialTotal"] if s["essentialTotal"] else 1.0
        return (-share, len(self.missing), -s["optionalMet"], self.role_label)

    def to_json(self, explain: bool = True) -> dict[str, Any]:
        t = self.transition
        data: dict[str, Any] = {
            "role": str(t.to_role),
            "label": self.role_label,
            "transition": str(t.iri),
            "transitionLabel": t.label,
            "score": self.score,
        }
        if explain:
            data["requirements"] = [r.to_json() for r in self.requirements]
            data["provenance"] = {
                "source": str(t.source) if t.source else None,
                "sourceTitle": self.source_label,
                "sections": list(t.sections),
                "justification": t.justification,
                "derivedFrom": str(t.derived_from) if t.derived_from else None,
            }
        return data


@dataclass(frozen=True)
class Assessment:
    """Everything careerkg says about one valid profile: eligible moves and the gaps to the others."""

    profile: Node
    current_role: URIRef | None
    current_role_label: str | None
    eligible: tuple[Move, ...]
    gaps: tuple[Move, ...]

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        return {
            "profile": str(self.profile),
            "currentRole": str(self.current_role) if self.current_role else None,
            "currentRoleLabel": self.current_role_label,
            "eligible": [m.to_json(explain) for m in self.eligible],
        }

    def gaps_json(self) -> dict[str, Any]:
        return {
            "profile": str(self.profile),
            "currentRole": str(self.current_role) if self.current_role else None,
            "currentRoleLabel": self.current_role_label,
            "gaps": [
                {
                    **m.to_json(explain=False),
                    "missing": [r.to_json() for r in m.missing],
                    "requirements": [r.to_json() for r in m.requirements],
                }
                for m in self.gaps
            ],  # fmt: skip
        }


def facts_meeting(requirement: Requirement, profile: Node, profiles: Graph, catalogue: Catalogue) -> list[Fact]:
    """The profile's statements that meet ``requirement`` (what a person would point at)."""
    facts: list[Fact] = []
    if requirement.kind == "skill" and requirement.skill is not None:
        if (profile, CK.hasSkill, requirement.skill) in profiles:
            facts.append(
                Fact(str(CK.hasSkill), str(requirement.skill), f"has skill: {catalogue.label(requirement.skill)}")
            )
    elif requirement.kind == "category" and requirement.category is not None:
        for skill in sorted(s for s in profiles.objects(profile, CK.hasSkill) if isinstance(s, URIRef)):
            known = catalogue.skills.get(skill)
            if known is not None and known.category == requirement.category:
                facts.append(Fact(str(CK.hasSkill), str(skill), f"has skill: {known.label} ({known.category_label})"))
    elif requirement.kind == "threshold" and requirement.property is not None and requirement.minimum is not None:
        for value in profiles.objects(profile, requirement.property):
            if isinstance(value, Literal) and _at_least(value, requirement.minimum):
                label = f"{catalogue.label(requirement.property)}: {value}"
                facts.append(Fact(str(requirement.property), str(value), label))
    return facts


def _at_least(value: Literal, minimum: Any) -> bool:
    try:
        return bool(value.toPython() >= minimum)
    except TypeError:
        try:
            return float(value.toPython()) >= float(minimum)
        except (TypeError, ValueError):
            return False


def _move(transition: Transition, profile: Node, profiles: Graph, derived: Graph, catalogue: Catalogue) -> Move:
    met = set(derived.objects(profile, CK.meetsRequirement))
    statuses = []
    for essential, group in ((True, transition.essential), (False, transition.optional)):
        for req_iri in group:
            requirement = catalogue.requirements.get(req_iri)
            is_met = req_iri in met
            facts = facts_meeting(requirement, profile, profiles, catalogue) if requirement and is_met else []
            statuses.append(RequirementStatus(req_iri, catalogue.label(req_iri), essential, is_met, tuple(facts)))
    eligible = (profile, CK.eligibleFor, transition.to_role) in derived
    source_label = catalogue.source_title if transition.source else ""
    return Move(transition, catalogue.label(transition.to_role), tuple(statuses), eligible, source_label)


def assess(profile: Node, profiles: Graph, derived: Graph, catalogue: Catalogue) -> Assessment:
    """Assess one profile from its asserted triples (``profiles``) and what inference derived (``derived``)."""
    current = profiles.value(profile, CK.currentRole)
    current_role = current if isinstance(current, URIRef) else None
    outgoing = catalogue.outgoing.get(current_role, []) if current_role else []
    moves = [_move(t, profile, profiles, derived, catalogue) for t in outgoing]
    eligible_roles = {o for o in derived.objects(profile, CK.eligibleFor) if isinstance(o, URIRef)}
    eligible = sorted((m for m in moves if m.transition.to_role in eligible_roles), key=lambda m: m.role_label)
    gaps = sorted((m for m in moves if m.transition.to_role not in eligible_roles), key=Move.closeness)
    return Assessment(
        profile,
        current_role,
        catalogue.label(current_role) if current_role else None,
        tuple(eligible),
        tuple(gaps),
    )

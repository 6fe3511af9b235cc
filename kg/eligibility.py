"""Eligible next roles, with explanations, and the gaps to the moves not yet open.

Eligibility itself comes from inference (``ck:eligibleFor``, derived by :class:`careerkg.reasoning.closure.Reasoner`);
which requirements a profile meets comes from inference too (``ck:meetsRequirement``). This module only
gathers, for each answer, the transition it rests on, the profile fact that met each requirement, and the
source section: the explanation a person can check.

Eligibility can also be computed inside a SPARQL store (careerkg's on-disk store or any SPARQL 1.1 server):
:func:`assess_in_dataset` runs the portable queries ``eligible`` and ``met-requirements`` there, so the store's
engine decides from the data it holds, with no reasoner; each profile's statements (``profile-facts``) are
fetched only to label, score and explain those answers with the catalogue, so the JSON is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from careerkg.io.profiles import name_in_facts
from careerkg.knowledge import bundled
from careerkg.knowledge.catalogue import Catalogue, Requirement, Transition
from careerkg.model import Facts, term
from careerkg.vocab import CK
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "Assessment",
    "Fact",
    "Move",
    "RequirementStatus",
    "SparqlDataset",
    "assess",
    "assess_in_dataset",
    "for_profiles",
]


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
    """One requirement of a move, for one profile: essential or optional, met or not, and the profile's
    statements that meet it."""

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

    profile: str
    current_role: URIRef | None
    current_role_label: str | None
    eligible: tuple[Move, ...]
    #: The moves not yet open, closest first; empty where only eligibility was asked for (streamed batches and
    #: answers from a store assess the open moves alone, for speed: :meth:`careerkg.Engine.gaps` has them all).
    gaps: tuple[Move, ...]
    #: How many transitions lead out of the current role at all (0: a role the source names no moves from).
    moves_out: int = 0
    #: Every requirement inference says the profile meets (IRIs), whichever move it belongs to.
    met: frozenset[str] = frozenset()
    #: The person's name, where the profile gives one (``name`` in plain JSON, ``foaf:name``, ``schema:name``).
    name: str | None = None
    #: Where in its input the profile was read (``team.json[2]``, ``team.jsonl:3``), where known.
    location: str | None = None

    @property
    def title(self) -> str:
        """How text answers name the profile: the person's name; else, for a record without ``@id``, where
        it was read and the IRI careerkg gave it; else its IRI."""
        if self.name:
            return self.name
        if self.location and self.profile.startswith("urn:careerkg:profile:"):
            return f"{self.location} ({self.profile})"
        return self.profile

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        """The object ``careerkg eligible --format json`` prints (with ``explain``, as ``--explain``)."""
        named = {"name": self.name} if self.name else {}
        return {
            "profile": str(self.profile),
            **named,
            "currentRole": str(self.current_role) if self.current_role else None,
            "currentRoleLabel": self.current_role_label,
            "eligible": [m.to_json(explain) for m in self.eligible],
        }


_HAS_SKILL = str(CK.hasSkill)
_CURRENT_ROLE = str(CK.currentRole)
_MEETS = str(CK.meetsRequirement)
_ELIGIBLE = str(CK.eligibleFor)


def facts_meeting(requirement: Requirement, asserted: Facts, catalogue: Catalogue) -> list[Fact]:
    """The profile's statements (``asserted``, as (predicate, object) pairs) that meet ``requirement``:
    what a person would point at."""
    facts: list[Fact] = []
    if requirement.kind == "skill" and requirement.skill is not None:
        if (_HAS_SKILL, str(requirement.skill)) in asserted:
            label = f"has skill: {catalogue.label(requirement.skill)}"
            facts.append(Fact(_HAS_SKILL, str(requirement.skill), label))
    elif requirement.kind == "category" and requirement.category is not None:
        for skill in sorted(str(o) for p, o in asserted if p == _HAS_SKILL and type(o) is str):
            known = catalogue.skills.get(URIRef(skill))
            if known is not None and known.category == requirement.category:
                facts.append(Fact(_HAS_SKILL, skill, f"has skill: {known.label} ({known.category_label})"))
    elif requirement.kind == "threshold" and requirement.property is not None and requirement.minimum is not None:
        prop = str(requirement.property)
        for p, value in sorted(asserted, key=str):
            if p == prop and isinstance(value, Literal) and _at_least(value, requirement.minimum):
                number = number_text(value)
                facts.append(Fact(prop, number, f"{catalogue.label(requirement.property)}: {number}"))
    return facts


def number_text(value: Literal) -> str:
    """A number as one text whatever wrote it: ``9``, ``9.0`` and ``9.00`` are all ``9``, ``4.50`` is ``4.5``
    (stores keep numbers in their own canonical forms, so the lexical form a profile gave does not survive)."""
    python = value.toPython()
    if isinstance(python, bool) or not isinstance(python, (int, Decimal)):
        return str(value)
    if isinstance(python, int):
        return str(python)
    return format(python.normalize(), "f") if python.is_finite() else str(value)


def _at_least(value: Literal, minimum: Any) -> bool:
    try:
        return bool(value.toPython() >= minimum)
    except TypeError:
        try:
            return float(value.toPython()) >= float(minimum)
        except (TypeError, ValueError):
            return False


def _move(transition: Transition, asserted: Facts, derived: Facts, catalogue: Catalogue) -> Move:
    met = {o for p, o in derived if p == _MEETS}
    statuses = []
    for essential, group in ((True, transition.essential), (False, transition.optional)):
        for req_iri in group:
            requirement = catalogue.requirements.get(req_iri)
            is_met = str(req_iri) in met
            facts = facts_meeting(requirement, asserted, catalogue) if requirement and is_met else []
            statuses.append(RequirementStatus(req_iri, catalogue.label(req_iri), essential, is_met, tuple(facts)))
    eligible = (_ELIGIBLE, str(transition.to_role)) in derived
    source_label = catalogue.source_title(transition.source)
    return Move(transition, catalogue.label(transition.to_role), tuple(statuses), eligible, source_label)


def assess(profile: str, asserted: Facts, derived: Facts, catalogue: Catalogue, gaps: bool = True) -> Assessment:
    """Assess one profile from its asserted facts and what inference derived for it, both as
    (predicate, object) pairs with IRIs as plain strings (see :mod:`careerkg.reasoning.compiled`). With
    ``gaps=False`` only the eligible moves are assessed (the gaps come back empty), which is faster."""
    roles = sorted(str(o) for p, o in asserted if p == _CURRENT_ROLE and type(o) is str)
    current_role = URIRef(roles[0]) if len(roles) == 1 else None
    outgoing = catalogue.outgoing.get(current_role, []) if current_role else []
    moves_out = len(outgoing)
    if not gaps:
        open_roles = {o for p, o in derived if p == _ELIGIBLE}
        outgoing = [t for t in outgoing if str(t.to_role) in open_roles]
    moves = [_move(t, asserted, derived, catalogue) for t in outgoing]
    eligible = sorted((m for m in moves if m.eligible), key=lambda m: m.role_label)
    missing = sorted((m for m in moves if not m.eligible), key=Move.closeness)
    return Assessment(
        profile,
        current_role,
        catalogue.label(current_role) if current_role else None,
        tuple(eligible),
        tuple(missing),
        moves_out,
        frozenset(str(o) for p, o in derived if p == _MEETS),
        name_in_facts(asserted),
    )


#: Everything a store holds about moves, their requirements, roles, skills and sources: what is needed to label
#: and explain answers about knowledge careerkg's own catalogue does not have.
_KNOWLEDGE_HELD = """
PREFIX ck: <https://w3id.org/careerkg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?node ?p ?o
WHERE {
  { ?node a ck:Transition } UNION { ?node a ck:Role } UNION { ?node a ck:Requirement }
  UNION { ?node a ck:SkillRequirement } UNION { ?node a ck:SkillCategoryRequirement }
  UNION { ?node a ck:ThresholdRequirement } UNION { ?t a ck:Transition ; <http://purl.org/dc/terms/source> ?node }
  UNION { ?r ck:requiredSkill ?node } UNION { ?category rdfs:subClassOf ck:Skill . ?node a ?category }
  UNION { ?node rdfs:subClassOf ck:Skill }
  ?node ?p ?o .
}
"""

#: The next profiles a store holds (anything with a current role, as the profile-facts query finds them), in
#: the order of their IRIs' strings (selected, so that a cut page can be paged too), after a given one: pages by
#: key, as a server that caps sorted answers (Virtuoso sorts no more than its row cap, whatever the OFFSET) can
#: give them.
_PROFILES_AFTER = """
PREFIX ck: <https://w3id.org/careerkg#>
SELECT DISTINCT ?profile (STR(?profile) AS ?key)
WHERE {{ ?profile ck:currentRole ?current . FILTER (isIRI(?profile) && STR(?profile) > {after}) }}
ORDER BY ?key LIMIT {limit}
"""

#: Whether a store holds a profile that is a blank node (which no query can name).
_ANONYMOUS_PROFILES = """
PREFIX ck: <https://w3id.org/careerkg#>
SELECT (COUNT(DISTINCT ?profile) AS ?n) WHERE { ?profile ck:currentRole ?current . FILTER (isBlank(?profile)) }
"""

#: Every statement about some profiles: the profile-facts query's pattern, as rows.
_PROFILE_STATEMENTS = """
PREFIX ck: <https://w3id.org/careerkg#>
SELECT ?profile ?property ?value
WHERE {
  ?profile ck:currentRole ?current ;
           ?property ?value .
}
"""

#: Profiles asked about in one round of queries: small enough that each answer stays well under the row caps
#: servers set (Virtuoso's default is 10,000), so that it seldom needs a second page.
BATCH = 500


class SparqlDataset(Protocol):
    """What :func:`assess_in_dataset` needs of a store: every solution of a SELECT query (never a cut answer)."""

    def select(self, query: str) -> list[dict[str, Node]]: ...


def for_profiles(query: str, profiles: list[URIRef]) -> str:
    """``query`` restricted to ``profiles``: a ``VALUES ?profile`` block opening its WHERE clause, where every
    SPARQL engine evaluates it before the rest (a trailing block, joined after grouping and unions, is not
    evaluated alike by all of them)."""
    block = "VALUES ?profile { " + " ".join(p.n3() for p in profiles) + " }\n"
    where = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE)
    if where is None:
        raise ValueError("the query has no WHERE clause to restrict")
    return query[: where.end()] + "\n  " + block + query[where.end() :]


def assess_in_dataset(dataset: SparqlDataset, catalogue: Catalogue, gaps: bool = False) -> tuple[Assessment, ...]:
    """Assess every profile the dataset holds, by the queries run inside it, a batch of profiles at a time;
    profiles sorted by IRI. A profile held as a blank node cannot be named in a query: it is an error, not
    left out."""
    from careerkg.errors import IncompleteAnswerError

    anonymous = int(str(dataset.select(_ANONYMOUS_PROFILES)[0].get("n", 0)))
    if anonymous:
        raise IncompleteAnswerError(
            f"{anonymous} profile(s) in the store are blank nodes, which a query cannot name; give each profile "
            "an IRI (careerkg gives one to every profile it stores)"
        )
    eligible, met = bundled.query_text("eligible"), bundled.query_text("met-requirements")
    asserted: dict[str, Facts] = {}
    derived: dict[str, Facts] = {}
    after = Literal("")
    while True:
        rows = dataset.select(_PROFILES_AFTER.format(after=after.n3(), limit=BATCH))
        batch: list[URIRef] = [p for row in rows if isinstance(p := row.get("profile"), URIRef)]
        if not batch:
            break
        for row in dataset.select(for_profiles(_PROFILE_STATEMENTS, batch)):
            asserted.setdefault(str(row["profile"]), set()).add((str(row["property"]), term(row["value"])))
        for row in dataset.select(for_profiles(eligible, batch)):
            derived.setdefault(str(row["profile"]), set()).add((_ELIGIBLE, str(row["role"])))
        for row in dataset.select(for_profiles(met, batch)):
            derived.setdefault(str(row["profile"]), set()).add((_MEETS, str(row["requirement"])))
        after = Literal(str(batch[-1]))
    # Facts the store derived are not the profile's own statements: a profile's asserted facts leave them out.
    own = {_ELIGIBLE, _MEETS}
    named = {str(o) for facts in (*asserted.values(), *derived.values()) for p, o in facts
             if p in (_CURRENT_ROLE, _ELIGIBLE, _MEETS)}  # fmt: skip
    known = {str(n) for n in (*catalogue.roles, *catalogue.requirements)}
    if named - known:  # the store holds knowledge careerkg's own lacks: its labels and provenance come from there
        held = Graph()
        for row in dataset.select(_KNOWLEDGE_HELD):
            held.add((row["node"], row["p"], row["o"]))
        catalogue = catalogue.extended(Catalogue.from_graph(held))
    return tuple(
        assess(
            profile,
            {(p, o) for p, o in asserted[profile] if p not in own},
            derived.get(profile, set()),
            catalogue,
            gaps,
        )  # fmt: skip
        for profile in sorted(asserted)
    )

"""The JSON answers careerkg gives, built in one place so the command line and the HTTP API agree exactly.

``careerkg eligible --format json`` and ``POST /eligible`` both print :func:`eligible_report`;
``gaps`` and ``/gaps`` print :func:`gaps_report`; ``validate`` and ``/validate`` print
:func:`validation_report`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from careerkg.eligibility import Assessment, Move
from careerkg.knowledge.catalogue import Catalogue
from careerkg.validation.shacl import ValidationReport, Violation
from rdflib import URIRef

__all__ = ["eligible_report", "gap_moves", "gaps_report", "validation_report", "violation_json"]

_CK = "https://w3id.org/careerkg#"


def eligible_report(assessments: Iterable[Assessment], explain: bool = False) -> list[dict[str, Any]]:
    """One object per valid profile: its current role and the roles it may move to next."""
    return [a.to_json(explain) for a in assessments]


def gap_moves(assessment: Assessment, target: URIRef | None) -> list[Move]:
    """The moves not yet open (closest first), or, with ``target``, the move into that role, open or not."""
    if target is None:
        return list(assessment.gaps)
    return [m for m in (*assessment.eligible, *assessment.gaps) if m.transition.to_role == target]


def gaps_report(
    assessments: Iterable[Assessment], catalogue: Catalogue, target: URIRef | None = None
) -> list[tuple[Assessment, list[Move], dict[str, Any]]]:
    """For each profile: its moves that matter (see :func:`gap_moves`) and the JSON object describing them."""
    results = []
    for a in assessments:
        moves = gap_moves(a, target)
        data = a.gaps_json()
        data["gaps"] = [
            {**m.to_json(explain=False), "eligible": m.eligible, "missing": [r.to_json() for r in m.missing],
             "requirements": [r.to_json() for r in m.requirements], "sections": list(m.transition.sections)}
            for m in moves
        ]  # fmt: skip
        if target is not None and not moves:
            name = "ck:" + target[len(_CK) :] if target.startswith(_CK) else str(target)
            data["note"] = (
                f"no single move leads from {a.current_role_label} to {catalogue.label(target)}; "
                f"`careerkg path --profile PROFILE {name}` shows routes"
            )
        results.append((a, moves, data))
    return results


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

"""Properties of the loader, the validator and eligibility, checked on generated profiles (hypothesis),
through the library's real entry points (plain JSON records, as users send them, read by careerkg).

- More of what a move asks for never closes a move: adding a skill, more years in the role or more
  products managed never removes an eligible role.
- Nobody is ever eligible for the role they hold.
- A profile is valid exactly when its values are in range, and an invalid one never gets an answer.
- The loader gives a record the same facts whether it arrives alone, in a JSON array or as JSON Lines.
"""

from __future__ import annotations

import json
from decimal import Decimal

from careerkg.engine import Engine
from careerkg.io.profiles import ProfileInput, read_profiles
from careerkg.vocab import CK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ENGINE = Engine()
CATALOGUE = ENGINE.catalogue
ROLES = sorted(str(r).removeprefix(str(CK)) for r in CATALOGUE.roles)
SKILLS = sorted(str(s).removeprefix(str(CK)) for s in CATALOGUE.skills)

records = st.fixed_dictionaries(
    {"currentRole": st.sampled_from(ROLES), "skills": st.lists(st.sampled_from(SKILLS), max_size=6, unique=True)},
    optional={
        "yearsInRole": st.one_of(st.integers(0, 70), st.decimals(0, 70, places=2).map(float)),
        "productsManaged": st.integers(0, 1000),
    },
)


def eligible_roles(record: dict[str, object]) -> set[str]:
    profiles = read_profiles(ProfileInput("record.json", json.dumps(record).encode()), ENGINE.terms)
    evaluation = ENGINE.evaluate(profiles)
    assert not evaluation.invalid, evaluation.invalid
    (assessment,) = evaluation.assessments
    return {str(m.transition.to_role) for m in assessment.eligible}


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(records, st.sampled_from(SKILLS))
def test_adding_a_skill_never_removes_an_eligible_role(record: dict[str, object], skill: str) -> None:
    before = eligible_roles(record)
    more = {**record, "skills": sorted({*record["skills"], skill})}  # type: ignore[misc]
    assert before <= eligible_roles(more)


@SETTINGS
@given(records, st.integers(1, 10), st.integers(1, 10))
def test_more_experience_never_removes_an_eligible_role(record: dict[str, object], years: int, products: int) -> None:
    before = eligible_roles(record)
    more = dict(record)
    more["yearsInRole"] = min(70, float(Decimal(str(record.get("yearsInRole", 0)))) + years)
    more["productsManaged"] = min(1000, int(record.get("productsManaged", 0)) + products)  # type: ignore[call-overload]
    assert before <= eligible_roles(more)


@SETTINGS
@given(records)
def test_never_eligible_for_the_current_role(record: dict[str, object]) -> None:
    assert str(CK[str(record["currentRole"])]) not in eligible_roles(record)


@SETTINGS
@given(st.sampled_from(ROLES), st.one_of(st.integers(-10**6, 10**6), st.floats(-1e12, 1e12, allow_nan=False)),
       st.integers(-10**6, 10**6))  # fmt: skip
def test_valid_exactly_when_in_range(role: str, years: float, products: int) -> None:
    record = {"currentRole": role, "yearsInRole": years, "productsManaged": products}
    profiles = read_profiles(ProfileInput("record.json", json.dumps(record).encode()), ENGINE.terms)
    evaluation = ENGINE.evaluate(profiles)
    in_range = 0 <= years <= 70 and 0 <= products <= 1000
    assert bool(evaluation.assessments) == in_range
    assert bool(evaluation.invalid) == (not in_range)


@SETTINGS
@given(st.lists(records, min_size=1, max_size=8))
def test_records_read_the_same_alone_in_an_array_and_as_lines(batch: list[dict[str, object]]) -> None:
    with_ids = [{"@id": f"https://example.org/p/{i}", **r} for i, r in enumerate(batch)]

    def facts(data: bytes, name: str) -> set[tuple[str, str, str]]:
        graph = read_profiles(ProfileInput(name, data), ENGINE.terms).graph
        return {(str(s), str(p), str(o)) for s, p, o in graph}

    alone: set[tuple[str, str, str]] = set()
    for record in with_ids:
        alone |= facts(json.dumps(record).encode(), "one.json")
    assert facts(json.dumps(with_ids).encode(), "all.json") == alone
    assert facts("\n".join(json.dumps(r) for r in with_ids).encode(), "all.jsonl") == alone

"""The upskilling analysis of ``careerkg gaps`` (issue 13 part 3) and the plain words of gaps and path (part 4).

Every expected value is found independently: each skill careerkg knows, and each threshold, is tried on a copy
of the profile and eligibility is run again through the public API; the moves that open are the roles the
copy is eligible for and the profile is not.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import careerkg
import pytest
from careerkg.reports import group_report

Run = Callable[..., CompletedProcess[str]]


@pytest.fixture(scope="module")
def engine() -> careerkg.Engine:
    return careerkg.Engine()


def _team(repo_root: Path) -> list[dict[str, Any]]:
    lines = (repo_root / "examples/team.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    ada = json.loads((repo_root / "examples/ada.json").read_text(encoding="utf-8"))
    return [*records, ada]


def _opened_by_trying(engine: careerkg.Engine, profile: dict[str, Any]) -> dict[str, set[str]]:
    """Every skill careerkg knows and every threshold requirement, each tried alone on a copy of ``profile``:
    change label -> the roles that open (only changes that open some)."""
    base = {m.to_json()["role"] for m in engine.eligible(profile)[0].eligible}
    catalogue = engine.catalogue
    copies: list[tuple[str, dict[str, Any]]] = []
    for skill in catalogue.skills:
        if str(skill) in profile.get("skills", []) or skill.fragment in profile.get("skills", []):
            continue
        copies.append((catalogue.label(skill), {**profile, "skills": [*profile.get("skills", []), str(skill)]}))
    for requirement in catalogue.requirements.values():
        if requirement.kind == "threshold":
            assert requirement.property is not None and requirement.minimum is not None
            key = requirement.property.fragment
            minimum = requirement.minimum
            value: float | int = int(minimum) if minimum == int(minimum) else float(minimum)
            copies.append((requirement.label, {**profile, key: value}))
    batch = [{**copy, "@id": f"https://example.org/copies/{i}"} for i, (_, copy) in enumerate(copies)]
    answers = {a.profile: a for a in engine.eligible(batch)}
    opened = {}
    for i, (label, _) in enumerate(copies):
        roles = {m.to_json()["role"] for m in answers[f"https://example.org/copies/{i}"].eligible} - base
        if roles:
            opened[label] = roles
    return opened


def test_each_change_opens_exactly_the_moves_eligibility_finds(engine: careerkg.Engine, repo_root: Path) -> None:
    for profile in _team(repo_root):
        report = engine.gaps(profile)[0].to_json()
        listed = {c["label"]: {m["role"] for m in c["moves"]} for c in report["changes"] if c["opens"]}
        assert listed == _opened_by_trying(engine, profile), profile.get("name")
        opens = [c["opens"] for c in report["changes"]]
        assert opens == sorted(opens, reverse=True)  # ranked, most first


def test_near_misses_are_the_moves_one_essential_requirement_away(engine: careerkg.Engine, repo_root: Path) -> None:
    seen = 0
    for profile in _team(repo_root):
        result = engine.gaps(profile)[0]
        gaps = result.to_json()["gaps"]
        want = {(g["role"], g["missing"][0]["requirement"]) for g in gaps if len(g["missing"]) == 1}
        got = {(n["role"], n["requirement"]) for n in result.to_json()["nearMisses"]}
        assert got == want
        seen += len(got)
        # meeting that one requirement opens the move: it is among the moves its change opens
        opened = {m["role"] for c in result.to_json()["changes"] for m in c["moves"]}
        assert {role for role, _ in got} <= opened
    assert seen  # the examples do have near misses


def test_a_threshold_opens_a_move(engine: careerkg.Engine) -> None:
    # one essential of the move to senior product manager is met; only the years in role are missing
    profile = {"currentRole": "ProductManager", "yearsInRole": 1, "productsManaged": 3, "skills": ["Coding"]}
    want = _opened_by_trying(engine, profile)
    report = engine.gaps(profile)[0].to_json()
    thresholds = {c["label"]: {m["role"] for m in c["moves"]} for c in report["changes"] if c["kind"] == "threshold"}
    assert thresholds and all(want.get(label, set()) == roles for label, roles in thresholds.items())
    assert any(roles for roles in thresholds.values())


def _group_expected(engine: careerkg.Engine, repo_root: Path) -> dict[str, tuple[int, int]]:
    lines = (repo_root / "examples/team.jsonl").read_text(encoding="utf-8").splitlines()
    totals: dict[str, tuple[int, int]] = {}
    for line in lines:
        if line.strip():
            for label, roles in _opened_by_trying(engine, json.loads(line)).items():
                clients, moves = totals.get(label, (0, 0))
                totals[label] = (clients + 1, moves + len(roles))
    return totals


def test_group_counts_clients_and_moves_per_change(engine: careerkg.Engine, repo_root: Path, run_exe: Run) -> None:
    want = _group_expected(engine, repo_root)
    done = run_exe("gaps", "--group", "examples/team.jsonl", "--format", "json", cwd=repo_root)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["profiles"] == 4 and data["invalid"] == 0 and data["unreadable"] == 0
    assert {c["label"]: (c["profiles"], c["moves"]) for c in data["changes"]} == want
    # the library's group answer is the same
    assert group_report(engine.gaps(repo_root / "examples/team.jsonl")).to_json()["changes"] == data["changes"]
    rows = list(csv.DictReader(io.StringIO(run_exe("gaps", "--group", "examples/team.jsonl", "--format", "csv",
                                                     cwd=repo_root).stdout)))  # fmt: skip
    assert {r["label"]: (int(r["profiles"]), int(r["moves"])) for r in rows} == want
    text = run_exe("gaps", "--group", "examples/team.jsonl", cwd=repo_root).stdout
    for label, (clients, moves) in want.items():
        verb = "learning" if label in {engine.catalogue.label(s) for s in engine.catalogue.skills} else "meeting:"
        plural = "move" if moves == 1 else "moves"
        assert f"{verb} {label} opens {moves} {plural} for {clients} of your 4 clients" in text


def test_group_reports_and_counts_bad_records(repo_root: Path, tmp_path: Path, run_exe: Run) -> None:
    team = (repo_root / "examples/team.jsonl").read_text(encoding="utf-8")
    invalid = json.dumps({"@id": "https://example.org/people/nobody", "yearsInRole": 2, "skills": ["Coding"]})
    group = tmp_path / "group.jsonl"
    group.write_text(team.rstrip("\n") + "\n" + invalid + "\n", encoding="utf-8")
    done = run_exe("gaps", "--group", str(group), "--format", "json")
    assert done.returncode == run_exe("eligible", str(group)).returncode == 1
    assert "https://example.org/people/nobody" in done.stderr and "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert (data["profiles"], data["invalid"], data["unreadable"]) == (4, 1, 0)
    assert "1 invalid profile not analysed" in run_exe("gaps", "--group", str(group)).stdout
    group.write_text(team.rstrip("\n") + "\n{not json\n", encoding="utf-8")
    done = run_exe("gaps", "--group", str(group), "--format", "json")
    assert done.returncode == run_exe("eligible", str(group)).returncode == 2
    assert json.loads(done.stdout)["unreadable"] == 1 and "group.jsonl:5:" in done.stderr


def test_path_without_a_route_is_an_answer(run_exe: Run) -> None:
    done = run_exe("path", "DirectorOfProduct", "VPOfProduct")
    assert done.returncode == 0 and "no route" in done.stdout.lower() and not done.stderr
    done = run_exe("path", "DirectorOfProduct", "VPOfProduct", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["routes"] == []


def test_gaps_advises_path_only_where_it_finds_a_route(repo_root: Path, tmp_path: Path, run_exe: Run) -> None:
    advices = 0
    for record in _team(repo_root):
        single = tmp_path / "one.json"
        single.write_text(json.dumps(record), encoding="utf-8")
        gaps = run_exe("gaps", "--target", "VP of product", str(single))
        routes = run_exe("path", "--profile", str(single), "VPOfProduct", "--format", "json")
        found = bool(json.loads(routes.stdout)["routes"])
        advised = "careerkg path" in gaps.stdout
        assert found or not advised, gaps.stdout
        advices += advised
        data = json.loads(run_exe("gaps", "--target", "VP of product", "--format", "json", str(single)).stdout)[0]
        if "note" in data:
            assert "`" not in data["note"] and "careerkg path" not in data["note"] and "--" not in data["note"]
            assert bool(data["routes"]) == found
            assert data["target"] == "https://w3id.org/careerkg#VPOfProduct"
            assert advised == found  # no single move: the path command is advised exactly when it finds a route
    assert advices  # some profile of the examples is two moves away


def test_gap_to_the_current_role_says_so(run_exe: Run, repo_root: Path) -> None:
    done = run_exe("gaps", "--target", "product manager", "examples/ada.json", cwd=repo_root)
    assert done.returncode == 0
    assert "current role" in done.stdout and "no single move" not in done.stdout


def test_group_text_counts_in_words(repo_root: Path, run_exe: Run) -> None:
    data = json.loads(run_exe("gaps", "--group", "examples/invalid.json", "--format", "json", cwd=repo_root).stdout)
    text = run_exe("gaps", "--group", "examples/invalid.json", cwd=repo_root).stdout.splitlines()
    valid, invalid = data["profiles"], data["invalid"]
    assert valid == 1 and invalid >= 1 and data["changes"]
    assert text[0].startswith(f"1 profile analysed ({invalid} invalid profile")
    for change, line in zip(data["changes"], text[1:], strict=True):
        moves = f"{change['moves']} move" + ("" if change["moves"] == 1 else "s")
        assert line == f"learning {change['label']} opens {moves} for {change['profiles']} of your 1 client"

"""The command line, through its real entry points: in-process (Click's CliRunner, ``run_cli``) and the
installed ``careerkg`` console script (``run_exe``).

Every command is run on its success and its failure paths, checking what a user relies on: the answers
(derived by hand from ``ontology/knowledge.ttl``), the output formats (they parse, and say the same), the exit
codes (0 ok, 1 invalid input, 2 unreadable input or usage), and one clear line on stderr, never a traceback.

Commands that evaluate profiles run inference (seconds with the owlrl reasoner), so their outputs are reused
within a test, and a few are produced once per module by running the console script.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from careerkg.knowledge import bundled
from careerkg.knowledge.graphs import ontology_document
from careerkg.vocab import CK
from click.testing import Result
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

RunCli = Callable[..., Result]
RunExe = Callable[..., "subprocess.CompletedProcess[str]"]

SCHEMA_OCCUPATION = URIRef("https://schema.org/Occupation")
PEOPLE = "https://example.org/people/"
ADA = PEOPLE + "ada"

# -- expected answers, derived by hand from ontology/knowledge.ttl ------------------------------------------
# Ada: product manager, 5 years, 3 products; Coding (technical), Mentoring, Research, CustomerInsight.
# Promotion needs >= 4 years and >= 2 products; engineering needs Coding; IT any technical skill; founding
# Research and CustomerInsight. Everything else out of product manager needs a skill she lacks.
ADA_ELIGIBLE = {"SeniorProductManager", "SoftwareEngineer", "ITManager", "Founder"}
ADA_GAPS = {  # role -> (essential met, essential total, missing essential requirements)
    "VentureCapitalist": (1, 2, {"RequiresStrategicThinking"}),
    "BusinessDevelopmentManager": (0, 1, {"RequiresCustomerInteraction"}),
    "ChiefExecutiveOfficer": (0, 1, {"RequiresBusinessAcumen"}),
    "ChiefOperatingOfficer": (0, 1, {"RequiresOperationsAtScale"}),
    "SalesManager": (0, 1, {"RequiresCustomerInteraction"}),
    "ProductMarketingManager": (0, 2, {"RequiresValueProposition", "RequiresCustomerNeeds"}),
    "StrategyManager": (0, 2, {"RequiresProductStrategy", "RequiresMarketTrendAnalysis"}),
}
# The team (team.jsonl and team.ttl). Alan has no @id in the JSON Lines file (ex:alan in Turtle).
TEAM_ELIGIBLE = {
    PEOPLE + "grace": {"DirectorOfProduct", "VPOfProduct", "StrategyManager"},  # senior PM, strategy skills
    PEOPLE + "linus": {"ProductMarketingManager", "SalesManager", "BusinessDevelopmentManager"},  # 3.5 years
    PEOPLE + "margaret": {"ChiefOperatingOfficer", "ChiefExecutiveOfficer", "ITManager"},  # director
}
ALAN_ELIGIBLE = {"SeniorProductManager", "VentureCapitalist"}  # exactly 4 years and 2 products: inclusive
INVALID_VALID_ELIGIBLE = {"SoftwareEngineer", "ITManager"}  # examples/invalid.json's valid profile: Coding
# The README's alignment table: ISCO-08 and O*NET-SOC codes of every role.
ROLE_CODES = {
    "ProductManager": ("1223", "11-2021.00"),
    "SeniorProductManager": ("1223", "11-2021.00"),
    "DirectorOfProduct": ("1223", "11-2021.00"),
    "VPOfProduct": ("1223", "11-2021.00"),
    "ProductMarketingManager": ("1221", "11-2021.00"),
    "SoftwareEngineer": ("2512", "15-1252.00"),
    "ITManager": ("1330", "11-3021.00"),
    "ChiefOperatingOfficer": ("1120", "11-1011.00"),
    "ChiefExecutiveOfficer": ("1120", "11-1011.00"),
    "Founder": ("1120", "11-1021.00"),
    "VentureCapitalist": ("2412", "11-3031.03"),
    "SalesManager": ("1221", "11-2022.00"),
    "BusinessDevelopmentManager": ("2434", "11-2022.00"),
    "StrategyManager": ("1213", "13-1111.00"),
}
COMMANDS = [
    "knowledge",
    "eligible",
    "gaps",
    "path",
    "validate",
    "query",
    "queries",
    "roles",
    "skills",
    "graph",
    "export",
    "serve",
    "push",
    "profiles",
]


def ck(local: str) -> str:
    return str(CK) + local


def local(iri: str) -> str:
    assert iri.startswith(str(CK)), iri
    return iri[len(str(CK)) :]


@dataclass(frozen=True)
class Run:
    """What one run printed and returned, whichever entry point ran it."""

    code: int
    out: str
    err: str


def ran(result: Result | subprocess.CompletedProcess[str]) -> Run:
    if isinstance(result, subprocess.CompletedProcess):
        return Run(result.returncode, result.stdout, result.stderr)
    return Run(result.exit_code, result.stdout, result.stderr)


def assert_clean_failure(run: Run, code: int, *names: str) -> None:
    """Exit ``code``, one stderr line per name (each naming it), nothing on stdout, no traceback anywhere."""
    assert run.code == code, run
    assert "Traceback" not in run.out + run.err
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == len(names), run.err
    for name in names:
        assert any(name in line for line in lines), (name, run.err)
    assert run.out == ""


def assert_usage_error(run: Run, *words: str) -> None:
    assert run.code == 2, run
    assert "Traceback" not in run.out + run.err
    assert run.out == ""
    for word in words:
        assert word in run.err, (word, run.err)


def roles_of(profile: dict[str, Any]) -> set[str]:
    return {local(e["role"]) for e in profile["eligible"]}


def by_profile(items: list[dict[str, Any]]) -> dict[str, set[str]]:
    return {item["profile"]: roles_of(item) for item in items}


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def table_rows(text: str) -> list[str]:
    """The body lines of a text table (after the ``----`` rule), without the row-count footer."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("---"))
    return [line.strip() for line in lines[start + 1 :] if line.strip() and not re.fullmatch(r"\(\d+ rows?\)", line)]


def _exe(careerkg_exe: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """The console script, as ``run_exe`` runs it, for module-scoped fixtures (``run_exe`` is per test)."""
    env = {k: v for k, v in os.environ.items() if k != "CAREERKG_DEBUG"}
    return subprocess.run([careerkg_exe, *args], input=input, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def examples(repo_root: Path) -> Path:
    return repo_root / "examples"


@pytest.fixture(scope="module")
def ada_json(examples: Path) -> str:
    return str(examples / "ada.json")


@pytest.fixture(scope="module")
def ada_ttl(examples: Path) -> str:
    return str(examples / "ada.ttl")


@pytest.fixture(scope="module")
def invalid_json(examples: Path) -> str:
    return str(examples / "invalid.json")


@pytest.fixture(scope="module")
def ada_explained(careerkg_exe: str, ada_json: str) -> Run:
    """``careerkg eligible --format json --explain examples/ada.json``, run once by the installed script."""
    return ran(_exe(careerkg_exe, "eligible", "--format", "json", "--explain", ada_json))


@pytest.fixture(scope="module")
def ada_gaps(careerkg_exe: str, ada_json: str) -> Run:
    """``careerkg gaps --format json examples/ada.json``, run once by the installed script."""
    return ran(_exe(careerkg_exe, "gaps", "--format", "json", ada_json))


@pytest.fixture()
def unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "broken.json"
    path.write_text('{"currentRole": ', encoding="utf-8")
    return path


def kg_roles(kg: Graph) -> set[str]:
    return {local(str(r)) for r in kg.subjects(RDF.type, CK.Role)}


def kg_skills(kg: Graph) -> dict[str, str]:
    """Skill local name -> its category's local name."""
    categories = set(kg.subjects(RDFS.subClassOf, CK.Skill))
    return {local(str(s)): local(str(c)) for c in categories for s in kg.subjects(RDF.type, c)}


def transition(kg: Graph, from_role: str, to_role: str) -> URIRef:
    found = set(kg.subjects(CK.fromRole, CK[from_role])) & set(kg.subjects(CK.toRole, CK[to_role]))
    assert len(found) == 1, (from_role, to_role, found)
    return found.pop()  # type: ignore[return-value]


def requirements(kg: Graph, t: URIRef, prop: URIRef) -> set[str]:
    return {local(str(r)) for r in kg.objects(t, prop)}


# =============================================================================================================
# eligible
# =============================================================================================================


def test_eligible_json_explain_for_ada(ada_explained: Run, kg: Graph) -> None:
    assert ada_explained.code == 0, ada_explained.err
    data = json.loads(ada_explained.out)
    assert isinstance(data, list) and len(data) == 1
    ada = data[0]
    assert ada["profile"] == ADA and ada["currentRole"] == ck("ProductManager")
    assert roles_of(ada) == ADA_ELIGIBLE
    facts = {(ck("hasSkill"), ck(s)) for s in ("Coding", "Mentoring", "Research", "CustomerInsight")}
    facts |= {(ck("yearsInRole"), "5"), (ck("productsManaged"), "3")}
    for entry in ada["eligible"]:
        t = transition(kg, "ProductManager", local(entry["role"]))
        assert entry["transition"] == str(t)
        assert entry["label"] == str(kg.value(CK[local(entry["role"])], RDFS.label))
        reqs = {local(r["requirement"]): r for r in entry["requirements"]}
        assert {k for k, r in reqs.items() if r["essential"]} == requirements(kg, t, CK.essentialRequirement)
        assert {k for k, r in reqs.items() if not r["essential"]} == requirements(kg, t, CK.optionalRequirement)
        for r in reqs.values():
            assert r["met"] or not r["essential"], f"eligible for {entry['role']} with {r} unmet"
            assert bool(r["metBy"]) == r["met"], r  # a met requirement names the fact that met it
            for fact in r["metBy"]:
                assert (fact["property"], fact["value"]) in facts, fact
        provenance = entry["provenance"]
        assert provenance["sections"] and set(provenance["sections"]) == {
            str(s) for s in kg.objects(t, CK.articleSection)
        }
        assert provenance["source"] == str(kg.value(t, DCTERMS.source))
        assert provenance["justification"] == str(kg.value(t, CK.justification))
    promotion = next(e for e in ada["eligible"] if e["role"] == ck("SeniorProductManager"))
    years = next(r for r in promotion["requirements"] if r["requirement"] == ck("RequiresFourYearsInRole"))
    assert [(f["property"], f["value"]) for f in years["metBy"]] == [(ck("yearsInRole"), "5")]
    it = next(e for e in ada["eligible"] if e["role"] == ck("ITManager"))
    technical = next(r for r in it["requirements"] if r["requirement"] == ck("RequiresAnyTechnicalSkill"))
    assert [f["value"] for f in technical["metBy"]] == [ck("Coding")]


def test_eligible_json_without_explain_for_the_team(run_cli: RunCli, examples: Path) -> None:
    run = ran(run_cli("eligible", "--format", "json", str(examples / "team.jsonl")))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert len(data) == 4  # one object per profile
    # JSON records keep their input order; Alan, without @id, gets a generated IRI.
    assert [d["profile"] for d in data[:3]] == [PEOPLE + "grace", PEOPLE + "linus", PEOPLE + "margaret"]
    assert data[3]["profile"].startswith("urn:")
    found = by_profile(data)
    for person, roles in TEAM_ELIGIBLE.items():
        assert found[person] == roles, person
    assert roles_of(data[3]) == ALAN_ELIGIBLE
    assert data[0]["currentRole"] == ck("SeniorProductManager")
    for item in data:
        for entry in item["eligible"]:
            assert {"role", "label", "transition"} <= entry.keys()
            assert "requirements" not in entry and "provenance" not in entry  # only with --explain


def test_eligible_turtle_team_gives_the_same_answers_as_json_lines(
    run_exe: RunExe, run_cli: RunCli, examples: Path, kg: Graph
) -> None:
    run = ran(run_exe("eligible", "--format", "jsonl", str(examples / "team.ttl")))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 4  # one JSON object per line, one line per profile
    from_ttl = by_profile([json.loads(line) for line in lines])
    assert {p: r for p, r in from_ttl.items() if p in TEAM_ELIGIBLE} == TEAM_ELIGIBLE
    assert from_ttl[PEOPLE + "alan"] == ALAN_ELIGIBLE
    # the same team in JSON Lines, as CSV: one row per eligible role, the same roles per person
    csv_run = ran(run_cli("eligible", "--format", "csv", str(examples / "team.jsonl")))
    assert csv_run.code == 0, csv_run.err
    header, rows = csv_rows(csv_run.out)
    assert header == ["profile", "currentRole", "role", "label", "transition", "sections"]
    from_csv: dict[str, set[str]] = {}
    for row in rows:
        from_csv.setdefault(row["profile"], set()).add(local(row["role"]))
        assert row["transition"] == str(transition(kg, local(row["currentRole"]), local(row["role"])))
        assert row["sections"]
    assert len(rows) == sum(len(r) for r in from_ttl.values()) == 11
    assert len(from_csv) == len(from_ttl) == 4
    assert {p: r for p, r in from_csv.items() if p in TEAM_ELIGIBLE} == TEAM_ELIGIBLE
    (alan,) = [p for p in from_csv if p not in TEAM_ELIGIBLE]
    assert from_csv[alan] == ALAN_ELIGIBLE


def test_eligible_turtle_output_holds_the_derived_triples(run_cli: RunCli, ada_ttl: str) -> None:
    run = ran(run_cli("eligible", "--format", "turtle", ada_ttl))
    assert run.code == 0, run.err
    g = Graph().parse(data=run.out, format="turtle")
    ada = URIRef(ADA)
    assert {local(str(o)) for o in g.objects(ada, CK.eligibleFor)} == ADA_ELIGIBLE
    met = {local(str(o)) for o in g.objects(ada, CK.meetsRequirement)}
    assert {
        "RequiresCoding",
        "RequiresAnyTechnicalSkill",
        "RequiresFourYearsInRole",
        "RequiresTwoProductsManaged",
        "RequiresResearch",
        "RequiresCustomerInsight",
        "RequiresMentoring",
    } == met
    assert set(g.predicates()) == {CK.eligibleFor, CK.meetsRequirement}


def test_eligible_explain_table_shows_facts_and_sections(run_cli: RunCli, ada_ttl: str) -> None:
    run = ran(run_cli("eligible", "--explain", ada_ttl))
    assert run.code == 0, run.err
    text = run.out
    assert "Ada  (now: product manager)" in text  # named by her name
    for label, name in [
        ("senior product manager", "SeniorProductManager"),
        ("software engineer", "SoftwareEngineer"),
        ("IT manager", "ITManager"),
        ("founder", "Founder"),
    ]:
        assert re.search(rf"-> {label} \(ck:{name}\)", text), label
    for other in ("venture capitalist", "chief operating officer", "sales manager"):
        assert f"-> {other}" not in text
    lines = text.splitlines()
    assert any(re.search(r"\[met\].*at least four years in the current role.*<-.*\b5\b", line) for line in lines)
    assert any(re.search(r"\[met\].*any technical skill.*<-.*coding", line) for line in lines)
    assert any(re.search(r"not met.*optional.*understanding customer needs", line) for line in lines)
    sections = [line for line in lines if "section:" in line]
    assert len(sections) == 4  # the provenance of each eligible role
    assert any("From Product Manager to Senior and Beyond" in line for line in sections)


def test_invalid_profile_gets_no_results_but_the_valid_one_does(run_exe: RunExe, invalid_json: str) -> None:
    run = ran(run_exe("eligible", "--format", "json", invalid_json))
    assert run.code == 1
    assert "Traceback" not in run.out + run.err
    data = json.loads(run.out)
    assert by_profile(data) == {PEOPLE + "valid": INVALID_VALID_ELIGIBLE}
    assert "astronaut" not in run.out
    problems = [line for line in run.err.splitlines() if line.strip()]
    assert len(problems) == 3 and all(PEOPLE + "astronaut" in line for line in problems)
    for prop, value in [("current role", "Astronaut"), ("skill", "Juggling"), ("years in role", "-2")]:
        assert any(prop in line and value in line for line in problems), (prop, run.err)


def test_invalid_profile_gets_no_csv_row(run_cli: RunCli, invalid_json: str) -> None:
    run = ran(run_cli("eligible", "--format", "csv", invalid_json))
    assert run.code == 1
    _, rows = csv_rows(run.out)
    assert {row["profile"] for row in rows} == {PEOPLE + "valid"}
    assert {local(row["role"]) for row in rows} == INVALID_VALID_ELIGIBLE
    assert "astronaut" in run.err and "astronaut" not in run.out


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("missing.json", None),
        ("empty.json", b""),
        ("malformed.json", b'{"currentRole": "ProductManager", '),
        ("malformed.ttl", b"@prefix ck: <https://w3id.org/careerkg#> .\n<https://example.org/x> ck:currentRole ;; ."),
        ("latin1.json", '{"currentRole": "ProductManager", "name": "José"}'.encode("latin-1")),
    ],
)
def test_eligible_unreadable_input_is_one_clear_line(
    run_cli: RunCli, tmp_path: Path, name: str, data: bytes | None
) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    assert_clean_failure(ran(run_cli("eligible", str(path))), 2, name)


def test_eligible_reads_the_readable_inputs_next_to_unreadable_ones(
    run_exe: RunExe, tmp_path: Path, ada_json: str
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    missing = tmp_path / "missing.ttl"
    run = ran(run_exe("eligible", str(broken), ada_json, str(missing)))
    assert run.code == 2
    assert "Traceback" not in run.out + run.err
    errors = [line for line in run.err.splitlines() if line.strip()]
    assert len(errors) == 2
    assert any("broken.json" in line for line in errors) and any("missing.ttl" in line for line in errors)
    assert "Ada  (now: product manager)" in run.out
    assert len(re.findall(r"^\s*-> ", run.out, re.MULTILINE)) == len(ADA_ELIGIBLE)


def test_eligible_reads_json_from_stdin(run_exe: RunExe) -> None:
    run = ran(
        run_exe("eligible", "--format", "json", "-", input='{"currentRole": "ProductManager", "skills": ["Coding"]}')
    )
    assert run.code == 0, run.err
    (profile,) = json.loads(run.out)
    assert profile["currentRole"] == ck("ProductManager")
    assert roles_of(profile) == {"SoftwareEngineer", "ITManager"}


def test_eligible_reads_turtle_from_stdin(run_cli: RunCli, ada_ttl: str) -> None:
    run = ran(run_cli("eligible", "--format", "csv", "-", input=Path(ada_ttl).read_text(encoding="utf-8")))
    assert run.code == 0, run.err
    _, rows = csv_rows(run.out)
    assert {row["profile"] for row in rows} == {ADA}
    assert {local(row["role"]) for row in rows} == ADA_ELIGIBLE


def test_eligible_empty_stdin_is_unreadable(run_cli: RunCli) -> None:
    run = ran(run_cli("eligible", "-", input=""))
    assert_clean_failure(run, 2, "-")


def test_eligible_needs_a_profile(run_exe: RunExe) -> None:
    assert_usage_error(ran(run_exe("eligible")), "PROFILE")


def test_non_numeric_years_is_a_violation_without_traceback(run_exe: RunExe) -> None:
    run = ran(
        run_exe(
            "eligible",
            "-",
            input='{"@id": "https://example.org/people/x", "currentRole": "ProductManager", "yearsInRole": "five"}',
        )
    )
    assert run.code == 1
    assert run.out == ""
    assert any("years in role five" in line for line in run.err.splitlines())
    assert "Traceback" not in run.err


def test_the_same_profile_in_json_and_turtle_together_is_valid(run_cli: RunCli, ada_json: str, ada_ttl: str) -> None:
    run = ran(run_cli("validate", ada_json, ada_ttl))
    assert run.code == 0, run.out + run.err
    assert run.out == ""


@pytest.mark.parametrize("reasoner", ["compiled", "owlrl", "reasonable"])
def test_every_reasoner_gives_the_same_answers(run_cli: RunCli, examples: Path, reasoner: str) -> None:
    if reasoner == "reasonable":
        pytest.importorskip("reasonable")
    run = ran(run_cli("--reasoner", reasoner, "eligible", "--format", "json", str(examples / "team.jsonl")))
    assert run.code == 0, run.err
    found = by_profile(json.loads(run.out))
    assert {p: r for p, r in found.items() if p in TEAM_ELIGIBLE} == TEAM_ELIGIBLE
    assert [r for p, r in found.items() if p not in TEAM_ELIGIBLE] == [ALAN_ELIGIBLE]


def test_unknown_reasoner_is_a_usage_error(run_exe: RunExe, ada_json: str) -> None:
    assert_usage_error(ran(run_exe("--reasoner", "fastest", "eligible", ada_json)), "fastest")


# =============================================================================================================
# gaps
# =============================================================================================================


def test_gaps_json_ranks_closest_first_with_scores(ada_gaps: Run, kg: Graph) -> None:
    assert ada_gaps.code == 0, ada_gaps.err
    (ada,) = json.loads(ada_gaps.out)
    assert ada["profile"] == ADA and ada["currentRole"] == ck("ProductManager")
    gaps = ada["gaps"]
    assert {
        local(g["role"]): (
            g["score"]["essentialMet"],
            g["score"]["essentialTotal"],
            {local(m["requirement"]) for m in g["missing"]},
        )
        for g in gaps
    } == ADA_GAPS
    shares = [g["score"]["essentialMet"] / g["score"]["essentialTotal"] for g in gaps]
    assert shares == sorted(shares, reverse=True)  # closest first
    assert gaps[0]["role"] == ck("VentureCapitalist")
    for g in gaps:
        assert g["eligible"] is False
        t = transition(kg, "ProductManager", local(g["role"]))
        assert g["transition"] == str(t)
        essential = [r for r in g["requirements"] if r["essential"]]
        assert {local(r["requirement"]) for r in essential} == requirements(kg, t, CK.essentialRequirement)
        assert g["score"]["essentialMet"] == sum(r["met"] for r in essential)
        assert g["score"]["essentialTotal"] == len(essential)
        assert g["missing"] == [r for r in essential if not r["met"]]


def test_gaps_table_lists_the_closest_move_first(run_cli: RunCli, ada_json: str) -> None:
    run = ran(run_cli("gaps", ada_json))
    assert run.code == 0, run.err
    rows = table_rows(run.out.split("\n  single changes")[0])  # the table, before the upskilling analysis
    assert len(rows) == len(ADA_GAPS)
    assert "venture capitalist" in rows[0] and "1/2" in rows[0] and "strategic thinking" in rows[0]
    scores = [re.search(r"\b(\d+)/(\d+)\b", row) for row in rows]
    shares = [int(m.group(1)) / int(m.group(2)) for m in scores if m]
    assert len(shares) == len(rows) and shares == sorted(shares, reverse=True)
    for label in ("software engineer", "founder", "senior product manager", "IT manager"):
        assert label not in run.out  # open moves are not gaps


def test_gaps_target_by_label_in_any_case(run_cli: RunCli, ada_json: str) -> None:
    run = ran(run_cli("gaps", "--format", "json", ada_json, "--target", "Chief Operating OFFICER"))
    assert run.code == 0, run.err
    (ada,) = json.loads(run.out)
    (gap,) = ada["gaps"]
    assert gap["role"] == ck("ChiefOperatingOfficer") and gap["eligible"] is False
    assert [m["requirement"] for m in gap["missing"]] == [ck("RequiresOperationsAtScale")]
    assert (gap["score"]["essentialMet"], gap["score"]["essentialTotal"]) == (0, 1)


def test_gaps_target_by_curie_shows_an_open_move(run_cli: RunCli, ada_json: str) -> None:
    run = ran(run_cli("gaps", "--format", "csv", ada_json, "--target", "ck:SoftwareEngineer"))
    assert run.code == 0, run.err
    header, rows = csv_rows(run.out)
    assert {"profile", "role", "eligible", "essentialMet", "essentialTotal", "missing"} <= set(header)
    (row,) = rows
    assert row["profile"] == ADA and row["role"] == ck("SoftwareEngineer")
    assert row["eligible"].lower() == "true"
    assert (row["essentialMet"], row["essentialTotal"], row["missing"]) == ("1", "1", "")


def test_gaps_target_by_local_name_in_odd_case(run_exe: RunExe, ada_json: str) -> None:
    run = ran(run_exe("gaps", ada_json, "--target", "vEnTuReCaPiTaLiSt"))
    assert run.code == 0, run.err
    (row,) = table_rows(run.out)
    assert "venture capitalist" in row and "1/2" in row and "strategic thinking" in row


def test_gaps_target_without_a_single_move_points_to_path(run_cli: RunCli, ada_json: str) -> None:
    run = ran(run_cli("gaps", "--format", "jsonl", ada_json, "--target", "VPOfProduct"))
    assert run.code == 0, run.err
    (line,) = run.out.splitlines()
    data = json.loads(line)
    assert data["profile"] == ADA and data["gaps"] == []
    assert "shortest route" in data["note"] and "careerkg path" not in data["note"]  # the library cites no command
    assert [r[-1] for r in data["routes"]] == [ck("VPOfProduct")]
    text = ran(run_cli("gaps", ada_json, "--target", "VPOfProduct"))
    assert "careerkg path --profile PROFILE ck:VPOfProduct" in text.out  # the command line's own advice


def test_gaps_unknown_target_role(run_exe: RunExe, run_cli: RunCli, ada_json: str) -> None:
    run = ran(run_exe("gaps", ada_json, "--target", "Astronaut"))
    assert_clean_failure(run, 2, "Astronaut")
    assert "unknown role" in run.err
    typo = ran(run_cli("gaps", ada_json, "--target", "ProductManger"))
    assert_clean_failure(typo, 2, "ProductManger")
    assert "'product manager'" in typo.err  # the closest names are suggested


@pytest.mark.parametrize("command", ["eligible", "gaps", "validate"])
def test_unreadable_profile_from_the_installed_script(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    path = tmp_path / "profile.json"
    path.write_bytes(b'{"currentRole": "ProductManager", "name": "\xe9"}')  # Latin-1, not UTF-8
    assert_clean_failure(ran(run_exe(command, str(path))), 2, "profile.json")


def test_a_role_without_moves_out_is_not_described_as_open_or_missing(run_cli: RunCli, tmp_path: Path) -> None:
    founder = tmp_path / "founder.json"
    founder.write_text(
        '{"@id": "https://example.org/people/f", "currentRole": "Founder", "skills": ["Coding"]}', encoding="utf-8"
    )
    eligible = ran(run_cli("eligible", str(founder)))
    gaps = ran(run_cli("gaps", str(founder)))
    assert eligible.code == gaps.code == 0
    assert "already open" not in gaps.out
    assert "shows what is missing" not in eligible.out


def test_gaps_invalid_profile_gets_no_gaps(run_cli: RunCli, invalid_json: str) -> None:
    run = ran(run_cli("gaps", "--format", "json", invalid_json))
    assert run.code == 1
    assert [d["profile"] for d in json.loads(run.out)] == [PEOPLE + "valid"]
    assert "astronaut" in run.err and "astronaut" not in run.out


# =============================================================================================================
# path
# =============================================================================================================


def test_path_from_product_manager_to_vp_goes_through_senior(run_exe: RunExe) -> None:
    run = ran(run_exe("path", "ProductManager", "VPOfProduct"))
    assert run.code == 0, run.err
    assert "product manager -> senior product manager -> vice president of product" in run.out
    assert "ck:ProductManagerToSeniorProductManager" in run.out and "ck:SeniorProductManagerToVPOfProduct" in run.out
    assert "at least four years in the current role" in run.out  # each step lists its requirements


def test_path_json_with_labels(run_cli: RunCli) -> None:
    run = ran(run_cli("path", "product manager", "chief executive officer", "--format", "json"))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert (data["from"], data["to"], data["profile"]) == (ck("ProductManager"), ck("ChiefExecutiveOfficer"), None)
    (route,) = data["routes"]
    assert route["roles"] == [ck("ProductManager"), ck("ChiefExecutiveOfficer")]
    (step,) = route["steps"]
    assert step["transition"] == ck("ProductManagerToChiefExecutiveOfficer")
    assert [r["requirement"] for r in step["requirements"] if r["essential"]] == [ck("RequiresBusinessAcumen")]
    assert all("metNow" not in r for r in step["requirements"])  # no profile, nothing to mark
    vp = json.loads(ran(run_cli("path", "ck:productmanager", "VP of product", "--format", "json")).out)
    assert [r["roles"] for r in vp["routes"]] == [[ck("ProductManager"), ck("SeniorProductManager"), ck("VPOfProduct")]]


def test_path_with_profile_marks_met_requirements(run_exe: RunExe, ada_json: str) -> None:
    run = ran(run_exe("path", "--profile", ada_json, "DirectorOfProduct"))
    assert run.code == 0, run.err
    assert "product manager -> senior product manager -> director of product" in run.out
    lines = run.out.splitlines()

    def status(requirement: str) -> str:
        (line,) = [line for line in lines if line.rstrip().endswith(requirement)]
        found = re.search(r"\[([^\]]+)\]", line)
        assert found, line
        return found.group(1)

    assert status("at least four years in the current role") == "met"
    assert status("at least two products managed") == "met"
    assert status("skill: managing complex products") == "missing"
    assert status("skill: understanding customer needs") == "not met"


def test_path_with_profile_json_says_what_is_met_now(run_cli: RunCli, ada_json: str) -> None:
    run = ran(run_cli("path", "--profile", ada_json, "--format", "json", "director of product"))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["profile"] == ADA and data["from"] == ck("ProductManager")
    (route,) = data["routes"]
    promotion, move_up = route["steps"]
    assert {local(r["requirement"]): r["metNow"] for r in promotion["requirements"]} == {
        "RequiresFourYearsInRole": True,
        "RequiresTwoProductsManaged": True,
        "RequiresMentoring": True,
        "RequiresCustomerNeeds": False,
    }
    assert {local(r["requirement"]): r["metNow"] for r in move_up["requirements"] if r["essential"]} == {
        "RequiresComplexProductManagement": False,
        "RequiresCrossFunctionalLeadership": False,
        "RequiresProductStrategy": False,
    }


def test_years_in_role_count_from_the_move_into_the_role(run_exe: RunExe, repo_root: Path, tmp_path: Path) -> None:
    """Nine years as a junior engineer meet the first promotion's year in role, not the second's: years in a
    role start again with the move into it."""
    person = tmp_path / "jo.json"
    person.write_text(json.dumps({"@id": "https://example.org/people/jo", "currentRole": "JuniorEngineer",
                                  "yearsInRole": 9, "skills": ["Coding"]}), encoding="utf-8")  # fmt: skip
    pack = str(repo_root / "examples" / "software-ladder.ttl")
    run = run_exe("--knowledge", pack, "path", "--profile", str(person), "SeniorEngineer", "--format", "json")
    assert run.returncode == 0, run.stderr
    first, second = json.loads(run.stdout)["routes"][0]["steps"]
    met = {r["requirement"].rsplit("#", 1)[1]: r["metNow"] for step in (first, second) for r in step["requirements"]}
    assert met["RequiresOneYearInRole"] is True
    assert met["RequiresTwoYearsInRole"] is False
    assert met["RequiresCoding"] is True


def test_path_without_a_route_is_an_answer(run_exe: RunExe, run_cli: RunCli) -> None:
    run = ran(run_exe("path", "Founder", "ProductManager"))
    assert run.code == 0  # exit code 1 is for invalid input
    assert "Traceback" not in run.out + run.err
    assert "no route" in run.out
    as_json = ran(run_cli("path", "Founder", "ProductManager", "--format", "json"))
    assert as_json.code == 0 and json.loads(as_json.out)["routes"] == []


@pytest.mark.parametrize(
    "args",
    [("ProductManager",), ("ProductManager", "SeniorProductManager", "VPOfProduct"), ("--profile", "{ada}", "A", "B")],
    ids=["one-role", "three-roles", "profile-and-two-roles"],
)
def test_path_wrong_number_of_roles_is_a_usage_error(run_cli: RunCli, ada_json: str, args: tuple[str, ...]) -> None:
    assert_usage_error(ran(run_cli("path", *(a.format(ada=ada_json) for a in args))), "Usage:")


def test_path_usage_errors_from_the_installed_script(run_exe: RunExe) -> None:
    assert_usage_error(ran(run_exe("path", "ProductManager")), "Usage:", "TO")
    assert_usage_error(ran(run_exe("path")), "Usage:")


def test_path_unknown_role(run_cli: RunCli) -> None:
    run = ran(run_cli("path", "Astronaut", "ProductManager"))
    assert_clean_failure(run, 2, "Astronaut")


def test_path_unreadable_profile(run_exe: RunExe, unreadable: Path) -> None:
    assert_clean_failure(ran(run_exe("path", "--profile", str(unreadable), "VPOfProduct")), 2, unreadable.name)


def test_path_with_an_invalid_profile_exits_1(run_cli: RunCli, invalid_json: str) -> None:
    run = ran(run_cli("path", "--profile", invalid_json, "VPOfProduct"))
    assert "astronaut" in run.err
    assert run.code == 1


# =============================================================================================================
# validate
# =============================================================================================================


def test_validate_a_conforming_profile(run_exe: RunExe, ada_json: str) -> None:
    run = ran(run_exe("validate", ada_json))
    assert run.code == 0
    assert run.out == ""
    assert "conform" in run.err


def test_validate_reports_one_line_per_violation(run_exe: RunExe, invalid_json: str) -> None:
    run = ran(run_exe("validate", invalid_json))
    assert run.code == 1
    assert "Traceback" not in run.out + run.err
    lines = run.out.splitlines()
    assert len(lines) == 3
    for prop, value in [("current role", "Astronaut"), (": skill", "Juggling"), ("years in role", "-2")]:
        (line,) = [line for line in lines if prop in line]
        assert line.startswith(PEOPLE + "astronaut")
        assert value in line
        message = line.rsplit(": ", 1)[-1]
        assert len(message.split()) >= 4, line  # says what is wrong, in words
    assert PEOPLE + "valid" not in run.out


def test_validate_json(run_cli: RunCli, invalid_json: str) -> None:
    run = ran(run_cli("validate", "--format", "json", invalid_json))
    assert run.code == 1
    data = json.loads(run.out)
    assert data["conforms"] is False
    violations = {(v["profile"], v["property"], v["value"]) for v in data["violations"]}
    astronaut = PEOPLE + "astronaut"
    assert violations == {
        (astronaut, ck("currentRole"), ck("Astronaut")),
        (astronaut, ck("hasSkill"), ck("Juggling")),
        (astronaut, ck("yearsInRole"), "-2"),
    }
    assert all(v["message"] for v in data["violations"])


def test_validate_turtle_is_a_shacl_report(run_cli: RunCli, invalid_json: str, ada_json: str) -> None:
    run = ran(run_cli("validate", "--format", "turtle", invalid_json))
    assert run.code == 1
    report = Graph().parse(data=run.out, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    results = list(report.objects(node, SH.result))
    assert {report.value(r, SH.focusNode) for r in results} == {URIRef(PEOPLE + "astronaut")}
    assert {report.value(r, SH.resultPath) for r in results} == {CK.currentRole, CK.hasSkill, CK.yearsInRole}
    ok = ran(run_cli("validate", "--format", "turtle", ada_json))
    assert ok.code == 0
    ok_report = Graph().parse(data=ok.out, format="turtle")
    (ok_node,) = ok_report.subjects(RDF.type, SH.ValidationReport)
    assert ok_report.value(ok_node, SH.conforms) == Literal(True)
    assert not list(ok_report.objects(ok_node, SH.result))


def test_validate_several_files_and_stdin(run_cli: RunCli, examples: Path, ada_ttl: str) -> None:
    run = ran(run_cli("validate", "--format", "json", str(examples / "team.jsonl"), ada_ttl))
    assert run.code == 0, run.out + run.err
    assert json.loads(run.out) == {"conforms": True, "violations": []}
    piped = ran(run_cli("validate", "--input-format", "turtle", "-", input=Path(ada_ttl).read_text(encoding="utf-8")))
    assert piped.code == 0 and piped.out == ""


def test_validate_unreadable_next_to_a_readable_file(run_cli: RunCli, unreadable: Path, invalid_json: str) -> None:
    run = ran(run_cli("validate", str(unreadable), invalid_json))
    assert run.code == 2  # unreadable input wins over invalid input
    assert "Traceback" not in run.out + run.err
    assert unreadable.name in run.err
    assert len(run.out.splitlines()) == 3  # the readable file is still validated


def test_validate_unreadable_only(run_exe: RunExe, tmp_path: Path) -> None:
    missing = tmp_path / "nobody.ttl"
    assert_clean_failure(ran(run_exe("validate", str(missing))), 2, "nobody.ttl")


# =============================================================================================================
# query and queries
# =============================================================================================================


def test_query_named_with_bound_role_as_sparql_json(run_exe: RunExe, kg: Graph) -> None:
    run = ran(run_exe("query", "transitions", "--bind", "from=SeniorProductManager", "--format", "json"))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert {"transition", "from", "to"} <= set(data["head"]["vars"])
    bindings = data["results"]["bindings"]
    assert all(b["from"] == {"type": "uri", "value": ck("SeniorProductManager")} for b in bindings)
    expected = {str(o) for t in kg.subjects(CK.fromRole, CK.SeniorProductManager) for o in kg.objects(t, CK.toRole)}
    assert {b["to"]["value"] for b in bindings} == expected and len(bindings) == len(expected) == 12


def test_query_bind_accepts_curies_and_labels(run_cli: RunCli) -> None:
    run = ran(
        run_cli(
            "query",
            "requirements",
            "--bind",
            "from=ck:ProductManager",
            "--bind",
            "to=senior product manager",
            "--format",
            "csv",
        )
    )
    assert run.code == 0, run.err
    header, rows = csv_rows(run.out)
    assert header[:3] == ["transition", "from", "to"]
    assert {local(r["requirement"]): r["essential"] for r in rows} == {
        "RequiresFourYearsInRole": "true",
        "RequiresTwoProductsManaged": "true",
        "RequiresMentoring": "false",
        "RequiresCustomerNeeds": "false",
    }


def test_query_from_a_file_as_tsv(run_cli: RunCli, tmp_path: Path, kg: Graph) -> None:
    rq = tmp_path / "roles.rq"
    rq.write_text("PREFIX ck: <https://w3id.org/careerkg#>\nSELECT ?role WHERE { ?role a ck:Role }\n", encoding="utf-8")
    run = ran(run_cli("query", str(rq), "--format", "tsv"))
    assert run.code == 0, run.err
    header, *rows = run.out.splitlines()
    assert header == "?role"
    assert {row.strip("<>") for row in rows} == {ck(r) for r in kg_roles(kg)}


def test_query_from_stdin(run_cli: RunCli) -> None:
    text = "PREFIX ck: <https://w3id.org/careerkg#>\nSELECT (COUNT(?s) AS ?n) WHERE { ?s a ck:Skill }"
    run = ran(run_cli("query", "-", "--format", "csv", input=text.replace("ck:Skill", "ck:Role")))
    assert run.code == 0, run.err
    assert run.out.splitlines() == ["n", "14"]
    # ck:Skill is only known through the skill categories' subclass axioms: --inferred materialises it
    plain = ran(run_cli("query", "-", "--format", "csv", input=text))
    inferred = ran(run_cli("query", "-", "--inferred", "--format", "csv", input=text))
    assert (plain.out.splitlines(), inferred.out.splitlines()) == (["n", "0"], ["n", "19"])


def test_query_profile_with_inferred(run_exe: RunExe, run_cli: RunCli, tmp_path: Path, ada_json: str) -> None:
    rq = tmp_path / "eligible-for.rq"
    rq.write_text(
        "PREFIX ck: <https://w3id.org/careerkg#>\nSELECT ?profile ?role WHERE { ?profile ck:eligibleFor ?role }\n",
        encoding="utf-8",
    )
    run = ran(run_exe("query", str(rq), "--profile", ada_json, "--inferred", "--format", "csv"))
    assert run.code == 0, run.err
    _, rows = csv_rows(run.out)
    assert {r["profile"] for r in rows} == {ADA}
    assert {local(r["role"]) for r in rows} == ADA_ELIGIBLE
    asserted_only = ran(run_cli("query", str(rq), "--profile", ada_json, "--format", "csv"))
    assert asserted_only.code == 0 and csv_rows(asserted_only.out)[1] == []  # nothing derived without --inferred


def test_query_named_eligible_agrees_with_inference(run_cli: RunCli, examples: Path) -> None:
    run = ran(run_cli("query", "eligible", "--profile", str(examples / "team.jsonl"), "--format", "json"))
    assert run.code == 0, run.err
    found: dict[str, set[str]] = {}
    for b in json.loads(run.out)["results"]["bindings"]:
        found.setdefault(b["profile"]["value"], set()).add(local(b["role"]["value"]))
    assert {p: r for p, r in found.items() if p in TEAM_ELIGIBLE} == TEAM_ELIGIBLE
    (alan,) = set(found) - set(TEAM_ELIGIBLE)
    assert found[alan] == ALAN_ELIGIBLE


def test_query_xml_table_and_ask(run_cli: RunCli) -> None:
    run = ran(run_cli("query", "transitions", "--bind", "from=ck:VPOfProduct", "--format", "xml"))
    assert run.code == 0, run.err
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(run.out.encode("utf-8"))
    assert root.tag == f"{ns}sparql"
    assert "transition" in [v.get("name") for v in root.iter(f"{ns}variable")]
    assert len(list(root.iter(f"{ns}result"))) == 10
    table = ran(run_cli("query", "transitions", "--bind", "from=ck:VPOfProduct"))
    assert table.code == 0
    assert table.out.splitlines()[-1] == "(10 rows)" and len(table_rows(table.out)) == 10
    ask = "ASK { <https://w3id.org/careerkg#ProductManager> a <https://w3id.org/careerkg#Role> }"
    assert ran(run_cli("query", "-", input=ask)).out.strip() == "true"
    assert json.loads(ran(run_cli("query", "-", "--format", "json", input=ask)).out)["boolean"] is True


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        ("csv", "role,label,esco,escoLabel,escoMatch,isco,onet,onetMatch"),
        ("tsv", "?role\t?label\t?esco\t?escoLabel\t?escoMatch\t?isco\t?onet\t?onetMatch"),
    ],
)
def test_query_csv_and_tsv_headers(run_cli: RunCli, fmt: str, header: str) -> None:
    run = ran(run_cli("query", "roles", "--format", fmt))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == header
    assert len(lines) > 14  # a row per role (and per extra ESCO match)


def test_query_construct(run_cli: RunCli, tmp_path: Path) -> None:
    rq = tmp_path / "occupations.rq"
    rq.write_text("CONSTRUCT { ?r a <urn:x:Job> } WHERE { ?r a <https://w3id.org/careerkg#Role> }", encoding="utf-8")
    turtle = ran(run_cli("query", str(rq)))
    assert turtle.code == 0, turtle.err
    assert len(set(Graph().parse(data=turtle.out, format="turtle").subjects(RDF.type, URIRef("urn:x:Job")))) == 14
    jsonld = ran(run_cli("query", str(rq), "--format", "json"))
    assert len(Graph().parse(data=jsonld.out, format="json-ld")) == 14
    assert_usage_error(ran(run_cli("query", str(rq), "--format", "csv")), "csv")


def test_query_syntax_error_and_service_from_the_installed_script(run_exe: RunExe) -> None:
    syntax = ran(run_exe("query", "-", input="SELEC ?s WHERE { ?s ?p ?o }"))
    assert_clean_failure(syntax, 2, "syntax error")
    service = ran(run_exe("query", "-", input="SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert_clean_failure(service, 1, "SERVICE")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?x } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?q ?x } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { service <http://example.org/sparql> { ?s ?q ?x } } } }",
        "CONSTRUCT { ?s ?q ?x } WHERE { SERVICE <http://example.org/sparql> { ?s ?q ?x } }",
    ],
    ids=["optional-silent", "filter-exists", "subquery-lowercase", "construct"],
)
def test_query_service_is_refused_wherever_it_hides(run_cli: RunCli, text: str) -> None:
    assert_clean_failure(ran(run_cli("query", "-", input=text)), 1, "SERVICE")


@pytest.mark.parametrize(
    "text",
    ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL"],
)
def test_query_updates_are_refused(run_cli: RunCli, text: str) -> None:
    run = ran(run_cli("query", "-", input=text))
    assert_clean_failure(run, 1, "read-only")


@pytest.mark.parametrize(
    ("args", "stdin", "word"),
    [
        (("nosuchquery",), None, "nosuchquery"),
        (("{tmp}/missing.rq",), None, "missing.rq"),
        (("-",), "", "empty"),
    ],
    ids=["unknown-name", "missing-file", "empty-stdin"],
)
def test_query_unreadable_or_unknown(
    run_cli: RunCli, tmp_path: Path, args: tuple[str, ...], stdin: str | None, word: str
) -> None:
    run = ran(run_cli("query", *(a.format(tmp=tmp_path) for a in args), input=stdin))
    assert_clean_failure(run, 2, word)


def test_query_usage_errors(run_cli: RunCli, ada_json: str) -> None:
    assert_usage_error(ran(run_cli("query", "transitions", "--bind", "from")), "VAR=VALUE")
    assert_usage_error(ran(run_cli("query", "-", "--profile", "-", input="ASK {}")), "standard input")
    assert_usage_error(ran(run_cli("query", "roles", "--format", "yaml")), "yaml")


def test_query_unreadable_profile(run_cli: RunCli, unreadable: Path) -> None:
    assert_clean_failure(ran(run_cli("query", "eligible", "--profile", str(unreadable))), 2, unreadable.name)


def test_query_with_no_solutions_has_no_rows_in_any_format(run_cli: RunCli) -> None:
    args = ("query", "transitions", "--bind", "to=ProductManager")  # nothing moves into product manager
    assert ran(run_cli(*args)).out.splitlines()[-1] == "(0 rows)"
    assert ran(run_cli(*args, "--format", "tsv")).out.splitlines()[1:] == []
    assert json.loads(ran(run_cli(*args, "--format", "json")).out)["results"]["bindings"] == []
    assert ran(run_cli(*args, "--format", "csv")).out.splitlines()[1:] == []


def test_query_never_answers_for_an_invalid_profile(run_cli: RunCli, tmp_path: Path) -> None:
    people = tmp_path / "people.jsonl"
    people.write_text(
        '{"@id": "https://example.org/people/ok", "currentRole": "ProductManager", "skills": ["Coding"]}\n'
        '{"@id": "https://example.org/people/bad", "currentRole": "ProductManager", "yearsInRole": -1, '
        '"skills": ["Coding"]}\n',
        encoding="utf-8",
    )
    run = ran(run_cli("query", "eligible", "--profile", str(people), "--format", "csv"))
    _, rows = csv_rows(run.out)
    assert {r["profile"] for r in rows} == {PEOPLE + "ok"}
    assert PEOPLE + "bad" in run.err
    assert run.code == 1


def _summaries(repo_root: Path) -> dict[str, str]:
    found = {}
    for path in sorted((repo_root / "queries").glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#+ summary:"), path
        found[path.stem] = first.removeprefix("#+ summary:").strip()
    return found


def test_queries_lists_every_query_file_with_its_summary(run_exe: RunExe, run_cli: RunCli, repo_root: Path) -> None:
    expected = _summaries(repo_root)
    assert len(expected) >= 6
    run = ran(run_exe("queries"))
    assert run.code == 0, run.err
    rows = table_rows(run.out)
    assert len(rows) == len(expected)
    for name, summary in expected.items():
        assert any(row.split()[0] == name and summary in row for row in rows), name
    as_json = ran(run_cli("queries", "--format", "json"))
    assert {q["name"]: q["summary"] for q in json.loads(as_json.out)} == expected


def test_queries_failures(run_exe: RunExe, run_cli: RunCli) -> None:
    assert_usage_error(ran(run_exe("queries", "--format", "yaml")), "yaml")
    assert_usage_error(ran(run_cli("queries", "extra")), "extra")


# =============================================================================================================
# roles and skills
# =============================================================================================================


def test_roles_table(run_exe: RunExe) -> None:
    run = ran(run_exe("roles"))
    assert run.code == 0, run.err
    rows = table_rows(run.out)
    assert len(rows) == 14
    for name, (isco, onet) in ROLE_CODES.items():
        (row,) = [row for row in rows if row.split()[0] == f"ck:{name}"]
        assert isco in row and onet in row, row


def test_roles_json(run_cli: RunCli, kg: Graph) -> None:
    run = ran(run_cli("roles", "--format", "json"))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert {local(r["role"]) for r in data} == kg_roles(kg) == set(ROLE_CODES)
    for role in data:
        schemes = {a["scheme"]: a for a in role["alignments"]}
        isco, onet = ROLE_CODES[local(role["role"])]
        esco = [a for a in role["alignments"] if a["scheme"] == "ESCO"]
        assert esco and all(a["concept"].startswith("http://data.europa.eu/esco/occupation/") for a in esco)
        assert schemes["ISCO-08"]["code"] == isco
        assert schemes["O*NET-SOC"]["code"] == onet
        assert role["label"] == str(kg.value(CK[local(role["role"])], RDFS.label))
    moves = {local(r["role"]): r["movesOut"] for r in data}
    assert sum(moves.values()) == 43
    assert (moves["ProductManager"], moves["SeniorProductManager"], moves["Founder"]) == (11, 12, 0)


def test_roles_csv(run_cli: RunCli) -> None:
    run = ran(run_cli("roles", "--format", "csv"))
    assert run.code == 0, run.err
    header, rows = csv_rows(run.out)
    assert {"role", "label", "ESCO", "ISCO-08", "O*NET-SOC"} <= set(header)
    assert len(rows) == 14
    for row in rows:
        isco, onet = ROLE_CODES[row["role"].removeprefix("ck:")]
        assert row["ESCO"] and isco in row["ISCO-08"] and onet in row["O*NET-SOC"]


def test_skills_table(run_exe: RunExe, kg: Graph) -> None:
    run = ran(run_exe("skills"))
    assert run.code == 0, run.err
    rows = table_rows(run.out)
    assert len(rows) == 19
    assert {row.split()[0].removeprefix("ck:") for row in rows} == set(kg_skills(kg))


def test_skills_json_counts_the_moves_that_need_each(run_cli: RunCli, kg: Graph) -> None:
    run = ran(run_cli("skills", "--format", "json"))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    skills = kg_skills(kg)
    assert len(data) == len(skills) == 19
    for skill in data:
        name = local(skill["skill"])
        assert local(skill["category"]) == skills[name]
        reqs = set(kg.subjects(CK.requiredSkill, CK[name]))
        essential = {t for r in reqs for t in kg.subjects(CK.essentialRequirement, r)}
        optional = {t for r in reqs for t in kg.subjects(CK.optionalRequirement, r)}
        assert (skill["essentialIn"], skill["optionalIn"]) == (len(essential), len(optional)), name


def test_skills_csv(run_cli: RunCli, kg: Graph) -> None:
    run = ran(run_cli("skills", "--format", "csv"))
    assert run.code == 0, run.err
    header, rows = csv_rows(run.out)
    assert header[:3] == ["skill", "label", "category"]
    assert {r["skill"].removeprefix("ck:") for r in rows} == set(kg_skills(kg))


@pytest.mark.parametrize("command", ["roles", "skills"])
def test_catalogue_failures(run_exe: RunExe, run_cli: RunCli, command: str) -> None:
    assert_usage_error(ran(run_exe(command, "--format", "yaml")), "yaml")
    assert_usage_error(ran(run_cli(command, "extra")), "extra")


# =============================================================================================================
# graph
# =============================================================================================================


def _edges(text: str, arrow: str) -> set[tuple[str, str]]:
    return set(re.findall(rf"^\s*(\w+) {re.escape(arrow)} (\w+)\b", text, re.MULTILINE))


def test_graph_mermaid(run_exe: RunExe, kg: Graph) -> None:
    run = ran(run_exe("graph"))
    assert run.code == 0, run.err
    assert run.out.startswith("flowchart")
    for role in kg_roles(kg):
        assert re.search(rf'^\s*{role}\["{re.escape(str(kg.value(CK[role], RDFS.label)))}"\]', run.out, re.MULTILINE)
    expected = {
        (local(str(kg.value(t, CK.fromRole))), local(str(kg.value(t, CK.toRole))))
        for t in kg.subjects(RDF.type, CK.Transition)
    }
    assert _edges(run.out, "-->") == expected and len(expected) == 43
    assert "==>" not in run.out and "current" not in run.out


def test_graph_dot(run_cli: RunCli) -> None:
    run = ran(run_cli("graph", "--format", "dot"))
    assert run.code == 0, run.err
    assert run.out.lstrip().startswith("digraph") and run.out.rstrip().endswith("}")
    assert len(_edges(run.out, "->")) == 43
    assert len(re.findall(r"^\s*\w+ \[label=", run.out, re.MULTILINE)) == 14
    assert "penwidth" not in run.out


def test_graph_profile_highlights_current_role_and_open_moves(
    run_cli: RunCli, run_exe: RunExe, ada_json: str, ada_ttl: str
) -> None:
    run = ran(run_cli("graph", "--profile", ada_json))
    assert run.code == 0, run.err
    assert re.search(r"^\s*class ProductManager current\s*$", run.out, re.MULTILINE)
    (open_line,) = re.findall(r"^\s*class (\S+) open\s*$", run.out, re.MULTILINE)
    assert set(open_line.split(",")) == ADA_ELIGIBLE
    assert _edges(run.out, "==>") == {("ProductManager", role) for role in ADA_ELIGIBLE}
    dot = ran(run_exe("graph", "--profile", ada_ttl, "--format", "dot"))
    assert dot.code == 0, dot.err
    fills = dict(re.findall(r'^\s*(\w+) \[label="[^"]*", fillcolor="([^"]+)"\]', dot.out, re.MULTILINE))
    assert len(fills) == 14
    assert {role for role, fill in fills.items() if fill not in ("white", fills["ProductManager"])} == ADA_ELIGIBLE
    assert fills["ProductManager"] != "white"
    bold = set(re.findall(r"^\s*(\w+) -> (\w+) \[penwidth", dot.out, re.MULTILINE))
    assert bold == {("ProductManager", role) for role in ADA_ELIGIBLE}


def test_graph_failures(run_exe: RunExe, run_cli: RunCli, tmp_path: Path, examples: Path) -> None:
    missing = tmp_path / "nobody.json"
    assert_clean_failure(ran(run_exe("graph", "--profile", str(missing))), 2, "nobody.json")
    assert_usage_error(ran(run_cli("graph", "--format", "svg")), "svg")
    several = ran(run_cli("graph", "--profile", str(examples / "team.jsonl")))
    assert_usage_error(several, "team.jsonl")


def test_graph_with_an_invalid_profile_exits_1(run_cli: RunCli, invalid_json: str) -> None:
    run = ran(run_cli("graph", "--profile", invalid_json))
    assert "astronaut" in run.err
    assert run.code == 1


# =============================================================================================================
# export (the formats and parts are covered in test_rdf_files.py; here: --inferred)
# =============================================================================================================


def test_export_kg_inferred_adds_the_closure(run_exe: RunExe, kg: Graph) -> None:
    run = ran(run_exe("export", "--part", "kg", "--inferred", "--format", "nt"))
    assert run.code == 0, run.err
    inferred = Graph().parse(data=run.out, format="nt")
    plain = bundled.load(["kg"])
    assert len(inferred) > len(plain)
    assert all(triple in inferred for triple in plain)  # nothing asserted is lost
    for skill in kg_skills(kg):
        assert (CK[skill], RDF.type, CK.Skill) in inferred and (CK[skill], RDF.type, CK.Skill) not in plain
    for role in kg_roles(kg):
        assert (CK[role], RDF.type, SCHEMA_OCCUPATION) in inferred


def test_export_inferred_to_a_file(run_cli: RunCli, tmp_path: Path, kg: Graph) -> None:
    out = tmp_path / "full.ttl"
    run = ran(run_cli("export", "--inferred", "-o", str(out)))
    assert run.code == 0, run.err
    assert run.out == ""
    written = Graph().parse(out, format="turtle")
    asserted = ontology_document()
    assert len(written) > len(asserted)
    assert all(t in written for t in asserted if not any(isinstance(n, BNode) for n in t))  # blank nodes get new ids
    assert all((CK[role], RDF.type, SCHEMA_OCCUPATION) in written for role in kg_roles(kg))


def test_export_inferred_shapes_is_a_usage_error(run_exe: RunExe) -> None:
    assert_usage_error(ran(run_exe("export", "--part", "shapes", "--inferred")), "--inferred")


# =============================================================================================================
# help
# =============================================================================================================


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run_cli: RunCli, command: str) -> None:
    run = ran(run_cli(command, "--help"))
    assert run.code == 0, run.err
    assert run.out.startswith("Usage:") and f" {command} " in run.out.splitlines()[0]
    assert "Example" in run.out, f"`careerkg {command} --help` shows no example"
    after = run.out[run.out.index("Example") :]
    assert re.search(rf"^\s.*\bcareerkg {command}\b", after, re.MULTILINE), after


def test_installed_script_help(run_exe: RunExe) -> None:
    run = ran(run_exe("--help"))
    assert run.code == 0, run.err
    listed = set(re.findall(r"^  (\w+)\s", run.out[run.out.index("Commands:") :], re.MULTILINE))
    assert listed == set(COMMANDS)
    short = ran(run_exe("eligible", "-h"))
    assert short.code == 0 and short.out.startswith("Usage: careerkg eligible")
    assert_usage_error(ran(run_exe("elligible", "examples/ada.json")), "elligible")

"""Knowledge packs: a user's own roles, skills and moves, used beside (or instead of) the article's knowledge,
checked before use, through the installed command, the Python API and the server."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import careerkg
import httpx
import pytest
from conftest import RunningServer

RunExe = Callable[..., subprocess.CompletedProcess[str]]
OPS = "https://example.org/ops#"

PACK = """\
@prefix ck: <https://w3id.org/careerkg#> .
@prefix ex: <https://example.org/ops#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ex: a owl:Ontology ; dcterms:title "Product operations"@en ; owl:versionInfo "0.1" .
ex:Handbook dcterms:title "Example Co. career handbook" .
ex:ProductOperationsManager a owl:NamedIndividual , ck:Role ;
    rdfs:label "product operations manager"@en , "responsable des opérations produit"@fr ;
    skos:definition "Runs the processes, tools and data that let product teams ship."@en .
ex:ProcessDesign a owl:NamedIndividual , ck:BusinessSkill ;
    rdfs:label "process design"@en ; skos:definition "Designing repeatable ways of working."@en .
ex:RequiresProcessDesign a owl:NamedIndividual , ck:SkillRequirement ;
    rdfs:label "skill: process design"@en ; skos:definition "Met by a profile with process design."@en ;
    ck:requiredSkill ex:ProcessDesign .
ex:RequiresThreeYears a owl:NamedIndividual , ck:ThresholdRequirement ;
    rdfs:label "at least three years in the current role"@en ; skos:definition "Three years or more."@en ;
    ck:thresholdProperty ck:yearsInRole ; ck:minimumValue 3 .
ex:ProductManagerToProductOperationsManager a owl:NamedIndividual , ck:Transition ;
    rdfs:label "product manager to product operations manager"@en ;
    skos:definition "The move from product manager to product operations."@en ;
    ck:fromRole ck:ProductManager ; ck:toRole ex:ProductOperationsManager ;
    ck:essentialRequirement ex:RequiresProcessDesign , ex:RequiresThreeYears ;
    dcterms:source ex:Handbook ; ck:articleSection "Operations track"@en ;
    ck:justification "The handbook opens product operations to product managers who design processes."@en .
"""

#: A product manager with process design and four years: eligible for the pack's move.
PERSON = {"@id": "https://example.org/people/olu", "currentRole": "PM", "yearsInRole": 4,
          "skills": ["Coding", "process design"]}  # fmt: skip


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "ops.ttl"
    path.write_text(PACK, encoding="utf-8")
    return path


def roles_of(answer: dict[str, object]) -> list[str]:
    return [e["role"] for e in answer["eligible"]]  # type: ignore[attr-defined, index]


def test_a_pack_adds_moves_explained_with_its_own_source(run_exe: RunExe, pack: Path) -> None:
    done = run_exe("--knowledge", str(pack), "eligible", "--explain", "--format", "json", "-", input=json.dumps(PERSON))
    assert done.returncode == 0, done.stderr
    (answer,) = json.loads(done.stdout)
    moves = {e["role"]: e for e in answer["eligible"]}
    assert OPS + "ProductOperationsManager" in moves
    assert "https://w3id.org/careerkg#SoftwareEngineer" in moves  # the article's moves are still there
    move = moves[OPS + "ProductOperationsManager"]
    assert move["label"] == "product operations manager"
    assert move["provenance"]["source"] == OPS + "Handbook"
    assert move["provenance"]["sourceTitle"] == "Example Co. career handbook"
    assert move["provenance"]["sections"] == ["Operations track"]
    met = {r["label"]: r["metBy"] for r in move["requirements"]}
    assert met["skill: process design"][0]["value"] == OPS + "ProcessDesign"
    assert met["at least three years in the current role"][0]["value"] == "4"
    # without the pack, its skill is unknown: the profile is invalid, and said to be
    plain = run_exe("eligible", "--format", "json", "-", input=json.dumps(PERSON))
    assert plain.returncode == 1 and json.loads(plain.stdout) == [] and "'process design'" in plain.stderr


def test_the_python_api_takes_packs_and_agrees_with_the_command_line(run_exe: RunExe, pack: Path) -> None:
    engine = careerkg.Engine(knowledge=[pack])
    api = engine.eligible(PERSON).to_json(explain=True)
    cli = run_exe("--knowledge", str(pack), "eligible", "--explain", "--format", "json", "-", input=json.dumps(PERSON))
    assert api == json.loads(cli.stdout)
    short = dict(PERSON, yearsInRole=1)
    (gap,) = [m for m in engine.gaps(short)[0].moves if str(m.transition.to_role) == OPS + "ProductOperationsManager"]
    assert [r.label for r in gap.missing] == ["at least three years in the current role"]
    route = engine.path("PM", OPS + "ProductOperationsManager")
    assert [str(r) for r in route.routes[0].roles][-1] == OPS + "ProductOperationsManager"


def test_the_environment_names_packs_with_the_path_separator(careerkg_exe: str, pack: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.ttl"
    other.write_text(PACK.replace("ops#", "ops2#").replace("Product operations", "Other"), encoding="utf-8")
    env = {**os.environ, "CAREERKG_KNOWLEDGE": os.pathsep.join([str(pack), str(other)])}
    done = subprocess.run([careerkg_exe, "roles", "--format", "json"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    roles = {r["role"] for r in json.loads(done.stdout)}
    assert {OPS + "ProductOperationsManager", "https://example.org/ops2#ProductOperationsManager"} <= roles


def test_packs_only_leaves_the_article_out(run_exe: RunExe, pack: Path, tmp_path: Path) -> None:
    alone = tmp_path / "alone.ttl"
    alone.write_text(PACK.replace("ck:fromRole ck:ProductManager", "ck:fromRole ex:Analyst") + """
ex:Analyst a owl:NamedIndividual , ck:Role ; rdfs:label "analyst"@en ; skos:definition "Studies data."@en .
""", encoding="utf-8")  # fmt: skip
    done = run_exe("--knowledge", str(alone), "--packs-only", "roles", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert {r["role"] for r in json.loads(done.stdout)} == {OPS + "Analyst", OPS + "ProductOperationsManager"}
    refused = run_exe("--knowledge", str(pack), "--packs-only", "roles")
    assert refused.returncode == 1
    assert "ck:ProductManager is not a term careerkg knows" in refused.stderr
    assert "the article's knowledge is left out" in refused.stderr


BROKEN = {
    "own-terms": (
        PACK + 'ck:ProductManager rdfs:label "chef de produit"@fr .\n',
        ["ck:ProductManager: a pack may not define or add statements about careerkg's own terms"],
    ),
    "no-source": (
        PACK.replace("dcterms:source ex:Handbook ;", ""),
        ["ProductManagerToProductOperationsManager http://purl.org/dc/terms/source: A transition must cite its source"],
    ),
    "bad-threshold": (
        PACK.replace("ck:minimumValue 3", 'ck:minimumValue "three"'),
        ["RequiresThreeYears ck:minimumValue", "a number zero or more"],
    ),
    "stated-twice": (
        PACK
        + """
ex:Again a owl:NamedIndividual , ck:Transition ; rdfs:label "again"@en ; skos:definition "Again."@en ;
    ck:fromRole ck:ProductManager ; ck:toRole ex:ProductOperationsManager ; dcterms:source ex:Handbook ;
    ck:articleSection "Operations track"@en ; ck:justification "Stated twice."@en .
""",
        ["Two transitions share this from role and to role"],
    ),
    "misspelt-term": (
        PACK.replace("ck:BusinessSkill", "ck:BusinesSkill"),
        ["ck:BusinesSkill is not a term careerkg knows"],
    ),
    "relative-iri": (
        PACK.replace("ck:toRole ex:ProductOperationsManager", "ck:toRole <ProductOps>"),
        ["is relative; give an absolute IRI"],
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_pack_gets_one_line_per_problem_and_nothing_is_stored(
    run_exe: RunExe, tmp_path: Path, case: str
) -> None:
    text, expected = BROKEN[case]
    path = tmp_path / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    done = run_exe("--knowledge", str(path), "eligible", "--store", str(tmp_path / "store"), "-",
                   input=json.dumps(PERSON))  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines and all(line.startswith(f"Error: {path}: ") for line in lines), lines
    for words in expected:
        assert any(words in line for line in lines), (words, lines)
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "store").exists() or _empty_store(tmp_path)  # nothing is stored from a broken pack
    with pytest.raises(careerkg.InvalidKnowledgeError) as info:
        careerkg.Engine(knowledge=[path]).eligible(PERSON)
    assert info.value.exit_code == 1 and info.value.problems == [line.removeprefix("Error: ") for line in lines]


def _empty_store(tmp_path: Path) -> bool:
    import pyoxigraph

    return len(pyoxigraph.Store(str(tmp_path / "store"))) == 0


@pytest.mark.parametrize(("name", "text", "words"), [
    ("missing.ttl", None, "cannot read"),
    ("broken.ttl", "@prefix x: <https://x.example/> . x:a x:b", "not valid turtle"),
    ("pack.csv", "a,b", "a knowledge pack is Turtle"),
])  # fmt: skip
def test_an_unreadable_pack_is_exit_2(run_exe: RunExe, tmp_path: Path, name: str, text: str | None, words: str) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    done = run_exe("--knowledge", str(path), "eligible", "-", input=json.dumps(PERSON))
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {path}: ") and words in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_changed_pack_is_never_answered_from_a_stale_cache(run_exe: RunExe, pack: Path) -> None:
    first = run_exe("--knowledge", str(pack), "eligible", "--format", "json", "-", input=json.dumps(PERSON))
    assert OPS + "ProductOperationsManager" in roles_of(json.loads(first.stdout)[0])
    pack.write_text(PACK.replace("ck:minimumValue 3", "ck:minimumValue 10"), encoding="utf-8")
    second = run_exe("--knowledge", str(pack), "eligible", "--format", "json", "-", input=json.dumps(PERSON))
    assert second.returncode == 0
    assert OPS + "ProductOperationsManager" not in roles_of(json.loads(second.stdout)[0])


def test_labels_in_another_language(run_exe: RunExe, pack: Path) -> None:
    done = run_exe("--knowledge", str(pack), "--lang", "fr", "eligible", "--format", "json", "-",
                   input=json.dumps(PERSON))  # fmt: skip
    labels = {e["role"]: e["label"] for e in json.loads(done.stdout)[0]["eligible"]}
    assert labels[OPS + "ProductOperationsManager"] == "responsable des opérations produit"
    assert labels["https://w3id.org/careerkg#SoftwareEngineer"] == "software engineer"  # English where none


def test_a_construct_the_compiled_reasoner_lacks_falls_back_to_owlrl_with_a_note(
    run_exe: RunExe, tmp_path: Path
) -> None:
    path = tmp_path / "transitive.ttl"
    path.write_text(PACK + "ex:reportsTo a owl:ObjectProperty , owl:TransitiveProperty ; "
                    'rdfs:label "reports to"@en .\n', encoding="utf-8")  # fmt: skip
    done = run_exe("--knowledge", str(path), "eligible", "--format", "json", "-", input=json.dumps(PERSON))
    assert done.returncode == 0, done.stderr
    assert "careerkg: note: the compiled reasoner does not support this knowledge" in done.stderr
    assert "owlrl is used" in done.stderr
    assert OPS + "ProductOperationsManager" in roles_of(json.loads(done.stdout)[0])


def test_a_store_keeps_to_the_knowledge_it_was_filled_with(run_exe: RunExe, pack: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    filled = run_exe("--knowledge", str(pack), "eligible", "--store", store, "--format", "json", "-",
                     input=json.dumps(PERSON))  # fmt: skip
    assert filled.returncode == 0, filled.stderr
    again = run_exe("--knowledge", str(pack), "eligible", "--store", store, "--format", "json")
    assert json.loads(again.stdout) == [json.loads(filled.stdout)[0] | {}]  # the same answer, read back
    other = run_exe("eligible", "--store", store)
    assert other.returncode == 1 and "the store holds other knowledge" in other.stderr


def test_export_and_validate_use_the_pack(run_exe: RunExe, pack: Path) -> None:
    exported = run_exe("--knowledge", str(pack), "export", "--format", "nt")
    assert exported.returncode == 0
    assert f"<{OPS}ProductManagerToProductOperationsManager>" in exported.stdout
    person = {"@id": "https://example.org/people/ada", "currentRole": OPS + "ProductOperationsManager"}
    valid = run_exe("--knowledge", str(pack), "validate", "-", input=json.dumps(person))
    assert valid.returncode == 0, valid.stdout + valid.stderr
    unknown = run_exe("validate", "-", input=json.dumps(person))
    assert unknown.returncode == 1


def test_serve_answers_with_the_pack_and_lists_it(
    start_careerkg_server: Callable[..., RunningServer], pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERKG_KNOWLEDGE", str(pack))  # `careerkg --knowledge PACK serve`, by its variable
    server = start_careerkg_server("--log-level", "warning")
    health = httpx.get(server.base + "/health").json()
    (listed,) = health["knowledgePacks"]
    assert listed["path"] == str(pack) and listed["title"] == "Product operations" and listed["version"] == "0.1"
    assert len(listed["sha256"]) == 64 and health["articleKnowledge"] is True
    answer = httpx.post(server.base + "/eligible", json=PERSON).json()
    assert OPS + "ProductOperationsManager" in roles_of(answer[0])


SENIOR = {"@id": "https://example.org/people/sam", "currentRole": "senior engineer", "yearsInRole": 3,
          "skills": ["mentoring", "technical leadership", "customer insight", "CustomerNeeds"]}  # fmt: skip
LADDER = "https://example.org/software-ladder#"


def test_profiles_are_answered_across_the_example_ladder_and_the_article(run_exe: RunExe, repo_root: Path) -> None:
    pack = str(repo_root / "examples" / "software-ladder.ttl")
    done = run_exe("--knowledge", pack, "eligible", "--explain", "--format", "json", "-", input=json.dumps(SENIOR))
    assert done.returncode == 0, done.stderr
    (answer,) = json.loads(done.stdout)
    assert roles_of(answer) == [LADDER + "EngineeringManager", "https://w3id.org/careerkg#ProductManager"]
    into_pm = answer["eligible"][1]
    assert into_pm["provenance"]["source"].startswith("https://example.org/")  # the ladder's own source
    junior = dict(SENIOR, currentRole="junior engineer", yearsInRole=0)
    none = run_exe("--knowledge", pack, "eligible", "--format", "json", "-", input=json.dumps(junior))
    assert roles_of(json.loads(none.stdout)[0]) == []
    api = careerkg.Engine(knowledge=[pack]).eligible(SENIOR).to_json(explain=True)
    assert api == json.loads(done.stdout)
    route = run_exe("--knowledge", pack, "path", "junior engineer", "product manager", "--format", "json")
    assert json.loads(route.stdout)["routes"][0]["roles"][-1] == "https://w3id.org/careerkg#ProductManager"


def test_knowledge_check_summarises_a_good_pack_and_lists_every_problem(
    run_exe: RunExe, pack: Path, tmp_path: Path
) -> None:
    good = run_exe("knowledge", "check", str(pack), "--format", "json")
    assert good.returncode == 0, good.stderr
    (summary,) = json.loads(good.stdout)["packs"]
    assert (summary["roles"], summary["skills"], summary["transitions"]) == (1, 1, 1)
    assert summary["rolesWithoutMovesOut"] == [OPS + "ProductOperationsManager"]
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN["no-source"][0] + BROKEN["own-terms"][0][len(PACK) :], encoding="utf-8")
    bad = run_exe("knowledge", "check", str(broken))
    assert bad.returncode == 1 and bad.stdout == ""
    assert [line for line in bad.stderr.splitlines() if not line.startswith(f"Error: {broken}: ")] == []
    missing = run_exe("knowledge", "check", str(tmp_path / "none.ttl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


ASTRONAUT = """\
@prefix ck: <https://w3id.org/careerkg#> .
@prefix ex: <https://example.org/x#> .
ex:Astronaut a ck:Role .
ex:Juggling a ck:TechnicalSkill .
ex:Move a ck:Transition ; ck:fromRole ck:ProductManager ; ck:toRole ex:Astronaut .
<https://example.org/people/a> a ck:Profile ; ck:currentRole ck:ProductManager ; ck:hasSkill ck:Coding .
<https://example.org/people/b> a ck:Profile ; ck:currentRole ex:Astronaut ; ck:hasSkill ex:Juggling .
"""


@pytest.mark.parametrize("command", ["eligible", "gaps", "validate"])
def test_knowledge_comes_only_from_knowledge(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    """A profile document that declares roles, skills or moves has them reported and left out: they neither
    make its own profiles valid nor add a move, and the exit code says the input was invalid."""
    path = tmp_path / "astro.ttl"
    path.write_text(ASTRONAUT, encoding="utf-8")
    done = run_exe(command, str(path))
    assert done.returncode == 1
    assert "statement(s) of careerkg's knowledge were left out" in done.stderr
    assert "https://example.org/x#Astronaut a ck:Role" in done.stderr
    assert "Traceback" not in done.stderr
    if command == "eligible":  # person a is answered with the article's moves only; person b is invalid
        assert "https://example.org/people/a" in done.stdout and "Astronaut" not in done.stdout.split("people/b")[0]


def test_knowledge_from_a_profile_is_never_stored(run_exe: RunExe, tmp_path: Path) -> None:
    path = tmp_path / "astro.ttl"
    path.write_text(ASTRONAUT, encoding="utf-8")
    store = str(tmp_path / "store")
    done = run_exe("eligible", "--store", store, str(path))
    assert done.returncode == 1
    asked = run_exe("query", "--store", store, "-", input="ASK { <https://example.org/x#Astronaut> ?p ?o }")
    assert asked.stdout.strip() == "false"
    with pytest.raises(careerkg.InvalidProfilesError) as info:
        careerkg.Engine().eligible(path)
    assert info.value.exit_code == 1
    assert any("Astronaut a ck:Role" in line for line in info.value.results.left_out)


def test_a_server_holding_knowledge_careerkg_lacks_is_labelled_and_explained_from_the_server(
    run_exe: RunExe, pack: Path, tmp_path: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    """The pack and a profile pushed to a SPARQL server; careerkg without the pack asks the server, which
    decides eligibility, and labels and explains the pack's move from what the server holds."""
    server = oxigraph_server()
    person = tmp_path / "olu.json"
    person.write_text(json.dumps(PERSON), encoding="utf-8")
    pushed = run_exe("--knowledge", str(pack), "push", "--endpoint", f"{server.base}/store", str(person))
    assert pushed.returncode == 0, pushed.stderr
    remote = run_exe("eligible", "--endpoint", f"{server.base}/query", "--explain", "--format", "json")
    assert remote.returncode == 0, remote.stderr
    (answer,) = json.loads(remote.stdout)
    moves = {e["role"]: e for e in answer["eligible"]}
    move = moves[OPS + "ProductOperationsManager"]
    assert move["label"] == "product operations manager"
    assert move["provenance"]["sourceTitle"] == "Example Co. career handbook"
    assert move["provenance"]["sections"] == ["Operations track"]
    local = run_exe("--knowledge", str(pack), "eligible", "--explain", "--format", "json", str(person))
    assert json.loads(local.stdout) == [answer]
    queried = run_exe("query", "eligible", "--endpoint", f"{server.base}/query", "--format", "json")
    assert queried.returncode == 0, queried.stderr
    rows = {r["role"]["value"]: r for r in json.loads(queried.stdout)["results"]["bindings"]}
    row = rows[OPS + "ProductOperationsManager"]
    assert row["roleLabel"]["value"] == "product operations manager"
    assert row["justification"]["value"] == move["provenance"]["justification"]


@pytest.mark.parametrize(
    "name", ["JuniorEngineer", "ladder:JuniorEngineer", "junior engineer", LADDER + "JuniorEngineer"]
)
def test_a_pack_role_is_named_as_careerkg_roles_are(run_exe: RunExe, repo_root: Path, name: str) -> None:
    pack = str(repo_root / "examples" / "software-ladder.ttl")
    done = run_exe("--knowledge", pack, "path", name, "ck:ProductManager", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["routes"][0]["labels"] == [
        "junior engineer",
        "engineer",
        "senior engineer",
        "product manager",
    ]


def test_a_name_two_packs_share_is_refused_as_ambiguous_and_careerkgs_own_names_stand(
    run_exe: RunExe, pack: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.ttl"
    other.write_text(PACK.replace("https://example.org/ops#", "https://example.org/other#"), encoding="utf-8")
    done = run_exe("--knowledge", str(pack), "--knowledge", str(other), "path", "PM", "product operations manager")
    assert done.returncode == 2  # as for an unknown name
    assert "names several roles" in done.stderr
    assert OPS + "ProductOperationsManager" in done.stderr
    assert "https://example.org/other#ProductOperationsManager" in done.stderr
    assert "Traceback" not in done.stderr
    by_iri = run_exe(
        "--knowledge", str(pack), "--knowledge", str(other), "path", "PM", OPS + "ProductOperationsManager"
    )
    assert by_iri.returncode == 0, by_iri.stderr
    # a pack role called as one of careerkg's is found by its IRI; the name stays careerkg's
    clash = tmp_path / "clash.ttl"
    clash.write_text(PACK.replace("ex:ProductOperationsManager", "ex:ProductManager"), encoding="utf-8")
    own = run_exe("--knowledge", str(clash), "gaps", "--target", "ProductManager", "--format", "json", "-",
                  input=json.dumps({"currentRole": "SoftwareEngineer"}))  # fmt: skip
    assert own.returncode in (0, 1), own.stderr
    (answer,) = json.loads(own.stdout)
    assert "to product manager" in answer["note"] and answer["target"] == "https://w3id.org/careerkg#ProductManager"


def test_careerkgs_own_options_after_the_command_are_explained(run_exe: RunExe, pack: Path, repo_root: Path) -> None:
    done = run_exe("eligible", "--knowledge", str(pack), str(repo_root / "examples" / "ada.json"))
    assert done.returncode == 2
    assert "--knowledge is careerkg's own option: put it before the command" in done.stderr
    bad = run_exe("--lang", "xx-bogus-!", "roles")
    assert bad.returncode == 2 and "not a language tag" in bad.stderr
    with pytest.raises(ValueError, match="not a language tag"):
        careerkg.Engine(lang="en_GB!")


def test_a_broken_pack_is_refused_when_the_engine_is_made_and_leaves_no_store(
    run_exe: RunExe, tmp_path: Path, repo_root: Path
) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(PACK.replace("ck:requiredSkill ex:ProcessDesign", "ck:requiredSkill ex:ProcessDesing"),
                      encoding="utf-8")  # fmt: skip
    with pytest.raises(careerkg.InvalidKnowledgeError) as info:
        careerkg.Engine(knowledge=[broken])
    assert info.value.exit_code == 1 and info.value.problems
    store = tmp_path / "store"
    done = run_exe(
        "--knowledge", str(broken), "eligible", "--store", str(store), str(repo_root / "examples" / "ada.json")
    )
    assert done.returncode == 1
    assert "ProcessDesing" in done.stderr
    assert not store.exists()

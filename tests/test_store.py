"""The persistent embedded store (Oxigraph on disk): `careerkg query --store PATH` keeps the graph, the
inferred triples and the profiles across runs, and answers like the in-memory graph."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

RunExe = Callable[..., CompletedProcess[str]]
GRACE = "https://example.org/people/grace"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_store_keeps_profiles_and_inferences_across_runs(run_exe: RunExe, tmp_path: Path, repo_root: Path) -> None:
    store = tmp_path / "kgstore"
    team = str(repo_root / "examples" / "team.jsonl")
    first = run_exe("query", "eligible", "--store", str(store), "--profile", team, "--format", "csv")
    assert first.returncode == 0, first.stderr
    in_memory = run_exe("query", "eligible", "--profile", team, "--format", "csv")
    assert sorted(map(str, rows(first.stdout))) == sorted(map(str, rows(in_memory.stdout)))
    # a new process, no --profile: the store still holds the team and what inference derived for it
    again = run_exe("query", "eligible", "--store", str(store), "--format", "csv")
    assert rows(again.stdout) == rows(first.stdout)
    ask = f"ASK {{ <{GRACE}> <https://w3id.org/careerkg#eligibleFor> <https://w3id.org/careerkg#VPOfProduct> }}"
    answer = run_exe("query", "-", "--store", str(store), "--format", "json", input=ask)
    assert json.loads(answer.stdout)["boolean"] is True


def test_store_answers_named_queries_with_bindings(run_exe: RunExe, tmp_path: Path) -> None:
    run = run_exe("query", "transitions", "--store", str(tmp_path / "s"), "--bind", "from=SeniorProductManager",
                  "--format", "json")  # fmt: skip
    bindings = json.loads(run.stdout)["results"]["bindings"]
    assert len(bindings) == 12
    assert {b["to"]["value"].rsplit("#", 1)[1] for b in bindings} >= {"DirectorOfProduct", "VPOfProduct"}


def test_store_refuses_service_and_updates(run_exe: RunExe, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    service = run_exe(
        "query", "-", "--store", store, input="SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    )
    assert service.returncode == 1 and "SERVICE is refused" in service.stderr
    update = run_exe("query", "-", "--store", store, input="INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert update.returncode == 1 and "read-only" in update.stderr


def by_profile(text: str) -> dict[str, object]:
    return {item["profile"]: item for item in json.loads(text)}


def test_eligible_store_answers_now_and_after_a_restart(run_exe: RunExe, tmp_path: Path, repo_root: Path) -> None:
    """`eligible --store` answers like the in-memory command, keeps the profiles, and later answers for
    everyone held there by the portable queries run inside Oxigraph."""
    store = str(tmp_path / "kgstore")
    ada, team = str(repo_root / "examples" / "ada.ttl"), str(repo_root / "examples" / "team.jsonl")
    for args in (["--format", "json"], ["--format", "json", "--explain"]):
        first = run_exe("eligible", "--store", store, *args, team)
        assert first.returncode == 0, first.stderr
        assert by_profile(first.stdout) == by_profile(run_exe("eligible", *args, team).stdout)
    assert run_exe("eligible", "--store", store, ada).returncode == 0
    held = run_exe("eligible", "--store", store, "--format", "json", "--explain")
    assert held.returncode == 0, held.stderr
    expected = {**by_profile(run_exe("eligible", "--format", "json", "--explain", team).stdout),
                **by_profile(run_exe("eligible", "--format", "json", "--explain", ada).stdout)}  # fmt: skip
    assert by_profile(held.stdout) == expected and len(expected) == 5


def test_eligible_store_keeps_only_valid_profiles(run_exe: RunExe, tmp_path: Path, repo_root: Path) -> None:
    store = str(tmp_path / "kgstore")
    done = run_exe("eligible", "--store", store, "--format", "json", str(repo_root / "examples" / "invalid.json"))
    assert done.returncode == 1
    assert "invalid profile https://example.org/people/astronaut" in done.stderr
    held = run_exe("eligible", "--store", store, "--format", "json")
    assert set(by_profile(held.stdout)) == {"https://example.org/people/valid"}


def test_a_store_in_use_is_reported_in_one_line(run_exe: RunExe, tmp_path: Path) -> None:
    import pyoxigraph

    store = tmp_path / "busy"
    holder = pyoxigraph.Store(str(store))  # holds the store's lock, as a running `careerkg serve` would
    done = run_exe("eligible", "--store", str(store))
    assert done.returncode == 2
    assert f"{store}: the store is in use by another process" in done.stderr
    assert "Traceback" not in done.stderr
    del holder


def test_eligible_usage_errors(run_exe: RunExe, tmp_path: Path) -> None:
    nothing = run_exe("eligible")
    assert nothing.returncode == 2 and "PROFILE" in nothing.stderr
    graph_alone = run_exe("eligible", "--graph", "https://example.org/g", "examples/ada.json")
    assert graph_alone.returncode == 2 and "--graph goes with --endpoint" in graph_alone.stderr
    both = run_exe("eligible", "--store", str(tmp_path / "s"), "--endpoint", "http://127.0.0.1:9/query")
    assert both.returncode == 2 and "not both" in both.stderr


CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_query_time_limit_stops_runaway_queries(run_exe: RunExe, tmp_path: Path) -> None:
    """In memory (rdflib, stopped by an alarm) and in the store (Oxigraph, in a worker process that is killed)."""
    import time

    for where in ([], ["--store", str(tmp_path / "s")]):
        began = time.monotonic()
        done = run_exe("query", "-", "--time-limit", "2", *where, input=CROSS_PRODUCT)
        took = time.monotonic() - began
        assert done.returncode == 1, done.stderr
        assert "ran past the time limit of 2 s" in done.stderr and "Traceback" not in done.stderr
        assert done.stdout == ""
        assert took < 60  # the unbounded query would run for hours


def test_query_result_cap_refuses_large_answers(run_exe: RunExe, tmp_path: Path) -> None:
    for where in ([], ["--store", str(tmp_path / "s")]):
        done = run_exe("query", "-", "--max-results", "100", *where, input="SELECT * WHERE { ?s ?p ?o }")
        assert done.returncode == 1 and "more than" in done.stderr and "100" in done.stderr and "cap" in done.stderr
        assert done.stdout == ""
        small = run_exe("query", "-", "--max-results", "100", *where, input="SELECT * WHERE { ?s ?p ?o } LIMIT 100")
        assert small.returncode == 0 and "(100 rows)" in small.stdout
        graph = run_exe("query", "-", "--max-results", "10", *where, input="CONSTRUCT WHERE { ?s ?p ?o }")
        assert graph.returncode == 1 and "triples" in graph.stderr


def test_a_profile_given_again_replaces_the_one_held(run_exe: RunExe, tmp_path: Path, repo_root: Path) -> None:
    """Ada drops Coding and changes role: the store answers for the new profile, not a merge of both."""
    store = str(tmp_path / "kgstore")
    first = run_exe("eligible", "--store", store, "--format", "json", str(repo_root / "examples" / "ada.json"))
    assert first.returncode == 0, first.stderr
    ada = json.loads((repo_root / "examples" / "ada.json").read_text(encoding="utf-8"))
    changed = ada | {"currentRole": "SeniorProductManager", "skills": ["Mentoring", "Research"]}
    (tmp_path / "ada.json").write_text(json.dumps(changed), encoding="utf-8")
    fresh = run_exe("eligible", "--format", "json", str(tmp_path / "ada.json"))
    for command in (["eligible", "--store", store, "--format", "json"], ["query", "-", "--store", store]):
        if command[0] == "eligible":
            again = run_exe(*command, str(tmp_path / "ada.json"))
            held = run_exe(*command)
            assert by_profile(again.stdout) == by_profile(fresh.stdout)
            assert by_profile(held.stdout) == by_profile(fresh.stdout)
            assert by_profile(held.stdout) != by_profile(first.stdout)
        else:
            skills = run_exe(
                *command,
                "--profile",
                str(tmp_path / "ada.json"),
                "--format",
                "csv",
                input="SELECT ?s WHERE { <https://example.org/people/ada> <https://w3id.org/careerkg#hasSkill> ?s }",
            )
            assert skills.returncode == 0, skills.stderr
            assert sorted(skills.stdout.split()[1:]) == [
                "https://w3id.org/careerkg#Mentoring",
                "https://w3id.org/careerkg#Research",
            ]


def test_a_long_expression_is_answered_not_a_crashed_worker(run_exe: RunExe, tmp_path: Path) -> None:
    """Oxigraph evaluates expressions recursively: 1+1+... with 10,000 terms (20 KB) overflowed the worker's
    stack and killed it. Queries now run on a thread with a large stack."""
    chain = "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) {}"
    done = run_exe("query", "-", "--store", str(tmp_path / "s"), "--format", "csv", input=chain)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["x", "10000"]

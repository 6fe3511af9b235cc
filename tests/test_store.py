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
    assert update.returncode == 2 and "read-only" in update.stderr

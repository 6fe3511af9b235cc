"""Twenty thousand people, four ways: the same eligible roles, scores and explanations from the command line
in memory, from careerkg's embedded store, from a real Oxigraph server and from a real Virtuoso server, each
server with its default limits in place (Virtuoso cuts every answer at 10,000 rows)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

from conftest import RunningServer

from benchmarks.generate import generate

Run = Callable[..., CompletedProcess[str]]
PEOPLE = 20_000


def by_profile(done: CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr[-2000:]
    return {item["profile"]: item for item in json.loads(done.stdout)}


def test_twenty_thousand_profiles_answer_alike_everywhere(
    run_exe: Run,
    tmp_path: Path,
    oxigraph_server: Callable[[], RunningServer],
    virtuoso_server: Callable[..., RunningServer],
) -> None:
    _, people = generate(PEOPLE, 11, tmp_path)
    local = by_profile(run_exe("eligible", "--explain", "--format", "json", str(people)))
    assert len(local) == PEOPLE
    assert sum(len(a["eligible"]) for a in local.values()) > 10_000  # more rows than Virtuoso gives at once

    store = tmp_path / "store"
    filled = run_exe("eligible", "--store", str(store), "--format", "jsonl", str(people))
    assert filled.returncode == 0, filled.stderr[-2000:]
    assert by_profile(run_exe("eligible", "--store", str(store), "--explain", "--format", "json")) == local

    oxigraph = oxigraph_server()
    sent = run_exe("push", "--endpoint", f"{oxigraph.base}/store", str(people))
    assert sent.returncode == 0, sent.stderr
    at_oxigraph = run_exe("eligible", "--endpoint", f"{oxigraph.base}/query", "--explain", "--format", "json")
    assert by_profile(at_oxigraph) == local

    virtuoso = virtuoso_server()
    graph = "https://example.org/twenty-thousand"
    sent = run_exe("push", "--endpoint", f"{virtuoso.base}/sparql-graph-crud", "--graph", graph, str(people))
    assert sent.returncode == 0, sent.stderr
    at_virtuoso = run_exe(
        "eligible", "--endpoint", f"{virtuoso.base}/sparql", "--graph", graph, "--explain", "--format", "json"
    )
    assert by_profile(at_virtuoso) == local

"""Portable SPARQL: every named query, with and without bindings, gives the same answer in memory (rdflib),
in careerkg's embedded store (Oxigraph), in an Oxigraph server and, where the suite has one, in Virtuoso."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from conftest import RunningServer

Run = Callable[..., CompletedProcess[str]]
TEAM = "examples/team.jsonl"

#: Each named query, with the bindings its description suggests and some more.
CASES = [
    ("roles", []),
    ("skills", []),
    ("transitions", []),
    ("transitions", ["from=ck:SeniorProductManager"]),
    ("requirements", ["from=ck:ProductManager", "to=ck:SeniorProductManager"]),
    ("career-paths", ["from=ck:ProductManager", "to=ck:VPOfProduct"]),
    ("career-paths", ["from=ck:SeniorProductManager"]),
    ("eligible", []),
    ("eligible", ["profile=<https://example.org/people/grace>"]),
    ("met-requirements", []),
]


def cell(text: str) -> str:
    """A cell as engines agree on it: a number by its value (each store keeps numbers in its own canonical
    form: 4.0 comes back as 4 from Oxigraph), a GROUP_CONCAT by its parts (SPARQL leaves their order open)."""
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return "; ".join(sorted(text.split("; ")))


def rows(text: str) -> list[tuple[str, ...]]:
    """CSV answer rows, sorted (engines may order ties differently), header first."""
    table = list(csv.reader(io.StringIO(text)))
    return [tuple(table[0])] + sorted(tuple(cell(c) for c in r) for r in table[1:])


def binds(bindings: list[str]) -> list[str]:
    return [arg for b in bindings for arg in ("--bind", b)]


@pytest.fixture()
def servers(run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer], request: Any) -> list[str]:
    """Query endpoints holding careerkg's knowledge and the team: an Oxigraph server, and Virtuoso if present."""
    oxigraph = oxigraph_server()
    done = run_exe("push", "--endpoint", f"{oxigraph.base}/store", TEAM, cwd=repo_root)
    assert done.returncode == 0, done.stderr
    endpoints = [f"{oxigraph.base}/query"]
    try:
        virtuoso = request.getfixturevalue("virtuoso_server")()
    except pytest.FixtureLookupError:
        return endpoints
    graph = "https://example.org/portable"
    done = run_exe("push", "--endpoint", f"{virtuoso.base}/sparql-graph-crud", "--graph", graph, TEAM, cwd=repo_root)
    assert done.returncode == 0, done.stderr
    endpoints.append(f"{virtuoso.base}/sparql --graph {graph}")
    return endpoints


@pytest.mark.parametrize(("name", "bindings"), CASES, ids=[f"{n}-{len(b)}" for n, b in CASES])
def test_each_named_query_answers_alike_everywhere(
    run_exe: Run, repo_root: Path, tmp_path: Path, servers: list[str], name: str, bindings: list[str]
) -> None:
    local = run_exe("query", name, "--profile", TEAM, *binds(bindings), "--format", "csv", cwd=repo_root)
    assert local.returncode == 0, local.stderr
    expected = rows(local.stdout)
    store = run_exe("query", name, "--store", str(tmp_path / "store"), "--profile", TEAM, *binds(bindings),
                    "--format", "csv", cwd=repo_root)  # fmt: skip
    assert store.returncode == 0, store.stderr
    assert rows(store.stdout) == expected
    for endpoint in servers:
        url, *graph = endpoint.split(" ")
        remote = run_exe("query", name, "--endpoint", url, *graph, *binds(bindings), "--format", "csv", cwd=repo_root)
        assert remote.returncode == 0, remote.stderr
        assert rows(remote.stdout) == expected, endpoint
    if name == "career-paths" and len(bindings) == 2:
        assert len(expected) == 2  # one route, and the header

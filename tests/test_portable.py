"""Portable SPARQL: every named query, with and without bindings, gives the same answer in memory (rdflib),
in careerkg's embedded store (Oxigraph), in an Oxigraph server, where the suite has one in Virtuoso, and in
Comunica (a JavaScript engine, run by tests/js/comunica-query.mjs over a file of the data queried).

Comunica needs Node.js and the packages of tests/js (`npm ci` there, which .ci/run does): where they are
missing its tests skip locally and fail under CI=true."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from careerkg import Engine
from careerkg.sparql.queries import canonical_query_text, named_query_text, prepare, values_problem, with_values
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


# -- Comunica -----------------------------------------------------------------------------------------------------

#: Every triple of the graph queried, as `careerkg query` dumps it (Turtle).
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def needed(reason: str) -> None:
    """Skip for a missing tool, except under CI, where every tool is installed and a skip would hide a gap."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def csv_of(sparql_json: str) -> str:
    """A SPARQL JSON results document as W3C SPARQL CSV (each term's value; an unbound cell empty)."""
    document = json.loads(sparql_json)
    names = document["head"]["vars"]
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(names)
    for row in document["results"]["bindings"]:
        table.writerow([row[name]["value"] if name in row else "" for name in names])
    return out.getvalue()


@pytest.fixture(scope="module")
def comunica(repo_root: Path, careerkg_exe: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """Comunica's CSV answer to a query over exactly the data `careerkg query NAME --profile TEAM` queries:
    careerkg's knowledge graph and the team's profiles (nothing inferred), dumped once by careerkg itself."""
    node = shutil.which("node")
    if node is None:
        needed("needs Node.js (node) to run Comunica")
    if not (repo_root / "tests" / "js" / "node_modules" / "@comunica" / "query-sparql").is_dir():
        needed("tests/js/node_modules/@comunica/query-sparql is missing: run `npm ci` in tests/js (as .ci/run does)")
    assert node is not None
    folder = tmp_path_factory.mktemp("comunica")
    env = {k: v for k, v in os.environ.items() if k != "CAREERKG_DEBUG"}

    def careerkg(query: str, *args: str) -> str:
        done = subprocess.run([careerkg_exe, "query", "-", "--profile", TEAM, *args], input=query, capture_output=True,
                              text=True, cwd=repo_root, env=env, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    data = folder / "team.ttl"
    data.write_text(careerkg(EVERYTHING), encoding="utf-8")

    def answer(query: str) -> str:
        file = folder / f"query-{len(list(folder.glob('query-*.rq')))}.rq"
        file.write_text(query, encoding="utf-8")
        done = subprocess.run([node, str(repo_root / "tests" / "js" / "comunica-query.mjs"), str(data), str(file)],
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return csv_of(done.stdout)

    # Comunica holds every triple careerkg queries
    assert rows(answer(COUNT)) == rows(careerkg(COUNT, "--format", "csv"))
    return answer


@pytest.mark.parametrize(("name", "bindings"), CASES, ids=[f"{n}-{len(b)}" for n, b in CASES])
def test_each_named_query_answers_alike_in_comunica(
    run_exe: Run, repo_root: Path, comunica: Callable[[str], str], name: str, bindings: list[str]
) -> None:
    """Comunica is given the named query as careerkg gives it to a server (`query --endpoint`): the bound
    values, the terms careerkg binds, as a VALUES block opening the WHERE clause."""
    local = run_exe("query", name, "--profile", TEAM, *binds(bindings), "--format", "csv", cwd=repo_root)
    assert local.returncode == 0, local.stderr
    engine = Engine()
    values = engine.bind(dict(b.split("=", 1) for b in bindings), engine.knowledge)
    text = canonical_query_text(named_query_text(name), name)
    assert values_problem(prepare(text, name), list(values)) is None
    assert rows(comunica(with_values(text, values))) == rows(local.stdout)

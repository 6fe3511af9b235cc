"""Shared fixtures: the repository root, the article, the knowledge graph, and both ways to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from careerkg.cli import cli
from careerkg.knowledge.graphs import knowledge_graph
from click.testing import CliRunner, Result
from rdflib import Graph

# RunningServer, VirtuosoServer and free_port are imported from here by the tests (from conftest import ...)
from benchmarks.servers import RunningServer, VirtuosoServer, find_oxigraph, find_virtuoso, free_port, start_oxigraph


@pytest.fixture(scope="session")
def repo_root(pytestconfig: pytest.Config) -> Path:
    return Path(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def article_text(repo_root: Path) -> str:
    """The source article, from the shared folder beside the checkout (as CI lays it out)."""
    path = repo_root.parent / "shared" / "source" / "pm-career-paths-article.txt"
    if not path.is_file():
        pytest.skip(f"the source article is not at {path}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def kg() -> Graph:
    """The ontology and knowledge base, without generated axioms (tests must not mutate it)."""
    return knowledge_graph(axioms=False)


@pytest.fixture()
def run_cli() -> Callable[..., Result]:
    """Invoke the Click app in-process, with stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def careerkg_exe() -> str:
    """The installed ``careerkg`` console script (next to this Python, or on PATH)."""
    beside = Path(sys.executable).with_name("careerkg")
    found = str(beside) if beside.exists() else shutil.which("careerkg")
    assert found, "the careerkg console script is not installed (pip install -e '.[test]')"
    return found


@pytest.fixture()
def run_exe(careerkg_exe: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed console script as a user would."""

    def run(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "CAREERKG_DEBUG"}
        return subprocess.run(
            [careerkg_exe, *args], input=input, capture_output=True, text=True, cwd=cwd, env=env, timeout=300
        )

    return run


# -- servers on loopback, started and stopped by the tests (the launching is benchmarks/servers.py's) ----------


@pytest.fixture(scope="session")
def start_careerkg_server(careerkg_exe: str, repo_root: Path) -> Callable[..., RunningServer]:
    """Start ``careerkg serve`` on a free loopback port with extra arguments; stopped at the session's end."""
    started: list[RunningServer] = []

    def start(*args: str) -> RunningServer:
        port = free_port()
        server = RunningServer([careerkg_exe, "serve", "--port", str(port), *args], port, "/health", repo_root)
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def careerkg_server(start_careerkg_server: Callable[..., RunningServer]) -> RunningServer:
    """One shared server: the examples' team loaded, a 3 s time limit and a cap of 200 results."""
    return start_careerkg_server(
        "--profiles", "examples/team.jsonl", "--time-limit", "3", "--max-results", "200", "--max-body", "200000",
        "--log-level", "warning",
    )  # fmt: skip


def oxigraph_exe() -> str:
    """The ``oxigraph`` server command (PyPI package oxigraph); CI must have it, elsewhere the tests skip."""
    found = find_oxigraph()
    if not found:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph server is not installed, and CI must run the integration tests")
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return found


@pytest.fixture()
def oxigraph_server(tmp_path: Path) -> Callable[[], RunningServer]:
    """A fresh, empty Oxigraph server on a free loopback port (its data in tmp_path), stopped afterwards."""
    started: list[RunningServer] = []

    def start() -> RunningServer:
        server = start_oxigraph(tmp_path / f"oxigraph-{len(started)}", oxigraph_exe())
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        server.stop()


def virtuoso_exes() -> tuple[str, str]:
    """OpenLink Virtuoso's server and its SQL client (Debian package virtuoso-opensource, which .ci/run installs);
    CI must have them, elsewhere the tests skip."""
    found = find_virtuoso()
    if not found:
        if os.environ.get("CI"):
            pytest.fail("Virtuoso (virtuoso-t, isql-vt) is not installed, and CI must run the integration tests")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    return found


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., VirtuosoServer]:
    """Start a fresh Virtuoso server (a scratch database, the README's grant unless ``grant=False``); every
    server started is stopped when the module's tests are done. A server starts in a few seconds: a module
    shares one and gives each test a graph of its own."""
    started: list[VirtuosoServer] = []

    def start(grant: bool = True) -> VirtuosoServer:
        server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), grant, virtuoso_exes())
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        server.stop()

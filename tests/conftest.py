"""Shared fixtures: the repository root, the article, the knowledge graph, and both ways to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from careerkg.cli import cli
from careerkg.knowledge.graphs import knowledge_graph
from click.testing import CliRunner, Result
from rdflib import Graph


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


# -- servers on loopback, started and stopped by the tests ----------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Any, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers (or fail with the server's output if it exits or never answers)."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode("utf-8", "replace")
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"the server at {url} did not answer within {timeout} s")


class RunningServer:
    """A server process on a loopback port."""

    def __init__(self, args: list[str], port: int, ready_path: str, cwd: Path | None = None) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop(); a pipe nobody reads could fill up
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=cwd)
        try:
            wait_until_up(self.base + ready_path, self.process, self.log)
        except BaseException:
            self.stop()
            raise

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


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
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
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
        port = free_port()
        location = tmp_path / f"oxigraph-{port}"
        args = [oxigraph_exe(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        server = RunningServer(args, port, "/query?query=ASK%7B%7D")
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        server.stop()

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


def virtuoso_exes() -> tuple[str, str]:
    """OpenLink Virtuoso's server and its SQL client (Debian package virtuoso-opensource, which .ci/run installs);
    CI must have them, elsewhere the tests skip."""
    server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not client:
        if os.environ.get("CI"):
            pytest.fail("Virtuoso (virtuoso-t, isql-vt) is not installed, and CI must run the integration tests")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    return server, client


#: What the README tells a Virtuoso user to run so that careerkg can push by the anonymous endpoints
#: (/sparql-graph-crud, /sparql): the role that may run SPARQL Update, given to the account those endpoints
#: run as. A fresh database has no graph-level permissions, so nothing more is needed.
VIRTUOSO_GRANT = 'GRANT SPARQL_UPDATE TO "SPARQL";'


class VirtuosoServer(RunningServer):
    """A Virtuoso server on loopback with a scratch database in ``directory``: the HTTP port at :attr:`base`
    (/sparql, /sparql-auth, /sparql-graph-crud, /sparql-graph-crud-auth), the SQL port for isql, the
    administrator dba with password dba, and the server's default limits (ResultSetMaxRows 10,000)."""

    def __init__(self, directory: Path, grant: bool = True) -> None:
        server, self.client = virtuoso_exes()
        port, self.sql_port = free_port(), free_port()
        while self.sql_port == port:
            self.sql_port = free_port()
        database = directory / "db"
        database.mkdir(parents=True, exist_ok=True)
        config = directory / "virtuoso.ini"
        config.write_text(_virtuoso_ini(directory, database, port, self.sql_port), encoding="utf-8")
        super().__init__(
            [server, "+foreground", "+configfile", str(config)], port, "/sparql?query=ASK%7B%7D", directory
        )
        if grant:
            try:
                self.sql(VIRTUOSO_GRANT)
            except BaseException:
                self.stop()
                raise

    def sql(self, statements: str, timeout: float = 30.0) -> str:
        """Run SQL statements as dba; their output. The SQL port opens just after the HTTP one: a refused
        connection is tried again for a while."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            done = subprocess.run(
                [self.client, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
            if done.returncode == 0 and "*** Error" not in done.stderr:
                return done.stdout
            if done.returncode == 0 or time.monotonic() > deadline:  # an SQL error, or the port never opened
                raise AssertionError(f"isql {statements!r} failed: {done.stderr.strip()}\n{self.output()[-2000:]}")
            time.sleep(0.2)


def _virtuoso_ini(directory: Path, database: Path, port: int, sql_port: int) -> str:
    """A configuration for a throw-away server: the Debian package's sample, with every file in the scratch
    directory, both ports on loopback, and only the scratch directory readable by SQL file functions. The
    [SPARQL] section is the package's own, so answers are capped as an installed server caps them."""
    return f"""\
[Database]
DatabaseFile       = {database}/virtuoso.db
ErrorLogFile       = {database}/virtuoso.log
LockFile           = {database}/virtuoso.lck
TransactionFile    = {database}/virtuoso.trx
xa_persistent_file = {database}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {database}/virtuoso-temp.db
TransactionFile    = {database}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = {directory}
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000

[HTTPServer]
ServerPort                  = 127.0.0.1:{port}
ServerRoot                  = {directory}
MaxClientConnections        = 10
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
DefaultQuery               = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
"""


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., VirtuosoServer]:
    """Start a fresh Virtuoso server (a scratch database, the README's grant unless ``grant=False``); every
    server started is stopped when the module's tests are done. A server starts in a few seconds: a module
    shares one and gives each test a graph of its own."""
    started: list[VirtuosoServer] = []

    def start(grant: bool = True) -> VirtuosoServer:
        server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), grant)
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        server.stop()

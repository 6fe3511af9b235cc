"""Throw-away SPARQL servers on loopback, for the tests (tests/conftest.py wraps them in fixtures) and the
benchmarks: Oxigraph's server and OpenLink Virtuoso, each with a scratch database, started by the caller and
stopped by :meth:`RunningServer.stop`.

    server = start_oxigraph(Path("/tmp/scratch"))      # or VirtuosoServer(Path("/tmp/scratch"))
    try:
        ...  # server.base is http://127.0.0.1:PORT
    finally:
        server.stop()

Nothing here decides whether a missing server is a skip or a failure: :func:`find_oxigraph` and
:func:`find_virtuoso` say None, and the caller chooses.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO


class ServerError(RuntimeError):
    """A server exited while starting, never answered, or refused a statement (the message has its output)."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: IO[bytes], timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers (any HTTP status counts); :class:`ServerError` with the server's output
    if it exits first, or if it never answers (then it is killed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode("utf-8", "replace")
            raise ServerError(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise ServerError(f"the server at {url} did not answer within {timeout} s")


class RunningServer:
    """A server process on a loopback port, its output kept in a temporary file; up once constructed."""

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

    @property
    def pid(self) -> int:
        return self.process.pid

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


# -- Oxigraph ------------------------------------------------------------------------------------------------


def find_oxigraph() -> str | None:
    """The ``oxigraph`` server command (PyPI package oxigraph): beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(location: Path, exe: str | None = None) -> RunningServer:
    """An Oxigraph server on a free loopback port, its database at ``location`` (created if need be): queries
    at ``base + "/query"``, the Graph Store Protocol at ``base + "/store"``."""
    exe = exe or find_oxigraph()
    if not exe:
        raise ServerError("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    args = [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return RunningServer(args, port, "/query?query=ASK%7B%7D")


# -- OpenLink Virtuoso ---------------------------------------------------------------------------------------


def find_virtuoso() -> tuple[str, str] | None:
    """OpenLink Virtuoso's server and its SQL client (Debian package virtuoso-opensource), if on PATH."""
    server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, client) if server and client else None


#: What the README tells a Virtuoso user to run so that careerkg can push by the anonymous endpoints
#: (/sparql-graph-crud, /sparql): the role that may run SPARQL Update, given to the account those endpoints
#: run as. A fresh database has no graph-level permissions, so nothing more is needed.
VIRTUOSO_GRANT = 'GRANT SPARQL_UPDATE TO "SPARQL";'


class VirtuosoServer(RunningServer):
    """A Virtuoso server on loopback with a scratch database in ``directory``: the HTTP port at :attr:`base`
    (/sparql, /sparql-auth, /sparql-graph-crud, /sparql-graph-crud-auth), the SQL port for isql, the
    administrator dba with password dba, and the server's default limits (ResultSetMaxRows 10,000). With
    ``grant`` (the default) the README's :data:`VIRTUOSO_GRANT` is run once it is up. ``executables`` are the
    server and its SQL client (default: :func:`find_virtuoso`)."""

    def __init__(self, directory: Path, grant: bool = True, executables: tuple[str, str] | None = None) -> None:
        found = executables or find_virtuoso()
        if not found:
            raise ServerError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        server, self.client = found
        port, self.sql_port = free_port(), free_port()
        while self.sql_port == port:
            self.sql_port = free_port()
        database = directory / "db"
        database.mkdir(parents=True, exist_ok=True)
        config = directory / "virtuoso.ini"
        config.write_text(virtuoso_ini(directory, database, port, self.sql_port), encoding="utf-8")
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
        deadline = time.monotonic() + timeout
        while True:
            done = subprocess.run(
                [self.client, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
            if done.returncode == 0 and "*** Error" not in done.stderr:
                return done.stdout
            if done.returncode == 0 or time.monotonic() > deadline:  # an SQL error, or the port never opened
                raise ServerError(f"isql {statements!r} failed: {done.stderr.strip()}\n{self.output()[-2000:]}")
            time.sleep(0.2)


def virtuoso_ini(directory: Path, database: Path, port: int, sql_port: int) -> str:
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

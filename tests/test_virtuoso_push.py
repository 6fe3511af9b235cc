"""`careerkg push` into a real OpenLink Virtuoso 7 server, as a new user meets one: by the Graph Store Protocol
and by SPARQL Update, into a named graph (Virtuoso has no plain default graph to write into), with the grant
the README gives, with credentials on the -auth endpoints, and with the server's default limits.

One server (`virtuoso_server`, tests/conftest.py) is started for the module with a scratch database on
loopback and stopped afterwards; each test pushes into a graph of its own. HTTP Basic, which Virtuoso does not
ask for, is checked against a small loopback server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import httpx
import pytest
from conftest import VirtuosoServer

Run = Callable[..., CompletedProcess[str]]

TEAM = "examples/team.jsonl"
GRAPHS = "https://example.org/careers/"
SKOLEM = "https://w3id.org/careerkg/.well-known/genid/"


@pytest.fixture(scope="module")
def virtuoso(virtuoso_server: Callable[..., VirtuosoServer]) -> VirtuosoServer:
    return virtuoso_server()


@pytest.fixture(autouse=True)
def no_credentials_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gives the credentials it means to: none come from the environment the suite runs in."""
    monkeypatch.delenv("CAREERKG_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("CAREERKG_ENDPOINT_PASSWORD", raising=False)


def ask(server: VirtuosoServer, query: str) -> dict[str, Any]:
    """The server's SPARQL JSON answer to ``query`` (over its anonymous endpoint, every graph readable)."""
    response = httpx.post(
        f"{server.base}/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def triples_in(server: VirtuosoServer, graph: str) -> int:
    rows = ask(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def sent(done: CompletedProcess[str]) -> int:
    """The number of triples `careerkg push` says it sent."""
    found = re.search(r"Sent ([\d,]+) triples", done.stderr)
    assert found, done.stderr
    return int(found.group(1).replace(",", ""))


def one_line(done: CompletedProcess[str]) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def by_profile(text: str) -> dict[str, Any]:
    return {item["profile"]: item for item in json.loads(text)}


@pytest.mark.parametrize(("protocol", "path"), [("gsp", "/sparql-graph-crud"), ("update", "/sparql")])
def test_push_into_a_named_graph_by_either_protocol(
    run_exe: Run, repo_root: Path, virtuoso: VirtuosoServer, protocol: str, path: str
) -> None:
    """The knowledge's blank nodes (OWL restrictions and lists) go as skolem IRIs: Virtuoso refuses blank
    nodes in INSERT DATA ("Blank node ... is not allowed in a constant clause")."""
    graph = f"{GRAPHS}{protocol}"
    done = run_exe(
        "push", "--endpoint", virtuoso.base + path, "--protocol", protocol, "--graph", graph, TEAM, cwd=repo_root
    )
    assert done.returncode == 0, done.stderr
    assert "4 profiles" in done.stderr
    assert triples_in(virtuoso, graph) == sent(done) > 2000
    where = f"GRAPH <{graph}> {{ ?s ?p ?o"
    assert not ask(virtuoso, f"ASK {{ {where} FILTER(isBlank(?s) || isBlank(?o)) }} }}")["boolean"]
    assert ask(virtuoso, f'ASK {{ {where} FILTER(STRSTARTS(STR(?s), "{SKOLEM}")) }} }}')["boolean"]


@pytest.mark.parametrize(("protocol", "path"), [("gsp", "/sparql-graph-crud"), ("update", "/sparql")])
def test_replace_makes_pushing_again_leave_the_same_triples(
    run_exe: Run, repo_root: Path, virtuoso: VirtuosoServer, protocol: str, path: str
) -> None:
    graph = f"{GRAPHS}replace-{protocol}"
    push = ("push", "--endpoint", virtuoso.base + path, "--protocol", protocol, "--graph", graph)
    first = run_exe(*push, TEAM, cwd=repo_root)  # merged, as without --replace
    assert first.returncode == 0, first.stderr
    counts = []
    for _ in range(2):
        again = run_exe(*push, "--replace", TEAM, cwd=repo_root)
        assert again.returncode == 0, again.stderr
        assert "replacing what it held" in again.stderr
        counts.append(triples_in(virtuoso, graph))
    assert counts == [sent(first), sent(first)]
    # --replace with less data leaves only that data
    fewer = run_exe(*push, "--replace", "examples/ada.json", cwd=repo_root)
    assert fewer.returncode == 0, fewer.stderr
    assert triples_in(virtuoso, graph) == sent(fewer) < sent(first)


def test_eligible_in_virtuoso_matches_the_cli(run_exe: Run, repo_root: Path, virtuoso: VirtuosoServer) -> None:
    """With --graph: Virtuoso's default graph for a query is every graph it holds, its own system graphs too."""
    graph = f"{GRAPHS}eligible"
    done = run_exe("push", "--endpoint", f"{virtuoso.base}/sparql-graph-crud", "--graph", graph, TEAM, cwd=repo_root)
    assert done.returncode == 0, done.stderr
    remote = run_exe(
        "eligible", "--endpoint", f"{virtuoso.base}/sparql", "--graph", graph, "--format", "json", cwd=repo_root
    )
    local = run_exe("eligible", "--format", "json", TEAM, cwd=repo_root)
    assert remote.returncode == 0, remote.stderr
    assert local.returncode == 0, local.stderr
    assert len(by_profile(local.stdout)) == 4
    assert by_profile(remote.stdout) == by_profile(local.stdout)


@pytest.mark.parametrize(
    ("protocol", "path", "query_path"),
    [("gsp", "/sparql-graph-crud-auth", "/sparql-auth"), ("update", "/sparql-auth", "/sparql-auth")],
)
def test_credentials_on_the_auth_endpoints(
    run_exe: Run,
    repo_root: Path,
    virtuoso: VirtuosoServer,
    monkeypatch: pytest.MonkeyPatch,
    protocol: str,
    path: str,
    query_path: str,
) -> None:
    """Virtuoso's -auth endpoints ask for HTTP Digest; the password comes from the environment."""
    graph = f"{GRAPHS}auth-{protocol}"
    push = ("push", "--endpoint", virtuoso.base + path, "--protocol", protocol, "--graph", graph, TEAM)

    anonymous = run_exe(*push, cwd=repo_root)
    assert anonymous.returncode == 2
    line = one_line(anonymous)
    assert "HTTP 401" in line and "asks for credentials" in line and virtuoso.base + path in line

    monkeypatch.setenv("CAREERKG_ENDPOINT_PASSWORD", "not the password")
    wrong = run_exe(*push, "--user", "dba", cwd=repo_root)
    assert wrong.returncode == 2
    line = one_line(wrong)
    assert "HTTP 401" in line and "refused the credentials of user 'dba'" in line
    assert "not the password" not in wrong.stderr
    assert triples_in(virtuoso, graph) == 0

    monkeypatch.setenv("CAREERKG_ENDPOINT_PASSWORD", "dba")
    done = run_exe(*push, "--user", "dba", cwd=repo_root)
    assert done.returncode == 0, done.stderr
    assert triples_in(virtuoso, graph) == sent(done)

    # the same credentials answer queries (the user from CAREERKG_ENDPOINT_USER here)
    monkeypatch.setenv("CAREERKG_ENDPOINT_USER", "dba")
    endpoint = ("--endpoint", virtuoso.base + query_path, "--graph", graph)
    held = run_exe("eligible", *endpoint, "--format", "json", cwd=repo_root)
    assert held.returncode == 0, held.stderr
    assert len(by_profile(held.stdout)) == 4
    roles = run_exe("query", "roles", *endpoint, "--format", "json", cwd=repo_root)
    assert roles.returncode == 0, roles.stderr
    assert json.loads(roles.stdout)["results"]["bindings"]


def test_a_password_is_never_read_from_the_url_or_asked_for_without_a_terminal(
    run_exe: Run, careerkg_exe: str, repo_root: Path, virtuoso: VirtuosoServer
) -> None:
    import os
    import subprocess

    port = virtuoso.port
    in_url = run_exe(
        "push", "--endpoint", f"http://dba:secret@127.0.0.1:{port}/sparql-graph-crud-auth", "--graph", GRAPHS + "url"
    )
    assert in_url.returncode == 2
    line = one_line(in_url)
    assert "user name or password" in line and "secret" not in line
    # no CAREERKG_ENDPOINT_PASSWORD, and no terminal to ask on: standard input is empty, and a session of its
    # own has no controlling terminal (even when the tests run in one)
    unasked = subprocess.run(
        [careerkg_exe, "eligible", "--endpoint", f"{virtuoso.base}/sparql-auth", "--user", "dba"],
        input="", capture_output=True, text=True, cwd=repo_root, timeout=120, start_new_session=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("CAREERKG_")},
    )  # fmt: skip
    assert unasked.returncode == 2 and "CAREERKG_ENDPOINT_PASSWORD" in unasked.stderr, unasked.stderr


def test_without_the_grant_the_refusal_is_the_servers_words_in_one_line(
    run_exe: Run, repo_root: Path, virtuoso_server: Callable[..., VirtuosoServer]
) -> None:
    """What a user who skipped the README's grant sees: Virtuoso's error page (HTML for the Graph Store
    Protocol, text followed by the whole request for SPARQL Update) reduced to its message."""
    bare = virtuoso_server(grant=False)
    graph = GRAPHS + "no-grant"
    by_gsp = run_exe("push", "--endpoint", f"{bare.base}/sparql-graph-crud", "--graph", graph, TEAM, cwd=repo_root)
    assert by_gsp.returncode == 2
    line = one_line(by_gsp)
    assert "HTTP 403" in line and "SR575" in line and "No permission" in line, line
    assert "<" not in line.replace("<https", "") and "DOCTYPE" not in line and len(line) < 450
    by_update = run_exe(
        "push", "--endpoint", f"{bare.base}/sparql", "--protocol", "update", "--graph", graph, TEAM, cwd=repo_root
    )
    assert by_update.returncode == 2
    line = one_line(by_update)
    assert "SR186" in line and "No permission" in line, line
    assert "INSERT DATA" not in line and len(line) < 450  # not the request Virtuoso echoes after its message
    assert triples_in(bare, graph) == 0


class _BasicServer:
    """A loopback Graph Store that takes only HTTP Basic credentials alice:wonderland, and counts requests."""

    def __init__(self) -> None:
        import base64
        import http.server
        import threading

        seen = self.seen = []  # type: list[str | None]
        wanted = "Basic " + base64.b64encode(b"alice:wonderland").decode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                given = self.headers.get("Authorization")
                seen.append(given)
                self.send_response(201 if given == wanted else 401)
                if given != wanted:
                    self.send_header("WWW-Authenticate", 'Basic realm="careers"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_http_basic_credentials_are_sent_when_asked(
    run_exe: Run, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Basic as well as Digest; the data goes at most twice (unasked, then with the credentials), also when
    they are refused."""
    server = _BasicServer()
    try:
        monkeypatch.setenv("CAREERKG_ENDPOINT_PASSWORD", "wonderland")
        done = run_exe("push", "--endpoint", server.url, "--user", "alice", "examples/ada.json", cwd=repo_root)
        assert done.returncode == 0, done.stderr
        assert len(server.seen) == 2 and server.seen[0] is None and server.seen[1]
        server.seen.clear()
        monkeypatch.setenv("CAREERKG_ENDPOINT_PASSWORD", "looking-glass")
        refused = run_exe("push", "--endpoint", server.url, "--user", "alice", "examples/ada.json", cwd=repo_root)
    finally:
        server.close()
    assert refused.returncode == 2
    assert "refused the credentials of user 'alice'" in one_line(refused)
    assert len(server.seen) == 2


def test_an_html_error_page_is_reduced_to_its_text() -> None:
    from careerkg.sparql.endpoint import ERROR_TEXT_LENGTH, error_text

    page = (
        b"<!DOCTYPE html>\n<html><head><title>Oops</title><style>p { color: red }</style>"
        b"<script>var secret = 1;</script></head>\n<body><h1>400</h1><p>Bad&nbsp;request:\n   <b>line 3</b>"
        b"</p></body></html>"
    )
    assert error_text(page, "text/html; charset=UTF-8") == "Oops 400 Bad request: line 3"
    assert error_text(page) == "Oops 400 Bad request: line 3"  # known by its first tags without a type
    long = error_text(b"word " * 500, "text/plain")
    assert len(long) <= ERROR_TEXT_LENGTH and long.endswith("…") and "\n" not in long


def test_without_the_variable_the_password_is_asked_for_on_the_terminal(
    careerkg_exe: str, repo_root: Path, virtuoso: VirtuosoServer
) -> None:
    """On a terminal of its own (a pseudo-terminal here), careerkg asks for the password and does not echo it."""
    import os
    import pty
    import select
    import time

    graph = GRAPHS + "prompted"
    args = [careerkg_exe, "push", "--endpoint", f"{virtuoso.base}/sparql-graph-crud-auth", "--user", "dba"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERKG_")}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: becomes careerkg, with the pseudo-terminal as its controlling terminal
        try:
            os.chdir(repo_root)
            os.execve(careerkg_exe, [*args, "--graph", graph, TEAM], env)
        finally:
            os._exit(127)
    output, answered = b"", False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not select.select([terminal], [], [], 1)[0]:
            continue
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the child has closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"Password for dba" in output:
            os.write(terminal, b"dba\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert answered and b"Sent " in output and b"dba\r\n" not in output.split(b"Password for dba", 1)[1]
    assert triples_in(virtuoso, graph) > 2000

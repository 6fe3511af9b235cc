"""careerkg with a real SPARQL 1.1 server as the engine: `push`, `eligible --endpoint`, `query --endpoint`.

Each test starts its own empty Oxigraph server (`oxigraph serve`, from the PyPI package oxigraph) on a free
loopback port and stops it afterwards. The same profiles must get the same answers from the command line
(in memory), the embedded store, `careerkg serve`'s API and the Oxigraph server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import httpx
import pytest
from conftest import RunningServer

Run = Callable[..., CompletedProcess[str]]

TEAM = "examples/team.jsonl"
CK = "https://w3id.org/careerkg#"


def by_profile(text: str) -> dict[str, Any]:
    return {item["profile"]: item for item in json.loads(text)}


def pushed(run_exe: Run, repo_root: Path, server: RunningServer, *args: str) -> CompletedProcess[str]:
    done = run_exe("push", "--endpoint", f"{server.base}/store", *args, cwd=repo_root)
    return done


def test_push_then_eligible_in_the_server_matches_the_cli(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    done = pushed(run_exe, repo_root, server, TEAM)
    assert done.returncode == 0, done.stderr
    assert "4 profiles" in done.stderr and "triples" in done.stderr
    for explain in ([], ["--explain"]):
        remote = run_exe("eligible", "--endpoint", f"{server.base}/query", "--format", "json", *explain, cwd=repo_root)
        local = run_exe("eligible", "--format", "json", *explain, TEAM, cwd=repo_root)
        assert remote.returncode == 0, remote.stderr
        assert local.returncode == 0, local.stderr
        assert by_profile(remote.stdout) == by_profile(local.stdout)
        assert len(by_profile(remote.stdout)) == 4


def test_same_answer_from_cli_store_api_and_oxigraph_server(
    run_exe: Run,
    repo_root: Path,
    tmp_path: Path,
    oxigraph_server: Callable[[], RunningServer],
    start_careerkg_server: Callable[..., RunningServer],
) -> None:
    """The done-when of the serving issue: one profile, four engines, one answer."""
    profile = "examples/ada.json"
    cli = by_profile(run_exe("eligible", "--format", "json", "--explain", profile, cwd=repo_root).stdout)

    store = tmp_path / "store"
    kept = run_exe("eligible", "--store", str(store), "--format", "json", "--explain", profile, cwd=repo_root)
    assert kept.returncode == 0, kept.stderr
    from_store = by_profile(
        run_exe("eligible", "--store", str(store), "--format", "json", "--explain", cwd=repo_root).stdout
    )

    oxigraph = oxigraph_server()
    assert pushed(run_exe, repo_root, oxigraph, profile).returncode == 0
    from_server = by_profile(
        run_exe(
            "eligible", "--endpoint", f"{oxigraph.base}/query", "--format", "json", "--explain", cwd=repo_root
        ).stdout
    )

    api = start_careerkg_server("--log-level", "warning")
    response = httpx.post(
        f"{api.base}/eligible",
        params={"explain": "true"},
        content=(repo_root / profile).read_bytes(),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    from_api = by_profile(response.text)

    assert cli and cli == from_store == from_server == from_api
    (ada,) = cli.values()
    assert {m["role"] for m in ada["eligible"]} >= {CK + "ITManager"}


def test_invalid_profiles_are_not_pushed_and_the_valid_ones_are(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    done = pushed(run_exe, repo_root, server, "examples/invalid.json")
    assert done.returncode == 1
    assert "invalid profile https://example.org/people/astronaut" in done.stderr
    assert "Traceback" not in done.stderr
    held = run_exe("eligible", "--endpoint", f"{server.base}/query", "--format", "json", cwd=repo_root)
    assert set(by_profile(held.stdout)) == {"https://example.org/people/valid"}


def test_named_graph_and_sparql_update(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    graph = "https://example.org/careers"
    done = run_exe(
        "push", "--endpoint", f"{server.base}/update", "--protocol", "update", "--graph", graph, TEAM, cwd=repo_root
    )
    assert done.returncode == 0, done.stderr
    query = f"{server.base}/query"
    in_graph = run_exe("eligible", "--endpoint", query, "--graph", graph, "--format", "json", cwd=repo_root)
    assert len(by_profile(in_graph.stdout)) == 4
    # Oxigraph's default graph is not the union of its named graphs: nothing is there.
    default = run_exe("eligible", "--endpoint", query, "--format", "json", cwd=repo_root)
    assert default.returncode == 0 and json.loads(default.stdout) == []
    local = run_exe("eligible", "--format", "json", TEAM, cwd=repo_root)
    assert by_profile(in_graph.stdout) == by_profile(local.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["roles"],
        ["transitions", "--bind", "from=SeniorProductManager"],
        ["requirements", "--bind", "from=ck:ProductManager", "--bind", "to=ck:SeniorProductManager"],
        ["eligible"],
        ["met-requirements"],
    ],
)
def test_named_queries_give_the_same_rows_in_the_server(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer], args: list[str]
) -> None:
    server = oxigraph_server()
    assert pushed(run_exe, repo_root, server, TEAM).returncode == 0
    remote = run_exe("query", *args, "--endpoint", f"{server.base}/query", "--format", "json", cwd=repo_root)
    local = run_exe("query", *args, "--profile", TEAM, "--format", "json", cwd=repo_root)
    assert remote.returncode == 0, remote.stderr
    assert local.returncode == 0, local.stderr
    rows = solutions(remote.stdout)
    assert rows and rows == solutions(local.stdout)
    table = run_exe("query", *args, "--endpoint", f"{server.base}/query", cwd=repo_root)
    assert f"({len(rows)} row" in table.stdout


def solutions(text: str) -> list[tuple[tuple[str, str], ...]]:
    """SPARQL JSON results as sorted rows of (variable, value). GROUP_CONCAT's order is up to the engine, so
    "; "-joined values are compared as sorted parts, and numbers by value (4 and 4.0 are one decimal)."""

    def value(cell: dict[str, str]) -> str:
        if cell.get("datatype", "").endswith(("#decimal", "#integer", "#double")):
            return str(Decimal(cell["value"]).normalize())
        return "; ".join(sorted(cell["value"].split("; ")))

    rows = json.loads(text)["results"]["bindings"]
    return sorted(tuple(sorted((name, value(cell)) for name, cell in row.items())) for row in rows)


def test_query_formats_come_from_the_server(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    assert pushed(run_exe, repo_root, server).returncode == 0  # the knowledge alone
    endpoint = f"{server.base}/query"
    as_json = run_exe("query", "roles", "--endpoint", endpoint, "--format", "json", cwd=repo_root)
    roles = {b["role"]["value"] for b in json.loads(as_json.stdout)["results"]["bindings"]}
    assert CK + "ChiefOperatingOfficer" in roles
    as_csv = run_exe("query", "roles", "--endpoint", endpoint, "--format", "csv", cwd=repo_root)
    assert as_csv.stdout.splitlines()[0].startswith("role,label")
    ask = run_exe("query", "-", "--endpoint", endpoint, input=f"ASK {{ <{CK}ChiefOperatingOfficer> ?p ?o }}")
    assert ask.stdout.strip() == "true"


def test_refusals_and_unreachable_servers_are_one_line(run_exe: Run, repo_root: Path) -> None:
    from conftest import free_port

    dead = f"http://127.0.0.1:{free_port()}/query"
    done = run_exe("eligible", "--endpoint", dead, cwd=repo_root)
    assert done.returncode == 2
    assert "cannot reach the endpoint" in done.stderr and "Traceback" not in done.stderr
    bad_url = run_exe("query", "roles", "--endpoint", "ftp://example.org/sparql", cwd=repo_root)
    assert bad_url.returncode == 2 and "not an http:// or https:// URL" in bad_url.stderr
    bad_graph = run_exe("eligible", "--endpoint", dead, "--graph", "not an iri", cwd=repo_root)
    assert bad_graph.returncode == 2 and "not an absolute IRI" in bad_graph.stderr
    service = run_exe(
        "query", "-", "--endpoint", dead, input="SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"
    )
    assert service.returncode == 1 and "SERVICE is refused" in service.stderr
    with_profiles = run_exe("eligible", "--endpoint", dead, TEAM, cwd=repo_root)
    assert with_profiles.returncode == 2 and "careerkg push" in with_profiles.stderr


def test_server_errors_are_reported_with_their_status(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    done = run_exe("eligible", "--endpoint", f"{server.base}/no-such-path", cwd=repo_root)
    assert done.returncode == 2
    assert "HTTP 404" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:99999/query", "not a valid URL"),
        ("http://[::1/query", "not a valid URL"),
        ("http:///query", "not an http:// or https:// URL"),
        ("http://no-such-host.invalid/query", "cannot reach the endpoint"),
    ],
)
def test_a_malformed_or_unknown_endpoint_is_one_line(run_exe: Run, repo_root: Path, url: str, words: str) -> None:
    for command in (["eligible"], ["query", "roles"], ["push"]):
        done = run_exe(*command, "--endpoint", url, cwd=repo_root)
        assert done.returncode == 2, (command, done.stderr)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and words in lines[0] and url in lines[0], (command, done.stderr)


class _OddServer:
    """A loopback HTTP server that redirects every POST elsewhere, or answers a byte at a time, and records
    what it was sent."""

    def __init__(self, behaviour: str) -> None:
        import http.server
        import threading
        import time

        seen = self.seen = []  # type: list[tuple[str, str]]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                seen.append(("POST", self.path))
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if behaviour == "slow headers":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    for number in range(200):
                        self.wfile.write(f"X-Slow-{number}: 1\r\n".encode())
                        self.wfile.flush()
                        time.sleep(0.5)
                    return
                if behaviour == "slow error":
                    self.wfile.write(b"HTTP/1.1 500 Oops\r\nContent-Length: 100000\r\n\r\n")
                    for _ in range(200):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.5)
                    return
                if behaviour == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "/elsewhere")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                for byte in b'{"head": {"vars": []}, "results": {"bindings": []}}':
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)

            def do_GET(self) -> None:  # noqa: N802
                seen.append(("GET", self.path))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_is_reported_not_followed(run_exe: Run, repo_root: Path) -> None:
    """Following it would send the profiles to an address the user never gave (and turn the POST into a GET)."""
    odd = _OddServer("redirect")
    try:
        done = run_exe("push", "--endpoint", f"{odd.url}/store", "examples/ada.json", cwd=repo_root)
        query = run_exe("query", "roles", "--endpoint", f"{odd.url}/query", cwd=repo_root)
    finally:
        odd.close()
    assert done.returncode == 2, done.stderr
    assert "redirect" in done.stderr and "/elsewhere" in done.stderr and "Traceback" not in done.stderr
    assert query.returncode == 2 and "redirect" in query.stderr
    assert all(method == "POST" and not path.startswith("/elsewhere") for method, path in odd.seen), odd.seen


@pytest.mark.parametrize("behaviour", ["trickle", "slow headers", "slow error"])
def test_a_server_that_trickles_its_answer_is_stopped_at_the_time_limit(
    run_exe: Run, repo_root: Path, behaviour: str
) -> None:
    """The time limit bounds the whole exchange: a body, the headers or an error body sent a bit at a time."""
    odd = _OddServer(behaviour)
    try:
        done = run_exe("query", "roles", "--endpoint", f"{odd.url}/query", "--time-limit", "2", cwd=repo_root)
    finally:
        odd.close()
    assert done.returncode == 2, done.stderr
    assert "no answer within 2 s" in done.stderr and "Traceback" not in done.stderr


def test_the_result_cap_holds_with_an_endpoint(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    assert pushed(run_exe, repo_root, server).returncode == 0
    endpoint = f"{server.base}/query"
    for fmt in ("table", "json"):
        capped = run_exe("query", "roles", "--endpoint", endpoint, "--format", fmt, "--max-results", "3", cwd=repo_root)
        assert capped.returncode == 1, (fmt, capped.stderr)
        assert "more than the cap of 3" in capped.stderr and capped.stdout == ""
        roomy = run_exe(
            "query", "roles", "--endpoint", endpoint, "--format", fmt, "--max-results", "100", cwd=repo_root
        )
        assert roomy.returncode == 0, (fmt, roomy.stderr)


def test_bind_that_a_server_could_not_apply_the_same_way_is_refused(run_exe: Run, repo_root: Path) -> None:
    """A binding goes to a server as a VALUES block opening the WHERE clause, joined first as initial bindings
    are; for a variable the query never uses, or one a sub-select uses without selecting it, that would mean
    something else, so it is refused before any request rather than answered differently."""
    from conftest import free_port

    dead = f"http://127.0.0.1:{free_port()}/query"
    unused = run_exe("query", "skills", "--endpoint", dead, "--bind", "from=ProductManager", cwd=repo_root)
    assert unused.returncode == 2 and "?from does not occur in the query" in unused.stderr
    hidden = run_exe(
        "query", "-", "--endpoint", dead, "--bind", "s=<https://w3id.org/careerkg#CEO>",
        input="SELECT ?r ?n WHERE { ?r a ?t { SELECT ?r (COUNT(?s) AS ?n) WHERE { ?r ?p ?s } GROUP BY ?r } }",
    )  # fmt: skip
    assert hidden.returncode == 2 and "inside a sub-select" in hidden.stderr
    assert "cannot reach" not in unused.stderr + hidden.stderr


def test_bind_with_grouping_or_values_of_its_own_answers_as_locally(
    run_exe: Run, repo_root: Path, oxigraph_server: Callable[[], RunningServer]
) -> None:
    server = oxigraph_server()
    assert pushed(run_exe, repo_root, server).returncode == 0
    for query in (
        "PREFIX ck: <https://w3id.org/careerkg#> SELECT ?from (COUNT(?t) AS ?n) "
        "WHERE { ?t ck:fromRole ?from } GROUP BY ?from",
        "PREFIX ck: <https://w3id.org/careerkg#> SELECT ?from ?to WHERE { ?t ck:fromRole ?from ; ck:toRole ?to } "
        "VALUES ?to { ck:SalesManager ck:VPOfProduct }",
    ):
        args = ["query", "-", "--bind", "from=ck:ProductManager", "--format", "csv"]
        local = run_exe(*args, input=query, cwd=repo_root)
        remote = run_exe(*args, "--endpoint", f"{server.base}/query", input=query, cwd=repo_root)
        assert remote.returncode == 0, remote.stderr
        assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())
        assert len(local.stdout.splitlines()) == 2

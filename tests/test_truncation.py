"""No silent truncation: a SPARQL server that caps its answers (with Virtuoso's X-SPARQL-MaxRows header, or
without a word) is answered in full, page by page, or the answer is an error (exit 1), never a short one.

The capped server here is a proxy in front of a real Oxigraph server that cuts every SELECT answer to a few
hundred rows, as Virtuoso's ResultSetMaxRows does."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import careerkg
import pytest
from conftest import RunningServer, free_port

from benchmarks.generate import generate

Run = Callable[..., CompletedProcess[str]]
CAP = 300


@dataclass
class CappedServer:
    base: str
    requests: list[str]


def _proxy(upstream: str, cap: int, header: bool, requests: list[str]) -> type[BaseHTTPRequestHandler]:
    class Capping(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

        def do_POST(self) -> None:  # noqa: N802 - the base class's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            query = urllib.parse.parse_qs(body.decode("utf-8")).get("query", [""])[0]
            requests.append(query)
            forward = urllib.request.Request(
                upstream, data=body, method="POST",
                headers={"Content-Type": self.headers["Content-Type"], "Accept": self.headers["Accept"]},
            )  # fmt: skip
            with urllib.request.urlopen(forward, timeout=60) as answer:
                kind, data = answer.headers.get("Content-Type", ""), answer.read()
            extra = {}
            if "sparql-results+json" in kind:
                document = json.loads(data)
                bindings = document.get("results", {}).get("bindings")
                if bindings is not None and len(bindings) > cap:
                    document["results"]["bindings"] = bindings[:cap]
                    data = json.dumps(document).encode("utf-8")
                    if header:
                        extra["X-SPARQL-MaxRows"] = str(cap)
            elif "n-triples" in kind and len(data.splitlines()) > cap:
                data = b"\n".join(data.splitlines()[:cap]) + b"\n"
                if header:
                    extra["X-SPARQL-MaxRows"] = str(cap)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Capping


@pytest.fixture()
def filled(run_exe: Run, repo_root: Path, tmp_path: Path, oxigraph_server: Callable[[], RunningServer]) -> Any:
    """An Oxigraph server holding careerkg's knowledge and 1,200 generated profiles, and those profiles."""
    server = oxigraph_server()
    _, people = generate(1200, 7, tmp_path)
    done = run_exe("push", "--endpoint", f"{server.base}/store", str(people), cwd=repo_root)
    assert done.returncode == 0, done.stderr
    return server, people


@pytest.fixture()
def capped(filled: Any) -> Iterator[Callable[[bool], CappedServer]]:
    server, _ = filled
    started: list[ThreadingHTTPServer] = []

    def start(header: bool) -> CappedServer:
        requests: list[str] = []
        httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), _proxy(f"{server.base}/query", CAP, header, requests))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return CappedServer(f"http://127.0.0.1:{httpd.server_address[1]}/query", requests)

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def by_profile(text: str) -> dict[str, Any]:
    return {item["profile"]: item for item in json.loads(text)}


@pytest.mark.parametrize("header", [True, False], ids=["says-it-cut", "cuts-silently"])
def test_eligible_at_a_capped_server_is_complete(
    run_exe: Run, filled: Any, capped: Callable[[bool], CappedServer], header: bool
) -> None:
    server, people = filled
    proxy = capped(header)
    remote = run_exe("eligible", "--endpoint", proxy.base, "--explain", "--format", "json")
    assert remote.returncode == 0, remote.stderr
    local = run_exe("eligible", "--explain", "--format", "json", str(people))
    assert by_profile(remote.stdout) == by_profile(local.stdout)
    assert len(by_profile(remote.stdout)) == 1200
    # the answer needed more rows than the server gives at once: it was fetched in pages
    assert any("OFFSET" in q for q in proxy.requests)


@pytest.mark.parametrize("header", [True, False], ids=["says-it-cut", "cuts-silently"])
def test_query_at_a_capped_server_is_complete_in_every_format(
    run_exe: Run, filled: Any, capped: Callable[[bool], CappedServer], header: bool
) -> None:
    server, _ = filled
    proxy = capped(header)
    for fmt in ("csv", "json", "table"):
        direct = run_exe("query", "eligible", "--endpoint", f"{server.base}/query", "--format", fmt)
        cut = run_exe("query", "eligible", "--endpoint", proxy.base, "--format", fmt)
        assert cut.returncode == 0, cut.stderr
        assert cut.stdout == direct.stdout
        if fmt == "csv":
            assert len(cut.stdout.splitlines()) > CAP + 1  # more rows than the server gives at once


def test_a_cut_that_cannot_be_paged_is_an_error_not_a_short_answer(
    run_exe: Run, filled: Any, capped: Callable[[bool], CappedServer]
) -> None:
    proxy = capped(True)
    ordered = (
        "PREFIX ck: <https://w3id.org/careerkg#> "
        "SELECT ?p ?s WHERE { ?p ck:hasSkill ?s } ORDER BY DESC(STRLEN(STR(?s)))"
    )
    done = run_exe("query", "-", "--endpoint", proxy.base, "--format", "csv", input=ordered)
    assert done.returncode == 1
    assert "rows" in done.stderr and "of the answer's" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    graph = run_exe("query", "profile-facts", "--endpoint", proxy.base)
    assert graph.returncode == 1
    assert "cut the answer" in graph.stderr


def test_the_python_api_gets_every_profile_from_a_capped_server(
    filled: Any, capped: Callable[[bool], CappedServer]
) -> None:
    proxy = capped(False)
    results = careerkg.Engine().eligible_at(proxy.base)
    assert len(results) == 1200
    assert results.ok

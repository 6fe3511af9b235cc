"""careerkg never reaches the network by itself (only --endpoint and `serve`'s own socket do).

Every route that could fetch something is tried with an input pointing at a canary HTTP server on
loopback, which counts the requests it gets: it must get none. The installed command runs with careerkg's
audit hook, which refuses any connection or host-name look-up it was not asked for; one test shows the hook
stopping a code path that does try, and another runs the command where there is no network at all.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from careerkg.errors import QueryFailedError

RunExe = Callable[..., CompletedProcess[str]]
CK = "https://w3id.org/careerkg#"


class Canary:
    """An HTTP server on loopback that answers everything with a small JSON-LD context and counts hits."""

    def __init__(self) -> None:
        hits = self.hits = []  # type: list[str]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.end_headers()
                self.wfile.write(b'{"@context": {"x": "http://example.org/x"}}')

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


def profile(**extra: object) -> dict[str, object]:
    return {"@id": "https://example.org/ada", "currentRole": "ProductManager", "skills": ["Coding"], **extra}


ROUTES: dict[str, tuple[str, Callable[[str], str], int, str]] = {
    # name: (file name, content given the canary URL, expected exit code, expected message)
    "remote @context": ("p.jsonld", lambda url: json.dumps({"@context": f"{url}/ctx", **profile()}), 2, "not fetched"),
    "remote @context in a list": (
        "p.jsonld",
        lambda url: json.dumps({"@context": ["https://w3id.org/careerkg/context.jsonld", f"{url}/c"], **profile()}),
        2,
        "not fetched",
    ),
    "@import in a context": (
        "p.jsonld",
        lambda url: json.dumps({"@context": {"@import": f"{url}/i"}, **profile()}),
        2,
        "@import",
    ),
    "scoped context in a term definition": (
        "p.jsonld",
        lambda url: json.dumps(
            {
                "@context": {"k": {"@id": "http://example.org/k", "@context": f"{url}/s"}},
                "@id": "https://example.org/x",
                "k": {"a": 1},
            }
        ),  # fmt: skip
        2,
        "not fetched",
    ),
    "nested @context in a node": (
        "p.json",
        lambda url: json.dumps(profile(extra={"@context": f"{url}/n", "a": 1})),
        2,
        "not fetched",
    ),
    "owl:imports in Turtle": (
        "p.ttl",
        lambda url: (
            f"@prefix ck: <{CK}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            f"<https://example.org/o> a owl:Ontology ; owl:imports <{url}/onto.ttl> .\n"
            "<https://example.org/ada> ck:currentRole ck:ProductManager ; ck:hasSkill ck:Coding .\n"
        ),
        1,  # never followed; and an ontology header is not a profile's to state: left out, and said to be
        "statement(s) of careerkg's knowledge were left out",
    ),
    "external entity in RDF/XML": (
        "p.rdf",
        lambda url: (
            f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "{url}/e">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="x">&e;'
            "</rdf:Description></rdf:RDF>\n"
        ),
        2,
        "entity declarations is refused",
    ),
    "external DTD in RDF/XML": (
        "p.rdf",
        lambda url: (
            f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{url}/d.dtd">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
        ),
        2,
        "DOCTYPE",
    ),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_profile_inputs_never_fetch(route: str, canary: Canary, run_exe: RunExe, tmp_path: Path) -> None:
    name, content, code, message = ROUTES[route]
    path = tmp_path / name
    path.write_text(content(canary.url), encoding="utf-8")
    for command in (["eligible"], ["validate"], ["gaps"], ["query", "eligible", "--profile"]):
        done = run_exe(*command, str(path))
        expected = code if command != ["validate"] or code else 0
        assert done.returncode == expected, (command, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    assert canary.hits == []


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", 1, "SERVICE is refused"),
        ("SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}", 1, "SERVICE is refused"),
        # hidden from rdflib's check by a comment that only Oxigraph ends at a carriage return
        ("SELECT * WHERE {{ # x\rSERVICE <{url}/sparql> {{ ?s ?p ?o }}\n?s ?p ?o }}", 1, "SERVICE is refused"),
        ("SELECT * WHERE {{ # x\\u000dSERVICE <{url}/sparql> {{ ?s ?p ?o }}\n?s ?p ?o }}", 1, "SERVICE is refused"),
        # Oxigraph reads a name, a dot and a SERVICE clause where rdflib reads one prefixed name
        (
            "PREFIX : <{url}/exfil>\nPREFIX w: <https://w3i>\n"
            "SELECT * WHERE {{ ?s ?p w:d.org\\/careerkg\\#ProductManager.SERVICE:x {{ ?a ?b ?c }} }}",
            1,
            "SERVICE is refused",
        ),
        ("SELECT (COUNT(*) AS ?n) FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}", 0, ""),
        ("SELECT (COUNT(*) AS ?n) FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", None, ""),
        ("LOAD <{url}/data.ttl>", 1, "read-only"),
        ("DESCRIBE <{url}/thing>", 0, ""),
    ],
)
def test_queries_never_fetch(
    query: str, code: int | None, message: str, canary: Canary, run_exe: RunExe, tmp_path: Path
) -> None:
    text = query.format(url=canary.url)
    for where in ([], ["--store", str(tmp_path / "store")]):
        done = run_exe("query", "-", *where, input=text)
        if code is None:  # GRAPH: refused in memory (no named graphs there), answered by the store
            code_here = 0 if where else 1
            assert done.returncode == code_here, done.stderr
            assert where or "GRAPH needs named graphs" in done.stderr
            continue
        assert done.returncode == code, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr
    assert canary.hits == []


def test_the_audit_hook_stops_a_code_path_that_tries(canary: Canary, repo_root: Path) -> None:
    """If some code inside the command did try to fetch, the process refuses it: one line, exit 1."""
    script = (
        "import sys, rdflib\n"
        "import careerkg.sparql.queries\n"
        "def fetching_run(query, graph, bindings=None):\n"
        f"    rdflib.Graph().parse('{canary.url}/data.ttl')\n"
        "careerkg.sparql.queries.run = fetching_run\n"
        "import careerkg.cli.query\n"
        "careerkg.cli.query.run = fetching_run\n"
        "from careerkg.cli import main\n"
        "sys.argv = ['careerkg', 'query', 'roles']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=repo_root, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "careerkg works offline and refused" in done.stderr
    assert "Traceback" not in done.stderr
    assert canary.hits == []


def test_endpoint_is_the_one_address_allowed(canary: Canary, run_exe: RunExe) -> None:
    """--endpoint reaches the server it names (the canary answers nonsense, which is reported)."""
    done = run_exe("eligible", "--endpoint", f"{canary.url}/query")
    assert canary.hits, "the endpoint was not contacted"
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_command_works_with_no_network_at_all(run_exe: RunExe, repo_root: Path, careerkg_exe: str) -> None:
    """Run in a new network namespace (no interfaces up, not even loopback), where any attempt would fail."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here (unshare -rn)")
    for args in (
        ["eligible", "--explain", "examples/ada.json"],
        ["validate", "examples/team.jsonl"],
        ["query", "eligible", "--profile", "examples/team.ttl"],
        ["path", "ProductManager", "VPOfProduct"],
        ["export", "--format", "nt"],
    ):
        done = subprocess.run(
            [unshare, "-rn", careerkg_exe, *args], capture_output=True, text=True, cwd=repo_root, timeout=300
        )
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout.strip() or "All profiles conform" in done.stderr


def test_the_audit_hook_refuses_every_way_out(canary: Canary, repo_root: Path) -> None:
    """Connections, datagrams (sendto, sendmsg), look-ups and reverse look-ups: each refused once enforced."""
    port = canary.url.rsplit(":", 1)[1]
    script = f"""
import socket
from careerkg.offline import NetworkRefusedError, enforce
enforce()
attempts = {{
    "connect": lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5),
    "sendto": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", {port})),
    "sendmsg": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b"x"], [], 0, ("127.0.0.1", {port})),
    "getaddrinfo": lambda: socket.getaddrinfo("example.org", 80),
    "gethostbyname": lambda: socket.gethostbyname("example.org"),
    "gethostbyaddr": lambda: socket.gethostbyaddr("192.0.2.1"),
    "getnameinfo": lambda: socket.getnameinfo(("192.0.2.1", 80), 0),
}}
for name, attempt in attempts.items():
    try:
        attempt()
    except NetworkRefusedError:
        print(name, "refused")
    else:
        print(name, "ALLOWED")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=repo_root, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    names = ["connect", "sendto", "sendmsg", "getaddrinfo", "gethostbyname", "gethostbyaddr", "getnameinfo"]
    assert [line for line in lines if line] == [f"{name} refused" for name in names]
    assert canary.hits == []


def test_query_workers_have_no_network_even_past_the_query_check(canary: Canary, tmp_path: Path) -> None:
    """Defence in depth: Oxigraph's own HTTP client (SERVICE) is native code the audit hook cannot see, so the
    query workers of `serve` and `query --store` leave the network altogether (a namespace with no interface).
    Here the query check is skipped on purpose, by calling the pool directly: the canary still gets nothing."""
    from careerkg.engine import Engine
    from careerkg.sparql.pool import QueryPool
    from careerkg.sparql.store import PersistentStore

    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here (unshare -rn)")
    engine = Engine()
    store = PersistentStore(tmp_path / "store")
    store.initialise(engine.knowledge, engine.reasoner.knowledge_closure)
    store.close()
    del store
    pool = QueryPool(str(tmp_path / "store"), workers=1, time_limit=30, max_results=100)
    try:
        assert pool.start() is True
        service = f"SELECT * WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}"
        with pytest.raises(QueryFailedError):
            pool.run(service, False, "application/sparql-results+json")
        plain = pool.run("ASK { ?s ?p ?o }", False, "application/sparql-results+json")
        assert b"true" in plain.body
    finally:
        pool.close()
    assert canary.hits == []

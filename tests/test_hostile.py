"""Hostile input, end to end: every profile command and HTTP endpoint against input built to break it.

The contract: bad input gets one clear line on stderr naming the input (its path, ``-`` or ``request body``, and
the line where known), exit code 2 when it cannot be read and 1 when it was read but is invalid (the shapes,
a refused query), never a Python traceback nor an "internal error" (exit 70), and in batches the good records
are still answered. Covered here, through ``eligible``, ``gaps``, ``validate``, ``path --profile`` and
``query eligible --profile`` (files and standard input) and through ``POST /eligible`` and ``/validate``:

- empty and whitespace-only input; binary bytes; non-UTF-8 (Latin-1) text;
- truncated or malformed Turtle, JSON, JSON Lines, RDF/XML and N-Triples;
- wrong datatypes, unknown roles and skills, negative and absurd numbers (exit 1 with the shape's message);
- the same ``@id`` twice in one document (the second skipped, with its location) and in two files (both kept);
- JSON nested 100 and 100,000 levels deep; a JSON Lines record over 1 MiB; a document over
  ``CAREERKG_MAX_INPUT_BYTES``; NaN and Infinity;
- 200,000 JSON Lines records with one broken line in the middle, over two worker processes;
- RDF/XML with entity declarations (billion laughs, an external SYSTEM entity, an external DTD);
- SPARQL syntax errors, updates, unknown query names, missing ``.rq`` files (in memory, ``--store``, ``/sparql``);
- a batch mixing a good, an unreadable, an invalid and a missing file;
- ``export -o`` interrupted by SIGINT or failing: the old file or the whole new one, never a partial one.
"""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import httpx
import pytest
from conftest import RunningServer
from rdflib import Graph

RunExe = Callable[..., CompletedProcess[str]]
CK = "https://w3id.org/careerkg#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
P = "https://example.org/hostile/"

# -- helpers ----------------------------------------------------------------------------------------------------


def nonblank(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_no_crash(done: CompletedProcess[str]) -> None:
    """No traceback, no "internal error", not exit 70: whatever the input, careerkg must not crash."""
    assert "Traceback" not in done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    assert done.returncode != 70, done.stderr


def one_error_line(done: CompletedProcess[str]) -> str:
    """The single line on stderr (failing when there is none, or more than one)."""
    lines = nonblank(done.stderr)
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{done.stderr}"
    return lines[0]


def jsonl_profiles(stdout: str) -> list[tuple[str, str]]:
    """(profile, currentRole) of each JSON Lines answer on stdout, in order."""
    return [(data["profile"], data["currentRole"]) for data in map(json.loads, nonblank(stdout))]


def record(key: str, **fields: Any) -> dict[str, Any]:
    """A valid profile that is eligible for some moves (so that every command has answers to print)."""
    base: dict[str, Any] = {"@id": P + key, "currentRole": "ProductManager", "yearsInRole": 5, "productsManaged": 3,
                            "skills": ["Coding", "Mentoring", "Research", "CustomerInsight"]}  # fmt: skip
    return {**base, **fields}


def nested(depth: int) -> str:
    return json.dumps(record("deep"))[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"


@pytest.fixture()
def run_raw(careerkg_exe: str) -> Callable[..., CompletedProcess[str]]:
    """Run the console script with bytes on stdin and extra environment variables; output decoded as text."""

    def run(
        *args: str, input: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if k != "CAREERKG_DEBUG"} | (env or {})
        done = subprocess.run(
            [careerkg_exe, *args], input=input, capture_output=True, cwd=cwd, env=environment, timeout=300
        )
        out, err = (stream.decode("utf-8", "replace") for stream in (done.stdout, done.stderr))
        return CompletedProcess(done.args, done.returncode, out, err)

    return run


#: How each profile command is run on one input (a path, or - for standard input).
PROFILE_COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "eligible": lambda name: ["eligible", "--format", "jsonl", name],
    "gaps": lambda name: ["gaps", "--format", "jsonl", name],
    "validate": lambda name: ["validate", name],
    "path": lambda name: ["path", "--profile", name, "VPOfProduct"],
    "query": lambda name: ["query", "eligible", "--profile", name],
}


@pytest.fixture(scope="module")
def roomy_server(start_careerkg_server: Callable[..., RunningServer]) -> RunningServer:
    """A server whose body limit (4 MB) lets the 100,000-level JSON and the 1 MiB record reach the loaders."""
    return start_careerkg_server("--max-body", "4000000", "--log-level", "warning")


def post(server: RunningServer, endpoint: str, body: bytes, media_type: str) -> httpx.Response:
    return httpx.post(server.base + endpoint, content=body, headers={"Content-Type": media_type}, timeout=120)


# -- 1, 2, 3, 8, 9, 11: inputs that cannot be read at all ----------------------------------------------------------

TURTLE_PREFIX = f"@prefix ck: <{CK}> .\n"
RDF_XML_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ck="https://w3id.org/careerkg#">\n'
)
RDF_XML_PROFILE = (
    f'<rdf:Description rdf:about="{P}x"><ck:currentRole rdf:resource="{CK}ProductManager"/>'
    "<ck:name>&e;</ck:name></rdf:Description>\n</rdf:RDF>\n"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY l0 "lol">\n'
    + "".join(f' <!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
    + ' <!ENTITY e "&l9;">\n]>\n'
    + RDF_XML_OPEN
    + RDF_XML_PROFILE
)
SYSTEM_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "file:///etc/passwd"> ]>\n'
    + RDF_XML_OPEN
    + RDF_XML_PROFILE
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    + RDF_XML_OPEN
    + RDF_XML_PROFILE.replace("<ck:name>&e;</ck:name>", "")
)


@dataclass(frozen=True)
class Unreadable:
    """A whole input careerkg cannot read: its file name, bytes, media type, and what the message must say."""

    name: str
    data: bytes
    says: str
    media_type: str = "application/octet-stream"
    #: what the message says when the format is guessed from the content (standard input, octet-stream)
    sniffed_says: str | None = None


UNREADABLE = [
    Unreadable("empty.json", b"", "empty input", "application/json"),
    Unreadable("blank.ttl", b"  \n\t \r\n   \n", "empty input", "text/turtle"),
    Unreadable("random.bin", random.Random(20240601).randbytes(300), "not UTF-8"),
    Unreadable(
        "latin1.json",
        json.dumps(record("rene", name="Ren\u00e9"), ensure_ascii=False).encode("latin-1"),
        "not UTF-8",
        "application/json",
    ),
    Unreadable(
        "truncated.ttl",
        (TURTLE_PREFIX + f"<{P}t> a ck:Profile ;\n  ck:currentRole ck:ProductManager ;\n  ck:yearsInRole 5").encode(),
        "not valid turtle",
        "text/turtle",
    ),
    Unreadable(
        "malformed.ttl",
        (TURTLE_PREFIX + f"\n<{P}t> ck:currentRole ck:ProductManager ;\n  ck:yearsInRole 5 5 .\n").encode(),
        "line 4",
        "text/turtle",
    ),
    Unreadable("truncated.json", json.dumps(record("t"))[:40].encode(), "invalid JSON", "application/json"),
    Unreadable("scalar.json", b'"just a string"', "expected a JSON object", "application/json"),
    Unreadable(
        "truncated.rdf",
        (
            '<?xml version="1.0"?>\n' + RDF_XML_OPEN + f'<rdf:Description rdf:about="{P}x">'
            f'<ck:currentRole rdf:resource="{CK}ProductManager"/>\n'
        ).encode(),
        "not valid xml",
        "application/rdf+xml",
    ),
    Unreadable(
        "truncated.nt",
        f"<{P}a> <{CK}currentRole> <{CK}ProductManager>\n".encode(),
        "not valid nt",
        "application/n-triples",
        sniffed_says="not valid turtle",
    ),
    Unreadable("deep-100.json", nested(100).encode(), "nested too deeply", "application/json"),
    Unreadable("deep-100000.json", nested(100_000).encode(), "nested too deeply", "application/json"),
    Unreadable(
        "nan.json",
        b'{"@id": "' + P.encode() + b'n", "currentRole": "ProductManager", "yearsInRole": NaN}',
        "NaN is not a JSON number",
        "application/json",
    ),
    Unreadable(
        "infinity.json",
        b'[{"@id": "' + P.encode() + b'i", "currentRole": "ProductManager", "productsManaged": Infinity}]',
        "Infinity is not a JSON number",
        "application/json",
    ),
    Unreadable("billion-laughs.rdf", BILLION_LAUGHS.encode(), "DOCTYPE or entity declarations", "application/rdf+xml"),
    Unreadable("system-entity.rdf", SYSTEM_ENTITY.encode(), "DOCTYPE or entity declarations", "application/rdf+xml"),
    Unreadable("external-dtd.rdf", EXTERNAL_DTD.encode(), "DOCTYPE or entity declarations", "application/rdf+xml"),
]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for case in UNREADABLE:
        (folder / case.name).write_bytes(case.data)
    return folder


def test_the_binary_input_really_is_not_utf8() -> None:
    data = next(case.data for case in UNREADABLE if case.name == "random.bin")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


@pytest.mark.parametrize("command", list(PROFILE_COMMANDS))
@pytest.mark.parametrize("case", UNREADABLE, ids=lambda case: case.name)
def test_unreadable_file(run_exe: RunExe, hostile_dir: Path, command: str, case: Unreadable) -> None:
    done = run_exe(*PROFILE_COMMANDS[command](case.name), cwd=hostile_dir)
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr
    line = one_error_line(done)
    assert line.startswith(f"Error: {case.name}"), line
    assert case.says in line, line
    assert done.stdout == ""
    assert "root:" not in done.stdout + done.stderr  # the SYSTEM entity's target is never read


@pytest.mark.parametrize("command", ["eligible", "validate"])
@pytest.mark.parametrize("case", UNREADABLE, ids=lambda case: case.name)
def test_unreadable_stdin(run_raw: Callable[..., CompletedProcess[str]], command: str, case: Unreadable) -> None:
    done = run_raw(*PROFILE_COMMANDS[command]("-"), input=case.data)
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr
    line = one_error_line(done)
    assert line.startswith("Error: -"), line
    assert (case.sniffed_says or case.says) in line, line


@pytest.mark.parametrize("endpoint", ["/eligible", "/validate"])
@pytest.mark.parametrize("case", UNREADABLE, ids=lambda case: case.name)
def test_unreadable_body(roomy_server: RunningServer, endpoint: str, case: Unreadable) -> None:
    response = post(roomy_server, endpoint, case.data, case.media_type)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error.startswith("request body"), error
    assert case.says in error, error
    assert "\n" not in error
    assert "root:" not in response.text


def test_a_body_over_the_servers_limit_gets_413(careerkg_server: RunningServer) -> None:
    body = nested(100_000).encode()  # 200 kB: over the session server's --max-body of 200,000 bytes
    response = post(careerkg_server, "/eligible", body, "application/json")
    assert response.status_code == 413, response.text
    assert "larger than this server's limit of 200,000 bytes" in response.json()["error"]


@pytest.mark.parametrize("where", ["eligible", "validate", "/eligible"])
def test_malformed_pretty_printed_json_names_the_line_of_the_error(
    run_exe: RunExe, careerkg_server: RunningServer, repo_root: Path, tmp_path: Path, where: str
) -> None:
    """examples/ada.json with the comma after "yearsInRole": 5 (line 5) left out: the error is on line 6."""
    text = (repo_root / "examples" / "ada.json").read_text(encoding="utf-8")
    broken = text.replace('"yearsInRole": 5,', '"yearsInRole": 5', 1)
    assert broken != text
    with pytest.raises(json.JSONDecodeError) as python_says:
        json.loads(broken)
    assert python_says.value.lineno == 6
    if where.startswith("/"):
        response = post(careerkg_server, where, broken.encode(), "application/json")
        assert response.status_code == 400, response.text
        line = response.json()["error"]
        name = "request body"
    else:
        (tmp_path / "ada.json").write_text(broken, encoding="utf-8")
        done = run_exe(*PROFILE_COMMANDS[where]("ada.json"), cwd=tmp_path)
        assert_no_crash(done)
        assert done.returncode == 2, done.stderr
        line = one_error_line(done)
        name = "ada.json"
    assert f"{name}:6: invalid JSON: Expecting ',' delimiter" in line, line


# -- 4, 5, 6: read, but invalid (the shapes say why) -------------------------------------------------------------

#: name -> (the JSON fields that make the profile invalid, a phrase of the shape's message)
INVALID: dict[str, tuple[str, str]] = {
    "years-as-text": ('"yearsInRole": "five"', "Years in role must be a single number"),
    "products-fraction": ('"productsManaged": 2.5', "Products managed must be a single whole number"),
    "skills-a-number": ('"skills": 42', "skill is not one careerkg knows"),
    "role-an-object": ('"currentRole": {"name": "product manager"}', "current role is not one careerkg knows"),
    "role-a-list": ('"currentRole": ["ProductManager", "Founder"]', "exactly one current role"),
    "unknown-role": ('"currentRole": "Astronaut"', "current role is not one careerkg knows"),
    "unknown-skill": ('"skills": ["Juggling"]', "skill is not one careerkg knows"),
    "years-negative": ('"yearsInRole": -1', "from 0 to 70"),
    "years-1e308": ('"yearsInRole": 1e308', "from 0 to 70"),
    "years-1e400": ('"yearsInRole": 1e400', "from 0 to 70"),  # JSON, but past a double: Infinity
    "years-71": ('"yearsInRole": 71', "from 0 to 70"),
    "years-boolean": ('"yearsInRole": true', "from 0 to 70"),
    "products-1001": ('"productsManaged": 1001', "from 0 to 1000"),
    "products-negative": ('"productsManaged": -3', "from 0 to 1000"),
}


def invalid_text(name: str) -> str:
    fields = INVALID[name][0]
    role = "" if '"currentRole"' in fields else '"currentRole": "ProductManager", '
    return f'{{"@id": "{P}{name}", {role}{fields}}}'


@pytest.fixture(scope="module")
def invalid_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("invalid")
    for name in INVALID:
        (folder / f"{name}.json").write_text(invalid_text(name), encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", list(PROFILE_COMMANDS))
@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_profile(run_exe: RunExe, invalid_dir: Path, command: str, name: str) -> None:
    done = run_exe(*PROFILE_COMMANDS[command](f"{name}.json"), cwd=invalid_dir)
    assert_no_crash(done)
    assert done.returncode == 1, done.stdout + done.stderr
    # validate's violations are its report (stdout); the other commands say why they give no answer (stderr)
    report, other = (done.stdout, done.stderr) if command == "validate" else (done.stderr, done.stdout)
    lines = [line for line in nonblank(report) if P + name in line]
    assert len(lines) == 1, report
    assert INVALID[name][1] in lines[0], lines[0]
    assert len(lines[0]) < 400, f"an absurd value printed whole ({len(lines[0])} characters): {lines[0][:200]}..."
    if command in {"eligible", "gaps"}:
        assert other == ""  # no answer for an invalid profile


@pytest.mark.parametrize("command", list(PROFILE_COMMANDS))
def test_invalid_profile_line_names_its_file(run_exe: RunExe, invalid_dir: Path, command: str) -> None:
    """With several inputs, the line must say which file the invalid profile came from."""
    done = run_exe(*PROFILE_COMMANDS[command]("unknown-role.json"), cwd=invalid_dir)
    assert done.returncode == 1
    lines = [line for line in nonblank(done.stdout + "\n" + done.stderr) if "Astronaut" in line]
    assert len(lines) == 1, done.stdout + done.stderr
    assert "unknown-role.json" in lines[0], lines[0]


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_profile_over_http(careerkg_server: RunningServer, name: str) -> None:
    body = invalid_text(name).encode()
    response = post(careerkg_server, "/eligible", body, "application/json")
    assert response.status_code == 422, response.text
    data = response.json()
    assert data["results"] == []
    assert [v["profile"] for v in data["violations"]] == [P + name]
    assert INVALID[name][1] in data["violations"][0]["message"]
    response = post(careerkg_server, "/validate", body, "application/json")
    assert response.status_code == 200, response.text  # documented: /validate answers conforms: false
    assert response.json()["conforms"] is False
    assert [v["profile"] for v in response.json()["violations"]] == [P + name]


@pytest.mark.parametrize("command", ["eligible", "gaps", "validate"])
def test_the_bounds_themselves_are_valid(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    people = [
        record("oldest", yearsInRole=70, productsManaged=1000),
        record("newest", yearsInRole=0, productsManaged=0),
    ]
    (tmp_path / "bounds.json").write_text(json.dumps(people), encoding="utf-8")
    done = run_exe(*PROFILE_COMMANDS[command]("bounds.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    if command != "validate":
        assert [p for p, _ in jsonl_profiles(done.stdout)] == [P + "oldest", P + "newest"]


# -- 3, 7, 8, 9: JSON Lines with one bad record: that line reported, the others answered --------------------------

#: name -> (line 2 of the file, a phrase of its message); lines 1 and 3 are good profiles
BAD_LINES: dict[str, tuple[bytes, str]] = {
    "truncated": (b'{"currentRole": ', "invalid JSON"),
    "deep-100": (nested(100).encode(), "nested too deeply"),
    "deep-100000": (nested(100_000).encode(), "nested too deeply"),
    "nan": (json.dumps(record("nan"))[:-1].encode() + b', "extra": NaN}', "NaN is not a JSON number"),
    "minus-infinity": (
        b'{"@id": "' + P.encode() + b'm", "currentRole": "ProductManager", "yearsInRole": -Infinity}',
        "-Infinity is not a JSON number",
    ),
    "latin1": (json.dumps(record("rene", name="Ren\u00e9"), ensure_ascii=False).encode("latin-1"), "not UTF-8"),
    "over-1-mib": (json.dumps(record("big", name="x" * (1024 * 1024 + 10))).encode(), "longer than 1,048,576 bytes"),
    "not-an-object": (b"42", "expected a JSON object"),
    "duplicate-id": (json.dumps(record("first", currentRole="DirectorOfProduct")).encode(), "appears again"),
}

BATCH_COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "eligible": PROFILE_COMMANDS["eligible"],
    "eligible-jobs": lambda name: ["eligible", "--format", "jsonl", "--jobs", "2", "--chunk-size", "1", name],
    "gaps": PROFILE_COMMANDS["gaps"],
    "validate": PROFILE_COMMANDS["validate"],
}


def one_bad_line(bad: bytes) -> bytes:
    return b"\n".join([json.dumps(record("first")).encode(), bad, json.dumps(record("third")).encode()]) + b"\n"


@pytest.fixture(scope="module")
def bad_line_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-line")
    for name, (bad, _) in BAD_LINES.items():
        (folder / f"{name}.jsonl").write_bytes(one_bad_line(bad))
    return folder


@pytest.mark.parametrize("command", list(BATCH_COMMANDS))
@pytest.mark.parametrize("name", list(BAD_LINES))
def test_json_lines_with_one_bad_record(run_exe: RunExe, bad_line_dir: Path, command: str, name: str) -> None:
    file = f"{name}.jsonl"
    done = run_exe(*BATCH_COMMANDS[command](file), cwd=bad_line_dir)
    assert_no_crash(done)
    assert done.returncode == 2, done.stdout[:300] + done.stderr
    line = one_error_line(done)
    assert f"{file}:2" in line, line
    assert BAD_LINES[name][1] in line, line
    if command == "validate":
        assert done.stdout == ""  # the two good profiles conform
    else:
        assert jsonl_profiles(done.stdout) == [
            (P + "first", CK + "ProductManager"),
            (P + "third", CK + "ProductManager"),
        ]


def test_query_with_one_bad_record_still_answers_the_good_ones(run_exe: RunExe, bad_line_dir: Path) -> None:
    done = run_exe(*PROFILE_COMMANDS["query"]("truncated.jsonl"), cwd=bad_line_dir)
    assert_no_crash(done)
    assert done.returncode == 2
    assert "truncated.jsonl:2" in one_error_line(done)
    assert f"<{P}first>" in done.stdout and f"<{P}third>" in done.stdout, done.stdout


@pytest.mark.parametrize("endpoint", ["/eligible", "/validate"])
@pytest.mark.parametrize("name", list(BAD_LINES))
def test_json_lines_body_with_one_bad_record(roomy_server: RunningServer, endpoint: str, name: str) -> None:
    response = post(roomy_server, endpoint, one_bad_line(BAD_LINES[name][0]), "application/x-ndjson")
    assert response.status_code == 400, response.text[:500]
    data = response.json()
    assert len(data.get("unreadable", [])) == 1, data
    assert data["unreadable"][0].startswith("request body:2"), data["unreadable"]
    assert BAD_LINES[name][1] in data["unreadable"][0]
    if endpoint == "/eligible":
        assert [(r["profile"], r["currentRole"]) for r in data["results"]] == [
            (P + "first", CK + "ProductManager"),
            (P + "third", CK + "ProductManager"),
        ]
    else:
        assert data["conforms"] is True


@pytest.mark.parametrize("command", ["eligible", "gaps", "validate"])
def test_a_record_whose_id_is_not_an_iri_is_not_silently_dropped(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    """rdflib's JSON-LD parser drops a node whose @id is not an IRI; careerkg must say so, not answer 0."""
    lines = [json.dumps(record("first")), json.dumps(record("x") | {"@id": "http://example.org/a b"})]
    (tmp_path / "ids.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_exe(*PROFILE_COMMANDS[command]("ids.jsonl"), cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode in (1, 2), done.stdout[:300] + done.stderr
    assert any("ids.jsonl:2" in line for line in nonblank(done.stderr)), done.stderr


#: Malformed IRIs where JSON-LD lets any string through; Oxigraph (the rule engine, the store) refuses them.
MALFORMED_IRI_PLACES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "a literal's datatype": lambda r: r | {"name": {"@value": "x", "@type": "http://example.org/a{b}"}},
    "a nested node's @id": lambda r: r | {"skills": [{"@id": "http://example.org/a{b}", "@type": CK + "Skill"}]},
    "a language tag that is not BCP 47": lambda r: r | {"name": {"@value": "x", "@language": "abcdefghi"}},
    "rdf:langString without a tag": lambda r: r | {"name": {"@value": "x", "@type": RDF_NS + "langString"}},
}


@pytest.mark.parametrize("where", ["eligible", "eligible --store", "query --store", "serve"])
@pytest.mark.parametrize("place", list(MALFORMED_IRI_PLACES))
def test_a_malformed_iri_anywhere_in_a_record_costs_only_that_record(
    run_exe: RunExe, start_careerkg_server: Callable[..., RunningServer], tmp_path: Path, where: str, place: str
) -> None:
    """The record naming a malformed IRI is reported invalid, in one line naming it; the good record next to
    it is answered, kept in the store and served (no crash, no lost chunk)."""
    lines = [json.dumps(MALFORMED_IRI_PLACES[place](record("bad"))), json.dumps(record("good"))]
    (tmp_path / "iris.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = str(tmp_path / "store")
    ask_good = f"ASK {{ <{P}good> <{CK}eligibleFor> ?role }}"
    if where == "serve":
        server = start_careerkg_server("--profiles", str(tmp_path / "iris.jsonl"), "--log-level", "warning")
        with httpx.Client(base_url=server.base, timeout=60) as http:
            answer = http.get("/sparql", params={"query": ask_good}, headers={"Accept": "application/json"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["boolean"] is True
            body = http.post(
                "/eligible", content=lines[0] + "\n" + lines[1], headers={"Content-Type": "application/x-ndjson"}
            )
            assert body.status_code == 422, body.text
            assert [r["profile"] for r in body.json()["results"]] == [P + "good"]
            assert body.json()["violations"][0]["profile"] == P + "bad"
        server.stop()
        return
    command = {
        "eligible": ["eligible", "--format", "json", "iris.jsonl"],
        "eligible --store": ["eligible", "--store", store, "--format", "json", "iris.jsonl"],
        "query --store": ["query", "-", "--store", store, "--profile", "iris.jsonl"],
    }[where]
    done = run_exe(*command, cwd=tmp_path, input=ask_good if where == "query --store" else None)
    assert_no_crash(done)
    assert done.returncode == 1, done.stderr
    assert any(
        f"invalid profile {P}bad" in line and ("not a valid IRI" in line or "not one an RDF store takes" in line)
        for line in nonblank(done.stderr)
    ), done.stderr
    if where == "query --store":
        assert done.stdout.strip() == "true"
    else:
        assert [r["profile"] for r in json.loads(done.stdout)] == [P + "good"]


RELATIVE_TURTLE = f"""<ada> a <{CK}Profile> ; <{CK}currentRole> <{CK}ProductManager> ; <{CK}hasSkill> <{CK}Coding> .
<{P}good> <{CK}currentRole> <{CK}ProductManager> ; <{CK}hasSkill> <{CK}Coding> .
"""


@pytest.mark.parametrize("command", ["eligible", "eligible --store", "validate", "validate --format turtle"])
def test_a_relative_iri_is_reported_never_resolved_against_the_working_directory(
    run_exe: RunExe, tmp_path: Path, command: str
) -> None:
    """rdflib resolves relative IRIs against the working directory (file:///...), which would leak the path and
    name people after wherever careerkg ran: careerkg reports them as relative instead."""
    (tmp_path / "rel.ttl").write_text(RELATIVE_TURTLE, encoding="utf-8")
    args = {
        "eligible": ["eligible"],
        "eligible --store": ["eligible", "--store", str(tmp_path / "store")],
        "validate": ["validate"],
        "validate --format turtle": ["validate", "--format", "turtle"],
    }[command]
    done = run_exe(*args, "rel.ttl", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 1, done.stderr
    assert "file://" not in done.stdout + done.stderr
    assert "'ada'" in done.stdout + done.stderr and "relative" in done.stdout + done.stderr
    if command.startswith("eligible"):
        assert f"{P}good" in done.stdout
    if command == "validate --format turtle":
        assert len(Graph().parse(data=done.stdout, format="turtle")) > 0


def test_a_statement_with_a_malformed_iri_fails_validate_with_a_report_that_parses(
    run_exe: RunExe, tmp_path: Path
) -> None:
    bad = MALFORMED_IRI_PLACES["a nested node's @id"](record("bad"))
    (tmp_path / "bad.json").write_text(json.dumps([bad, record("good")]), encoding="utf-8")
    for fmt in ("text", "json", "turtle"):
        done = run_exe("validate", "--format", fmt, "bad.json", cwd=tmp_path)
        assert_no_crash(done)
        assert done.returncode == 1, (fmt, done.stderr)
        assert "http://example.org/a{b}" in done.stdout
    report = Graph().parse(data=done.stdout, format="turtle")
    assert (None, None, None) in report


@pytest.mark.parametrize("command", list(PROFILE_COMMANDS))
def test_a_lone_surrogate_costs_only_its_record(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    """JSON can escape half a UTF-16 pair ("\\ud800"): not a character, so the record is unreadable, in one line,
    and the good record next to it is still answered."""
    bad = json.dumps(record("bad", name="\ud800"))  # json.dumps writes the lone surrogate as \ud800
    (tmp_path / "s.json").write_text(f"[{json.dumps(record('good'))}, {bad}]", encoding="utf-8")
    done = run_exe(*PROFILE_COMMANDS[command]("s.json"), cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr
    assert one_error_line(done).startswith("Error: s.json[1]: a string holds a lone UTF-16 surrogate")
    if command != "validate":
        assert f"{P}good" in done.stdout or command == "path"


def test_a_lone_surrogate_in_turtle_makes_that_profile_invalid(run_exe: RunExe, tmp_path: Path) -> None:
    name = '<http://xmlns.com/foaf/0.1/name> "\\uD800"'
    role = f"<{CK}currentRole> <{CK}ProductManager>"
    text = f"<{P}good> {role} .\n<{P}bad> {role} ; {name} .\n"
    (tmp_path / "s.ttl").write_text(text, encoding="utf-8")
    for args in (
        ["eligible"],
        ["gaps"],
        ["eligible", "--store", str(tmp_path / "store")],
        ["validate", "--format", "turtle"],
    ):
        done = run_exe(*args, "s.ttl", cwd=tmp_path)
        assert_no_crash(done)
        assert done.returncode == 1, (args, done.stderr)
        assert "surrogate" in done.stdout + done.stderr
        if args[0] != "validate":
            assert f"{P}good" in done.stdout


def test_the_validate_report_names_malformed_iris_as_text_so_any_rdf_tool_reads_it(
    run_exe: RunExe, tmp_path: Path
) -> None:
    import pyoxigraph

    (tmp_path / "r.jsonld").write_text(
        json.dumps(
            {"@context": "https://w3id.org/careerkg/context.jsonld", **record("r"), "currentRole": {"@id": "htt)s://x"}}
        ),
        encoding="utf-8",
    )
    done = run_exe("validate", "--format", "turtle", "r.jsonld", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 1, done.stderr
    assert list(pyoxigraph.parse(done.stdout.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))


@pytest.mark.parametrize("endpoint", ["/eligible", "/gaps", "/validate"])
def test_a_lone_surrogate_in_a_body_is_a_400_with_the_good_answers(
    careerkg_server: RunningServer, endpoint: str
) -> None:
    body = f"[{json.dumps(record('good'))}, {json.dumps(record('bad', name=chr(0xD800)))}]"
    response = httpx.post(careerkg_server.base + endpoint, content=body.encode("utf-8", "surrogatepass"),
                          headers={"Content-Type": "application/json"}, timeout=60)  # fmt: skip
    assert response.status_code == 400, response.text
    assert "surrogate" in response.json()["error"] + json.dumps(response.json().get("unreadable", []))


def test_an_id_in_careerkgs_own_namespace_is_refused(run_exe: RunExe, tmp_path: Path) -> None:
    """careerkg names records without an @id urn:careerkg:profile:...; a record claiming such a name could pass
    as generated (and skip the repeated-@id check), so it is refused, and the others are answered."""
    taken = record("x") | {"@id": "urn:careerkg:profile:x"}
    (tmp_path / "ns.jsonl").write_text("\n".join(json.dumps(r) for r in (taken, taken, record("good"))) + "\n")
    for chunk in ("1", "100"):
        done = run_exe("eligible", "--format", "jsonl", "--chunk-size", chunk, "ns.jsonl", cwd=tmp_path)
        assert_no_crash(done)
        assert done.returncode == 2, done.stderr
        assert [json.loads(line)["profile"] for line in nonblank(done.stdout)] == [P + "good"]
        assert len(nonblank(done.stderr)) == 2 and "namespace careerkg names records" in done.stderr


UTF16_ENTITY_XML = (
    '<?xml version="1.0" encoding="UTF-16LE"?><!DOCTYPE r [<!ENTITY e "EXPANDED">]>'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ck="https://w3id.org/careerkg#">'
    f'<rdf:Description rdf:about="{P}u"><ck:currentRole rdf:resource="{CK}ProductManager"/>'
    "<ck:note>&e;</ck:note></rdf:Description></rdf:RDF>"
).encode("utf-16-le")


def test_an_entity_declaration_in_utf16_xml_is_refused_too(
    run_exe: RunExe, careerkg_server: RunningServer, tmp_path: Path
) -> None:
    """In UTF-16 the letters of <!DOCTYPE have NULs between them: the input is refused as not UTF-8, before
    any XML parser could expand an entity."""
    (tmp_path / "u.rdf").write_bytes(UTF16_ENTITY_XML)
    for command in (["eligible"], ["query", "eligible", "--profile"]):
        done = run_exe(*command, "u.rdf", cwd=tmp_path)
        assert_no_crash(done)
        assert done.returncode == 2 and "EXPANDED" not in done.stdout
        assert one_error_line(done) == "Error: u.rdf: RDF/XML is read as UTF-8 only (this input is in another encoding)"
    response = httpx.post(careerkg_server.base + "/eligible", content=UTF16_ENTITY_XML,
                          headers={"Content-Type": "application/rdf+xml"}, timeout=60)  # fmt: skip
    assert response.status_code == 400 and "UTF-8 only" in response.text


INJECTING_TURTLE = f"""@prefix ck: <{CK}> .
<{P}eve> ck:currentRole ck:ProductManager ; ck:hasSkill ck:Coding .
<{P}t> a ck:Transition ; ck:fromRole ck:ProductManager ; ck:toRole ck:ChiefExecutiveOfficer .
ck:ProductManagerToFounder ck:toRole ck:ChiefExecutiveOfficer .
"""


def test_a_profile_document_cannot_add_moves_or_change_the_knowledge_graph(
    run_exe: RunExe, repo_root: Path, tmp_path: Path
) -> None:
    """A document describes its people: statements about anything else (a new transition, careerkg's own terms)
    are left out, with one line saying so, and the other inputs' answers do not change."""
    (tmp_path / "inject.ttl").write_text(INJECTING_TURTLE, encoding="utf-8")
    team = str(repo_root / "examples" / "team.jsonl")
    alone = run_exe("query", "eligible", "--profile", team, "--format", "csv")
    beside = run_exe(
        "query", "eligible", "--profile", team, "--profile", str(tmp_path / "inject.ttl"), "--format", "csv"
    )
    assert_no_crash(beside)
    assert "statement(s) of careerkg's knowledge were left out" in beside.stderr
    assert beside.returncode == 1  # the input said what is not a profile's to say
    assert set(alone.stdout.splitlines()) <= set(beside.stdout.splitlines())
    assert [line for line in beside.stdout.splitlines() if line not in alone.stdout.splitlines()] == [
        line for line in beside.stdout.splitlines() if line.startswith(P + "eve")
    ]
    assert f"{CK}ChiefExecutiveOfficer" not in "".join(x for x in beside.stdout.splitlines() if x.startswith(P))


def test_a_profile_named_after_a_term_of_the_knowledge_graph_is_invalid_and_changes_nothing(
    run_exe: RunExe, tmp_path: Path
) -> None:
    move = CK + "ProductManagerToFounder"
    (tmp_path / "p.json").write_text(json.dumps([record("good"), record("x") | {"@id": move}]), encoding="utf-8")
    store = str(tmp_path / "store")
    done = run_exe("eligible", "--store", store, "--format", "json", "p.json", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 1
    assert f"invalid profile {move}" in done.stderr and "careerkg's own vocabulary" in done.stderr
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{move}> ?p ?o }}"
    fresh = run_exe("query", "-", "--store", str(tmp_path / "fresh"), "--format", "csv", input=count)
    held = run_exe("query", "-", "--store", store, "--format", "csv", input=count)
    assert held.stdout == fresh.stdout and int(fresh.stdout.split()[1]) > 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { BIND(REGEX("a", "(") AS ?x) }',
        "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
        'SELECT ?x WHERE { BIND(STRLANG("x", "!!") AS ?x) }',
        "SELECT (<http://example.org/fn>(1) AS ?x) {}",
    ],
)
@pytest.mark.parametrize("where", ["memory", "store"])
def test_a_valid_query_that_cannot_be_evaluated_is_one_line_exit_1_or_2(
    run_exe: RunExe, tmp_path: Path, query: str, where: str
) -> None:
    """Not an internal error (exit 70) with the evaluator's internals: the reason in one line."""
    extra = ["--store", str(tmp_path / "s")] if where == "store" else []
    done = run_exe("query", "-", *extra, input=query)
    assert_no_crash(done)
    if done.returncode != 0:  # the engines differ in what they accept; what they refuse, they say clearly
        assert done.returncode in (1, 2)
        line = one_error_line(done)
        assert line.startswith("Error: ") and " 0x" not in line


#: Records that reach into another record's profile, or that vanish under a context of their own.
OVERREACHING: dict[str, dict[str, Any]] = {
    "@included": record("m") | {"@included": [{"@id": P + "good", "currentRole": "Founder"}]},
    "a nested node": record("m") | {"skills": [{"@id": P + "good", "skills": ["Research", "CustomerInsight"]}]},
    "@reverse": record("m")
    | {"@reverse": {CK + "hasSkill": {"@id": P + "good", CK + "currentRole": {"@id": CK + "Founder"}}}},
    "a context of its own": {"@context": {}, "@id": P + "m", "currentRole": "Astronaut", "yearsInRole": -5},
}


@pytest.mark.parametrize("case", list(OVERREACHING))
@pytest.mark.parametrize("command", ["eligible", "gaps", "validate"])
def test_a_record_cannot_change_another_records_answer_nor_vanish(
    run_exe: RunExe, tmp_path: Path, command: str, case: str
) -> None:
    (tmp_path / "o.json").write_text(json.dumps([record("good"), OVERREACHING[case]]), encoding="utf-8")
    (tmp_path / "alone.json").write_text(json.dumps([record("good")]), encoding="utf-8")
    done = run_exe(*PROFILE_COMMANDS[command]("o.json"), cwd=tmp_path)
    alone = run_exe(*PROFILE_COMMANDS[command]("alone.json"), cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr
    assert one_error_line(done).startswith("Error: o.json[1]: the record describes")
    assert done.stdout == alone.stdout


def test_equal_records_without_an_id_in_different_chunks_are_both_answered(run_exe: RunExe, tmp_path: Path) -> None:
    """Records with no @id are named by a digest of their content; two equal ones are still two records (two
    people may share a profile), whether or not they fall in the same chunk."""
    anonymous = {k: v for k, v in record("x").items() if k != "@id"}
    (tmp_path / "same.jsonl").write_text((json.dumps(anonymous) + "\n") * 5, encoding="utf-8")
    for chunk in ("1", "2", "100"):
        done = run_exe("eligible", "--format", "jsonl", "--chunk-size", chunk, "same.jsonl", cwd=tmp_path)
        assert done.returncode == 0, (chunk, done.stderr)
        assert "appears again" not in done.stderr
        assert len(nonblank(done.stdout)) == 5, chunk


def test_many_inputs_are_read_one_open_file_at_a_time(careerkg_exe: str, tmp_path: Path) -> None:
    """Each input file is closed once its records are read: more inputs than the process may open at once
    are all answered."""
    import resource

    names = []
    for number in range(300):
        (tmp_path / f"p{number}.jsonl").write_text(json.dumps(record(f"p{number}")) + "\n", encoding="utf-8")
        names.append(f"p{number}.jsonl")

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    done = subprocess.run(
        [careerkg_exe, "eligible", "--format", "jsonl", "--jobs", "1", *names],
        capture_output=True, text=True, cwd=tmp_path, timeout=600, preexec_fn=few_files,
    )  # fmt: skip
    assert_no_crash(done)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(nonblank(done.stdout)) == 300


# -- 7: the same @id twice ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["eligible", "gaps", "validate", "query"])
def test_duplicate_id_in_a_json_array(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    people = [record("first"), record("first", currentRole="DirectorOfProduct"), record("third")]
    (tmp_path / "people.json").write_text(json.dumps(people), encoding="utf-8")
    done = run_exe(*PROFILE_COMMANDS[command]("people.json"), cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 2
    line = one_error_line(done)
    assert "people.json[1]" in line and "appears again" in line and "first at people.json[0]" in line, line
    if command in {"eligible", "gaps"}:
        assert jsonl_profiles(done.stdout) == [
            (P + "first", CK + "ProductManager"),
            (P + "third", CK + "ProductManager"),
        ]


@pytest.mark.parametrize("endpoint", ["/eligible", "/validate"])
def test_duplicate_id_in_a_body(careerkg_server: RunningServer, endpoint: str) -> None:
    people = [record("first"), record("first", currentRole="DirectorOfProduct"), record("third")]
    response = post(careerkg_server, endpoint, json.dumps(people).encode(), "application/json")
    assert response.status_code == 400, response.text
    data = response.json()
    assert len(data["unreadable"]) == 1 and "request body[1]" in data["unreadable"][0]
    assert "appears again" in data["unreadable"][0]
    if endpoint == "/eligible":
        assert [r["profile"] for r in data["results"]] == [P + "first", P + "third"]
        assert data["results"][0]["currentRole"] == CK + "ProductManager"


@pytest.mark.parametrize("command", ["eligible", "gaps", "validate"])
def test_the_same_id_in_two_files_is_two_profiles(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    (tmp_path / "one.json").write_text(json.dumps(record("same")), encoding="utf-8")
    (tmp_path / "two.json").write_text(json.dumps(record("same", currentRole="DirectorOfProduct")), encoding="utf-8")
    args = PROFILE_COMMANDS[command]("one.json")
    done = run_exe(*args, "two.json", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 0, done.stderr
    if command != "validate":
        assert jsonl_profiles(done.stdout) == [
            (P + "same", CK + "ProductManager"),
            (P + "same", CK + "DirectorOfProduct"),
        ]


@pytest.mark.parametrize("command", ["eligible", "gaps", "query"])
def test_an_invalid_profile_in_one_file_does_not_cost_the_same_id_in_another_its_answer(
    run_exe: RunExe, tmp_path: Path, command: str
) -> None:
    (tmp_path / "good.json").write_text(json.dumps(record("same")), encoding="utf-8")
    (tmp_path / "bad.json").write_text(json.dumps(record("same", currentRole="Astronaut")), encoding="utf-8")
    if command == "query":
        done = run_exe("query", "eligible", "--profile", "good.json", "--profile", "bad.json", cwd=tmp_path)
    else:
        done = run_exe(*PROFILE_COMMANDS[command]("good.json"), "bad.json", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 1
    assert any("Astronaut" in line for line in nonblank(done.stderr)), done.stderr
    if command == "query":
        assert f"<{P}same>" in done.stdout, done.stdout  # good.json's profile is eligible for moves
    else:
        assert jsonl_profiles(done.stdout) == [(P + "same", CK + "ProductManager")]


# -- 8: a document over CAREERKG_MAX_INPUT_BYTES -----------------------------------------------------------------


@pytest.mark.parametrize("command", [*PROFILE_COMMANDS, "stdin"])
def test_a_document_over_the_input_cap(
    run_raw: Callable[..., CompletedProcess[str]], tmp_path: Path, command: str
) -> None:
    data = json.dumps([record(f"p{i}") for i in range(30)]).encode()
    assert 4000 < len(data) < 7000
    (tmp_path / "five-kb.json").write_bytes(data)
    cap = {"CAREERKG_MAX_INPUT_BYTES": "1000"}
    if command == "stdin":
        done, name = run_raw("eligible", "-", input=data, cwd=tmp_path, env=cap), "-"
    else:
        done, name = run_raw(*PROFILE_COMMANDS[command]("five-kb.json"), cwd=tmp_path, env=cap), "five-kb.json"
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr
    line = one_error_line(done)
    assert line.startswith(f"Error: {name}: larger than 1,000 bytes"), line
    assert "CAREERKG_MAX_INPUT_BYTES" in line
    if command == "eligible":  # and without the cap the same file is answered
        assert run_raw(*PROFILE_COMMANDS[command]("five-kb.json"), cwd=tmp_path).returncode == 0


# -- 10: a large file (200,000 records; CAREERKG_HOSTILE_RECORDS=1000000 for the million), one broken
# line in the middle, two worker processes ------------------------------------------------------------------------


def test_a_large_json_lines_file_with_one_bad_line(run_exe: RunExe, tmp_path: Path) -> None:
    total = int(os.environ.get("CAREERKG_HOSTILE_RECORDS", "200000"))
    bad = total // 2 + 1
    template = (
        '{"@id": "https://example.org/p/%d", "currentRole": "ProductManager", "yearsInRole": 5, "productsManaged": 2}\n'
    )
    with open(tmp_path / "big.jsonl", "w", encoding="utf-8") as stream:
        for n in range(1, total + 1):
            stream.write('{"currentRole": \n' if n == bad else template % n)
    start = time.monotonic()
    done = run_exe("eligible", "--format", "jsonl", "--jobs", "2", "big.jsonl", cwd=tmp_path)
    elapsed = time.monotonic() - start
    print(f"{total:,} JSON Lines records over 2 jobs: {elapsed:.1f} s")
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr
    line = one_error_line(done)
    assert line.startswith(f"Error: big.jsonl:{bad}: invalid JSON"), line
    answers = done.stdout.splitlines()
    assert len(answers) == total - 1
    numbers = [int(json.loads(answer)["profile"].rsplit("/", 1)[1]) for answer in answers]
    assert numbers[0] == 1 and numbers[-1] == total
    assert numbers[bad - 2 : bad] == [bad - 1, bad + 1]  # the neighbours of the bad line, side by side
    assert numbers == [*range(1, bad), *range(bad + 1, total + 1)]  # every answer, in input order


# -- 12: SPARQL that cannot run ------------------------------------------------------------------------------------

#: name -> (query argument, standard input, expected exit codes, a phrase of the message, the input it names)
BAD_QUERIES: dict[str, tuple[str, str | None, set[int], str, str]] = {
    "syntax-stdin": ("-", "SELEC * WHERE {", {2}, "SPARQL syntax error", "<stdin>"),
    "update-stdin": ("-", "INSERT DATA { <a:b> <a:c> <a:d> }", {1, 2}, "read-only", "<stdin>"),
    "service-stdin": (
        "-",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        {1, 2},
        "SERVICE",
        "<stdin>",
    ),
    "unknown-name": ("nosuchquery", None, {2}, "unknown query", "nosuchquery"),
    "missing-file": ("missing.rq", None, {2}, "cannot read", "missing.rq"),
    "syntax-file": ("broken.rq", None, {2}, "SPARQL syntax error", "broken.rq"),
    "binary-file": ("binary.rq", None, {2}, "cannot read", "binary.rq"),
}


@pytest.mark.parametrize("store", [False, True], ids=["memory", "store"])
@pytest.mark.parametrize("name", list(BAD_QUERIES))
def test_bad_query(run_exe: RunExe, tmp_path: Path, name: str, store: bool) -> None:
    spec, stdin, codes, says, names = BAD_QUERIES[name]
    (tmp_path / "broken.rq").write_text("PREFIX ck: <https://w3id.org/careerkg#>\nSELECT ?x WHERE { ?x ck:", "utf-8")
    (tmp_path / "binary.rq").write_bytes(random.Random(7).randbytes(200))
    done = run_exe("query", *(["--store", "kgstore"] if store else []), spec, input=stdin, cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode in codes, done.stderr
    line = one_error_line(done)
    assert line.startswith("Error: ") and says in line and names in line, line
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("method", "content_type", "body", "status", "says"),
    [
        ("POST", "application/sparql-query", b"SELEC * WHERE {", 400, "syntax error"),
        ("GET", None, b"SELEC * WHERE {", 400, "syntax error"),
        ("POST", "application/x-www-form-urlencoded", b"query=SELECT%20*%20WHERE%20%7B", 400, "syntax error"),
        ("POST", "application/sparql-query", b"INSERT DATA { <a:b> <a:c> <a:d> }", 403, "read-only"),
        ("POST", "application/sparql-update", b"INSERT DATA { <a:b> <a:c> <a:d> }", 403, "read-only"),
        ("POST", "application/sparql-query", random.Random(3).randbytes(300), 400, "not UTF-8"),
        ("POST", "application/sparql-query", b"   ", 400, "exactly one query"),
    ],
    ids=["syntax", "syntax-get", "syntax-form", "update", "update-media-type", "binary", "blank"],
)
def test_bad_sparql_over_http(
    careerkg_server: RunningServer, method: str, content_type: str | None, body: bytes, status: int, says: str
) -> None:
    url = careerkg_server.base + "/sparql"
    if method == "GET":
        response = httpx.get(url, params={"query": body.decode()}, timeout=60)
    else:
        response = httpx.post(url, content=body, headers={"Content-Type": str(content_type)}, timeout=60)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert len(nonblank(response.text)) == 1 and says in response.text, response.text
    assert "Traceback" not in response.text


# -- 13: one call, a good, an unreadable, an invalid and a missing file -------------------------------------------

MIXED_COMMANDS: dict[str, list[str]] = {
    "eligible-jsonl": ["eligible", "--format", "jsonl"],
    "eligible-json": ["eligible", "--format", "json"],
    "eligible-csv": ["eligible", "--format", "csv"],
    "eligible-table": ["eligible", "--format", "table"],
    "gaps": ["gaps", "--format", "jsonl"],
    "validate": ["validate"],
    "query": ["query", "eligible"],
}


@pytest.mark.parametrize("command", list(MIXED_COMMANDS))
def test_a_mixed_batch(run_exe: RunExe, tmp_path: Path, command: str) -> None:
    (tmp_path / "good.json").write_text(json.dumps(record("good")), encoding="utf-8")
    (tmp_path / "garbage.bin").write_bytes(random.Random(11).randbytes(300))
    (tmp_path / "astronaut.json").write_text(json.dumps(record("astronaut", currentRole="Astronaut")), "utf-8")
    files = ["good.json", "garbage.bin", "astronaut.json", "missing.json"]
    if command == "query":
        args = [*MIXED_COMMANDS[command], *(part for name in files for part in ("--profile", name))]
    else:
        args = [*MIXED_COMMANDS[command], *files]
    done = run_exe(*args, cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 2, done.stderr  # unreadable wins over invalid
    errors = nonblank(done.stderr)
    assert len([line for line in errors if "garbage.bin" in line]) == 1, done.stderr
    assert len([line for line in errors if "missing.json" in line]) == 1, done.stderr
    if command != "validate":
        assert P + "good" in done.stdout, done.stdout  # the good file is answered
        assert P + "astronaut" not in done.stdout
    problems = nonblank(done.stdout if command == "validate" else done.stderr)
    assert len([line for line in problems if P + "astronaut" in line and "Astronaut" in line]) == 1, problems
    assert len(errors) == (2 if command == "validate" else 3), done.stderr
    if command == "eligible-json":
        assert [a["profile"] for a in json.loads(done.stdout)] == [P + "good"]
    if command == "eligible-csv":
        assert done.stdout.startswith("profile,currentRole,role,")


# -- 14: export -o writes the whole file or nothing --------------------------------------------------------------

OLD_EXPORT = "# an earlier export\n<urn:x:a> <urn:x:b> <urn:x:c> .\n"


def test_export_interrupted_leaves_the_old_file_or_the_whole_new_one(careerkg_exe: str, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    start = time.monotonic()
    subprocess.run([careerkg_exe, "export", "--inferred", "-o", "full.ttl"], cwd=reference, check=True, timeout=120)
    duration = time.monotonic() - start
    triples = len(Graph().parse(reference / "full.ttl", format="turtle"))
    assert triples > 1000
    work = tmp_path / "work"
    work.mkdir()
    target = work / "OUT.ttl"
    outcomes = []
    delays = sorted({0.1, 0.2, 0.35, 0.5, 0.75, 1.0} | {round(duration * f, 2) for f in (0.8, 0.9, 0.97)})
    for delay in delays:
        target.write_text(OLD_EXPORT, encoding="utf-8")
        process = subprocess.Popen(
            [careerkg_exe, "export", "--inferred", "-o", "OUT.ttl"],
            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        text = target.read_text(encoding="utf-8")
        kept = text == OLD_EXPORT
        if not kept:
            assert len(Graph().parse(data=text, format="turtle")) == triples, f"partial file after {delay} s"
        assert sorted(p.name for p in work.iterdir()) == ["OUT.ttl"], f"temporary files left after {delay} s"
        assert "internal error" not in stderr
        if process.returncode != -signal.SIGINT:  # killed by the signal only when it came before careerkg ran
            assert "Traceback" not in stderr, stderr
            assert process.returncode in (0, 1, 130), stderr
        outcomes.append((delay, process.returncode, "old" if kept else "new"))
    assert any(kind == "old" for _, _, kind in outcomes), outcomes  # some runs really were interrupted
    print(f"export took {duration:.2f} s uninterrupted; SIGINT outcomes (delay, exit, file): {outcomes}")


def test_export_into_a_missing_directory(run_exe: RunExe, tmp_path: Path) -> None:
    done = run_exe("export", "-o", "nowhere/OUT.ttl", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 2
    line = one_error_line(done)
    assert line.startswith("Error: nowhere/OUT.ttl: "), line
    assert list(tmp_path.iterdir()) == []


def test_a_failing_export_leaves_the_old_file(run_exe: RunExe, tmp_path: Path) -> None:
    (tmp_path / "OUT.ttl").write_text(OLD_EXPORT, encoding="utf-8")
    done = run_exe("export", "--part", "shapes", "--inferred", "-o", "OUT.ttl", cwd=tmp_path)
    assert_no_crash(done)
    assert done.returncode == 2
    assert len([line for line in nonblank(done.stderr) if line.startswith("Error:")]) == 1, done.stderr
    assert (tmp_path / "OUT.ttl").read_text(encoding="utf-8") == OLD_EXPORT
    assert [p.name for p in tmp_path.iterdir()] == ["OUT.ttl"]


def test_export_over_a_file_keeps_its_permissions(run_exe: RunExe, tmp_path: Path) -> None:
    """Replacing the file atomically must not change who may read it (mkstemp makes 0600 files)."""
    target = tmp_path / "OUT.ttl"
    target.write_text(OLD_EXPORT, encoding="utf-8")
    target.chmod(0o644)
    done = run_exe("export", "-o", "OUT.ttl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") != OLD_EXPORT
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


INTERRUPT_IN_A_CALLBACK = """
import sys, time, weakref
import careerkg.sparql.queries as queries

class Thing:
    pass

def run_that_is_interrupted(*args, **kwargs):
    thing = Thing()
    def callback(ref):
        raise KeyboardInterrupt  # where Python can only report it ("Exception ignored") and carry on
    ref = weakref.ref(thing, callback)
    del thing
    for _ in range(200):
        time.sleep(0.01)
    print("not interrupted")

queries.run = run_that_is_interrupted
from careerkg.cli import main
sys.argv = ["careerkg", "query", "roles"]
main()
"""


def test_a_ctrl_c_that_lands_in_a_python_callback_still_stops_careerkg_in_one_line(repo_root: Path) -> None:
    """A Ctrl-C arriving inside one of Python's callbacks (an import lock's, during a lazy import) used to be
    printed as "Exception ignored ... Traceback" and lost; careerkg delivers it again and stops as usual."""
    import sys

    done = subprocess.run([sys.executable, "-c", INTERRUPT_IN_A_CALLBACK], capture_output=True, text=True,
                          cwd=repo_root, timeout=120)  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert "not interrupted" not in done.stdout
    assert nonblank(done.stderr) == ["careerkg: interrupted"]

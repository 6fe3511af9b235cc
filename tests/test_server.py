"""``careerkg serve`` over real HTTP, as clients use it: SPARQLWrapper and httpx against a running server.

The SPARQL endpoint (``/sparql``) is checked for the SPARQL 1.1 Protocol: every request form, every results
format and RDF syntax (each parsed by an independent parser), and every refusal with its status and a clear
text/plain message (read-only, no SERVICE, time limit, result cap, body limit, dataset parameters). The JSON
API (``/eligible``, ``/gaps``, ``/validate``) must answer exactly what the command line's ``--format json``
prints for the same file; its answers must match the OpenAPI document the server publishes. Then what a
deployment relies on: concurrent requests, a store that survives a restart, and a busy port refused cleanly.

Most tests share the session's server (``careerkg_server``: the examples' team loaded, a 3 s time limit,
a cap of 200 results and a 200,000-byte body limit); the command line's answers are computed once per module.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from conftest import RunningServer, free_port
from openapi_spec_validator import validate as validate_openapi
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper

RunExe = Callable[..., "subprocess.CompletedProcess[str]"]

CK = "https://w3id.org/careerkg#"
PEOPLE = "https://example.org/people/"
ROLE = URIRef(CK + "Role")
COO = CK + "ChiefOperatingOfficer"
ROLE_QUERY = f"SELECT ?r WHERE {{ ?r a <{CK}Role> }}"
ROLE_GRAPH_QUERY = (
    f"CONSTRUCT {{ ?r a <{CK}Role> ; <{RDFS.label}> ?l }} WHERE {{ ?r a <{CK}Role> ; <{RDFS.label}> ?l }}"
)
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
INSERTED = ("urn:test:intruder", "urn:test:says", "urn:test:hello")
INSERT = "INSERT DATA {{ <{}> <{}> <{}> }}".format(*INSERTED)
ASK_INSERTED = "ASK {{ <{}> <{}> <{}> }}".format(*INSERTED)
MAX_BODY = 200_000  # the session server's --max-body
MAX_RESULTS = 200  # the session server's --max-results

#: The example profile files, with the Content-Type each is sent as.
PROFILE_FILES = {
    "ada.json": "application/json",
    "ada.ttl": "text/turtle",
    "team.jsonl": "application/x-ndjson",
    "team.ttl": "text/turtle",
}

#: Accept header -> the media type the answer must come as (aliases get the canonical type).
RESULT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}

#: Accept header -> rdflib's parser for it.
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


# -- fixtures and helpers ------------------------------------------------------------------------------------


@pytest.fixture()
def client(careerkg_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=careerkg_server.base, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def cli_run(careerkg_exe: str, repo_root: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the console script in the repository (each distinct command once per module)."""
    cache: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        if args not in cache:
            cache[args] = subprocess.run(
                [careerkg_exe, *args], capture_output=True, text=True, cwd=repo_root, timeout=300
            )
        return cache[args]

    return run


@pytest.fixture(scope="module")
def cli_json(cli_run: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., Any]:
    """The parsed stdout of a successful ``careerkg ... --format json`` command."""

    def run(*args: str) -> Any:
        done = cli_run(*args)
        assert done.returncode == 0, (args, done.stderr)
        return json.loads(done.stdout)

    return run


@pytest.fixture(scope="module")
def openapi(careerkg_server: RunningServer) -> dict[str, Any]:
    response = httpx.get(careerkg_server.base + "/openapi.json", timeout=60)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def example(repo_root: Path, name: str) -> bytes:
    return (repo_root / "examples" / name).read_bytes()


def sparql(client: httpx.Client, query: str, accept: str | None = None, method: str = "POST") -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return client.get("/sparql", params={"query": query}, headers=headers)
    return client.post("/sparql", data={"query": query}, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def bindings(response: httpx.Response, name: str) -> list[str]:
    """The values of variable ``name`` in a SPARQL JSON results answer (checked to be 200)."""
    assert response.status_code == 200, response.text
    assert media_type(response) == "application/sparql-results+json"
    return [row[name]["value"] for row in response.json()["results"]["bindings"] if name in row]


def roles_in(media: str, text: str) -> list[str]:
    """The IRIs bound to ``?r`` in a SPARQL results document, parsed by a parser independent of the server."""
    if media == "application/sparql-results+json":
        data = json.loads(text)
        assert data["head"]["vars"] == ["r"]
        return [row["r"]["value"] for row in data["results"]["bindings"] if row["r"]["type"] == "uri"]
    if media == "application/sparql-results+xml":
        root = ET.fromstring(text)
        assert root.tag == SPARQL_RESULTS + "sparql"
        variables = [v.get("name") for v in root.iter(SPARQL_RESULTS + "variable")]
        assert variables == ["r"]
        path = f"{SPARQL_RESULTS}results/{SPARQL_RESULTS}result/{SPARQL_RESULTS}binding[@name='r']/{SPARQL_RESULTS}uri"
        return [str(uri.text) for uri in root.findall(path)]
    if media == "text/csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        return [row["r"] for row in rows]
    if media == "text/tab-separated-values":
        header, *lines = text.rstrip("\n").split("\n")
        assert header == "?r"
        assert all(line.startswith("<") and line.endswith(">") for line in lines), lines
        return [line[1:-1] for line in lines]
    raise AssertionError(f"unexpected results type {media}")


def eligible_roles(report: list[dict[str, Any]]) -> dict[str, set[str]]:
    return {entry["profile"]: {move["role"] for move in entry["eligible"]} for entry in report}


def assert_text_error(response: httpx.Response, status: int, *words: str) -> None:
    """A /sparql refusal: the status, a text/plain body of one line, and the words that make it clear."""
    assert response.status_code == status, (response.status_code, response.text)
    assert media_type(response) == "text/plain", response.headers
    message = response.text.strip()
    assert message and "\n" not in message, message
    assert "Traceback" not in message
    for word in words:
        assert word.lower() in message.lower(), (word, message)


def assert_json_error(response: httpx.Response, status: int, *words: str) -> str:
    """A JSON API refusal: the status, ``{"error": message}`` and the words that make it clear."""
    assert response.status_code == status, (response.status_code, response.text)
    assert media_type(response) == "application/json", response.headers
    data = response.json()
    assert set(data) == {"error"}, data
    message: str = data["error"]
    assert message.strip() and "Traceback" not in message
    for word in words:
        assert word.lower() in message.lower(), (word, message)
    return message


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
    return schema


def undocumented(data: Any, schema: dict[str, Any], components: dict[str, Any], where: str = "$") -> list[str]:
    """The keys in ``data`` that the schema does not describe (following $ref and allOf)."""
    schema = resolve(schema, components)
    if isinstance(data, list):
        items = schema.get("items", {})
        return [k for i, item in enumerate(data) for k in undocumented(item, items, components, f"{where}[{i}]")]
    if not isinstance(data, dict):
        return []
    properties: dict[str, Any] = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        properties.update(resolve(part, components).get("properties", {}))
    missing = [f"{where}.{key}" for key in data if key not in properties]
    for key, value in data.items():
        if key in properties:
            missing += undocumented(value, properties[key], components, f"{where}.{key}")
    return missing


def response_schema(openapi: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    responses = openapi["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, which the document does not list"
    schema: dict[str, Any] = responses[str(status)]["content"]["application/json"]["schema"]
    return schema


def assert_matches_schema(
    data: Any, schema: dict[str, Any], openapi: dict[str, Any], every_key_documented: bool = True
) -> None:
    """``data`` is valid for ``schema`` and (unless told otherwise) has no key the document does not describe."""
    jsonschema.validate(data, {**schema, "components": openapi["components"]})
    if every_key_documented:
        assert undocumented(data, schema, openapi["components"]) == []


# -- SPARQLWrapper -------------------------------------------------------------------------------------------


def wrapper(server: RunningServer, query: str, fmt: str) -> SPARQLWrapper:
    endpoint = SPARQLWrapper(server.base + "/sparql")
    endpoint.setQuery(query)
    endpoint.setReturnFormat(fmt)
    endpoint.setTimeout(60)
    return endpoint


def test_sparqlwrapper_select_lists_the_fourteen_roles(careerkg_server: RunningServer) -> None:
    result = wrapper(careerkg_server, ROLE_QUERY, JSON).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    roles = [row["r"]["value"] for row in result.convert()["results"]["bindings"]]
    assert len(roles) == len(set(roles)) == 14
    assert COO in roles
    assert all(role.startswith(CK) for role in roles)


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        (f"ASK {{ <{PEOPLE}grace> <{CK}eligibleFor> <{CK}DirectorOfProduct> }}", True),
        (f"ASK {{ <{PEOPLE}grace> <{CK}eligibleFor> <{CK}ChiefExecutiveOfficer> }}", False),
        (f"ASK {{ <{PEOPLE}ada> ?p ?o }}", False),  # ada is not among the loaded profiles
    ],
)
def test_sparqlwrapper_ask(careerkg_server: RunningServer, query: str, answer: bool) -> None:
    assert wrapper(careerkg_server, query, JSON).query().convert()["boolean"] is answer
    document = wrapper(careerkg_server, query, XML).query().convert()  # an xml.dom Document
    (boolean,) = document.getElementsByTagName("boolean")
    assert boolean.firstChild.data == str(answer).lower()


@pytest.mark.parametrize("fmt", [XML, TURTLE])
def test_sparqlwrapper_construct_parses_into_rdflib(careerkg_server: RunningServer, fmt: str) -> None:
    converted = wrapper(careerkg_server, ROLE_GRAPH_QUERY, fmt).query().convert()
    if isinstance(converted, bytes):  # SPARQLWrapper hands Turtle over unparsed
        graph = Graph().parse(data=converted.decode("utf-8"), format="turtle")
    else:
        graph = Graph()
        for triple in converted.triples((None, None, None)):
            graph.add(triple)
    roles = set(graph.subjects(RDF.type, ROLE))
    assert len(roles) == 14 and URIRef(COO) in roles
    assert len(graph) == 28  # a type and an English label for each role
    assert str(graph.value(URIRef(COO), RDFS.label)) == "chief operating officer"


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_post(careerkg_server: RunningServer, request_method: str) -> None:
    endpoint = wrapper(careerkg_server, ROLE_QUERY, JSON)
    endpoint.setMethod(POST)
    endpoint.setRequestMethod(request_method)
    roles = {row["r"]["value"] for row in endpoint.query().convert()["results"]["bindings"]}
    assert len(roles) == 14 and COO in roles


# -- httpx: formats ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("accept", list(RESULT_TYPES))
def test_every_results_format_gives_the_same_roles(client: httpx.Client, accept: str, method: str) -> None:
    reference = bindings(sparql(client, ROLE_QUERY), "r")
    assert len(reference) == 14
    response = sparql(client, ROLE_QUERY, accept, method)
    assert response.status_code == 200, response.text
    assert media_type(response) == RESULT_TYPES[accept]
    assert "accept" in response.headers.get("vary", "").lower()
    roles = roles_in(RESULT_TYPES[accept], response.text)
    assert sorted(roles) == sorted(reference)


def test_sparql_query_body_and_no_accept_default_to_json(client: httpx.Client) -> None:
    response = client.post(
        "/sparql", content=ROLE_QUERY.encode("utf-8"), headers={"Content-Type": "application/sparql-query"}
    )
    assert len(set(bindings(response, "r"))) == 14


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_accept_qualities_are_honoured(client: httpx.Client, accept: str, expected: str) -> None:
    response = sparql(client, ROLE_QUERY, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected
    assert len(roles_in(expected, response.text)) == 14


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_results_formats(client: httpx.Client, accept: str) -> None:
    answers = []
    for query in (f"ASK {{ <{COO}> a <{CK}Role> }}", f"ASK {{ <{CK}Astronaut> a <{CK}Role> }}"):
        response = sparql(client, query, accept)
        assert response.status_code == 200 and media_type(response) == accept
        if accept.endswith("json"):
            answers.append(response.json()["boolean"])
        else:
            answers.append(ET.fromstring(response.text).findtext(SPARQL_RESULTS + "boolean"))
    assert answers in ([True, False], ["true", "false"])


def test_construct_in_every_rdf_syntax(client: httpx.Client) -> None:
    graphs = {}
    for accept, syntax in GRAPH_TYPES.items():
        response = sparql(client, ROLE_GRAPH_QUERY, accept)
        assert response.status_code == 200, (accept, response.text)
        assert media_type(response) == accept
        graphs[accept] = Graph().parse(data=response.text, format=syntax)
    reference = graphs["application/n-triples"]
    assert len(reference) == 28 and len(set(reference.subjects(RDF.type, ROLE))) == 14
    for accept, graph in graphs.items():
        assert len(graph) == len(reference), accept
        assert isomorphic(graph, reference), accept


@pytest.mark.parametrize("accept", list(GRAPH_TYPES))
def test_empty_construct_is_an_empty_graph(client: httpx.Client, accept: str) -> None:
    query = f"CONSTRUCT WHERE {{ <{PEOPLE}nobody> ?p ?o }}"
    response = sparql(client, query, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    assert len(Graph().parse(data=response.text, format=GRAPH_TYPES[accept])) == 0


def test_construct_default_is_turtle_and_describe_works(client: httpx.Client) -> None:
    response = sparql(client, ROLE_GRAPH_QUERY)
    assert response.status_code == 200 and media_type(response) == "text/turtle"
    assert len(Graph().parse(data=response.text, format="turtle")) == 28
    described = sparql(client, f"DESCRIBE <{PEOPLE}grace>", "application/n-triples")
    assert described.status_code == 200, described.text
    graph = Graph().parse(data=described.text, format="nt")
    grace = URIRef(PEOPLE + "grace")
    assert graph.value(grace, URIRef(CK + "currentRole")) == URIRef(CK + "SeniorProductManager")
    assert URIRef(CK + "DirectorOfProduct") in set(graph.objects(grace, URIRef(CK + "eligibleFor")))


def test_loaded_profiles_hold_their_inferences(client: httpx.Client, cli_json: Callable[..., Any]) -> None:
    """Every ck:eligibleFor triple in the store is what `careerkg eligible` derives for team.jsonl, and no more."""
    expected = eligible_roles(cli_json("eligible", "--format", "json", "examples/team.jsonl"))
    assert len(expected) == 4 and all(expected.values())
    response = sparql(client, f"SELECT ?p ?r WHERE {{ ?p <{CK}eligibleFor> ?r }}", "text/csv")
    assert response.status_code == 200, response.text
    found: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(response.text, newline="")):
        found.setdefault(row["p"], set()).add(row["r"])
    assert found == expected
    names = bindings(sparql(client, "SELECT ?n WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n }"), "n")
    assert {"Grace", "Linus", "Margaret", "Alan"} <= set(names)


def test_health_and_index(client: httpx.Client) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    facts = health.json()
    assert facts["status"] == "ok"
    assert facts["profiles"] == 4  # team.jsonl
    assert isinstance(facts["queryWorkersWithoutNetwork"], bool)  # True where user namespaces are allowed
    (count,) = bindings(sparql(client, COUNT_ALL), "n")
    assert facts["triples"] >= int(count) > 1000
    index = client.get("/")
    assert index.status_code == 200
    listed = index.json()["endpoints"]
    assert {"/sparql", "/eligible", "/gaps", "/validate", "/health", "/openapi.json"} <= set(listed)


# -- refusals ------------------------------------------------------------------------------------------------


def _post_form(**fields: str) -> dict[str, Any]:
    return {"method": "POST", "data": fields}


REFUSALS: dict[str, tuple[dict[str, Any], int, tuple[str, ...]]] = {
    "update form field": (_post_form(update=INSERT), 403, ("read-only",)),
    "update form field beside a query": (_post_form(query=ROLE_QUERY, update=INSERT), 403, ("read-only",)),
    "sparql-update body": (
        {"method": "POST", "content": INSERT, "headers": {"Content-Type": "application/sparql-update"}},
        403,
        ("read-only",),
    ),
    "update as query": (_post_form(query=INSERT), 403, ("read-only",)),
    "update in GET": ({"method": "GET", "params": {"update": INSERT}}, 403, ("read-only",)),
    "SERVICE": (
        _post_form(query="SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
        403,
        ("SERVICE",),
    ),
    # rdflib ends a comment only at a line feed, Oxigraph at a carriage return too: without one text for
    # both, rdflib would check "SELECT * WHERE { ?s ?p ?o }" while Oxigraph ran the SERVICE call.
    "SERVICE after a bare carriage return": (
        _post_form(query="SELECT * WHERE { # x\rSERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n?s ?p ?o }"),
        403,
        ("SERVICE",),
    ),
    "SERVICE after an escaped carriage return": (
        _post_form(query="SELECT * WHERE { # x\\u000DSERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n?s ?p ?o }"),
        403,
        ("SERVICE",),
    ),
    "an escape spelling an escape": (
        _post_form(query="SELECT * WHERE { # x\\u005Cu000DSERVICE <http://127.0.0.1:9/s> { ?s ?p ?o }\n?s ?p ?o }"),
        400,
        ("escape",),
    ),
    "SERVICE read differently by the two parsers": (
        _post_form(query="PREFIX : <http://127.0.0.1:9/x>\nPREFIX w: <https://w3i>\nSELECT * WHERE { ?s ?p "
                   "w:d.org\\/careerkg\\#ProductManager.SERVICE:x { ?a ?b ?c } }"),
        403,
        ("SERVICE",),
    ),
    "the word service in a string": (
        _post_form(query='SELECT ?l WHERE { ?r <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                   'FILTER(CONTAINS(?l, "customer service")) }'),
        403,
        ("SERVICE", "[s]ervice"),
    ),
    "SERVICE in a comment": (_post_form(query=ROLE_QUERY + " # SERVICE <http://127.0.0.1:9/s>"), 403, ("SERVICE",)),
    "query over --max-query": (_post_form(query=ROLE_QUERY + " #" + "x" * 70_000), 413, ("65,536", "limit")),
    "a function the engine does not have": (
        _post_form(query="SELECT (<http://example.org/fn>(1) AS ?x) {}"), 400, ("not supported",)
    ),
    "syntax error": (_post_form(query="SELEC ?r WHERE { ?r a ?c "), 400, ("syntax",)),
    "default-graph-uri": (
        _post_form(query=ROLE_QUERY, **{"default-graph-uri": "http://e.org/g"}), 400, ("default-graph-uri",)
    ),
    "named-graph-uri in GET": (
        {"method": "GET", "params": {"query": ROLE_QUERY, "named-graph-uri": "http://e.org/g"}},
        400,
        ("named-graph-uri",),
    ),
    "no query": ({"method": "GET"}, 400, ("query",)),
    "two queries": ({"method": "GET", "params": [("query", ROLE_QUERY), ("query", ROLE_QUERY)]}, 400, ("one query",)),
    "blank query": (_post_form(query="   "), 400, ("query",)),
    "SELECT as an image": ({"method": "GET", "params": {"query": ROLE_QUERY}, "headers": {"Accept": "image/png"}},
                           406, ("image/png", "application/sparql-results+json")),
    "CONSTRUCT as CSV": ({"method": "GET", "params": {"query": ROLE_GRAPH_QUERY}, "headers": {"Accept": "text/csv"}},
                         406, ("text/csv", "text/turtle")),
    "nothing acceptable": ({"method": "GET", "params": {"query": ROLE_QUERY}, "headers": {"Accept": "*/*;q=0"}},
                           406, ("application/sparql-results+json",)),
    "query sent as JSON": (
        {"method": "POST", "content": json.dumps({"query": ROLE_QUERY}),
         "headers": {"Content-Type": "application/json"}},
        415,
        ("application/sparql-query",),
    ),
    "query not UTF-8": (
        {"method": "POST", "content": b"SELECT * WHERE { ?s ?p '\xff' }",
         "headers": {"Content-Type": "application/sparql-query"}},
        400,
        ("UTF-8",),
    ),
    "form body too large": (_post_form(query=ROLE_QUERY + " #" + "x" * MAX_BODY), 413, ("200,000",)),
    "query body too large": (
        {"method": "POST", "content": ROLE_QUERY + " #" + "x" * MAX_BODY,
         "headers": {"Content-Type": "application/sparql-query"}},
        413,
        ("200,000",),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSALS))
def test_sparql_refusals_are_clear(client: httpx.Client, case: str) -> None:
    request, status, words = REFUSALS[case]
    response = client.request(url="/sparql", **request)
    assert_text_error(response, status, *words)


#: Valid for rdflib's parser (which checks every query first) but not for Oxigraph's: ?x is neither grouped
#: nor aggregated, so the engine itself reports the error.
UNGROUPED = "SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?p"


def test_syntax_error_found_by_the_engine_is_400(client: httpx.Client) -> None:
    response = sparql(client, UNGROUPED)
    assert response.status_code == 400, response.text
    assert media_type(response) == "text/plain"
    assert "syntax" in response.text.lower()


def test_syntax_error_found_by_the_engine_is_one_clear_line(client: httpx.Client) -> None:
    """The engine's reason, in one line a person can read (not its parser's table of character ranges)."""
    assert_text_error(sparql(client, UNGROUPED), 400, "syntax", "unbound")
    assert len(sparql(client, UNGROUPED).text) < 300
    assert "\\u{" not in sparql(client, UNGROUPED).text


def test_update_attempts_change_nothing(client: httpx.Client) -> None:
    def state() -> tuple[list[str], bool, list[str]]:
        (count,) = bindings(sparql(client, COUNT_ALL), "n")
        inserted = sparql(client, ASK_INSERTED).json()["boolean"]
        deleted = bindings(sparql(client, f"SELECT ?r WHERE {{ <{PEOPLE}grace> <{CK}eligibleFor> ?r }}"), "r")
        return [count], inserted, sorted(deleted)

    before = state()
    assert before[1] is False and len(before[2]) == 3
    delete = f"DELETE WHERE {{ <{PEOPLE}grace> ?p ?o }}"
    attempts = [
        client.post("/sparql", data={"update": INSERT}),
        client.post("/sparql", data={"update": delete}),
        client.post("/sparql", content=INSERT, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content=delete, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", data={"query": INSERT}),
        client.get("/sparql", params={"update": delete}),
    ]
    assert [a.status_code for a in attempts] == [403] * len(attempts)
    assert state() == before


def test_time_limit_stops_the_query_and_the_server_keeps_answering(client: httpx.Client) -> None:
    for _ in range(2):  # twice: the replaced worker must be as good as the first
        started = time.monotonic()
        response = sparql(client, CROSS_PRODUCT)
        elapsed = time.monotonic() - started
        assert_text_error(response, 503, "time limit", "3 s")
        assert 2.5 < elapsed < 30, elapsed
        roles = bindings(sparql(client, ROLE_QUERY), "r")
        assert len(roles) == 14
    assert client.get("/health").json()["status"] == "ok"


def test_result_cap(client: httpx.Client) -> None:
    assert_text_error(sparql(client, "SELECT * WHERE { ?s ?p ?o }"), 422, "200", "rows", "LIMIT")
    assert_text_error(sparql(client, "CONSTRUCT WHERE { ?s ?p ?o }"), 422, "200", "triples", "LIMIT")
    assert len(bindings(sparql(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 10"), "s")) == 10
    assert len(bindings(sparql(client, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_RESULTS}"), "s")) == MAX_RESULTS
    over = sparql(client, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_RESULTS + 1}")
    assert_text_error(over, 422, "LIMIT")
    graph = sparql(client, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 10", "application/n-triples")
    assert graph.status_code == 200 and len(Graph().parse(data=graph.text, format="nt")) == 10


# -- the JSON API answers what the command line prints --------------------------------------------------------


@pytest.mark.parametrize("explain", [False, True])
@pytest.mark.parametrize("name", list(PROFILE_FILES))
def test_eligible_equals_the_cli(
    client: httpx.Client, cli_json: Callable[..., Any], repo_root: Path, name: str, explain: bool
) -> None:
    response = client.post(
        "/eligible",
        content=example(repo_root, name),
        headers={"Content-Type": PROFILE_FILES[name]},
        params={"explain": str(explain).lower()},
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == "application/json"
    expected = cli_json("eligible", "--format", "json", *(["--explain"] if explain else []), f"examples/{name}")
    assert expected, "the CLI printed no profiles"
    assert response.json() == expected
    assert all(("requirements" in move) is explain for entry in expected for move in entry["eligible"])


@pytest.mark.parametrize("target", [None, "chief operating officer"])
@pytest.mark.parametrize("name", ["ada.json", "ada.ttl", "team.jsonl"])
def test_gaps_equals_the_cli(
    client: httpx.Client, cli_json: Callable[..., Any], repo_root: Path, name: str, target: str | None
) -> None:
    params = {"target": target} if target else {}
    response = client.post(
        "/gaps", content=example(repo_root, name), headers={"Content-Type": PROFILE_FILES[name]}, params=params
    )
    assert response.status_code == 200, response.text
    expected = cli_json("gaps", "--format", "json", *(["--target", target] if target else []), f"examples/{name}")
    assert response.json() == expected
    if target:
        assert all(gap["role"] == COO for entry in expected for gap in entry["gaps"])


@pytest.mark.parametrize(("name", "conforms"), [("ada.json", True), ("invalid.json", False)])
def test_validate_equals_the_cli(
    client: httpx.Client,
    cli_run: Callable[..., subprocess.CompletedProcess[str]],
    repo_root: Path,
    name: str,
    conforms: bool,
) -> None:
    response = client.post("/validate", content=example(repo_root, name), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    done = cli_run("validate", "--format", "json", f"examples/{name}")
    assert done.returncode == (0 if conforms else 1), done.stderr
    assert response.json() == json.loads(done.stdout)
    assert response.json()["conforms"] is conforms


@pytest.mark.parametrize(("endpoint", "command"), [("/eligible", "eligible"), ("/gaps", "gaps")])
def test_invalid_profile_gets_422_with_the_valid_ones_answers(
    client: httpx.Client,
    cli_run: Callable[..., subprocess.CompletedProcess[str]],
    repo_root: Path,
    endpoint: str,
    command: str,
) -> None:
    response = client.post(
        endpoint, content=example(repo_root, "invalid.json"), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    data = response.json()
    assert set(data) == {"error", "violations", "results"}
    assert "1 profile" in data["error"] and "validation" in data["error"]
    assert data["violations"] and {v["profile"] for v in data["violations"]} == {PEOPLE + "astronaut"}
    assert any(v["value"] == CK + "Astronaut" for v in data["violations"])
    done = cli_run(command, "--format", "json", "examples/invalid.json")
    assert done.returncode == 1
    assert data["results"] == json.loads(done.stdout)
    assert [entry["profile"] for entry in data["results"]] == [PEOPLE + "valid"]


@pytest.mark.parametrize(("syntax", "content_type"), [
    ("nt", "application/n-triples"), ("xml", "application/rdf+xml"), ("json-ld", "application/ld+json"),
    ("turtle", "text/turtle; charset=utf-8"),
])  # fmt: skip
def test_every_rdf_syntax_is_read(
    client: httpx.Client, cli_json: Callable[..., Any], repo_root: Path, syntax: str, content_type: str
) -> None:
    body = Graph().parse(repo_root / "examples" / "ada.ttl").serialize(format=syntax, encoding="utf-8")
    response = client.post("/eligible", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("eligible", "--format", "json", "examples/ada.ttl")


@pytest.mark.parametrize("syntax", ["json", "jsonl", "turtle", "nt", "xml", "json-ld"])
@pytest.mark.parametrize("content_type", [None, "application/octet-stream"])
def test_body_without_a_telling_content_type_is_recognised(
    client: httpx.Client, cli_json: Callable[..., Any], repo_root: Path, syntax: str, content_type: str | None
) -> None:
    """The documented promise: without a Content-Type "the content decides"."""
    if syntax in {"json", "jsonl"}:
        body = example(repo_root, "ada.json")
        if syntax == "jsonl":
            body = json.dumps(json.loads(body)).encode("utf-8") + b"\n"
    else:
        body = Graph().parse(repo_root / "examples" / "ada.ttl").serialize(format=syntax, encoding="utf-8")
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/eligible", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert eligible_roles(response.json()) == eligible_roles(
        cli_json("eligible", "--format", "json", "examples/ada.json")
    )


# -- bad bodies ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["/eligible", "/gaps", "/validate"])
def test_body_not_utf8_is_400(client: httpx.Client, endpoint: str) -> None:
    body = '{"@id": "https://example.org/people/zoë", "currentRole": "ProductManager"}'.encode("latin-1")
    response = client.post(endpoint, content=body, headers={"Content-Type": "application/json"})
    assert_json_error(response, 400, "UTF-8")


TRUNCATED_TURTLE = (
    "@prefix ck: <https://w3id.org/careerkg#> .\n"
    "<https://example.org/people/ada> a ck:Profile ;\n"
    "    ck:currentRole ck:ProductManager ;\n"
    "    ck:hasSkill ck:Coding , <https://w3id.org/careerkg#Ment"
)


def malformed_turtle(repo_root: Path, kind: str) -> tuple[str, int]:
    """A broken Turtle profile, and the line rdflib reports the error on."""
    if kind == "cut inside an IRI":
        return TRUNCATED_TURTLE, 4
    return example(repo_root, "ada.ttl").decode("utf-8").rstrip().removesuffix("."), 12  # missing its last dot


@pytest.mark.parametrize("kind", ["cut inside an IRI", "missing its last dot"])
@pytest.mark.parametrize("endpoint", ["/eligible", "/gaps", "/validate"])
def test_malformed_turtle_is_400(client: httpx.Client, repo_root: Path, endpoint: str, kind: str) -> None:
    body, line = malformed_turtle(repo_root, kind)
    response = client.post(endpoint, content=body, headers={"Content-Type": "text/turtle"})
    assert_json_error(response, 400, "request body", "turtle", f"line {line}")


@pytest.mark.parametrize("kind", ["cut inside an IRI", "missing its last dot"])
def test_malformed_turtle_message_says_what_is_wrong(client: httpx.Client, repo_root: Path, kind: str) -> None:
    """The message must carry the parser's reason, not stop at a dangling location."""
    body, line = malformed_turtle(repo_root, kind)
    response = client.post("/eligible", content=body, headers={"Content-Type": "text/turtle"})
    message = assert_json_error(response, 400, "turtle")
    assert not message.rstrip().endswith(":"), message
    assert "<>" not in message, message  # rdflib's name for a document without a base IRI means nothing here
    reason = {"cut inside an IRI": "unterminated URI reference", "missing its last dot": "EOF found"}[kind]
    assert f"line {line}: " in message and reason.lower() in message.lower(), message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", ("empty",)),
        (b"[]", ("no profile",)),
        (b"42", ("JSON object",)),
        (b'{"@id": "https://example.org/people/x", "currentRole": ', ("JSON",)),
    ],
)
def test_unusable_json_bodies_are_400(client: httpx.Client, body: bytes, words: tuple[str, ...]) -> None:
    response = client.post("/eligible", content=body, headers={"Content-Type": "application/json"})
    assert_json_error(response, 400, *words)


@pytest.mark.parametrize("endpoint", ["/eligible", "/gaps", "/validate"])
def test_unknown_content_type_is_415(client: httpx.Client, repo_root: Path, endpoint: str) -> None:
    response = client.post(endpoint, content=example(repo_root, "ada.json"), headers={"Content-Type": "image/png"})
    assert_json_error(response, 415, "image/png", "application/json")


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize("endpoint", ["/eligible", "/gaps", "/validate"])
def test_body_over_the_limit_is_413(client: httpx.Client, endpoint: str, chunked: bool) -> None:
    body = b"[" + b" " * MAX_BODY + b"]"

    def pieces() -> Iterator[bytes]:  # no Content-Length: the server must count as it reads
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    content: bytes | Iterator[bytes] = pieces() if chunked else body
    response = client.post(endpoint, content=content, headers={"Content-Type": "application/json"})
    assert_json_error(response, 413, "200,000")


def test_body_just_under_the_limit_is_read(client: httpx.Client, repo_root: Path) -> None:
    ada = example(repo_root, "ada.json")
    body = ada + b" " * (MAX_BODY - len(ada))
    assert len(body) == MAX_BODY
    response = client.post("/eligible", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()[0]["profile"] == PEOPLE + "ada"


def test_unknown_gaps_target_is_400(client: httpx.Client, repo_root: Path) -> None:
    response = client.post(
        "/gaps",
        content=example(repo_root, "ada.json"),
        headers={"Content-Type": "application/json"},
        params={"target": "astronaut"},
    )
    assert_json_error(response, 400, "target", "astronaut")


def test_json_endpoints_refuse_get(client: httpx.Client) -> None:
    for endpoint in ("/eligible", "/gaps", "/validate"):
        assert client.get(endpoint).status_code == 405


# -- OpenAPI -------------------------------------------------------------------------------------------------


def test_openapi_document_is_valid(openapi: dict[str, Any], client: httpx.Client) -> None:
    validate_openapi(openapi)
    assert openapi["openapi"].startswith("3.1")
    assert openapi["info"]["version"] == client.get("/health").json()["version"]
    assert {"/eligible", "/gaps", "/validate", "/health"} <= set(openapi["paths"])


def test_every_documented_operation_answers(openapi: dict[str, Any], client: httpx.Client, repo_root: Path) -> None:
    operations = [(path, method) for path, item in openapi["paths"].items() for method in item]
    assert len(operations) >= 4
    for path, method in operations:
        if method == "post":
            response = client.post(
                path, content=example(repo_root, "ada.json"), headers={"Content-Type": "application/json"}
            )
        else:
            response = client.request(method.upper(), path)
        assert response.status_code not in {404, 405}, (method, path, response.status_code)
        assert response.status_code == 200, (method, path, response.text)
        # /health documents only its status; the profile endpoints must document every key they answer with
        complete = path != "/health"
        assert_matches_schema(response.json(), response_schema(openapi, path, method, 200), openapi, complete)


@pytest.mark.parametrize(
    ("path", "name", "params"),
    [
        ("/eligible", "team.jsonl", {}),
        ("/eligible", "team.jsonl", {"explain": "true"}),
        ("/eligible", "ada.ttl", {"explain": "true"}),
        ("/gaps", "team.jsonl", {}),
        ("/gaps", "ada.json", {"target": "chief operating officer"}),
        ("/validate", "team.jsonl", {}),
        ("/eligible", "invalid.json", {"explain": "true"}),
        ("/gaps", "invalid.json", {}),
        ("/validate", "invalid.json", {}),
    ],
)
def test_answers_match_the_documented_schemas(
    openapi: dict[str, Any], client: httpx.Client, repo_root: Path, path: str, name: str, params: dict[str, str]
) -> None:
    content_type = PROFILE_FILES.get(name, "application/json")
    response = client.post(
        path, content=example(repo_root, name), headers={"Content-Type": content_type}, params=params
    )
    assert response.status_code in {200, 422}, response.text
    assert response.json()
    assert_matches_schema(response.json(), response_schema(openapi, path, "post", response.status_code), openapi)


@pytest.mark.parametrize(
    ("path", "headers", "body", "params"),
    [
        ("/eligible", {"Content-Type": "image/png"}, b"{}", {}),
        ("/gaps", {"Content-Type": "text/turtle"}, TRUNCATED_TURTLE.encode(), {}),
        ("/validate", {"Content-Type": "application/json"}, b"[" + b" " * MAX_BODY + b"]", {}),
        ("/gaps", {"Content-Type": "application/json"}, b'{"@id": "x:y", "currentRole": "ProductManager"}',
         {"target": "astronaut"}),
    ],
)  # fmt: skip
def test_errors_match_the_documented_schemas(
    openapi: dict[str, Any],
    client: httpx.Client,
    path: str,
    headers: dict[str, str],
    body: bytes,
    params: dict[str, str],
) -> None:
    response = client.post(path, content=body, headers=headers, params=params)
    assert 400 <= response.status_code < 500
    assert_matches_schema(response.json(), response_schema(openapi, path, "post", response.status_code), openapi)


def test_schema_check_rejects_a_wrong_answer(openapi: dict[str, Any]) -> None:
    """The schema checks above can fail: a move without its score, or an undocumented key, is caught."""
    schema = {"type": "array", "items": {"$ref": "#/components/schemas/Eligibility"}}
    answer = [
        {
            "profile": PEOPLE + "ada",
            "currentRole": CK + "ProductManager",
            "currentRoleLabel": "product manager",
            "eligible": [{"role": COO, "label": "x", "transition": CK + "T", "transitionLabel": "t"}],
        }
    ]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(answer, {**schema, "components": openapi["components"]})
    answer[0]["eligible"] = []
    answer[0]["surprise"] = 1
    assert undocumented(answer, schema, openapi["components"]) == ["$[0].surprise"]


# -- concurrency ---------------------------------------------------------------------------------------------


def test_concurrent_requests_all_get_the_right_answers(
    careerkg_server: RunningServer, cli_json: Callable[..., Any], repo_root: Path
) -> None:
    cases = [(name, explain) for name in PROFILE_FILES for explain in (False, True)] * 2  # 16
    expected = {
        case: cli_json("eligible", "--format", "json", *(["--explain"] if case[1] else []), f"examples/{case[0]}")
        for case in set(cases)
    }
    accepts = list(RESULT_TYPES)[:4] * 4  # 16
    # distinct texts, so that each request parses its query (the parsed forms are cached)
    texts = [f"{ROLE_QUERY} LIMIT {100 + i}" for i in range(len(accepts))]

    async def run_all() -> tuple[list[httpx.Response], list[httpx.Response]]:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=careerkg_server.base, timeout=60, limits=limits) as http:
            eligible = [
                http.post(
                    "/eligible",
                    content=example(repo_root, name),
                    headers={"Content-Type": PROFILE_FILES[name]},
                    params={"explain": str(explain).lower()},
                )
                for name, explain in cases
            ]
            queries = [
                http.post("/sparql", data={"query": text}, headers={"Accept": accept})
                for text, accept in zip(texts, accepts, strict=True)
            ]
            answers = await asyncio.gather(*eligible, *queries)
        return list(answers[: len(cases)]), list(answers[len(cases) :])

    eligible, queries = asyncio.run(run_all())
    assert len(eligible) == len(queries) == 16
    for case, response in zip(cases, eligible, strict=True):
        assert response.status_code == 200, (case, response.text)
        assert response.json() == expected[case], case
    for accept, response in zip(accepts, queries, strict=True):
        assert response.status_code == 200, (accept, response.text)
        roles = roles_in(RESULT_TYPES[accept], response.text)
        assert len(set(roles)) == 14 and COO in roles, accept


# -- deployment: a store that survives a restart, a busy port ------------------------------------------------


def test_store_survives_a_restart(
    start_careerkg_server: Callable[..., RunningServer], cli_json: Callable[..., Any], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    ada_roles = f"SELECT ?r WHERE {{ <{PEOPLE}ada> <{CK}eligibleFor> ?r }}"
    expected = eligible_roles(cli_json("eligible", "--format", "json", "examples/ada.json"))[PEOPLE + "ada"]
    assert expected

    first = start_careerkg_server("--store", str(store), "--profiles", "examples/ada.json", "--log-level", "warning")
    with httpx.Client(base_url=first.base, timeout=60) as http:
        before = http.get("/health").json()
        assert before["profiles"] == before["profilesLoadedNow"] == 1
        assert set(bindings(sparql(http, ada_roles), "r")) == expected
    first.stop()
    # uvicorn shuts down on SIGTERM and then re-raises it; -9 would mean stop() had to kill it
    assert first.process.returncode in {0, -signal.SIGTERM}, first.process.returncode
    first.stop()  # harmless a second time (the session fixture stops it again at the end)
    assert store.is_dir() and any(store.iterdir())

    second = start_careerkg_server("--store", str(store), "--log-level", "warning")
    with httpx.Client(base_url=second.base, timeout=60) as http:
        after = http.get("/health").json()
        assert after["profiles"] == before["profiles"] == 1
        assert after["triples"] == before["triples"]
        assert after["profilesLoadedNow"] == 0
        assert bindings(
            sparql(http, f"SELECT ?n WHERE {{ <{PEOPLE}ada> <http://xmlns.com/foaf/0.1/name> ?n }}"), "n"
        ) == ["Ada"]
        assert set(bindings(sparql(http, ada_roles), "r")) == expected
    second.stop()


def test_a_served_store_keeps_other_writers_out(
    start_careerkg_server: Callable[..., RunningServer], run_exe: RunExe, repo_root: Path, tmp_path: Path
) -> None:
    """The query workers read the store while no writer is open (Oxigraph's read-only mode requires it), yet
    another command that would write to the same store is still refused, in one line, while it is served."""
    store = tmp_path / "store"
    server = start_careerkg_server("--store", str(store), "--log-level", "warning")
    done = run_exe("eligible", "--store", str(store), "examples/ada.json", cwd=repo_root)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert f"{store}: the store is in use by another process" in done.stderr
    with httpx.Client(base_url=server.base, timeout=60) as http:
        assert bindings(sparql(http, f"SELECT ?r WHERE {{ ?r a <{CK}Role> }}"), "r")
    server.stop()
    after = run_exe("eligible", "--store", str(store), "--format", "json", "examples/ada.json", cwd=repo_root)
    assert after.returncode == 0, after.stderr


@pytest.fixture()
def busy_port() -> Iterator[int]:
    """A loopback port that another socket is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", free_port()))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_busy_port_exits_2_naming_the_address(run_exe: RunExe, repo_root: Path, busy_port: int) -> None:
    done = run_exe("serve", "--port", str(busy_port), cwd=repo_root)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout == ""
    assert f"127.0.0.1:{busy_port}" in done.stderr
    assert "in use" in done.stderr.lower()


def test_busy_port_message_is_one_line(run_exe: RunExe, repo_root: Path, busy_port: int) -> None:
    """A busy port is not a usage mistake: one line naming the address, like every other failure to start."""
    done = run_exe("serve", "--port", str(busy_port), cwd=repo_root)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"127.0.0.1:{busy_port}" in lines[0]


def test_sigterm_stops_the_server_cleanly_and_removes_its_temporary_store(
    careerkg_exe: str, repo_root: Path, tmp_path: Path
) -> None:
    """A service manager stops the server with SIGTERM: exit 0, and the temporary store is gone with it."""
    from conftest import RunningServer as Server
    from conftest import free_port

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    port = free_port()
    env_args = ["env", f"TMPDIR={scratch}", careerkg_exe, "serve", "--port", str(port), "--log-level", "warning"]
    server = Server(env_args, port, "/health", repo_root)
    assert [p.name for p in scratch.iterdir() if p.name.startswith("careerkg-store-")], "no temporary store made"
    server.process.terminate()
    assert server.process.wait(30) == 0, server.output()
    assert not [p for p in scratch.iterdir() if p.name.startswith("careerkg-store-")], list(scratch.iterdir())
    assert "Traceback" not in server.output()
    server.log.close()


@pytest.mark.parametrize("delay", [0.5, 1.0, 2.0])
def test_sigterm_while_starting_leaves_no_temporary_store(
    careerkg_exe: str, repo_root: Path, tmp_path: Path, delay: float
) -> None:
    import os
    import subprocess
    import time

    from conftest import free_port

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    args = [careerkg_exe, "serve", "--port", str(free_port()), "--profiles", "examples/team.jsonl"]
    process = subprocess.Popen(args, cwd=repo_root, env={**os.environ, "TMPDIR": str(scratch)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    time.sleep(delay)
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr.decode()
    assert not [p for p in scratch.iterdir() if p.name.startswith("careerkg-store-")], (delay, list(scratch.iterdir()))

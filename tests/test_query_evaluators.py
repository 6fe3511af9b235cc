"""Two evaluators, one answer: a query over careerkg's in-memory graph is answered by rdflib (the reference)
or, on large graphs, by Oxigraph in a process of its own; both give the same answer to every named query and
to queries using each part of SPARQL 1.1 that careerkg lets through, on the examples and on generated
profiles. Oxigraph's process is stopped at the time limit, and an answer over the cap is refused."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from decimal import Context, Decimal
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import careerkg
import pytest
from careerkg.inputs import Outcome
from careerkg.sparql.pool import UnloadableDataError
from careerkg.sparql.queries import OXIGRAPH_FROM_TRIPLES, named_query_text, oxigraph_refusal, prepare, run_in_oxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from benchmarks.generate import generate

Run = Callable[..., CompletedProcess[str]]
PREFIXES = """PREFIX ck: <https://w3id.org/careerkg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: Each named query with the bindings its description suggests (and none).
NAMED = [
    ("roles", {}),
    ("skills", {}),
    ("transitions", {}),
    ("transitions", {"from": "ck:SeniorProductManager"}),
    ("requirements", {"from": "ck:ProductManager", "to": "ck:SeniorProductManager"}),
    ("requirements", {"transition": "ck:ProductManagerToSeniorProductManager"}),
    ("career-paths", {"from": "ck:ProductManager", "to": "ck:VPOfProduct"}),
    ("career-paths", {"from": "ck:SeniorProductManager"}),
    ("eligible", {}),
    ("eligible", {"profile": "<https://example.org/people/p7>"}),
    ("met-requirements", {}),
    ("profile-facts", {}),
]

#: Queries that use, between them, every kind of SPARQL 1.1 expression and pattern careerkg lets through.
FEATURES = {
    "ask": "ASK { ?p ck:currentRole ck:ProductManager ; ck:yearsInRole ?y FILTER (?y > 5) }",
    "count-group-having": """SELECT ?role (COUNT(*) AS ?n) (AVG(?y) AS ?mean) (MIN(?y) AS ?least) (MAX(?y) AS ?most)
        (SUM(?y) AS ?total) WHERE { ?p ck:currentRole ?role ; ck:yearsInRole ?y }
        GROUP BY ?role HAVING (COUNT(*) > 1) ORDER BY DESC(?n) ?role""",
    "group-concat": """SELECT ?p (GROUP_CONCAT(?name; SEPARATOR="|") AS ?skills) WHERE {
        ?p ck:hasSkill ?s . ?s rdfs:label ?name FILTER (lang(?name) = "en") } GROUP BY ?p""",
    "optional-bound-coalesce": """SELECT ?p (COALESCE(?y, -1) AS ?years) (BOUND(?n) AS ?hasProducts) WHERE {
        ?p ck:currentRole ?r OPTIONAL { ?p ck:yearsInRole ?y } OPTIONAL { ?p ck:productsManaged ?n } }""",
    "minus-not-exists": """SELECT ?p WHERE { ?p ck:currentRole ?r
        MINUS { ?p ck:hasSkill ck:Coding } FILTER NOT EXISTS { ?p ck:productsManaged ?n } }""",
    "paths": """SELECT DISTINCT ?skill ?category WHERE { ?skill a/rdfs:subClassOf* ?category .
        ?category rdfs:subClassOf+ ck:Skill }""",
    "alternative-inverse-path": "SELECT ?a ?b WHERE { ?a (ck:fromRole|^ck:toRole) ?b }",
    "strings": """SELECT ?role (STR(?l) AS ?text) (LCASE(?l) AS ?lower) (UCASE(?l) AS ?upper) (STRLEN(?l) AS ?size)
        (CONCAT(?l, "!") AS ?loud) (SUBSTR(?l, 2, 3) AS ?part) (REPLACE(?l, "[aeiou]", "_") AS ?masked)
        (CONTAINS(?l, "Product") AS ?product) (STRSTARTS(?l, "Senior") AS ?senior) (ENCODE_FOR_URI(?l) AS ?uri)
        (STRBEFORE(?l, " ") AS ?first) (STRAFTER(?l, " ") AS ?rest) (LANG(?l) AS ?tag) (DATATYPE(?l) AS ?type)
        WHERE { ?role a ck:Role ; rdfs:label ?l FILTER (REGEX(?l, "^s", "i")) }""",
    "numbers": """SELECT ?p (?y * 2 AS ?double) (?y + ?n AS ?sum) (?n / 4 AS ?quarter) (ABS(?y - 5) AS ?far)
        (ROUND(?y) AS ?round) (CEIL(?y) AS ?ceil) (FLOOR(?y) AS ?floor) (xsd:integer(?n) AS ?int)
        (xsd:string(?n) AS ?text) (xsd:double(?n) AS ?dbl) (IF(?y >= 2.0, "long", "short") AS ?tenure)
        WHERE { ?p ck:yearsInRole ?y ; ck:productsManaged ?n }""",
    "terms": """SELECT ?s (ISIRI(?s) AS ?iri) (ISBLANK(?o) AS ?blank) (ISLITERAL(?o) AS ?lit) (ISNUMERIC(?o) AS ?num)
        (STR(?s) AS ?name) (IRI(CONCAT(STR(?s), "#x")) AS ?made) (SAMETERM(?s, ?s) AS ?same)
        WHERE { ?s ck:yearsInRole ?o } ORDER BY ?s LIMIT 50 OFFSET 3""",
    "values-union-bind": """SELECT ?role ?kind ?label WHERE {
        VALUES ?role { ck:ProductManager ck:VPOfProduct ck:Founder }
        { ?t ck:fromRole ?role BIND ("from" AS ?kind) } UNION { ?t ck:toRole ?role BIND ("to" AS ?kind) }
        OPTIONAL { ?role rdfs:label ?label FILTER (langMatches(lang(?label), "en")) } }""",
    "subselect-distinct": """SELECT ?role ?n WHERE {
        { SELECT ?role (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p ck:currentRole ?role } GROUP BY ?role }
        FILTER (?n >= 2) } ORDER BY ?role""",
    "in-not-in": """SELECT ?p ?r WHERE { ?p ck:currentRole ?r
        FILTER (?r IN (ck:ProductManager, ck:Founder) && ?r NOT IN (ck:Founder)) }""",
    "construct": """CONSTRUCT { ?p ck:currentRole ?r ; rdfs:comment ?c } WHERE { ?p ck:currentRole ?r ;
        ck:productsManaged ?n BIND (CONCAT("products: ", STR(?n)) AS ?c) }""",
    "empty": "SELECT ?x WHERE { ?x ck:noSuchProperty ?y }",
}


@pytest.fixture(scope="module")
def engine() -> careerkg.Engine:
    return careerkg.Engine()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 generated profiles: a graph well above the size from which Oxigraph answers."""
    return generate(600, 7, tmp_path_factory.mktemp("profiles"))[1]


@pytest.fixture(scope="module", params=["team", "generated"])
def outcome(
    request: Any, engine: careerkg.Engine, repo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Outcome:
    """The profiles both evaluators answer for: the team, and 200 generated people (rdflib is slow on more)."""
    if request.param == "team":
        path = repo_root / "examples" / "team.jsonl"
    else:
        path = generate(200, 11, tmp_path_factory.mktemp("profiles"))[1]
    return engine.evaluate_documents(engine.read([str(path)]))


_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def canonical(term: Any) -> Any:
    """A term as both engines must agree on it: a literal by its value (Oxigraph keeps values, so 2.50 comes
    back as 2.5; a simple literal is an xsd:string, as RDF 1.1 says), any blank node as one."""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            # XSD leaves a division's digits past the 18th to the implementation (rdflib keeps 28)
            value = Decimal(str(value)).normalize(Context(prec=18))
        datatype = term.datatype or (None if term.language else _STRING)
        return ("literal", value if value is not term else str(term), datatype, (term.language or "").lower())
    return term


def by_value(graph: Graph) -> Graph:
    """The graph with each number in its canonical lexical form (1.0 as 1), as Oxigraph keeps it."""
    canonical = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and isinstance(o.value, int | Decimal) and not isinstance(o.value, bool):
            o = Literal(format(Decimal(o.value).normalize(), "f"), datatype=o.datatype)
        canonical.add((s, p, o))
    return canonical


def table(result: Result) -> list[tuple[Any, ...]]:
    variables = result.vars or []
    return [tuple(canonical(row[v]) for v in variables) for row in result]  # type: ignore[index, call-overload]


def assert_same(reference: Result, fast: Result, ordered: bool) -> None:
    assert fast.type == reference.type
    if reference.type == "ASK":
        assert fast.askAnswer == reference.askAnswer
    elif reference.type == "CONSTRUCT":
        assert reference.graph is not None and fast.graph is not None
        assert isomorphic(by_value(reference.graph), by_value(fast.graph))
    else:
        assert [str(v) for v in fast.vars or []] == [str(v) for v in reference.vars or []]
        expected, got = table(reference), table(fast)
        assert sorted(got, key=repr) == sorted(expected, key=repr)
        if ordered:  # ORDER BY keys that are unique: the order too
            assert got == expected


def both(engine: careerkg.Engine, text: str, outcome: Outcome, **options: Any) -> Iterator[Result]:
    for evaluator in ("rdflib", "oxigraph"):
        yield engine.run_query(text, "test", outcome, evaluator=evaluator, time_limit=None, **options).result


@pytest.mark.parametrize(("name", "bindings"), NAMED, ids=[f"{n}-{'-'.join(b)}" for n, b in NAMED])
def test_each_named_query_answers_alike(
    engine: careerkg.Engine, outcome: Outcome, name: str, bindings: dict[str, str]
) -> None:
    reference, fast = both(engine, named_query_text(name), outcome, bindings=bindings)
    size = len(reference.graph or ()) if reference.type == "CONSTRUCT" else len(reference)
    assert size > 0 or (name == "eligible" and bindings)  # one generated person: not among the team
    assert_same(reference, fast, ordered=name in {"eligible", "met-requirements"})


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_every_part_of_sparql_answers_alike(engine: careerkg.Engine, outcome: Outcome, name: str) -> None:
    reference, fast = both(engine, PREFIXES + FEATURES[name], outcome)
    assert_same(reference, fast, ordered=name in {"count-group-having", "subselect-distinct", "terms"})


def test_inferred_graph_answers_alike(engine: careerkg.Engine, outcome: Outcome) -> None:
    text = PREFIXES + "SELECT ?p ?role WHERE { ?p ck:eligibleFor ?role } ORDER BY ?p ?role"
    reference, fast = both(engine, text, outcome, inferred=True)
    assert len(reference) > 0
    assert_same(reference, fast, ordered=True)


def test_large_graphs_go_to_oxigraph_and_small_ones_to_rdflib(
    engine: careerkg.Engine, generated: Path, repo_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``auto`` picks by size; a query Oxigraph does not take (DESCRIBE) goes to rdflib, and says so."""
    large = engine.evaluate_documents(engine.read([str(generated)]))
    assert len(engine.knowledge) < OXIGRAPH_FROM_TRIPLES < len(engine.knowledge) + len(large.valid)
    describe = PREFIXES + "DESCRIBE ck:ProductManager"
    assert oxigraph_refusal(prepare(describe, "test")) == "DESCRIBE"
    with caplog.at_level("DEBUG", logger="careerkg"):
        described = engine.run_query(describe, "test", large, time_limit=None).result
    assert "Oxigraph does not take DESCRIBE" in caplog.text
    assert described.graph is not None and len(described.graph) > 0


def test_data_oxigraph_cannot_load_is_refused_for_rdflib_to_answer() -> None:
    graph = Graph()
    graph.add((URIRef("urn:a b"), URIRef("urn:p"), Literal(1)))  # rdflib holds an IRI with a space
    text = "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(UnloadableDataError):
        run_in_oxigraph(prepare(text, "test"), text, graph)


def _generated_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_command_answers_a_large_input_as_the_reference_does(
    run_exe: Run, engine: careerkg.Engine, generated: Path
) -> None:
    done = run_exe("query", "eligible", "--profile", str(generated), "--format", "csv")
    assert done.returncode == 0, done.stderr
    reference = engine.query(named_query_text("eligible"), str(generated), evaluator="rdflib", time_limit=None)
    expected = [[b[v]["value"] for v in reference["head"]["vars"]] for b in reference["results"]["bindings"]]
    rows = _generated_rows(done.stdout)
    assert rows[0] == reference["head"]["vars"]
    assert rows[1:] == expected and len(expected) > 500


def test_the_time_limit_stops_oxigraph(run_exe: Run, generated: Path) -> None:
    """A query that would run for hours is stopped at the limit: one line, exit 1."""
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    done = run_exe("query", "-", "--profile", str(generated), "--time-limit", "3", input=endless)
    assert done.returncode == 1, done.stderr
    assert "ran past the time limit of 3 s and was stopped" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert time.monotonic() - started < 120  # stopped, not run out: the query alone would take hours


def test_an_answer_over_the_cap_is_refused(run_exe: Run, generated: Path) -> None:
    done = run_exe("query", "met-requirements", "--profile", str(generated), "--max-results", "100")
    assert done.returncode == 1, done.stderr
    assert "more than 100 rows, the cap" in done.stderr and done.stdout == ""


def test_oxigraph_answers_with_canonical_lexical_forms(engine: careerkg.Engine) -> None:
    """The one documented difference: Oxigraph keeps values, so a number's text is its canonical form."""
    text = PREFIXES + "SELECT (STR(?y) AS ?text) WHERE { ?p ck:yearsInRole ?y }"
    person = PREFIXES + "<https://example.org/people/ana> ck:currentRole ck:ProductManager ; ck:yearsInRole 2.50 ."
    reference, fast = both(engine, text, engine.evaluate_documents(engine.read(person, "turtle")))
    assert [str(row[0]) for row in reference] == ["2.50"]  # type: ignore[index]
    assert [str(row[0]) for row in fast] == ["2.5"]  # type: ignore[index]

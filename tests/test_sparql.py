"""Named queries: strict headers, useful answers, safe execution (read-only, offline, bound not pasted)."""

from __future__ import annotations

import pytest
from careerkg.errors import InvalidInputError
from careerkg.knowledge.graphs import knowledge_graph
from careerkg.knowledge.names import TermIndex
from careerkg.sparql.queries import QueryHeaderError, binding_value, named_queries, parse_header, prepare, run
from careerkg.vocab import CK
from rdflib import Graph, Literal, URIRef

KG = knowledge_graph(axioms=False)


def test_every_shipped_query_has_a_summary_and_parses() -> None:
    found = named_queries()
    assert {q.name for q in found} >= {"roles", "skills", "transitions", "requirements", "eligible", "career-paths"}
    for q in found:
        assert q.summary and len(q.summary) < 120
        prepare(q.text, q.name)


def test_folded_description_is_joined() -> None:
    header = parse_header("#+ summary: One.\n#+ description: >\n#+   first line\n#+   second line\nSELECT * {}", "x")
    assert header == {"summary": "One.", "description": "first line second line"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "no '#\\+ summary:'"),
        ("#+ description: only\nSELECT * {}", "no '#\\+ summary:'"),
        ("#+ summary: a\n#+ summery: typo\nSELECT * {}", "unknown header key 'summery'"),
        ("#+ summary: a\n#+ summary: b\nSELECT * {}", "given twice"),
        ("#+ summary:\nSELECT * {}", "has no value"),
        ("#+ just words\nSELECT * {}", "malformed header line"),
    ],
)
def test_malformed_headers_fail_loudly(text: str, problem: str) -> None:
    with pytest.raises(QueryHeaderError, match=problem):
        parse_header(text, "bad.rq")


def named(name: str) -> str:
    return next(q.text for q in named_queries() if q.name == name)


def test_transitions_out_of_senior_pm_with_a_bound_role() -> None:
    rows = list(run(prepare(named("transitions"), "t"), KG, {"from": CK.SeniorProductManager}))
    assert {row.to for row in rows} >= {CK.DirectorOfProduct, CK.VPOfProduct}  # type: ignore[union-attr]
    assert len(rows) == 12


def test_requirements_of_the_promotion() -> None:
    rows = list(
        run(prepare(named("requirements"), "r"), KG, {"from": CK.ProductManager, "to": CK.SeniorProductManager})
    )
    essential = {row.requirement for row in rows if row.essential.toPython()}  # type: ignore[union-attr]
    assert essential == {CK.RequiresFourYearsInRole, CK.RequiresTwoProductsManaged}


def test_career_paths_finds_the_two_step_route_to_vp() -> None:
    rows = list(run(prepare(named("career-paths"), "c"), KG, {"from": CK.ProductManager, "to": CK.VPOfProduct}))
    assert [(int(row.steps), row.via) for row in rows] == [(2, CK.SeniorProductManager)]  # type: ignore[union-attr]


def test_bound_values_are_never_pasted_into_the_query_text() -> None:
    """A hostile string bound to a variable stays a literal: it cannot change the query."""
    hostile = 'x" } UNION { ?transition ?p ?o } #'
    value = binding_value(hostile, KG, TermIndex.from_graph(KG).find_role_or_skill)
    assert isinstance(value, Literal)
    assert list(run(prepare(named("transitions"), "t"), KG, {"from": value})) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ck:Founder", CK.Founder),
        ("<https://example.org/x>", URIRef("https://example.org/x")),
        ("senior pm", CK.SeniorProductManager),
        ("coding", CK.Coding),
        ("4", Literal("4", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))),
        ('"quoted"', Literal("quoted")),
    ],
)
def test_binding_values(text: str, expected: object) -> None:
    assert binding_value(text, KG, TermIndex.from_graph(KG).find_role_or_skill) == expected


def test_service_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="SERVICE is refused"):
        prepare("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "q")


def test_updates_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="read-only"):
        prepare("DELETE WHERE { ?s ?p ?o }", "q")


def test_from_never_loads_anything() -> None:
    g = Graph()
    g.add((CK.a, CK.b, CK.c))
    rows = list(run(prepare("SELECT ?s ?p ?o FROM <http://127.0.0.1:9/nothing.ttl> WHERE { ?s ?p ?o }", "q"), g))
    # Nothing listens on port 9: a fetch would raise. The query ran on the local graph instead.
    assert [tuple(row) for row in rows] == [(CK.a, CK.b, CK.c)]


def test_queries_parse_correctly_from_many_threads_at_once() -> None:
    """`careerkg serve` checks queries in a thread pool; rdflib's parser once failed valid queries there."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        f"SELECT ?role WHERE {{ ?role a <https://w3id.org/careerkg#Role> }} LIMIT {n}"
        if n % 2
        else f"CONSTRUCT WHERE {{ ?s <https://w3id.org/careerkg#fromRole> ?o }} LIMIT {n}"
        for n in range(1, 401)
    ]
    with ThreadPoolExecutor(8) as pool:
        forms = list(pool.map(lambda text: prepare(text, "query").algebra.name, texts))
    assert forms == ["SelectQuery" if n % 2 else "ConstructQuery" for n in range(1, 401)]

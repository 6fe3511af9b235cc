"""Reading profiles: every input form, stable generated IRIs, names resolved, nothing fetched, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from careerkg.errors import UnreadableInputError
from careerkg.io.profiles import CONTEXT_IRI, ProfileInput, read_profiles
from careerkg.knowledge.graphs import knowledge_graph
from careerkg.knowledge.names import TermIndex
from careerkg.vocab import CK, RDF
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

TERMS = TermIndex.from_graph(knowledge_graph(axioms=False))
ADA = URIRef("https://example.org/people/ada")


def read(name: str, text: str | bytes, fmt: str | None = None) -> Graph:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_profiles(ProfileInput(name, data), TERMS, fmt).graph


def core(g: Graph) -> Graph:
    """Only the triples inference looks at (drops names and other extras)."""
    out = Graph()
    for p in (CK.currentRole, CK.yearsInRole, CK.productsManaged, CK.hasSkill):
        out += g.triples((None, p, None))
    return out


def values(g: Graph) -> set[tuple[object, ...]]:
    return {(s, p, o.toPython() if isinstance(o, Literal) else o) for s, p, o in core(g)}


def test_json_and_turtle_examples_say_the_same(repo_root: Path) -> None:
    as_json = read_profiles(ProfileInput.from_path(repo_root / "examples/ada.json"), TERMS).graph
    as_ttl = read_profiles(ProfileInput.from_path(repo_root / "examples/ada.ttl"), TERMS).graph
    assert values(as_json) == values(as_ttl)  # JSON's 5 is an xsd:decimal, Turtle's an xsd:integer
    assert (ADA, RDF.type, CK.Profile) in as_json


@pytest.mark.parametrize("fmt", ["nt", "xml", "json-ld"])
def test_rdf_syntaxes_are_read(repo_root: Path, fmt: str) -> None:
    source = Graph().parse(repo_root / "examples/ada.ttl")
    suffix = {"nt": ".nt", "xml": ".rdf", "json-ld": ".jsonld"}[fmt]
    g = read(f"ada{suffix}", source.serialize(format=fmt))
    assert isomorphic(core(g), core(source))


def test_names_labels_curies_and_case_are_resolved() -> None:
    g = read("p.json", json.dumps({"@id": str(ADA), "currentRole": "senior product manager",
                                   "skills": ["CODING", "ck:Research", "https://w3id.org/careerkg#Mentoring",
                                              "market trend analysis", "CEO"]}))  # fmt: skip
    assert g.value(ADA, CK.currentRole) == CK.SeniorProductManager
    assert set(g.objects(ADA, CK.hasSkill)) >= {CK.Coding, CK.Research, CK.Mentoring, CK.MarketTrendAnalysis}


def test_unknown_names_stay_unknown_for_the_shapes_to_report() -> None:
    g = read("p.json", '{"@id": "https://example.org/x", "currentRole": "rocket scientist"}')
    role = g.value(URIRef("https://example.org/x"), CK.currentRole)
    assert isinstance(role, URIRef) and role not in set(TERMS.roles.values())


def test_numbers_keep_their_exact_decimal_form() -> None:
    g = read("p.json", '{"@id": "https://example.org/x", "currentRole": "PM", "yearsInRole": 4, "productsManaged": 2}')
    years = g.value(URIRef("https://example.org/x"), CK.yearsInRole)
    assert isinstance(years, Literal) and str(years.datatype).endswith("#decimal") and years.toPython() == 4
    assert g.value(URIRef("https://example.org/x"), CK.productsManaged) == Literal(2)


def test_objects_without_id_get_stable_distinct_iris() -> None:
    text = '{"currentRole": "PM"}\n{"currentRole": "PM"}\n{"currentRole": "CEO"}\n'
    first = read_profiles(ProfileInput("a.jsonl", text.encode()), TERMS)
    again = read_profiles(ProfileInput("b.jsonl", text.encode()), TERMS)
    assert first.order == again.order and len(set(first.order)) == 3
    assert all(str(p).startswith("urn:careerkg:profile:") for p in first.order)


def test_json_records_keep_their_input_order() -> None:
    ids = [f"https://example.org/p/{n}" for n in ("zed", "amy", "kim")]
    text = "\n".join(json.dumps({"@id": i, "currentRole": "PM"}) for i in ids)
    assert [str(p) for p in read_profiles(ProfileInput("t.jsonl", text.encode()), TERMS).order] == ids


def test_array_of_objects() -> None:
    g = read(
        "t.json",
        '[{"@id": "https://example.org/a", "currentRole": "PM"},'
        ' {"@id": "https://example.org/b", "currentRole": "CEO"}]',
    )
    assert len(set(g.subjects(CK.currentRole, None))) == 2


def test_published_context_resolves_to_the_bundled_copy() -> None:
    g = read("p.jsonld", json.dumps({"@context": CONTEXT_IRI, "@id": str(ADA), "currentRole": "ProductManager"}))
    assert g.value(ADA, CK.currentRole) == CK.ProductManager


@pytest.mark.parametrize("context", ["https://example.org/context.jsonld", ["https://schema.org/"]])
def test_remote_contexts_are_refused_not_fetched(context: object) -> None:
    doc = {"@context": context, "@id": str(ADA), "name": "Ada"}
    with pytest.raises(UnreadableInputError, match="not fetched"):
        read("p.jsonld", json.dumps(doc))


def test_nested_remote_contexts_are_refused() -> None:
    doc = {"@context": {"ck": str(CK)}, "@id": str(ADA), "ck:x": {"@context": "https://evil.example/c", "@id": "a:b"}}
    with pytest.raises(UnreadableInputError, match="not fetched"):
        read("p.jsonld", json.dumps(doc))


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("p.json", b"", "empty input"),
        ("p.json", b"   \n", "empty input"),
        ("p.json", b'{"currentRole": ', "p.json:1: invalid JSON"),
        ("p.jsonl", b'{"currentRole": \n{"currentRole": \n', "p.jsonl:1: invalid JSON"),
        ("p.json", b"[" * 100 + b"]" * 100, "nested too deeply"),
        ("p.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("p.json", b'{"currentRole": "PM", "yearsInRole": NaN}', "NaN is not a JSON number"),
        (
            "p.rdf",
            b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "b">]>\n<rdf:RDF/>',
            "p.rdf:2: RDF/XML with a",
        ),
        ("p.ttl", b"<a> <b> .", "p.ttl: not valid turtle"),
        ("p.rdf", b"<rdf:RDF", "p.rdf: not valid xml"),
        ("p.json", b"\xff\xfe\x00garbage", "not UTF-8"),
        ("p.json", b"42", "expected a JSON object"),
        ("p.ttl", b'<https://example.org/x> <https://example.org/name> "x" .', "no profile found"),
    ],
)
def test_unreadable_input_names_the_input_and_the_problem(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(UnreadableInputError, match=expected.replace(".", r"\.")):
        read(name, data)


def test_a_bad_record_is_skipped_and_the_good_ones_kept() -> None:
    data = (
        b'{"@id": "https://example.org/a", "currentRole": "PM"}\n{"currentRole": \n[1]\n'
        b'{"@id": "https://example.org/a", "currentRole": "CEO"}\n'
        b'{"@id": "https://example.org/b", "currentRole": "PM"}\n'
    )
    profiles = read_profiles(ProfileInput("p.jsonl", data), TermIndex.from_graph(knowledge_graph(axioms=False)))
    assert [str(p) for p in profiles.order] == ["https://example.org/a", "https://example.org/b"]
    assert len(profiles.problems) == 3
    assert profiles.problems[0].startswith("p.jsonl:2: invalid JSON")
    assert profiles.problems[1].startswith("p.jsonl:3") and "expected a JSON object" in profiles.problems[1]
    assert profiles.problems[2].startswith(
        "p.jsonl:4: the profile https://example.org/a appears again (first at p.jsonl:1)"
    )


def test_missing_file() -> None:
    with pytest.raises(UnreadableInputError, match="nope.json: cannot read"):
        ProfileInput.from_path("nope.json")


def test_stdin_format_is_sniffed() -> None:
    assert len(read("-", '{"@id": "https://example.org/a", "currentRole": "PM"}')) > 0
    assert (
        len(read("-", "@prefix ck: <https://w3id.org/careerkg#> . <https://example.org/a> ck:currentRole ck:Founder ."))
        == 1
    )

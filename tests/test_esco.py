"""ESCO-speaking profiles: careerkg's skills aligned to ESCO v1.2 skills, and profiles that name their role and
skills by the ESCO IRIs of exact matches (as Europass-based HR systems store them) answered exactly as if they
used careerkg's names, in every input format. Close, broad, narrow and related matches never stand in for a
role or skill: such an IRI stays as it is and the shapes report it as unknown.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import careerkg
import pytest
from careerkg.knowledge.names import TermIndex
from careerkg.vocab import CK, RDF, RDFS, SKOS
from rdflib import Graph, Literal, Namespace, URIRef

Run = Callable[..., subprocess.CompletedProcess[str]]

OCCUPATION = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"
ESCO_SKILLS = URIRef("http://data.europa.eu/esco/concept-scheme/skills")
ESCO_OCCUPATIONS = URIRef("http://data.europa.eu/esco/concept-scheme/occupations")
MAPPINGS = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
PEOPLE = Namespace("https://example.org/people/")

PRODUCT_MANAGER = OCCUPATION + "9f508305-80ce-4111-8722-f2c9b4a44890"  # exact match of ck:ProductManager
CHIEF_PRODUCT_OFFICER = OCCUPATION + "8a0afc76-4a09-449a-9e7b-a33495889f95"  # close match of ck:VPOfProduct
MARKETING_MANAGER = OCCUPATION + "6fcf4638-e7c7-4978-9302-9a7b63a3d57c"  # broad match of ck:ProductMarketingManager
COMPUTER_PROGRAMMING = SKILL + "21d2f96d-35f7-4e3f-9745-c533d2dd6e97"  # close match of ck:Coding
#: careerkg skill -> the ESCO skill it exactly matches (every exact match in ontology/alignments.ttl).
EXACT_SKILLS = {
    "MarketingStrategy": SKILL + "08fd2839-670c-4f16-8024-97437f2035ab",
    "Mentoring": SKILL + "a584a638-a2c0-4b3c-bdf3-a64f87225be9",
    "ProductKnowledge": SKILL + "d6d3fee7-47e2-47f4-a0ec-6c75f28c6abd",
    "CustomerInsight": SKILL + "05fc6f8d-639c-4329-a6de-dfdd800ed091",
    "StrategicThinking": SKILL + "6c870993-9341-438b-91c0-c7fe4f96d8f5",
}

#: One person, in careerkg's names and in ESCO's: a product manager who codes, researches and holds every skill
#: careerkg aligns exactly (so that the founder, venture capitalist and senior moves are all in play).
NAMED: dict[str, Any] = {
    "@id": str(PEOPLE.esme),
    "currentRole": "ProductManager",
    "yearsInRole": 5,
    "productsManaged": 3,
    "skills": ["Coding", "Research", *EXACT_SKILLS],
}
ESCO_NAMED: dict[str, Any] = {
    **NAMED,
    "currentRole": PRODUCT_MANAGER,
    "skills": ["Coding", "Research", *EXACT_SKILLS.values()],
}


def profile_graph(role: str, skills: list[str]) -> Graph:
    """The profile of :data:`NAMED` as RDF, with the role and skills given as IRIs."""
    graph = Graph()
    graph.bind("ck", CK)
    person = PEOPLE.esme
    graph.add((person, RDF.type, CK.Profile))
    graph.add((person, CK.currentRole, URIRef(role)))
    graph.add((person, CK.yearsInRole, Literal(5)))
    graph.add((person, CK.productsManaged, Literal(3)))
    for skill in skills:
        graph.add((person, CK.hasSkill, URIRef(skill)))
    return graph


def esco_graph() -> Graph:
    return profile_graph(PRODUCT_MANAGER, [str(CK.Coding), str(CK.Research), *EXACT_SKILLS.values()])


def named_graph() -> Graph:
    return profile_graph(str(CK.ProductManager), [str(CK[name]) for name in ["Coding", "Research", *EXACT_SKILLS]])


def eligible(run_exe: Run, path: Path, *extra: str) -> Any:
    result = run_exe("eligible", "--format", "json", *extra, str(path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def engine() -> careerkg.Engine:
    return careerkg.Engine()


@pytest.fixture(scope="module")
def terms(engine: careerkg.Engine) -> TermIndex:
    return engine.terms


# -- the alignments ------------------------------------------------------------------------------------------


def skills_of(kg: Graph) -> set[URIRef]:
    """careerkg's skills: the members of the subclasses of ck:Skill."""
    categories = set(kg.subjects(RDFS.subClassOf, CK.Skill))
    return {s for c in categories for s in kg.subjects(RDF.type, c) if isinstance(s, URIRef)}


def test_skill_mappings_use_skos_mapping_properties_and_each_skill_says_why(kg: Graph) -> None:
    skills = skills_of(kg)
    assert len(skills) == 19
    for skill in skills:
        for prop, target in kg.predicate_objects(skill):
            if str(target).startswith("http://data.europa.eu/esco/"):
                assert prop in MAPPINGS, f"{skill} {prop} {target}"
                assert str(target).startswith(SKILL), f"{skill} maps to an ESCO concept that is no skill: {target}"
        notes = [n for n in kg.objects(skill, SKOS.editorialNote) if isinstance(n, Literal) and n.language == "en"]
        assert len(notes) == 1, f"{skill} needs one English editorial note saying why its match was chosen"


def test_esco_concepts_are_labelled_in_english_and_in_their_scheme(kg: Graph) -> None:
    concepts = {o for p in MAPPINGS for o in kg.objects(None, p) if str(o).startswith((SKILL, OCCUPATION))}
    assert any(str(c).startswith(SKILL) for c in concepts) and any(str(c).startswith(OCCUPATION) for c in concepts)
    for concept in concepts:
        labels = [o for o in kg.objects(concept, SKOS.prefLabel) if isinstance(o, Literal) and o.language == "en"]
        assert len(labels) == 1, f"{concept} needs one English skos:prefLabel"
        assert (concept, RDF.type, SKOS.Concept) in kg, concept
        scheme = ESCO_SKILLS if str(concept).startswith(SKILL) else ESCO_OCCUPATIONS
        assert set(kg.objects(concept, SKOS.inScheme)) == {scheme}, concept
    for scheme in (ESCO_SKILLS, ESCO_OCCUPATIONS):
        assert kg.value(scheme, SKOS.prefLabel) is not None


def test_exact_matches_are_the_ones_that_mean_the_same(kg: Graph) -> None:
    """Exact where ESCO's concept means the same; ESCO has no product strategy skill, so there is no match."""
    exact = {s: o for s, o in kg.subject_objects(SKOS.exactMatch) if str(o).startswith(SKILL)}
    assert {str(s).removeprefix(str(CK)): str(o) for s, o in exact.items()} == EXACT_SKILLS
    assert not any(str(o).startswith(SKILL) for p in MAPPINGS for o in kg.objects(CK.ProductStrategy, p))
    assert (CK.Coding, SKOS.closeMatch, URIRef(COMPUTER_PROGRAMMING)) in kg


def test_every_exact_match_resolves(kg: Graph, terms: TermIndex) -> None:
    roles = set(kg.subjects(RDF.type, CK.Role))
    pairs = [(s, o) for s, o in kg.subject_objects(SKOS.exactMatch) if str(o).startswith((SKILL, OCCUPATION))]
    assert len(pairs) == len(EXACT_SKILLS) + 5  # five roles have an exact ESCO occupation
    for own, external in pairs:
        assert terms.find_exact(str(external)) == own
        if own in roles:
            assert terms.find_role(str(external)) == own and terms.role(str(external)) == own
            assert terms.find_skill(str(external)) is None
        else:
            assert terms.find_skill(str(external)) == own and terms.skill(str(external)) == own
            assert terms.find_role(str(external)) is None


def test_other_matches_do_not_resolve(kg: Graph, terms: TermIndex) -> None:
    others = {o for p in MAPPINGS - {SKOS.exactMatch} for o in kg.objects(None, p)}
    exact = set(kg.objects(None, SKOS.exactMatch))
    assert others - exact
    for external in others - exact:
        assert terms.find_exact(str(external)) is None, external
        assert terms.find_role(str(external)) is None and terms.find_skill(str(external)) is None


def test_exact_matches_are_read_both_ways_and_an_ambiguous_one_names_nothing() -> None:
    graph = Graph()
    ext = Namespace("https://example.org/framework/")
    for role in (CK.A, CK.B):
        graph.add((role, RDF.type, CK.Role))
    graph.add((ext.a, SKOS.exactMatch, CK.A))  # stated from the other side: skos:exactMatch is symmetric
    graph.add((CK.A, SKOS.exactMatch, ext.both))
    graph.add((CK.B, SKOS.exactMatch, ext.both))
    graph.add((CK.B, SKOS.closeMatch, ext.b))
    terms = TermIndex.from_graph(graph)
    assert terms.find_role(str(ext.a)) == CK.A
    assert terms.find_exact(str(ext.both)) is None
    assert terms.find_role(str(ext.b)) is None


# -- profiles that speak ESCO --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "fmt"), [(".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")]
)
def test_rdf_profile_in_esco_iris_gets_the_same_answers(run_exe: Run, tmp_path: Path, suffix: str, fmt: str) -> None:
    esco = tmp_path / f"esco{suffix}"
    named = tmp_path / f"named{suffix}"
    esco_graph().serialize(esco, format=fmt, encoding="utf-8")
    named_graph().serialize(named, format=fmt, encoding="utf-8")
    assert PRODUCT_MANAGER in esco.read_text(encoding="utf-8")
    expected = eligible(run_exe, named, "--explain")
    assert expected[0]["eligible"], "the profile is eligible for something"
    assert eligible(run_exe, esco, "--explain") == expected


def test_plain_json_profile_in_esco_iris_gets_the_same_answers_and_explanation(run_exe: Run, tmp_path: Path) -> None:
    esco, named = tmp_path / "esco.json", tmp_path / "named.json"
    esco.write_text(json.dumps(ESCO_NAMED), encoding="utf-8")
    named.write_text(json.dumps(NAMED), encoding="utf-8")
    answers = eligible(run_exe, esco, "--explain")
    assert answers == eligible(run_exe, named, "--explain")
    roles = {e["role"].removeprefix(str(CK)): e for e in answers[0]["eligible"]}
    assert answers[0]["currentRole"] == str(CK.ProductManager)
    assert {"Founder", "VentureCapitalist", "SoftwareEngineer"} <= set(roles)
    met = json.dumps(roles["VentureCapitalist"])
    assert str(CK.StrategicThinking) in met and SKILL not in met, "metBy names careerkg's skill"


def test_json_lines_records_in_esco_iris_stream_the_same(run_exe: Run, tmp_path: Path) -> None:
    """JSON Lines are streamed record by record: plain records and JSON-LD records with their own context."""
    jsonld = {
        "@context": {"ck": str(CK)},
        "@id": str(PEOPLE.jo),
        "@type": "ck:Profile",
        "ck:currentRole": {"@id": PRODUCT_MANAGER},
        "ck:hasSkill": [{"@id": EXACT_SKILLS["StrategicThinking"]}, {"@id": str(CK.Research)}],
    }
    named_jsonld = {**jsonld, "ck:currentRole": {"@id": str(CK.ProductManager)},
                    "ck:hasSkill": [{"@id": str(CK.StrategicThinking)}, {"@id": str(CK.Research)}]}  # fmt: skip
    esco, named = tmp_path / "esco.jsonl", tmp_path / "named.jsonl"
    esco.write_text(f"{json.dumps(ESCO_NAMED)}\n{json.dumps(jsonld)}\n", encoding="utf-8")
    named.write_text(f"{json.dumps(NAMED)}\n{json.dumps(named_jsonld)}\n", encoding="utf-8")
    answers = eligible(run_exe, esco)
    assert len(answers) == 2 and answers == eligible(run_exe, named)
    assert "https://w3id.org/careerkg#VentureCapitalist" in {e["role"] for e in answers[1]["eligible"]}


def test_api_answers_esco_profiles_as_named_ones(engine: careerkg.Engine) -> None:
    expected = engine.eligible(NAMED).to_json(explain=True)
    assert engine.eligible(ESCO_NAMED).to_json(explain=True) == expected
    turtle = esco_graph().serialize(format="turtle").encode()
    assert engine.eligible(turtle).to_json(explain=True) == expected


@pytest.mark.parametrize(
    ("role", "skill"),
    [
        (CHIEF_PRODUCT_OFFICER, str(CK.Coding)),  # a close match is not the role
        (MARKETING_MANAGER, str(CK.Coding)),  # nor a broad one
        (str(CK.ProductManager), COMPUTER_PROGRAMMING),  # nor a close match the skill
        (str(CK.ProductManager), PRODUCT_MANAGER),  # an occupation's exact match is no skill
        (EXACT_SKILLS["Mentoring"], str(CK.Coding)),  # and a skill's is no role
    ],
)
def test_only_exact_matches_stand_in_for_careerkg_terms(engine: careerkg.Engine, role: str, skill: str) -> None:
    record = {"@id": str(PEOPLE.cy), "currentRole": role, "skills": [skill]}
    turtle = profile_graph(role, [skill]).serialize(format="turtle")
    for profile in (record, turtle):
        results = engine.eligible(profile, errors="report")
        assert not results.ok and len(results) == 0
        values = {v["value"] for p in results.problems_json()["invalid"] for v in p["violations"]}
        assert values & {role, skill} - {str(CK.ProductManager), str(CK.Coding)}, values


def test_validate_reports_a_close_match_as_an_unknown_role(run_exe: Run, tmp_path: Path) -> None:
    path = tmp_path / "close.ttl"
    profile_graph(CHIEF_PRODUCT_OFFICER, [str(CK.Coding)]).serialize(path, format="turtle")
    result = run_exe("validate", "--format", "json", str(path))
    assert result.returncode == 1, result.stderr
    violations = json.loads(result.stdout)["violations"]
    assert [(v["property"], v["value"]) for v in violations] == [(str(CK.currentRole), CHIEF_PRODUCT_OFFICER)]


def test_commands_that_take_a_role_accept_its_exact_match(run_exe: Run) -> None:
    by_esco = run_exe("path", PRODUCT_MANAGER, "VPOfProduct", "--format", "json")
    by_name = run_exe("path", "ProductManager", "VPOfProduct", "--format", "json")
    assert by_esco.returncode == 0, by_esco.stderr
    assert by_esco.stdout == by_name.stdout
    refused = run_exe("path", CHIEF_PRODUCT_OFFICER, "VPOfProduct")
    assert refused.returncode != 0 and "unknown role" in refused.stderr

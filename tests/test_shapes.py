"""SHACL shapes: they pass meta-SHACL, the knowledge base conforms, and each rule catches what it should."""

from __future__ import annotations

import pytest
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.validation.shacl import validate_knowledge, validate_profiles, validate_shapes
from careerkg.vocab import CK, RDF, RDFS, SH, SKOS
from rdflib import Graph, Literal, URIRef

EX = "http://example.org/people/"


def profiles(turtle: str) -> Graph:
    return Graph().parse(data="@prefix ck: <https://w3id.org/careerkg#> .\n" + turtle, format="turtle")


def test_shapes_conform_to_shacl_shacl() -> None:
    report = validate_shapes()
    assert report.conforms, report.violations


def test_meta_shacl_catches_a_broken_shape() -> None:
    """Control: the meta-SHACL check really inspects the shapes (a shape with two sh:path values fails)."""
    from pyshacl.entrypoints import meta_validate

    broken = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:PropertyShape ; sh:path ex:p , ex:q ; sh:minCount "one" .""",
        format="turtle",
    )
    conforms, _, _ = meta_validate(broken, inference="none")
    assert not conforms


def test_every_profile_shape_speaks_to_a_coach() -> None:
    shapes = Graph().parse(data=bundled.read_text("careerkg.ontology", "profile-shapes.ttl"), format="turtle")
    property_shapes = set(shapes.objects(None, SH.property))
    assert len(property_shapes) >= 5
    for shape in property_shapes:
        message = shapes.value(shape, SH.message)
        assert isinstance(message, Literal) and message.language == "en" and len(message) > 30, shape


def test_the_knowledge_base_conforms() -> None:
    report = validate_knowledge()
    assert report.conforms, report.violations


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda g: g.remove((CK.Founder, RDFS.label, None)), "English label"),
        (lambda g: g.remove((CK.Coding, SKOS.definition, None)), "definition"),
        (lambda g: g.add((CK.ProductManagerToFounder, CK.toRole, CK.ProductManager)), "exactly one to role"),
        (lambda g: g.remove((CK.ProductManagerToFounder, CK.fromRole, None)), "exactly one from role"),
        (
            lambda g: g.set((CK.ProductManagerToFounder, CK.toRole, CK.ProductManager)),
            "different from its to role",
        ),
        (lambda g: g.set((CK.RequiresFourYearsInRole, CK.minimumValue, Literal(-1))), "zero or more"),
        (lambda g: g.remove((CK.RequiresCoding, CK.requiredSkill, None)), "exactly one known skill"),
        (lambda g: g.set((CK.RequiresCoding, CK.requiredSkill, CK.ProductManager)), "exactly one known skill"),
        (
            lambda g: g.set((CK.RequiresAnyTechnicalSkill, CK.requiredSkillCategory, CK.Role)),
            "subclass of ck:Skill",
        ),
        (lambda g: g.remove((CK.ProductManagerToFounder, CK.articleSection, None)), "heading"),
        (
            lambda g: g.add((CK.ProductManagerToFounder, CK.optionalRequirement, CK.RequiresResearch)),
            "also be listed as optional",
        ),
        (lambda g: g.set((CK.Mentoring, RDF.type, CK.Skill)), "skill category"),
        (lambda g: g.add((CK.Extra, RDF.type, CK.Transition)), "exactly one from role"),
        (
            lambda g: [g.add((CK.Duplicate, p, o)) for p, o in g.predicate_objects(CK.ProductManagerToFounder)],
            "each move may be stated once",
        ),
    ],
)
def test_knowledge_shapes_catch_malformed_knowledge(mutation, expected: str) -> None:  # type: ignore[no-untyped-def]
    graph = bundled.load([Part.ONTOLOGY, Part.KG])
    mutation(graph)
    report = validate_knowledge(graph)
    assert not report.conforms
    assert any(expected in v.message for v in report.violations), [v.message for v in report.violations]


def test_a_complete_profile_conforms() -> None:
    report = validate_profiles(
        profiles(f"""<{EX}ada> a ck:Profile ; ck:currentRole ck:ProductManager ; ck:yearsInRole 4.5 ;
            ck:productsManaged 3 ; ck:hasSkill ck:Coding , ck:Mentoring ;
            <http://xmlns.com/foaf/0.1/name> "Ada" .""")
    )
    assert report.conforms, report.violations


def test_a_minimal_profile_conforms() -> None:
    assert validate_profiles(profiles(f"<{EX}min> ck:currentRole ck:Founder .")).conforms


@pytest.mark.parametrize(
    ("turtle", "path", "expected"),
    [
        (f"<{EX}p> a ck:Profile .", "currentRole", "exactly one current role"),
        (f"<{EX}p> ck:currentRole ck:ProductManager , ck:Founder .", "currentRole", "exactly one current role"),
        (f"<{EX}p> ck:currentRole ck:Astronaut .", "currentRole", "careerkg roles"),
        (f"<{EX}p> ck:currentRole ck:Coding .", "currentRole", "careerkg roles"),
        (f'<{EX}p> ck:currentRole "ProductManager" .', "currentRole", "careerkg roles"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:yearsInRole -1 .", "yearsInRole", "from 0 to 70"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:yearsInRole 1e308 .", "yearsInRole", "from 0 to 70"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:yearsInRole 70.5 .", "yearsInRole", "from 0 to 70"),
        (f'<{EX}p> ck:currentRole ck:Founder ; ck:yearsInRole "five" .', "yearsInRole", "number of years"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:yearsInRole 1 , 2 .", "yearsInRole", "single number"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:productsManaged 2.5 .", "productsManaged", "whole number"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:productsManaged -3 .", "productsManaged", "from 0 to 1000"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:productsManaged 1001 .", "productsManaged", "from 0 to 1000"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:hasSkill ck:Juggling .", "hasSkill", "careerkg skills"),
        (f"<{EX}p> ck:currentRole ck:Founder ; ck:hasSkill ck:Founder .", "hasSkill", "careerkg skills"),
    ],
)
def test_profile_shapes_reject_what_the_contract_forbids(turtle: str, path: str, expected: str) -> None:
    report = validate_profiles(profiles(turtle))
    assert not report.conforms
    assert [v for v in report.violations if v.path == str(CK[path]) and expected in v.message], report.violations
    assert all(v.focus == f"{EX}p" for v in report.violations)


def test_one_bad_profile_does_not_taint_a_good_one() -> None:
    report = validate_profiles(
        profiles(f"<{EX}good> ck:currentRole ck:Founder .\n<{EX}bad> ck:currentRole ck:Astronaut .")
    )
    assert {v.focus for v in report.violations} == {f"{EX}bad"}
    assert next(report.graph.objects(None, SH.conforms)) == Literal(False)
    assert URIRef(f"{EX}bad") in set(report.graph.objects(None, SH.focusNode))

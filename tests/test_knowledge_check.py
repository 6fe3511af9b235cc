"""The compiled knowledge validator (careerkg.validation.knowledge) against pySHACL, the reference: the same
violations, field for field, on careerkg's knowledge and on knowledge broken in every way the knowledge shapes
catch; shapes it does not implement refused; and pack checking unchanged by it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from careerkg.io.packs import read_pack
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.packs import KnowledgeSet
from careerkg.validation import packs as pack_checks
from careerkg.validation.compiled import UnsupportedShapes
from careerkg.validation.knowledge import check_knowledge, compile_knowledge_shapes
from careerkg.validation.shacl import Violation, _validate, validate_knowledge
from rdflib import BNode, Graph

PREFIXES = """\
@prefix ck: <https://w3id.org/careerkg#> .
@prefix ex: <https://example.org/ops#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: A small, valid framework using every kind of requirement.
VALID = """\
ex: a owl:Ontology ; dcterms:title "Operations"@en .
ex:Analyst a ck:Role ; rdfs:label "analyst"@en ; skos:definition "Studies data."@en .
ex:Lead a ck:Role ; rdfs:label "lead"@en ; skos:definition "Leads a team."@en .
ex:Sql a ck:TechnicalSkill ; rdfs:label "SQL"@en ; skos:definition "Querying databases."@en .
ex:NeedsSql a ck:SkillRequirement ; rdfs:label "skill: SQL"@en ; skos:definition "Met by SQL."@en ;
    ck:requiredSkill ex:Sql .
ex:NeedsTech a ck:SkillCategoryRequirement ; rdfs:label "any technical skill"@en ;
    skos:definition "Met by any technical skill."@en ; ck:requiredSkillCategory ck:TechnicalSkill .
ex:NeedsYears a ck:ThresholdRequirement ; rdfs:label "two years"@en ; skos:definition "Two years or more."@en ;
    ck:thresholdProperty ck:yearsInRole ; ck:minimumValue 2 .
ex:Move a ck:Transition ; rdfs:label "analyst to lead"@en ; skos:definition "From analysis to leading."@en ;
    ck:fromRole ex:Analyst ; ck:toRole ex:Lead ;
    ck:essentialRequirement ex:NeedsSql , ex:NeedsYears ; ck:optionalRequirement ex:NeedsTech ;
    dcterms:source ex:Handbook ; ck:articleSection "Leads"@en ; ck:justification "The handbook says so."@en .
"""
AGAIN = """
ex:Again a ck:Transition ; rdfs:label "again"@en ; ck:fromRole ex:Analyst ; ck:toRole ex:Lead ;
    dcterms:source ex:Handbook ; ck:articleSection "Leads"@en ; ck:justification "Stated twice."@en .
"""


def _edit(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new)


BROKEN = {
    "missing English label": _edit('ex:Lead a ck:Role ; rdfs:label "lead"@en ;', "ex:Lead a ck:Role ;"),
    "label only in French": _edit('"analyst"@en', '"analyste"@fr'),
    "missing definition": _edit(
        'rdfs:label "SQL"@en ; skos:definition "Querying databases."@en', 'rdfs:label "SQL"@en'
    ),
    "blank-node role": VALID + '[] a ck:Role ; rdfs:label "someone"@en ; skos:definition "Nameless."@en .\n',
    "two from roles": _edit("ck:fromRole ex:Analyst ;", "ck:fromRole ex:Analyst , ck:ProductManager ;"),
    "no to role": _edit("ck:toRole ex:Lead ;", ""),
    "same from and to": _edit("ck:toRole ex:Lead", "ck:toRole ex:Analyst"),
    "unknown role": _edit("ck:fromRole ex:Analyst", "ck:fromRole ex:Nobody"),
    "literal role": _edit("ck:toRole ex:Lead", 'ck:toRole "lead"'),
    "essential also optional": _edit(
        "ck:optionalRequirement ex:NeedsTech", "ck:optionalRequirement ex:NeedsTech, ex:NeedsSql"
    ),
    "non-requirement as requirement": _edit("ck:essentialRequirement ex:NeedsSql", "ck:essentialRequirement ex:Sql"),
    "missing source": _edit("dcterms:source ex:Handbook ;", ""),
    "source as text": _edit("dcterms:source ex:Handbook", 'dcterms:source "the handbook"'),
    "missing section": _edit('ck:articleSection "Leads"@en ;', ""),
    "section as an IRI": _edit('ck:articleSection "Leads"@en', "ck:articleSection ex:Leads"),
    "missing justification": _edit('; ck:justification "The handbook says so."@en', ""),
    "duplicate move": VALID + AGAIN,
    "skill without category": _edit("ex:Sql a ck:TechnicalSkill", "ex:Sql a ck:Skill"),
    "blank-node skill without category": VALID + '[] a ck:Skill ; rdfs:label "x"@en ; skos:definition "X."@en .\n',
    "requirement of two kinds": _edit(
        "ex:NeedsSql a ck:SkillRequirement", "ex:NeedsSql a ck:SkillRequirement, ck:ThresholdRequirement"
    ),
    "requirement of no kind": VALID + 'ex:Vague a ck:Requirement ; rdfs:label "vague"@en ; skos:definition "?"@en .\n',
    "skill requirement naming a non-skill": _edit("ck:requiredSkill ex:Sql", "ck:requiredSkill ex:Lead"),
    "skill requirement naming two skills": _edit("ck:requiredSkill ex:Sql", "ck:requiredSkill ex:Sql, ck:Coding"),
    "category requirement naming a non-category": _edit(
        "ck:requiredSkillCategory ck:TechnicalSkill", "ck:requiredSkillCategory ex:Sql"
    ),
    "category requirement naming text": _edit(
        "ck:requiredSkillCategory ck:TechnicalSkill", 'ck:requiredSkillCategory "tech"'
    ),
    "category requirement naming no category": _edit("; ck:requiredSkillCategory ck:TechnicalSkill", ""),
    "threshold on a bad property": _edit("ck:thresholdProperty ck:yearsInRole", "ck:thresholdProperty ck:hasSkill"),
    "threshold with two properties": _edit(
        "ck:thresholdProperty ck:yearsInRole", "ck:thresholdProperty ck:yearsInRole, ck:productsManaged"
    ),
    "negative minimum": _edit("ck:minimumValue 2", "ck:minimumValue -2"),
    "negative minimum, unusually written": _edit("ck:minimumValue 2", 'ck:minimumValue "-02"^^xsd:integer'),
    "non-numeric minimum": _edit("ck:minimumValue 2", 'ck:minimumValue "two"'),
    "ill-typed minimum": _edit("ck:minimumValue 2", 'ck:minimumValue "2x"^^xsd:integer'),
    "minimum as a double": _edit("ck:minimumValue 2", "ck:minimumValue 2.0e0"),
    "two minimums": _edit("ck:minimumValue 2", "ck:minimumValue 2, 3"),
    "no minimum": _edit("; ck:minimumValue 2", ""),
}

#: Unusual but valid: both validators find nothing.
VALID_TOO = {
    "as given": VALID,
    "regional English label": _edit('"lead"@en', '"lead"@en-GB'),
    "upper-case language tag": _edit('"lead"@en', '"lead"@EN'),
    "decimal minimum": _edit("ck:minimumValue 2", "ck:minimumValue 2.5"),
    "zero minimum": _edit("ck:minimumValue 2", "ck:minimumValue 0"),
    "a second category level": VALID.replace("ex:Sql a ck:TechnicalSkill", "ex:Sql a ex:DataSkill")
    + "ex:DataSkill rdfs:subClassOf ck:TechnicalSkill .\n",
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """careerkg's knowledge shapes, parsed once: both validators are given the same graph, so that the blank-node
    property shapes they name as sh:sourceShape have the same labels."""
    return Graph().parse(data=bundled.read_text("careerkg.ontology", "knowledge-shapes.ttl"), format="turtle")


def knowledge(extra: str = "") -> Graph:
    graph = bundled.load([Part.ONTOLOGY, Part.KG])
    if extra:
        graph.parse(data=PREFIXES + extra, format="turtle")
    return graph


def reference(graph: Graph, shapes: Graph) -> list[Violation]:
    """pySHACL's violations, through the validation module's own run of it (as validate_knowledge does)."""
    return list(_validate(graph, shapes).violations)


def test_careerkg_own_knowledge_has_no_violations_by_either(shapes: Graph) -> None:
    graph = knowledge()
    assert check_knowledge(graph, shapes) == reference(graph, shapes) == []
    assert check_knowledge(graph) == []  # with the bundled shapes, compiled once


@pytest.mark.parametrize("case", VALID_TOO, ids=list(VALID_TOO))
def test_valid_knowledge_has_no_violations_by_either(shapes: Graph, case: str) -> None:
    graph = knowledge(VALID_TOO[case])
    assert check_knowledge(graph, shapes) == reference(graph, shapes) == []


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_knowledge_gets_pyshacls_violations(shapes: Graph, case: str) -> None:
    graph = knowledge(BROKEN[case])
    expected = reference(graph, shapes)
    assert expected, "the case should break a shape"
    assert check_knowledge(graph, shapes) == expected


def test_everything_broken_at_once(shapes: Graph) -> None:
    graph = knowledge()
    for number, text in enumerate(BROKEN.values()):
        # each case in a namespace of its own, so that they do not mend one another
        graph.parse(data=PREFIXES.replace("ops#", f"ops{number}#") + text, format="turtle")
    expected = reference(graph, shapes)
    assert len(expected) > len(BROKEN)
    assert check_knowledge(graph, shapes) == expected


def _unlabelled(violations: list[Violation] | tuple[Violation, ...]) -> list[Violation]:
    """Violations with blank-node shapes named alike: two parses of the shapes label them differently."""
    known = {str(n) for n in _bundled_shapes().all_nodes() if not isinstance(n, BNode)}
    return [
        v if v.shape in known else Violation(v.focus, v.path, v.value, v.message, v.severity, "_") for v in violations
    ]


def _bundled_shapes() -> Graph:
    return Graph().parse(data=bundled.read_text("careerkg.ontology", "knowledge-shapes.ttl"), format="turtle")


def test_the_default_shapes_agree_with_validate_knowledge() -> None:
    graph = knowledge(BROKEN["two from roles"] + AGAIN)
    assert _unlabelled(check_knowledge(graph)) == _unlabelled(validate_knowledge(graph).violations) != []


SHAPES_PREFIXES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ck: <https://w3id.org/careerkg#> .
@prefix ex: <https://example.org/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex: a owl:Ontology ; sh:declare [ sh:prefix "ck" ; sh:namespace "https://w3id.org/careerkg#"^^xsd:anyURI ] .
"""


def test_other_shapes_are_compiled_from_their_triples() -> None:
    """Shapes other than careerkg's: messages pySHACL makes up, a SPARQL constraint selecting only ?value on
    a shape with two target classes, an sh:or of shapes that are not datatype shapes, a qualified maximum."""
    shapes = Graph().parse(data=SHAPES_PREFIXES + """
ex:Plain a sh:NodeShape ; sh:targetClass ck:Role ;
    sh:property [ sh:path ck:fromRole ; sh:class ck:Role ] , [ sh:path rdfs:label ; sh:datatype xsd:string ] ,
        [ sh:path rdfs:comment ; sh:nodeKind sh:IRI ] .
ex:Either a sh:NodeShape ; sh:targetClass ck:Skill , ck:Requirement ; sh:message "either"@en ;
    sh:or ( [ sh:class ck:TechnicalSkill ] [ sh:path rdfs:label ; sh:minCount 2 ] ) ;
    sh:property [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "fr" ) ] ; sh:qualifiedMaxCount 0 ;
                  sh:message "no French"@en ] ;
    sh:sparql [ sh:prefixes ex: ;
                sh:select "SELECT ?value WHERE { $this rdfs:label ?value . FILTER (lang(?value) = 'de') }" ] .
""", format="turtle")  # fmt: skip
    graph = knowledge(BROKEN["literal role"] + """
ex:Analyst rdfs:comment "a comment" ; ck:fromRole ex:Sql .
ex:Sql rdfs:label "SQL"@fr , "SQL-Abfrage"@de .
""")  # fmt: skip
    expected = reference(graph, shapes)
    assert {v.message for v in expected} == {
        "Value does not have class ck:Role",
        "Value is not of Node Kind sh:IRI",
        "Value is not Literal with datatype xsd:string",
        "either",
        "no French",
    }
    assert any(v.value == "SQL-Abfrage" for v in expected)  # the SPARQL constraint's
    assert check_knowledge(graph, shapes) == expected


REFUSED = {
    "sh:pattern": '[ sh:path rdfs:label ; sh:pattern "^a" ; sh:message "m" ]',
    "sh:closed": None,
    "an inverse path": '[ sh:path [ sh:inversePath ck:fromRole ] ; sh:minCount 1 ; sh:message "m" ]',
    "sh:lessThan": '[ sh:path ck:minimumValue ; sh:lessThan ck:maximumValue ; sh:message "m" ]',
    "two messages": '[ sh:path rdfs:label ; sh:minCount 1 ; sh:message "m"@en , "m"@fr ]',
    "a message pySHACL makes up": "[ sh:path rdfs:label ; sh:minCount 1 ]",
    "a warning": '[ sh:path rdfs:label ; sh:minCount 1 ; sh:message "m" ; sh:severity sh:Warning ]',
    "a deactivated shape": '[ sh:path rdfs:label ; sh:minCount 1 ; sh:message "m" ; sh:deactivated true ]',
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_shapes_using_anything_else_are_refused(case: str) -> None:
    prop = REFUSED[case]
    shape = "sh:closed true" if prop is None else f"sh:property {prop}"
    shapes = Graph().parse(data=SHAPES_PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ck:Role ; {shape} .\n",
                           format="turtle")  # fmt: skip
    with pytest.raises(UnsupportedShapes):
        compile_knowledge_shapes(shapes)


def test_other_targets_are_refused() -> None:
    shape = "ex:S a sh:NodeShape ; sh:targetNode ck:Role ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ."
    shapes = Graph().parse(data=SHAPES_PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShapes, match="targetNode"):
        compile_knowledge_shapes(shapes)


QUERIES = {
    "nested SELECT": "SELECT $this WHERE { { SELECT $this WHERE { $this a ck:Role } } }",
    "nested SELECT in EXISTS": "SELECT $this WHERE { FILTER EXISTS { SELECT $this WHERE { $this a ck:Role } } }",
    "LIMIT": "SELECT $this WHERE { $this rdfs:label ?l } LIMIT 1",
    "OFFSET": "SELECT $this WHERE { $this rdfs:label ?l } OFFSET 1",
    "VALUES": "SELECT $this WHERE { VALUES ?l { 'a' } $this rdfs:label ?l }",
    "MINUS": "SELECT $this WHERE { $this a ck:Role MINUS { $this rdfs:label ?l } }",
    "OPTIONAL": "SELECT $this WHERE { OPTIONAL { $this rdfs:label ?l } FILTER (!bound(?l)) }",
    "UNION": "SELECT $this WHERE { { $this rdfs:label ?l } UNION { $this rdfs:comment ?l } }",
    "a nested group": "SELECT $this WHERE { { $this rdfs:label ?l FILTER (?l != 'x') } }",
    "GROUP BY": "SELECT $this (COUNT(?l) AS ?n) WHERE { $this rdfs:label ?l } GROUP BY $this",
    "ORDER BY": "SELECT $this WHERE { $this rdfs:label ?l } ORDER BY ?l",
    "GRAPH": "SELECT $this WHERE { GRAPH ?g { $this rdfs:label ?l } }",
    "SERVICE": "SELECT $this WHERE { SERVICE <https://example.org/sparql> { $this rdfs:label ?l } }",
    "$shapesGraph": "SELECT $this WHERE { $this rdfs:label ?l . FILTER (?l = $shapesGraph) }",
    "rebinding $this": "SELECT ?value WHERE { BIND (ck:Role AS $this) $this rdfs:label ?value }",
    "no $this": "SELECT ?value WHERE { ck:ProductManager rdfs:label ?value }",
    "an expression selected": "SELECT $this (STR(?l) AS ?value) WHERE { $this rdfs:label ?l }",
    "not SPARQL": "SELECT $this WHERE { $this rdfs:label ?l ",
}


@pytest.mark.parametrize("case", QUERIES, ids=list(QUERIES))
def test_sparql_constraints_whose_rewrite_would_not_be_pre_binding_are_refused(case: str) -> None:
    query = QUERIES[case].replace('"', '\\"')
    shapes = Graph().parse(data=SHAPES_PREFIXES + f"""
ex:S a sh:NodeShape ; sh:targetClass ck:Role ; sh:sparql [ sh:prefixes ex: ; sh:message "m" ; sh:select "{query}" ] .
""", format="turtle")  # fmt: skip
    with pytest.raises(UnsupportedShapes):
        compile_knowledge_shapes(shapes)


@pytest.mark.parametrize("case", ["duplicate move", "two from roles", "negative minimum", "missing English label"])
def test_check_packs_gives_the_lines_pyshacl_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(PREFIXES + BROKEN[case], encoding="utf-8")
    known = KnowledgeSet(packs=(read_pack(path),))
    lines = pack_checks.check_packs(known)
    assert lines and all(line.startswith(f"{path}: ") for line in lines), lines

    def refuse(graph: Graph, shapes: Graph | None = None) -> list[Violation]:
        raise UnsupportedShapes("refused for the test")

    monkeypatch.setattr(pack_checks, "check_knowledge", refuse)
    with caplog.at_level(logging.DEBUG, logger="careerkg"):
        assert pack_checks.check_packs(known) == lines  # pySHACL's, as check_packs gave them before
    assert "pySHACL is used: refused for the test" in caplog.text


def test_a_good_pack_has_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "good.ttl"
    path.write_text(PREFIXES + VALID, encoding="utf-8")
    assert pack_checks.check_packs(KnowledgeSet(packs=(read_pack(path),))) == []

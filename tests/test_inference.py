"""Eligibility by OWL 2 RL inference: the contract's moves, thresholds, categories, and interoperability."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.graphs import ontology_document
from careerkg.reasoning.closure import Reasoner
from careerkg.vocab import CK, OWL, RDF, RDFS, SKOS
from rdflib import Graph, Literal, URIRef

EX = "https://example.org/people/"


@pytest.fixture(scope="module")
def reasoner() -> Reasoner:
    return Reasoner()


def profile(name: str, role: str, years: float | None = None, products: int | None = None,
            skills: Iterable[str] = ()) -> Graph:  # fmt: skip
    g = Graph()
    p = URIRef(EX + name)
    g.add((p, RDF.type, CK.Profile))
    g.add((p, CK.currentRole, CK[role]))
    if years is not None:
        g.add((p, CK.yearsInRole, Literal(str(years), datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    if products is not None:
        g.add((p, CK.productsManaged, Literal(products)))
    for s in skills:
        g.add((p, CK.hasSkill, CK[s]))
    return g


def eligible(reasoner: Reasoner, g: Graph, name: str) -> set[str]:
    derived = reasoner.infer(g)
    return {str(o).removeprefix(str(CK)) for o in derived.objects(URIRef(EX + name), CK.eligibleFor)}


def test_promotion_thresholds_are_inclusive(reasoner: Reasoner) -> None:
    g = (
        profile("a", "ProductManager", 4, 2)
        + profile("b", "ProductManager", 3.99, 5)
        + profile("c", "ProductManager", 10, 1)
    )
    assert eligible(reasoner, g, "a") == {"SeniorProductManager"}
    assert eligible(reasoner, g, "b") == set()
    assert eligible(reasoner, g, "c") == set()


def test_any_technical_skill_opens_it_management(reasoner: Reasoner) -> None:
    g = profile("t", "ProductManager", skills=["TechnicalExpertise"])
    assert eligible(reasoner, g, "t") == {"ITManager"}
    g = profile("c", "ProductManager", skills=["Coding"])
    assert eligible(reasoner, g, "c") == {"ITManager", "SoftwareEngineer"}


@pytest.mark.parametrize("role", ["SeniorProductManager", "DirectorOfProduct", "VPOfProduct"])
def test_lateral_moves_open_to_every_product_management_role(reasoner: Reasoner, role: str) -> None:
    g = profile("x", role, 10, 9, ["CustomerInteraction", "OperationsAtScale", "Research", "StrategicThinking"])
    assert eligible(reasoner, g, "x") == {"SalesManager", "BusinessDevelopmentManager", "ChiefOperatingOfficer",
                                           "VentureCapitalist"}  # fmt: skip


def test_only_product_managers_are_promoted_and_only_seniors_move_up(reasoner: Reasoner) -> None:
    leadership = ["ComplexProductManagement", "CrossFunctionalLeadership", "ProductStrategy"]
    g = profile("pm", "ProductManager", 9, 9, leadership) + profile("spm", "SeniorProductManager", 9, 9, leadership)
    g += profile("dir", "DirectorOfProduct", 9, 9, leadership)
    assert eligible(reasoner, g, "pm") == {"SeniorProductManager"}
    assert eligible(reasoner, g, "spm") == {"DirectorOfProduct", "VPOfProduct"}
    assert eligible(reasoner, g, "dir") == set()


def test_roles_outside_product_management_have_no_moves(reasoner: Reasoner) -> None:
    g = profile("ceo", "ChiefExecutiveOfficer", 20, 20, ["Coding", "BusinessAcumen", "Research", "CustomerInsight"])
    assert eligible(reasoner, g, "ceo") == set()


def test_nobody_is_eligible_for_the_role_they_hold(reasoner: Reasoner) -> None:
    all_skills = (
        "ValueProposition CustomerNeeds Coding OperationsAtScale BusinessAcumen Research CustomerInsight "
        "StrategicThinking CustomerInteraction ProductStrategy MarketTrendAnalysis ComplexProductManagement "
        "CrossFunctionalLeadership"
    ).split()
    for role in ("ProductManager", "SeniorProductManager", "DirectorOfProduct", "VPOfProduct"):
        g = profile(role, role, 10, 10, all_skills)
        assert role not in eligible(reasoner, g, role)


def test_profiles_do_not_influence_each_other(reasoner: Reasoner) -> None:
    alone = eligible(reasoner, profile("a", "ProductManager", skills=["Coding"]), "a")
    together = profile("a", "ProductManager", skills=["Coding"]) + profile("b", "ProductManager", 9, 9, ["Research"])
    assert eligible(reasoner, together, "a") == alone


def test_a_new_transition_in_the_data_is_inferred_without_code_change() -> None:
    """Requirements are data: add a move from sales manager to CEO, and inference follows."""
    knowledge = bundled.load([Part.ONTOLOGY, Part.KG])
    move = CK.SalesManagerToChiefExecutiveOfficer
    knowledge.add((move, RDF.type, CK.Transition))
    knowledge.add((move, RDFS.label, Literal("sales manager to chief executive officer", lang="en")))
    knowledge.add((move, CK.fromRole, CK.SalesManager))
    knowledge.add((move, CK.toRole, CK.ChiefExecutiveOfficer))
    knowledge.add((move, CK.essentialRequirement, CK.RequiresBusinessAcumen))
    knowledge.add((move, CK.essentialRequirement, CK.RequiresFourYearsInRole))
    reasoner = Reasoner(knowledge)
    g = profile("s", "SalesManager", 4, skills=["BusinessAcumen"]) + profile(
        "t", "SalesManager", 3, skills=["BusinessAcumen"]
    )
    assert eligible(reasoner, g, "s") == {"ChiefExecutiveOfficer"}
    assert eligible(reasoner, g, "t") == set()


def rule_output(g: Graph, knowledge: Graph) -> Graph:
    """The SPARQL rules' output for ``g``, as another tool would compute it from careerkg's rules/ files."""
    data = knowledge + g
    out = Graph()
    for name in bundled.data_files("careerkg.rules"):
        for triple in data.query(bundled.read_text("careerkg.rules", name)):
            out.add(triple)  # type: ignore[arg-type]
    return out


LEADER = ["ComplexProductManagement", "CrossFunctionalLeadership", "ProductStrategy"]
SAMPLE = (
    profile("a", "ProductManager", 5, 3, ["Coding", "Research", "CustomerInsight"])
    + profile("b", "SeniorProductManager", 1, 1, [*LEADER, "TechnicalExpertise", "MarketTrendAnalysis"])
    + profile("c", "VPOfProduct", 0, 0, ["CustomerInteraction", "ValueProposition", "CustomerNeeds"])
    + profile("d", "Founder", 7, 2, ["Coding"])
)


def test_the_exported_document_gives_the_same_answers_in_another_owl2rl_reasoner(reasoner: Reasoner) -> None:
    """reasonable (a Rust OWL 2 RL reasoner) on the exported ontology + profiles + rules' output."""
    reasonable = pytest.importorskip("reasonable")
    document = ontology_document()
    data = document + SAMPLE + rule_output(SAMPLE, document)
    engine = reasonable.PyReasoner()
    engine.from_graph(data)
    theirs = {(str(s), str(o)) for s, p, o in engine.reason() if str(p) == str(CK.eligibleFor)}
    ours = {(str(s), str(o)) for s, o in reasoner.infer(SAMPLE).subject_objects(CK.eligibleFor)}
    assert theirs == ours and len(ours) >= 6


def test_the_exported_rdfxml_gives_the_same_answers_in_a_fresh_owlrl_closure(reasoner: Reasoner) -> None:
    import owlrl

    document = Graph().parse(data=ontology_document().serialize(format="xml"), format="xml")
    data = document + SAMPLE + rule_output(SAMPLE, document)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(data)
    theirs = {(str(s), str(o)) for s, o in data.subject_objects(CK.eligibleFor)}
    ours = {(str(s), str(o)) for s, o in reasoner.infer(SAMPLE).subject_objects(CK.eligibleFor)}
    assert theirs == ours


def test_reasoner_ignores_annotations() -> None:
    axioms = Reasoner().axioms
    assert not list(axioms.triples((None, RDFS.label, None)))
    assert not list(axioms.triples((None, SKOS.definition, None)))
    assert list(axioms.triples((None, OWL.intersectionOf, None)))
    assert (CK.Coding, RDF.type, CK.TechnicalSkill) in axioms

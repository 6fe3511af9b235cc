"""The ontology and the article's knowledge: the public contract of issue #2, term by term."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from careerkg import vocab
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.vocab import CK, DCTERMS, ONTOLOGY_IRI, OWL, PROV, RDF, RDFS, SKOS
from rdflib import Graph, Literal, URIRef

ROLES = [
    "ProductManager", "SeniorProductManager", "DirectorOfProduct", "VPOfProduct", "ProductMarketingManager",
    "SoftwareEngineer", "ITManager", "ChiefOperatingOfficer", "ChiefExecutiveOfficer", "Founder",
    "VentureCapitalist", "SalesManager", "BusinessDevelopmentManager", "StrategyManager",
]  # fmt: skip
SKILLS = [
    "ValueProposition", "CustomerNeeds", "ProductLaunch", "GoToMarket", "MarketingStrategy", "Coding",
    "TechnicalExpertise", "OperationsAtScale", "BusinessAcumen", "Mentoring", "ComplexProductManagement",
    "CrossFunctionalLeadership", "ProductStrategy", "CustomerInteraction", "ProductKnowledge",
    "MarketTrendAnalysis", "Research", "CustomerInsight", "StrategicThinking",
]  # fmt: skip
PM_FAMILY = ["ProductManager", "SeniorProductManager", "DirectorOfProduct", "VPOfProduct"]

# The contract's essential requirements for the moves out of product manager, as (kind, value) pairs.
LATERAL_ESSENTIALS: dict[str, set[tuple[str, str]]] = {
    "ProductMarketingManager": {("skill", "ValueProposition"), ("skill", "CustomerNeeds")},
    "SoftwareEngineer": {("skill", "Coding")},
    "ITManager": {("category", "TechnicalSkill")},
    "ChiefOperatingOfficer": {("skill", "OperationsAtScale")},
    "ChiefExecutiveOfficer": {("skill", "BusinessAcumen")},
    "Founder": {("skill", "Research"), ("skill", "CustomerInsight")},
    "VentureCapitalist": {("skill", "Research"), ("skill", "StrategicThinking")},
    "SalesManager": {("skill", "CustomerInteraction")},
    "BusinessDevelopmentManager": {("skill", "CustomerInteraction")},
    "StrategyManager": {("skill", "ProductStrategy"), ("skill", "MarketTrendAnalysis")},
}
LEADERSHIP = {
    ("skill", "ComplexProductManagement"),
    ("skill", "CrossFunctionalLeadership"),
    ("skill", "ProductStrategy"),
}

ARTICLE_HEADINGS = {
    "Common Career Transitions for Product Managers", "Product Marketing", "Engineering",
    "Leadership and Operations Roles", "From Product Manager to Senior and Beyond",
    "Expanding the Functional Spectrum", "A Multitude of Opportunities",
}  # fmt: skip


def describe(kg: Graph, requirement: URIRef) -> tuple[str, str]:
    """A requirement as (kind, value): ('skill', name), ('category', class) or ('threshold', 'prop>=min')."""
    skill = kg.value(requirement, CK.requiredSkill)
    if skill is not None:
        return ("skill", str(skill).removeprefix(str(CK)))
    category = kg.value(requirement, CK.requiredSkillCategory)
    if category is not None:
        return ("category", str(category).removeprefix(str(CK)))
    prop = kg.value(requirement, CK.thresholdProperty)
    minimum = kg.value(requirement, CK.minimumValue)
    assert isinstance(minimum, Literal)
    return ("threshold", f"{str(prop).removeprefix(str(CK))}>={float(minimum.toPython()):g}")


def transitions(kg: Graph) -> dict[tuple[str, str], URIRef]:
    found = {}
    for t in kg.subjects(RDF.type, CK.Transition):
        key = (str(kg.value(t, CK.fromRole)).removeprefix(str(CK)), str(kg.value(t, CK.toRole)).removeprefix(str(CK)))
        assert key not in found, f"two transitions for {key}"
        assert isinstance(t, URIRef)
        found[key] = t
    return found


def essentials(kg: Graph, t: URIRef) -> set[tuple[str, str]]:
    return {describe(kg, r) for r in kg.objects(t, CK.essentialRequirement) if isinstance(r, URIRef)}


def test_ontology_header_is_complete() -> None:
    g = bundled.load([Part.ONTOLOGY])
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for prop in (OWL.versionIRI, OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.created):
        assert g.value(ONTOLOGY_IRI, prop) is not None, prop
    assert isinstance(g.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)
    assert g.value(ONTOLOGY_IRI, DCTERMS.created).datatype == vocab.XSD.date
    article = g.value(ONTOLOGY_IRI, DCTERMS.source)
    assert isinstance(article, URIRef)
    assert "Career Paths" in str(g.value(article, DCTERMS.title))
    assert str(g.value(article, DCTERMS.publisher)) == "CareerCruise"
    assert g.value(article, DCTERMS.date) == Literal("2025-03-07", datatype=vocab.XSD.date)


def test_every_ck_term_is_declared_labelled_defined_and_attributed(kg: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    terms = {s for kind in kinds for s in kg.subjects(RDF.type, kind) if str(s).startswith(str(CK))}
    used = {t for triple in kg for t in triple if isinstance(t, URIRef) and str(t).startswith(str(CK))}
    assert used <= terms, f"used but not declared: {sorted(used - terms)}"
    for term in sorted(terms):
        labels = [o for o in kg.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        assert labels, f"{term} has no English rdfs:label"
        assert kg.value(term, SKOS.definition) is not None, f"{term} has no skos:definition"
        assert kg.value(term, RDFS.isDefinedBy) is not None, f"{term} has no rdfs:isDefinedBy"


def test_contract_classes_and_properties_exist(kg: Graph) -> None:
    for cls in ("Role", "Skill", "TechnicalSkill", "Transition", "Requirement", "Profile"):
        assert (CK[cls], RDF.type, OWL.Class) in kg
    for prop in ("fromRole", "toRole", "currentRole", "hasSkill", "eligibleFor", "meetsRequirement"):
        assert (CK[prop], RDF.type, OWL.ObjectProperty) in kg
    for prop in ("yearsInRole", "productsManaged"):
        assert (CK[prop], RDF.type, OWL.DatatypeProperty) in kg
    assert kg.value(CK.eligibleFor, RDFS.domain) == CK.Profile
    assert kg.value(CK.eligibleFor, RDFS.range) == CK.Role


def test_contract_roles_and_skills(kg: Graph) -> None:
    assert {str(r).removeprefix(str(CK)) for r in kg.subjects(RDF.type, CK.Role)} == set(ROLES)
    categories = set(kg.subjects(RDFS.subClassOf, CK.Skill))
    assert CK.TechnicalSkill in categories and len(categories) >= 3
    skills = {s for c in categories for s in kg.subjects(RDF.type, c)}
    assert {str(s).removeprefix(str(CK)) for s in skills} == set(SKILLS)
    for skill in skills:
        assert len([c for c in kg.objects(skill, RDF.type) if c in categories]) == 1, f"{skill}: one category"
    assert {s for s in kg.subjects(RDF.type, CK.TechnicalSkill)} == {CK.Coding, CK.TechnicalExpertise}


def test_promotion_to_senior_pm_needs_four_years_and_two_products(kg: Graph) -> None:
    t = transitions(kg)[("ProductManager", "SeniorProductManager")]
    assert essentials(kg, t) == {("threshold", "yearsInRole>=4"), ("threshold", "productsManaged>=2")}


@pytest.mark.parametrize("target", ["DirectorOfProduct", "VPOfProduct"])
def test_senior_pm_moves_up_on_leadership_skills(kg: Graph, target: str) -> None:
    assert essentials(kg, transitions(kg)[("SeniorProductManager", target)]) == LEADERSHIP


@pytest.mark.parametrize("source", PM_FAMILY)
@pytest.mark.parametrize("target", sorted(LATERAL_ESSENTIALS))
def test_lateral_moves_apply_to_every_product_management_role(kg: Graph, source: str, target: str) -> None:
    t = transitions(kg)[(source, target)]
    assert essentials(kg, t) == LATERAL_ESSENTIALS[target]
    if source != "ProductManager":
        original = transitions(kg)[("ProductManager", target)]
        assert kg.value(t, PROV.wasDerivedFrom) == original
        optional = {describe(kg, r) for r in kg.objects(t, CK.optionalRequirement) if isinstance(r, URIRef)}
        assert optional == {
            describe(kg, r) for r in kg.objects(original, CK.optionalRequirement) if isinstance(r, URIRef)
        }


def test_exactly_the_contract_moves_exist(kg: Graph) -> None:
    expected = {("ProductManager", "SeniorProductManager"), ("SeniorProductManager", "DirectorOfProduct"),
                ("SeniorProductManager", "VPOfProduct")}  # fmt: skip
    expected |= {(source, target) for source in PM_FAMILY for target in LATERAL_ESSENTIALS}
    assert set(transitions(kg)) == expected
    assert all(source != target for source, target in expected)


def test_optional_requirements_are_read_from_the_article(kg: Graph) -> None:
    all_t = transitions(kg)
    assert describe(kg, CK.RequiresMentoring) == ("skill", "Mentoring")
    assert CK.RequiresMentoring in set(
        kg.objects(all_t[("ProductManager", "SeniorProductManager")], CK.optionalRequirement)
    )
    pmm = {
        describe(kg, r)[1]
        for r in kg.objects(all_t[("ProductManager", "ProductMarketingManager")], CK.optionalRequirement)
    }
    assert {"GoToMarket", "MarketingStrategy", "ProductLaunch"} <= pmm


def test_every_transition_cites_the_article_and_a_real_section(kg: Graph) -> None:
    article = bundled.load([Part.ONTOLOGY]).value(ONTOLOGY_IRI, DCTERMS.source)
    for t in transitions(kg).values():
        assert kg.value(t, DCTERMS.source) == article
        sections = {str(s) for s in kg.objects(t, CK.articleSection)}
        assert sections and sections <= ARTICLE_HEADINGS, (t, sections)
        assert len(str(kg.value(t, CK.justification))) > 40


def test_section_headings_are_the_articles(article_text: str) -> None:
    lines = {line.strip() for line in article_text.splitlines()}
    assert ARTICLE_HEADINGS <= lines


def test_no_sentence_of_the_article_is_copied(article_text: str, repo_root: Path) -> None:
    """No run of eight words of the article appears in any shipped file (definitions are our own words).

    The article's title is cited, not copied, so it is left out of the comparison."""
    title = str(bundled.load([Part.ONTOLOGY]).value(CK.PMCareerPathsArticle, DCTERMS.title))
    words = re.findall(r"[a-z0-9']+", article_text.lower())
    runs = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    for folder in ("ontology", "rules", "queries"):
        for path in sorted((repo_root / folder).glob("*.*")):
            shipped = path.read_text(encoding="utf-8").replace(title, " ")
            text = " ".join(re.findall(r"[a-z0-9']+", shipped.lower()))
            copied = [run for run in runs if run in text]
            assert not copied, f"{path.name} copies the article: {copied[:3]}"

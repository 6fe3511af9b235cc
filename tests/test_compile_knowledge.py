"""Parity: the fast compilation of knowledge (owlrl over the schema only, requirement axioms compiled straight
into the tables, individuals typed by the compiled rules) derives what the reference compilation (owlrl over
every logical and generated axiom) derives, on careerkg's knowledge, on the bundled second framework and on a
generated pack; knowledge it cannot split is compiled by the reference."""

from __future__ import annotations

import logging
import random
from decimal import Decimal
from pathlib import Path

import pytest
from careerkg.io.packs import read_pack
from careerkg.knowledge.packs import KnowledgeSet
from careerkg.model import Facts
from careerkg.reasoning.backends import CompiledBackend, OwlrlBackend
from careerkg.reasoning.closure import Reasoner
from careerkg.reasoning.compiled import CompiledOntology, compile_knowledge, compile_ontology
from careerkg.vocab import CK, RDF, RDFS
from rdflib import Graph, Literal, URIRef

from benchmarks.knowledge import pack_text

XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


def profiles_over(graph: Graph, n: int, seed: int) -> dict[str, Facts]:
    """``n`` seeded profiles over the roles and skills of ``graph``: every role, any skills, some years."""
    rng = random.Random(seed)
    roles = sorted(str(r) for r in graph.subjects(RDF.type, CK.Role))
    categories = set(graph.transitive_subjects(RDFS.subClassOf, CK.Skill))
    skills = sorted({str(s) for c in categories for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)})
    # the skills moves ask for come up more often than chance would have them, so that moves open
    wanted = sorted({str(s) for s in graph.objects(None, CK.requiredSkill)})
    out: dict[str, Facts] = {}
    for i in range(n):
        facts: Facts = {(str(RDF.type), str(CK.Profile)), (str(CK.currentRole), rng.choice(roles))}
        if rng.random() < 0.8:
            facts.add((str(CK.yearsInRole), Literal(str(Decimal(rng.randint(0, 120)) / 10), datatype=XSD_DECIMAL)))
        for skill in rng.sample(skills, min(len(skills), rng.randint(0, 4))):
            facts.add((str(CK.hasSkill), skill))
        for skill in rng.sample(wanted, min(len(wanted), rng.randint(0, 3))):
            facts.add((str(CK.hasSkill), skill))
        out[f"https://example.org/parity/{seed}/{i}"] = facts
    return out


def both(graph: Graph) -> tuple[CompiledOntology, CompiledOntology, Reasoner]:
    reasoner = Reasoner(graph)
    return compile_knowledge(graph), compile_ontology(reasoner.axioms), reasoner


def derive(ontology: CompiledOntology, reasoner: Reasoner, profiles: dict[str, Facts]) -> dict[str, Facts]:
    return CompiledBackend(ontology, reasoner.rule_inputs.serialize(format="nt"), reasoner.rules).infer(profiles)


def assert_same_derivations(graph: Graph, n: int, seed: int) -> dict[str, Facts]:
    fast, reference, reasoner = both(graph)
    profiles = profiles_over(graph, n, seed)
    found = derive(fast, reasoner, profiles)
    assert found == derive(reference, reasoner, profiles)
    moves = sum(1 for facts in found.values() for p, _ in facts if p == str(CK.eligibleFor))
    assert moves > n // 10, "the sample must open real moves, not only dead ends"
    return found


def named_types(ontology: CompiledOntology) -> dict[object, frozenset[object]]:
    """Each named individual's named classes: what svf rules and the shapes look up."""
    return {
        node: frozenset(c for c in classes if not str(c).startswith("_:"))
        for node, classes in ontology.individual_types.items()
        if not str(node).startswith("_:")
    }


def test_careerkg_knowledge_compiles_alike() -> None:
    graph = KnowledgeSet().graph()
    assert_same_derivations(graph, 1500, seed=3)
    fast, reference, _ = both(graph)
    assert named_types(fast) == named_types(reference)


def test_the_second_framework_compiles_alike(repo_root: Path) -> None:
    graph = KnowledgeSet((read_pack(repo_root / "examples" / "software-ladder.ttl"),)).graph()
    assert_same_derivations(graph, 1500, seed=5)
    fast, reference, _ = both(graph)
    assert named_types(fast) == named_types(reference)


def test_a_generated_pack_compiles_alike(tmp_path: Path) -> None:
    text, counts = pack_text(0.003)
    (tmp_path / "generated.ttl").write_text(text, encoding="utf-8")
    graph = KnowledgeSet((read_pack(tmp_path / "generated.ttl"),), bundled=False).graph()
    found = assert_same_derivations(graph, 800, seed=9)
    assert counts["transitions"] > 50
    moved = {o for facts in found.values() for p, o in facts if p == str(CK.eligibleFor)}
    assert any(str(role).startswith("https://example.org/generated#") for role in moved)


def test_category_requirements_use_types_from_the_individuals_own_statements(tmp_path: Path) -> None:
    """A skill typed only through the range of a property that points at it, and through a subclass chain,
    still meets a category requirement: the individuals are typed by the rules, not only by what is said."""
    pack = tmp_path / "ranges.ttl"
    pack.write_text(
        """\
@prefix ck: <https://w3id.org/careerkg#> .
@prefix ex: <https://example.org/ranges#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Gardening rdfs:subClassOf ex:Outdoors . ex:Outdoors rdfs:subClassOf ck:Skill .
ex:teaches a owl:ObjectProperty ; rdfs:range ex:Gardening .
ex:Course ex:teaches ex:Pruning .
ex:Needs a ck:SkillCategoryRequirement ; ck:requiredSkillCategory ex:Outdoors .
ex:Move a ck:Transition ; ck:fromRole ck:ProductManager ; ck:toRole ex:Gardener ; ck:essentialRequirement ex:Needs .
ex:Gardener a ck:Role .
""",
        encoding="utf-8",
    )
    graph = KnowledgeSet((read_pack(pack),)).graph()
    fast, reference, reasoner = both(graph)
    pruning = "https://example.org/ranges#Pruning"
    assert "https://example.org/ranges#Outdoors" in fast.individual_types[pruning]
    profile = {
        "https://example.org/p": {
            (str(RDF.type), str(CK.Profile)),
            (str(CK.currentRole), str(CK.ProductManager)),
            (str(CK.hasSkill), pruning),
        }
    }
    found = derive(fast, reasoner, profile)
    assert (str(CK.eligibleFor), "https://example.org/ranges#Gardener") in found["https://example.org/p"]
    assert found == derive(reference, reasoner, profile)
    assert found == OwlrlBackend(reasoner.axioms, reasoner.rules).infer(profile)


def test_knowledge_pointing_at_anonymous_nodes_is_compiled_by_the_reference(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pack = tmp_path / "anonymous.ttl"
    pack.write_text(
        """\
@prefix ck: <https://w3id.org/careerkg#> .
@prefix ex: <https://example.org/anonymous#> .
ex:Thing ex:relatedTo [ ex:note ex:Other ] .
""",
        encoding="utf-8",
    )
    graph = KnowledgeSet((read_pack(pack),)).graph()
    with caplog.at_level(logging.DEBUG, logger="careerkg"):
        fast = compile_knowledge(graph)
    assert "anonymous node" in caplog.text
    reference = compile_ontology(Reasoner(graph).axioms)
    assert named_types(fast) == named_types(reference)

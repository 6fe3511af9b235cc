"""Parity: the compiled reasoner, owlrl and reasonable derive the same triples; the compiled validator and
pySHACL report the same violations; the prepared-knowledge cache is keyed by content."""

from __future__ import annotations

import pickle
import random
from decimal import Decimal
from pathlib import Path

import pytest
from careerkg import prepared as prepared_module
from careerkg.engine import Engine
from careerkg.model import Facts, term
from careerkg.prepared import load_prepared, source_key
from careerkg.reasoning.backends import CompiledBackend, OwlrlBackend, ReasonableBackend
from careerkg.reasoning.compiled import UnsupportedOntology, compile_ontology
from careerkg.validation.shacl import validate_profiles
from careerkg.vocab import CK, OWL, RDF
from rdflib import Graph, Literal, URIRef

XSD = "http://www.w3.org/2001/XMLSchema#"
PREPARED = load_prepared()
ENGINE = Engine()
ROLES = sorted(str(r) for r in PREPARED.catalogue.roles)
SKILLS = sorted(str(s) for s in PREPARED.catalogue.skills)
PM_FAMILY = [str(CK[r]) for r in ("ProductManager", "SeniorProductManager", "DirectorOfProduct", "VPOfProduct")]


def generated(n: int, seed: int) -> dict[str, Facts]:
    """n realistic valid profiles (seeded), as fact sets."""
    rng = random.Random(seed)
    out: dict[str, Facts] = {}
    for i in range(n):
        facts: Facts = {(str(RDF.type), str(CK.Profile))}
        facts.add((str(CK.currentRole), rng.choice(PM_FAMILY * 3 + ROLES)))
        if rng.random() < 0.9:
            years = rng.choice([Decimal("4"), Decimal("3.99"), Decimal(rng.randint(0, 150)) / 10])
            facts.add((str(CK.yearsInRole), Literal(str(years), datatype=URIRef(XSD + "decimal"))))
        if rng.random() < 0.8:
            facts.add((str(CK.productsManaged), Literal(rng.choice([0, 1, 2, 2, 3, 5]))))
        for skill in rng.sample(SKILLS, rng.randint(0, 7)):
            facts.add((str(CK.hasSkill), skill))
        out[f"https://example.org/generated/{seed}/{i}"] = facts
    return out


def test_compiled_and_reasonable_agree_on_thousands_of_profiles() -> None:
    profiles = generated(3000, seed=7)
    compiled = ENGINE.backend.infer(profiles)
    assert isinstance(ENGINE.backend, CompiledBackend)
    theirs = ReasonableBackend(ENGINE.reasoner.axioms, list(PREPARED.rules)).infer(profiles)
    assert compiled == theirs
    eligible = sum(1 for facts in compiled.values() for p, _ in facts if p == str(CK.eligibleFor))
    assert eligible > 1000  # the sample exercises real moves, not just dead ends


def test_owlrl_reasonable_and_compiled_agree() -> None:
    profiles = generated(1000, seed=11)
    reference = OwlrlBackend(ENGINE.reasoner.axioms, list(PREPARED.rules)).infer(profiles)
    assert ReasonableBackend(ENGINE.reasoner.axioms, list(PREPARED.rules)).infer(profiles) == reference
    assert ENGINE.backend.infer(profiles) == reference


@pytest.mark.parametrize("reasoner", ["compiled", "owlrl", "reasonable"])
def test_every_backend_answers_the_examples_alike(repo_root: Path, reasoner: str) -> None:
    from careerkg.io.profiles import ProfileInput, read_profiles

    engine = Engine(reasoner)
    profiles = read_profiles(ProfileInput.from_path(repo_root / "examples" / "team.jsonl"), engine.terms)
    found = {a.profile: [str(m.transition.to_role) for m in a.eligible] for a in engine.evaluate(profiles).assessments}
    grace = [CK.DirectorOfProduct, CK.StrategyManager, CK.VPOfProduct]
    linus = [CK.BusinessDevelopmentManager, CK.ProductMarketingManager, CK.SalesManager]
    assert found["https://example.org/people/grace"] == [str(r) for r in grace]
    assert found["https://example.org/people/linus"] == [str(r) for r in linus]


def mutate(facts: Facts, rng: random.Random) -> Facts:
    """A profile broken in one of the ways the shapes forbid (or left valid)."""
    facts = set(facts)
    kind = rng.randrange(10)
    role = str(CK.currentRole)
    if kind == 0:
        facts = {f for f in facts if f[0] != role}
    elif kind == 1:
        facts.add((role, str(CK.Founder)))
    elif kind == 2:
        facts = {f for f in facts if f[0] != role} | {(role, str(CK.Astronaut))}
    elif kind == 3:
        facts = {f for f in facts if f[0] != role} | {(role, Literal("ProductManager"))}
    elif kind == 4:
        facts.add((str(CK.yearsInRole), Literal(-1)))
    elif kind == 5:
        facts.add((str(CK.yearsInRole), Literal("five", datatype=URIRef(XSD + "decimal"))))
    elif kind == 6:
        facts.add((str(CK.productsManaged), Literal("2.5", datatype=URIRef(XSD + "integer"))))
    elif kind == 7:
        facts.add((str(CK.hasSkill), str(CK.Juggling)))
    elif kind == 8:
        facts.add((str(CK.hasSkill), str(CK.TechnicalSkill)))
    return facts


def test_compiled_validator_and_pyshacl_report_the_same_violations() -> None:
    rng = random.Random(3)
    profiles = {s: mutate(f, rng) for s, f in generated(400, seed=5).items()}
    graph = Graph()
    for subject, facts in profiles.items():
        for p, o in facts:
            graph.add((URIRef(subject), URIRef(p), o if isinstance(o, Literal) else URIRef(o)))
    reference = {(v.focus, v.path, v.value, v.message) for v in validate_profiles(graph).violations}
    assert PREPARED.shapes is not None
    compiled = {
        (v.focus, v.path, v.value, v.message) for s, f in profiles.items() for v in PREPARED.shapes.validate(s, f)
    }
    assert compiled == reference
    assert len({v[0] for v in reference}) > 200  # most of the sample is broken somehow


def test_types_asserted_in_the_input_count_for_sh_class() -> None:
    """An input that declares its own role is judged as pySHACL judges it (the role becomes a ck:Role)."""
    facts = {(str(CK.currentRole), "https://example.org/roles/Astronaut")}
    assert PREPARED.shapes is not None
    assert PREPARED.shapes.validate("https://example.org/x", facts)
    others = {"https://example.org/roles/Astronaut": {str(CK.Role)}}
    assert not PREPARED.shapes.validate("https://example.org/x", facts, others)


def test_unsupported_constructs_are_refused_not_misread() -> None:
    axioms = Graph()
    axioms.add((CK.knows, RDF.type, OWL.TransitiveProperty))
    with pytest.raises(UnsupportedOntology, match="TransitiveProperty"):
        compile_ontology(axioms)


def test_cache_key_follows_the_content(monkeypatch: pytest.MonkeyPatch) -> None:
    key = source_key()
    original = prepared_module.bundled.read_text

    def edited(package: str, name: str) -> str:
        text = original(package, name)
        return text + "\n# edited\n" if name == "knowledge.ttl" else text

    monkeypatch.setattr(prepared_module.bundled, "read_text", edited)
    assert source_key() != key


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERKG_CACHE_DIR", str(tmp_path))
    first = load_prepared()
    (cached,) = tmp_path.glob("prepared-*.pickle")
    cached.write_bytes(b"not a pickle")
    again = load_prepared()
    assert again.key == first.key and again.catalogue.roles == first.catalogue.roles
    assert isinstance(pickle.loads(cached.read_bytes()), prepared_module.Prepared)


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERKG_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert load_prepared().ontology is not None
    assert not list(tmp_path.rglob("*.pickle"))


def test_terms_are_plain_strings_for_iris() -> None:
    assert type(term(CK.Coding)) is str and term(Literal(3)) == Literal(3)

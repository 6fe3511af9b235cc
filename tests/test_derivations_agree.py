"""Two independent derivations of eligibility agree: OWL 2 RL inference and the SPARQL query in queries/.

The query reads the requirement data directly (no reasoner, no generated axioms), so agreement on the
examples and on generated profiles checks the axiom generator, the rules and the closure together.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from careerkg.io.profiles import ProfileInput, read_profiles
from careerkg.knowledge import bundled
from careerkg.knowledge.graphs import knowledge_graph
from careerkg.knowledge.names import TermIndex
from careerkg.reasoning.closure import Reasoner
from careerkg.vocab import CK, RDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

KNOWLEDGE = knowledge_graph(axioms=False)
REASONER = Reasoner(KNOWLEDGE)
QUERY = bundled.read_text("careerkg.queries", "eligible.rq")
ROLES = sorted(str(r).removeprefix(str(CK)) for r in KNOWLEDGE.subjects(RDF.type, CK.Role))
SKILLS = sorted(str(s).removeprefix(str(CK)) for c in KNOWLEDGE.subjects(None, CK.Skill)
                for s in KNOWLEDGE.subjects(RDF.type, c))  # fmt: skip
PM_FAMILY = ["ProductManager", "SeniorProductManager", "DirectorOfProduct", "VPOfProduct"]


def by_inference(profiles: Graph) -> set[tuple[str, str]]:
    return {(str(s), str(o)) for s, o in REASONER.infer(profiles).subject_objects(CK.eligibleFor)}


def by_query(profiles: Graph) -> set[tuple[str, str]]:
    return {(str(row.profile), str(row.role)) for row in (KNOWLEDGE + profiles).query(QUERY)}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["ada.json", "ada.ttl", "team.jsonl", "team.ttl"])
def test_agree_on_the_examples(repo_root: Path, name: str) -> None:
    profiles = read_profiles(
        ProfileInput.from_path(repo_root / "examples" / name), TermIndex.from_graph(KNOWLEDGE)
    ).graph
    assert by_inference(profiles) == by_query(profiles)
    assert by_query(profiles)  # the examples are not all dead ends


profile_strategy = st.fixed_dictionaries(
    {
        "role": st.one_of(st.sampled_from(PM_FAMILY), st.sampled_from(ROLES)),
        "years": st.one_of(st.none(), st.sampled_from([0, 3, 3.99, 4, 4.0, 4.01, 12]),
                           st.decimals(min_value=0, max_value=40, places=2)),
        "products": st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
        "skills": st.sets(st.sampled_from(SKILLS), max_size=8),
    }
)  # fmt: skip


def as_graph(records: list[dict[str, object]]) -> Graph:
    g = Graph()
    for i, r in enumerate(records):
        p = URIRef(f"https://example.org/generated/{i}")
        g.add((p, RDF.type, CK.Profile))
        g.add((p, CK.currentRole, CK[str(r["role"])]))
        if r["years"] is not None:
            g.add((p, CK.yearsInRole, Literal(str(Decimal(str(r["years"]))), datatype=XSD_DECIMAL)))
        if r["products"] is not None:
            g.add((p, CK.productsManaged, Literal(int(r["products"]))))  # type: ignore[call-overload]
        for s in r["skills"]:  # type: ignore[attr-defined]
            g.add((p, CK.hasSkill, CK[s]))
    return g


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profile_strategy, min_size=1, max_size=25))
def test_agree_on_generated_profiles(records: list[dict[str, object]]) -> None:
    profiles = as_graph(records)
    inferred = by_inference(profiles)
    assert inferred == by_query(profiles)
    for s, role in inferred:  # and never the role held now
        assert (URIRef(s), CK.currentRole, URIRef(role)) not in profiles

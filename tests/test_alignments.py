"""Alignments: each role mapped to ESCO v1.2, ISCO-08 and O*NET-SOC with honest SKOS mapping properties."""

from __future__ import annotations

from careerkg import vocab
from careerkg.vocab import CK, RDF, SKOS
from rdflib import Graph, URIRef

ESCO = "http://data.europa.eu/esco/occupation/"
ISCO = "http://data.europa.eu/esco/isco/C"
ONET = "https://www.onetonline.org/link/summary/"
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)

# The ESCO v1.2 occupations and ISCO-08 groups careerkg may cite (issue #2); nothing else is invented.
KNOWN_ESCO = {
    "9f508305-80ce-4111-8722-f2c9b4a44890": "1223", "8a0afc76-4a09-449a-9e7b-a33495889f95": "1223",
    "6fcf4638-e7c7-4978-9302-9a7b63a3d57c": "1221", "f2b15a0e-e65a-438a-affb-29b9d50b77d1": "2512",
    "f0ca39a8-1e30-487c-95f9-ef2d5e734adc": "1330", "82f90e87-de92-4678-adae-61d3e5f7e1e4": "1330",
    "c64a6e4e-5b38-4f93-b26d-aded817aeaf3": "1120", "6c3fd65e-2d24-47d8-bc22-9e93512bdcc2": "1120",
    "659b0ffd-337c-4a1f-82e3-2730812279de": "2412", "a7594892-ff23-4e2a-aedf-2f967ebca15c": "1221",
    "57b459d4-655c-4053-b189-3c249ce33faf": "2434", "4f49df98-98b8-4a9e-98ad-9c5557817eba": "1213",
    "73b10c97-b003-45dc-a36d-c1d585c04be1": "1120",
}  # fmt: skip
KNOWN_ONET = {"11-2021.00", "15-1252.00", "11-3021.00", "11-1011.00", "11-1021.00", "11-2022.00", "13-1111.00",
              "11-3031.03"}  # fmt: skip


def mapped(kg: Graph, role: URIRef, prefix: str) -> dict[URIRef, URIRef]:
    """The role's mapping targets under ``prefix`` -> the SKOS property used."""
    found: dict[URIRef, URIRef] = {}
    for prop in MAPPINGS:
        for target in kg.objects(role, prop):
            if str(target).startswith(prefix):
                assert target not in found, f"{role} maps to {target} twice"
                assert isinstance(target, URIRef)
                found[target] = prop
    return found


def test_every_role_maps_to_one_known_esco_occupation_and_its_isco_group(kg: Graph) -> None:
    for role in kg.subjects(RDF.type, CK.Role):
        assert isinstance(role, URIRef)
        esco = mapped(kg, role, ESCO)
        assert esco, f"{role} has no ESCO mapping"
        uuids = {str(t).removeprefix(ESCO) for t in esco}
        assert uuids <= set(KNOWN_ESCO), f"{role}: unknown ESCO IRIs {uuids - set(KNOWN_ESCO)}"
        isco = {str(t).removeprefix(ISCO) for t in mapped(kg, role, ISCO)}
        assert len(isco) == 1, f"{role} needs exactly one ISCO-08 group, has {isco}"
        assert isco & {KNOWN_ESCO[u] for u in uuids}, f"{role}: ISCO group {isco} is not its ESCO occupation's"
        assert (role, vocab.SDO.occupationalCategory, URIRef(ISCO + isco.pop())) in kg
        assert (role, RDF.type, vocab.SDO.Occupation) in kg


def test_o_net_codes_are_real_and_mapped_where_one_fits(kg: Graph) -> None:
    for role in kg.subjects(RDF.type, CK.Role):
        assert isinstance(role, URIRef)
        codes = {str(t).removeprefix(ONET) for t in mapped(kg, role, ONET)}
        assert codes <= KNOWN_ONET
    assert mapped(kg, CK.SoftwareEngineer, ONET) == {URIRef(ONET + "15-1252.00"): SKOS.closeMatch}
    assert mapped(kg, CK.ProductManager, ONET) == {URIRef(ONET + "11-2021.00"): SKOS.broadMatch}


def test_no_exact_match_where_esco_lacks_the_role(kg: Graph) -> None:
    """ESCO has no founder and no seniority levels: those roles get broad or related matches, with a note."""
    for role in (CK.Founder, CK.SeniorProductManager, CK.DirectorOfProduct):
        props = set(mapped(kg, role, ESCO).values()) | set(mapped(kg, role, ISCO).values())
        assert SKOS.exactMatch not in props and SKOS.closeMatch not in props, role
        assert kg.value(role, SKOS.editorialNote) is not None
    assert mapped(kg, CK.Founder, ESCO) == {URIRef(ESCO + "73b10c97-b003-45dc-a36d-c1d585c04be1"): SKOS.relatedMatch}
    assert mapped(kg, CK.ProductManager, ESCO) == {
        URIRef(ESCO + "9f508305-80ce-4111-8722-f2c9b4a44890"): SKOS.exactMatch
    }


def test_isco_groups_are_broader_than_the_roles(kg: Graph) -> None:
    for role in kg.subjects(RDF.type, CK.Role):
        assert isinstance(role, URIRef)
        if role != CK.Founder:
            assert set(mapped(kg, role, ISCO).values()) == {SKOS.broadMatch}, role


def test_external_concepts_are_labelled_for_display(kg: Graph) -> None:
    for prop in MAPPINGS:
        for target in kg.objects(None, prop):
            assert kg.value(target, SKOS.prefLabel) is not None, target

"""How terms are named where people read them: a knowledge pack's terms by the prefix the pack declares
(``acme:SeniorDataAnalyst``), careerkg's by ``ck:``, through the installed command and the Python API; the
career map keeps a pack role apart from careerkg's role of the same local name; a move stated twice names
the other statement; and the loaded packs can be exported on their own."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import careerkg
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

RunExe = Callable[..., subprocess.CompletedProcess[str]]
ACME = "https://example.net/acme-data#"
CK = "https://w3id.org/careerkg#"

HEAD = """\
@prefix ck: <https://w3id.org/careerkg#> .
@prefix acme: <https://example.net/acme-data#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

acme: a owl:Ontology ; dcterms:title "Acme data ladder"@en ; owl:versionInfo "1.0" .
acme:Handbook dcterms:title "Acme data handbook" .
acme:SQL a owl:NamedIndividual , ck:TechnicalSkill ;
    rdfs:label "SQL"@en ; skos:definition "Querying relational data."@en .
acme:RequiresSQL a owl:NamedIndividual , ck:SkillRequirement ;
    rdfs:label "skill: SQL"@en ; skos:definition "Met by a profile with SQL."@en ; ck:requiredSkill acme:SQL .
"""

PACK = (
    HEAD
    + """
acme:DataAnalyst a owl:NamedIndividual , ck:Role ;
    rdfs:label "data analyst"@en ; skos:definition "Answers questions with data."@en .
acme:SeniorDataAnalyst a owl:NamedIndividual , ck:Role ;
    rdfs:label "senior data analyst"@en ; skos:definition "Leads the analyses of a team."@en .
acme:Storytelling a owl:NamedIndividual , ck:BusinessSkill ;
    rdfs:label "data storytelling"@en ; skos:definition "Explaining what the data shows."@en .
acme:DataAnalystToSeniorDataAnalyst a owl:NamedIndividual , ck:Transition ;
    rdfs:label "data analyst to senior data analyst"@en ; skos:definition "The move up the data ladder."@en ;
    ck:fromRole acme:DataAnalyst ; ck:toRole acme:SeniorDataAnalyst ; ck:essentialRequirement acme:RequiresSQL ;
    dcterms:source acme:Handbook ; ck:articleSection "Growing as an analyst"@en ;
    ck:justification "The handbook asks senior analysts to write their own queries."@en .
acme:ProductManagerToDataAnalyst a owl:NamedIndividual , ck:Transition ;
    rdfs:label "product manager to data analyst"@en ; skos:definition "From product to data."@en ;
    ck:fromRole ck:ProductManager ; ck:toRole acme:DataAnalyst ; ck:essentialRequirement acme:RequiresSQL ;
    dcterms:source acme:Handbook ; ck:articleSection "Joining the data team"@en ;
    ck:justification "The handbook opens the data team to product managers who know SQL."@en .
"""
)

#: A pack role with careerkg's local name: acme:ProductManager beside ck:ProductManager.
CLASH = (
    HEAD
    + """
acme:ProductManager a owl:NamedIndividual , ck:Role ;
    rdfs:label "acme product manager"@en ; skos:definition "Acme's own kind of product manager."@en .
acme:SeniorDataAnalyst a owl:NamedIndividual , ck:Role ;
    rdfs:label "senior data analyst"@en ; skos:definition "Leads the analyses of a team."@en .
acme:ProductManagerToAcmeProductManager a owl:NamedIndividual , ck:Transition ;
    rdfs:label "product manager to acme product manager"@en ; skos:definition "Into Acme's role."@en ;
    ck:fromRole ck:ProductManager ; ck:toRole acme:ProductManager ;
    dcterms:source acme:Handbook ; ck:articleSection "Product at Acme"@en ; ck:justification "Same job."@en .
acme:AcmeProductManagerToSeniorDataAnalyst a owl:NamedIndividual , ck:Transition ;
    rdfs:label "acme product manager to senior data analyst"@en ; skos:definition "Into data."@en ;
    ck:fromRole acme:ProductManager ; ck:toRole acme:SeniorDataAnalyst ; ck:essentialRequirement acme:RequiresSQL ;
    dcterms:source acme:Handbook ; ck:articleSection "Joining the data team"@en ; ck:justification "SQL."@en .
"""
)

AGAIN = """
acme:StatedAgain a owl:NamedIndividual , ck:Transition ;
    rdfs:label "data analyst to senior data analyst, again"@en ; skos:definition "The same move."@en ;
    ck:fromRole acme:DataAnalyst ; ck:toRole acme:SeniorDataAnalyst ;
    dcterms:source acme:Handbook ; ck:articleSection "Growing as an analyst"@en ; ck:justification "Again."@en .
"""

ANALYST = {"@id": "https://example.org/people/ana", "currentRole": "data analyst", "skills": ["SQL"]}
PM = {"@id": "https://example.org/people/pat", "currentRole": "ProductManager", "yearsInRole": 3,
      "skills": ["SQL", "Coding"]}  # fmt: skip


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    return write(tmp_path, "acme.ttl", PACK)


def no_acme_iri(text: str) -> None:
    assert ACME not in text, text


# -- text outputs ------------------------------------------------------------------------------------------


def test_eligible_text_names_pack_terms_by_the_packs_prefix(run_exe: RunExe, pack: Path) -> None:
    done = run_exe("--knowledge", str(pack), "eligible", "--explain", "-", input=json.dumps(ANALYST))
    assert done.returncode == 0, done.stderr
    assert "-> senior data analyst (acme:SeniorDataAnalyst) via acme:DataAnalystToSeniorDataAnalyst" in done.stdout
    no_acme_iri(done.stdout)
    mixed = run_exe("--knowledge", str(pack), "eligible", "-", input=json.dumps(PM))
    assert mixed.returncode == 0, mixed.stderr
    assert "(acme:DataAnalyst) via acme:ProductManagerToDataAnalyst" in mixed.stdout
    assert re.search(r"\(ck:\w+\) via ck:ProductManagerTo\w+", mixed.stdout), mixed.stdout  # careerkg's stay ck:
    no_acme_iri(mixed.stdout)
    # the machine formats keep full IRIs
    as_json = run_exe("--knowledge", str(pack), "eligible", "--format", "json", "-", input=json.dumps(ANALYST))
    assert [e["role"] for e in json.loads(as_json.stdout)[0]["eligible"]] == [ACME + "SeniorDataAnalyst"]


def test_eligible_text_from_a_store_names_pack_terms_the_same_way(run_exe: RunExe, pack: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    added = run_exe("--knowledge", str(pack), "eligible", "--store", store, "-", input=json.dumps(ANALYST))
    assert added.returncode == 0, added.stderr
    everyone = run_exe("--knowledge", str(pack), "eligible", "--store", store)
    assert everyone.returncode == 0, everyone.stderr
    for done in (added, everyone):
        assert "(acme:SeniorDataAnalyst) via acme:DataAnalystToSeniorDataAnalyst" in done.stdout
        no_acme_iri(done.stdout)


def test_path_names_each_move_by_the_packs_prefix(run_exe: RunExe, pack: Path) -> None:
    done = run_exe("--knowledge", str(pack), "path", "ck:ProductManager", "acme:SeniorDataAnalyst")
    assert done.returncode == 0, done.stderr
    assert "product manager -> data analyst (acme:ProductManagerToDataAnalyst; section: Joining" in done.stdout
    assert "data analyst -> senior data analyst (acme:DataAnalystToSeniorDataAnalyst; section: Growing" in done.stdout
    no_acme_iri(done.stdout)


def test_roles_and_skills_name_pack_terms_by_the_packs_prefix(run_exe: RunExe, pack: Path) -> None:
    roles = run_exe("--knowledge", str(pack), "roles")
    assert roles.returncode == 0, roles.stderr
    first = {line.split()[0] for line in roles.stdout.splitlines()[2:]}
    assert {"acme:DataAnalyst", "acme:SeniorDataAnalyst", "ck:ProductManager"} <= first
    no_acme_iri(roles.stdout)
    skills = run_exe("--knowledge", str(pack), "skills", "--format", "csv")
    assert skills.returncode == 0, skills.stderr
    assert "acme:SQL,SQL,technical skill,2,0" in skills.stdout.splitlines()
    assert "acme:Storytelling,data storytelling,business skill,0,0" in skills.stdout.splitlines()
    assert "ck:Coding," in skills.stdout
    no_acme_iri(skills.stdout)


def test_knowledge_check_summarises_with_the_packs_prefix(run_exe: RunExe, pack: Path) -> None:
    done = run_exe("knowledge", "check", str(pack))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{pack}: 2 roles, 2 skills, 2 transitions",
        "  roles with no move out: acme:SeniorDataAnalyst",
        "  skills no requirement uses: acme:Storytelling",
    ]
    as_json = run_exe("knowledge", "check", "--format", "json", str(pack))  # programs still get IRIs
    assert json.loads(as_json.stdout)["packs"][0]["rolesWithoutMovesOut"] == [ACME + "SeniorDataAnalyst"]


# -- the Python API ----------------------------------------------------------------------------------------


def test_the_catalogue_carries_the_prefixes_its_terms_use(pack: Path) -> None:
    engine = careerkg.Engine(knowledge=[pack])
    catalogue = engine.catalogue
    # only the namespaces the roles, skills, requirements and moves are in (not rdfs:, skos:, dcterms: ...)
    assert catalogue.prefixes == {"ck": CK, "acme": ACME}
    assert catalogue.curie(URIRef(ACME + "SeniorDataAnalyst")) == "acme:SeniorDataAnalyst"
    assert catalogue.curie(CK + "ProductManager") == "ck:ProductManager"
    assert catalogue.curie("https://example.org/elsewhere#Thing") == "https://example.org/elsewhere#Thing"
    assert careerkg.Engine().catalogue.prefixes == {"ck": CK}
    # a message of the library names the pack's role as the command line shows it
    (report,) = engine.gaps(ANALYST | {"currentRole": "ProductManager"}, target=ACME + "SeniorDataAnalyst")
    assert report.note is not None and "acme:SeniorDataAnalyst" in report.note, report.note


def test_careerkgs_prefix_wins_a_clash(tmp_path: Path, run_exe: RunExe) -> None:
    """A pack that calls its own namespace ``ck:`` (and careerkg's something else) does not rename careerkg's
    terms: they stay ``ck:``, and the pack's namespace, with no prefix of its own, is shown whole."""
    text = PACK.replace("ck:", "\0").replace("acme:", "ck:").replace("\0", "kg:")
    assert "@prefix kg: <https://w3id.org/careerkg#>" in text and "@prefix ck: <https://example.net/acme-data#>" in text
    path = write(tmp_path, "clash.ttl", text)
    engine = careerkg.Engine(knowledge=[path])
    assert engine.catalogue.prefixes == {"ck": CK}
    assert engine.catalogue.curie(CK + "ProductManager") == "ck:ProductManager"
    assert engine.catalogue.curie(ACME + "DataAnalyst") == ACME + "DataAnalyst"
    done = run_exe("--knowledge", str(path), "eligible", "-", input=json.dumps(PM))
    assert done.returncode == 0, done.stderr
    assert f"({ACME}DataAnalyst) via {ACME}ProductManagerToDataAnalyst" in done.stdout, done.stdout
    assert re.search(r"\(ck:\w+\) via ck:ProductManagerTo\w+", done.stdout), done.stdout


# -- the career map ----------------------------------------------------------------------------------------


def _mermaid_nodes(text: str) -> dict[str, str]:
    return dict(re.findall(r'^    (\w+)\["([^"]*)"\]$', text, re.M))


def _mermaid_edges(text: str) -> set[tuple[str, str]]:
    return set(re.findall(r"^    (\w+) (?:-->|==>) (\w+)$", text, re.M))


def test_a_pack_role_named_as_careerkgs_is_a_node_of_its_own(run_exe: RunExe, tmp_path: Path) -> None:
    clash = write(tmp_path, "clash.ttl", CLASH)
    plain = run_exe("graph")
    done = run_exe("--knowledge", str(clash), "graph")
    assert done.returncode == 0, done.stderr
    nodes = _mermaid_nodes(done.stdout)
    assert nodes["ProductManager"] == "product manager"  # careerkg's role keeps its id
    assert nodes["acme_ProductManager"] == "acme product manager"
    assert nodes["acme_SeniorDataAnalyst"] == "senior data analyst"
    node_lines = re.findall(r"^    (\w+)\[", done.stdout, re.M)
    assert len(node_lines) == len(set(node_lines)) == len(_mermaid_nodes(plain.stdout)) + 2  # one node per role
    edges = _mermaid_edges(done.stdout)
    assert edges - _mermaid_edges(plain.stdout) == {
        ("ProductManager", "acme_ProductManager"),
        ("acme_ProductManager", "acme_SeniorDataAnalyst"),
    }
    assert _mermaid_edges(plain.stdout) <= edges  # careerkg's moves are drawn as before
    as_dot = run_exe("--knowledge", str(clash), "graph", "--format", "dot")
    assert as_dot.returncode == 0, as_dot.stderr
    assert '  ProductManager [label="product manager", fillcolor="white"];' in as_dot.stdout
    assert '  acme_ProductManager [label="acme product manager", fillcolor="white"];' in as_dot.stdout
    assert "  ProductManager -> acme_ProductManager;" in as_dot.stdout
    assert "  acme_ProductManager -> acme_SeniorDataAnalyst;" in as_dot.stdout
    assert "  ProductManager -> acme_SeniorDataAnalyst;" not in as_dot.stdout
    # with a profile in careerkg's product manager role, only careerkg's node is its current role
    profile = write(tmp_path, "pat.json", json.dumps(PM))
    marked = run_exe("--knowledge", str(clash), "graph", "--profile", str(profile))
    assert marked.returncode == 0, marked.stderr
    assert "    class ProductManager current" in marked.stdout
    assert "    ProductManager ==> acme_ProductManager" in marked.stdout


def test_a_clash_with_no_prefix_to_tell_them_apart_is_numbered(run_exe: RunExe, tmp_path: Path) -> None:
    """A pack in N-Triples declares no prefix: its role is named by its local name, and one careerkg's role
    has already is numbered, the same on every run."""
    path = tmp_path / "clash.nt"
    Graph().parse(data=CLASH, format="turtle").serialize(path, format="nt", encoding="utf-8")
    first = run_exe("--knowledge", str(path), "graph")
    assert first.returncode == 0, first.stderr
    nodes = _mermaid_nodes(first.stdout)
    assert nodes["ProductManager"] == "product manager" and nodes["ProductManager_2"] == "acme product manager"
    assert {("ProductManager", "ProductManager_2"), ("ProductManager_2", "SeniorDataAnalyst")} <= _mermaid_edges(
        first.stdout
    )
    assert run_exe("--knowledge", str(path), "graph").stdout == first.stdout


# -- a move stated twice -----------------------------------------------------------------------------------


def test_a_move_stated_twice_names_the_other_statement(run_exe: RunExe, tmp_path: Path) -> None:
    path = write(tmp_path, "twice.ttl", PACK + AGAIN)
    message = "Two transitions share this from role and to role; each move may be stated once."
    expected = [
        f"{path}: acme:DataAnalystToSeniorDataAnalyst: {message} (acme:StatedAgain)",
        f"{path}: acme:StatedAgain: {message} (acme:DataAnalystToSeniorDataAnalyst)",
    ]
    done = run_exe("knowledge", "check", str(path))
    assert done.returncode == 1
    assert sorted(line.removeprefix("Error: ") for line in done.stderr.splitlines()) == expected
    with pytest.raises(careerkg.InvalidKnowledgeError) as info:
        careerkg.Engine(knowledge=[path]).eligible(ANALYST)
    assert sorted(info.value.problems) == expected


# -- exporting the packs -----------------------------------------------------------------------------------


def test_export_part_packs_gives_what_the_packs_state(run_exe: RunExe, pack: Path, tmp_path: Path) -> None:
    other = write(tmp_path, "other.ttl", PACK.replace(ACME, "https://example.net/other#").replace("acme", "other"))
    done = run_exe("--knowledge", str(pack), "--knowledge", str(other), "export", "--part", "packs")
    assert done.returncode == 0, done.stderr
    assert "@prefix acme: <https://example.net/acme-data#> ." in done.stdout
    assert "@prefix other: <https://example.net/other#> ." in done.stdout
    exported = Graph().parse(data=done.stdout, format="turtle")
    both = Graph().parse(pack, format="turtle").parse(other, format="turtle")
    assert isomorphic(exported, both)  # the packs' statements, and nothing of careerkg's own
    as_nt = run_exe("--knowledge", str(pack), "export", "--part", "packs", "--format", "nt")
    assert isomorphic(Graph().parse(data=as_nt.stdout, format="nt"), Graph().parse(pack, format="turtle"))
    # kg is the article's knowledge alone; all has everything, the packs included
    kg = run_exe("--knowledge", str(pack), "export", "--part", "kg", "--format", "nt")
    assert ACME not in kg.stdout and f"<{CK}ProductManager>" in kg.stdout
    everything = Graph().parse(data=run_exe("--knowledge", str(pack), "export").stdout, format="turtle")
    assert all(triple in everything for triple in Graph().parse(pack, format="turtle") if not _header(triple))
    assert "packs:" in run_exe("export", "--help").stdout
    alone = run_exe("export", "--part", "packs")
    assert alone.returncode == 2 and "--knowledge" in alone.stderr and "Traceback" not in alone.stderr


def _header(triple: tuple[object, object, object]) -> bool:
    """A statement of a pack's ontology header: one document has one header, careerkg's."""
    return str(triple[0]) == ACME

"""careerkg's files as other tools load them, as they are: the XML catalog (the OWL API, offline), the
generated requirement axioms (a reasoner over the raw files), distinct document IRIs, the SHACL-Core
profile shapes (a JavaScript validator) and normalised profile JSON (a JSON-LD processor).

The Java tests need Java and the OWL API (Debian's libowlapi-java); the JavaScript ones need Node.js and the
packages of tests/js (`npm ci` there, which .ci/run does). Where they are missing the tests skip locally and
fail under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from careerkg import Engine
from careerkg.io.normalise import normalise, normalised_text
from careerkg.io.profiles import ProfileInput
from careerkg.knowledge import bundled
from careerkg.knowledge.axioms import AXIOMS_IRI
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.graphs import (
    RELEASE_VERSION_IRI,
    knowledge_graph,
    ontology_document,
    requirement_axioms_document,
)
from careerkg.vocab import CK, ONTOLOGY_IRI, OWL, RDF, SH
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

Run = Callable[..., subprocess.CompletedProcess[str]]

CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
#: The OWL documents of ontology/ (the shapes files are SHACL, read by SHACL tools, and import nothing).
OWL_FILES = ("careerkg.ttl", "knowledge.ttl", "alignments.ttl", "requirement-axioms.ttl")
REGENERATE = "careerkg export --part axioms -o ontology/requirement-axioms.ttl"


def needed(reason: str) -> None:
    """Skip for a missing tool, except under CI, where every tool is installed and a skip would hide a gap."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def catalog_entries(repo_root: Path) -> dict[str, str]:
    root = ET.parse(repo_root / "ontology" / "catalog-v001.xml").getroot()
    assert root.tag == f"{CATALOG_NS}catalog"
    return {entry.attrib["name"]: entry.attrib["uri"] for entry in root.iter(f"{CATALOG_NS}uri")}


# -- the catalog ------------------------------------------------------------------------------------------------


def test_catalog_maps_every_import_to_the_file_that_declares_it(repo_root: Path) -> None:
    entries = catalog_entries(repo_root)
    imports: set[str] = set()
    for path in sorted((repo_root / "ontology").glob("*.ttl")):
        imports |= {str(iri) for iri in Graph().parse(path, format="turtle").objects(None, OWL.imports)}
    assert imports == {str(ONTOLOGY_IRI), "https://w3id.org/careerkg/kg"}
    assert imports <= set(entries), sorted(imports - set(entries))
    for name, file in entries.items():
        document = Graph().parse(repo_root / "ontology" / file, format="turtle")
        declared = {str(o) for o in document.subjects(RDF.type, OWL.Ontology)}
        declared |= {str(v) for v in document.objects(None, OWL.versionIRI)}
        assert name in declared, f"{file} does not declare {name}"
    assert set(entries.values()) == set(OWL_FILES)  # the generated axioms are listed too


JARS = Path("/usr/share/java")
CLASSPATH_JARS = [
    "owlapi-distribution", "guava", "slf4j-api", "slf4j-nop", "commons-rdf-api", "caffeine", "hppcrt",
    "jsr305", "atinject-jsr330-api", "commons-io", "commons-codec", "xz", "jackson-core", "jackson-databind",
    "jackson-annotations",
]  # fmt: skip


@pytest.fixture(scope="module")
def catalog_load(repo_root: Path) -> list[str]:
    """The command that runs tests/owlapi/CatalogLoad.java (as tests/test_owl_profiles.py runs its checker)."""
    java = shutil.which("java")
    jars = [JARS / f"{name}.jar" for name in CLASSPATH_JARS]
    jars += sorted(p for p in JARS.glob("rdf4j-*.jar") if not p.stem.split("-")[-1][:1].isdigit())
    missing = [str(j) for j in jars if not j.is_file()]
    if java is None or missing:
        what = "java" if java is None else ", ".join(missing[:3])
        needed(f"needs Java and the OWL API (apt-get install default-jdk-headless libowlapi-java); missing: {what}")
    assert java is not None
    return [java, "-cp", os.pathsep.join(map(str, jars)), str(repo_root / "tests" / "owlapi" / "CatalogLoad.java")]


@pytest.mark.owlapi
def test_owlapi_loads_each_raw_file_with_its_imports_through_the_catalog(
    catalog_load: list[str], repo_root: Path
) -> None:
    """As Protégé does with catalog-v001.xml: every import resolved to a file in ontology/, nothing fetched."""
    folder = repo_root / "ontology"
    result = subprocess.run(
        [*catalog_load, str(folder / "catalog-v001.xml"), *(str(folder / f) for f in OWL_FILES)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    expected = {"careerkg.ttl": 0, "knowledge.ttl": 1, "alignments.ttl": 2, "requirement-axioms.ttl": 2}
    for file, imports in expected.items():
        line = next(line for line in result.stdout.splitlines() if line.startswith(str(folder / file)))
        assert f"{imports} imports resolved" in line, line
        axioms = int(line.split(" imports resolved, ", 1)[1].split()[0])
        assert axioms > 100, line
    # every ontology of every closure came from a local file
    sources = [line.split(" <- ", 1)[1] for line in result.stdout.splitlines() if " <- " in line]
    assert sources and all(s.startswith("file:") and s.removeprefix("file:").startswith(str(folder)) for s in sources)


@pytest.mark.owlapi
def test_owlapi_reports_an_import_the_catalog_lacks(catalog_load: list[str], repo_root: Path, tmp_path: Path) -> None:
    """Control: without the catalog's entry the import is missing (and is not fetched)."""
    catalog = tmp_path / "catalog-v001.xml"
    catalog.write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        f'<uri name="https://w3id.org/careerkg" uri="{repo_root / "ontology" / "careerkg.ttl"}"/></catalog>',
        encoding="utf-8",
    )
    result = subprocess.run(
        [*catalog_load, str(catalog), str(repo_root / "ontology" / "alignments.ttl")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "missing import" in result.stderr


# -- the requirement axioms as a file of their own ----------------------------------------------------------------


def test_shipped_requirement_axioms_are_current(repo_root: Path) -> None:
    shipped = Graph().parse(repo_root / "ontology" / "requirement-axioms.ttl", format="turtle")
    assert isomorphic(shipped, requirement_axioms_document()), (
        f"ontology/requirement-axioms.ttl is stale: the knowledge changed; regenerate it with `{REGENERATE}`"
    )
    assert isomorphic(shipped, bundled.load([Part.AXIOMS]))  # and it is the one the package ships
    assert (AXIOMS_IRI, OWL.imports, URIRef("https://w3id.org/careerkg/kg")) in shipped


def test_export_part_axioms_regenerates_the_shipped_file(run_exe: Run, repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "requirement-axioms.ttl"
    result = run_exe("export", "--part", "axioms", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert isomorphic(Graph().parse(out), Graph().parse(repo_root / "ontology" / "requirement-axioms.ttl"))


def test_careerkg_generates_the_axioms_once_and_never_loads_the_file() -> None:
    axioms = requirement_axioms_document()
    header = len(list(axioms.triples((AXIOMS_IRI, None, None))))
    with_axioms, without = knowledge_graph(), knowledge_graph(axioms=False)
    assert len(with_axioms) == len(without) + len(axioms) - header
    assert (AXIOMS_IRI, RDF.type, OWL.Ontology) not in with_axioms
    document = ontology_document()
    intersections = len(list(document.triples((None, OWL.intersectionOf, None))))
    assert intersections == len(list(axioms.triples((None, OWL.intersectionOf, None))))


def rule_output(data: Graph) -> Graph:
    """careerkg's SPARQL rules (rules/*.rq) over ``data``, as another tool would run them."""
    out = Graph()
    for name in bundled.data_files("careerkg.rules"):
        for triple in data.query(bundled.read_text("careerkg.rules", name)):
            out.add(triple)  # type: ignore[arg-type]
    return out


def test_owlrl_over_the_raw_files_derives_what_careerkg_does(run_exe: Run, repo_root: Path) -> None:
    """owlrl given only the raw files (vocabulary, knowledge, alignments, requirement axioms: the catalog's
    documents), a profile document and the SPARQL rules' output derives careerkg's ck:eligibleFor."""
    from owlrl import DeductiveClosure, OWLRL_Semantics

    profiles = repo_root / "examples" / "team.ttl"
    data = Graph()
    for file in OWL_FILES:
        data.parse(repo_root / "ontology" / file, format="turtle")
    data.parse(profiles, format="turtle")
    data += rule_output(data)
    DeductiveClosure(OWLRL_Semantics).expand(data)
    derived = {
        str(p): sorted(str(r) for r in data.objects(p, CK.eligibleFor)) for p in data.subjects(RDF.type, CK.Profile)
    }
    result = run_exe("eligible", "--format", "json", str(profiles))
    assert result.returncode == 0, result.stderr
    answers = {a["profile"]: sorted(m["role"] for m in a["eligible"]) for a in json.loads(result.stdout)}
    assert derived == answers
    assert any(answers.values())  # some move is open: the comparison is not between empty answers


# -- distinct document IRIs ---------------------------------------------------------------------------------------


def test_release_and_vocabulary_have_distinct_version_iris(run_exe: Run, repo_root: Path) -> None:
    result = run_exe("export", "--format", "nt")
    assert result.returncode == 0, result.stderr
    release = Graph().parse(data=result.stdout, format="nt")
    vocabulary = Graph().parse(repo_root / "ontology" / "careerkg.ttl", format="turtle")
    assert release.value(ONTOLOGY_IRI, OWL.versionIRI) == RELEASE_VERSION_IRI
    assert vocabulary.value(ONTOLOGY_IRI, OWL.versionIRI) != RELEASE_VERSION_IRI
    versions = {
        v for file in OWL_FILES for v in Graph().parse(repo_root / "ontology" / file).objects(None, OWL.versionIRI)
    }
    assert len(versions) == len(OWL_FILES) and RELEASE_VERSION_IRI not in versions
    # the release names the versions it merges; term IRIs are untouched
    assert set(release.objects(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/hasPart"))) == versions
    assert (CK.ProductManager, RDF.type, CK.Role) in release


# -- the SHACL-Core profile shapes and a JavaScript validator -----------------------------------------------------


def test_export_profile_shapes_is_shacl_core(run_exe: Run) -> None:
    result = run_exe("export", "--part", "profile-shapes", "--format", "nt")
    assert result.returncode == 0, result.stderr
    shapes = Graph().parse(data=result.stdout, format="nt")
    assert isomorphic(shapes, bundled.load([Part.PROFILE_SHAPES], Graph()))
    assert not list(shapes.triples((None, SH.sparql, None))) and not list(shapes.triples((None, SH.select, None)))
    assert set(shapes.subjects(RDF.type, SH.NodeShape)) == {URIRef("https://w3id.org/careerkg/shapes#ProfileShape")}
    # the knowledge shapes (SHACL-SPARQL) are not in it, while --part shapes has both
    everything = Graph().parse(data=run_exe("export", "--part", "shapes", "--format", "nt").stdout, format="nt")
    assert list(everything.triples((None, SH.sparql, None)))


@pytest.fixture(scope="module")
def node(repo_root: Path) -> str:
    """Node.js with tests/js's packages installed (.ci/run runs `npm ci` there)."""
    found = shutil.which("node")
    if found is None:
        needed("needs Node.js (node) for the JavaScript SHACL validator and JSON-LD processor")
    for package in ("rdf-validate-shacl", "jsonld", "n3", "rdf-ext"):
        if not (repo_root / "tests" / "js" / "node_modules" / package).is_dir():
            needed(f"tests/js/node_modules/{package} is missing: run `npm ci` in tests/js (as .ci/run does)")
    assert found is not None
    return found


def js(node: str, repo_root: Path, script: str, *args: str) -> str:
    result = subprocess.run(
        [node, str(repo_root / "tests" / "js" / script), *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


BAD_LEXICAL_FORM = """@prefix ck: <https://w3id.org/careerkg#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/people/grace> a ck:Profile ; ck:currentRole ck:ProductManager ;
    ck:yearsInRole "3.5E0"^^xsd:decimal ; ck:hasSkill ck:Coding .
"""


@pytest.mark.parametrize("example", ["ada.ttl", "team.ttl", "invalid.json", "bad-lexical-form"])
def test_a_javascript_shacl_validator_gives_careerkgs_verdicts(
    node: str, run_exe: Run, repo_root: Path, tmp_path: Path, example: str
) -> None:
    """rdf-validate-shacl, given the exported profile shapes, the exported knowledge and a profile document
    (plain JSON normalised to Turtle by careerkg first), conforms where careerkg does and reports the same
    focus nodes, properties, values and shapes."""
    parts = {}
    for part in ("profile-shapes", "ontology", "kg"):
        parts[part] = tmp_path / f"{part}.ttl"
        assert run_exe("export", "--part", part, "-o", str(parts[part])).returncode == 0
    if example == "bad-lexical-form":
        profile = tmp_path / "grace.ttl"
        profile.write_text(BAD_LEXICAL_FORM, encoding="utf-8")
    elif example.endswith(".json"):
        profile = tmp_path / "profiles.ttl"
        result = run_exe("profiles", "normalise", str(repo_root / "examples" / example), "-o", str(profile))
        assert result.returncode == 0, result.stderr
    else:
        profile = repo_root / "examples" / example
    theirs = json.loads(js(node, repo_root, "validate.mjs", *(str(p) for p in parts.values()), str(profile)))
    result = run_exe("validate", "--format", "json", str(profile))
    ours = json.loads(result.stdout)
    assert result.returncode == (0 if ours["conforms"] else 1), result.stderr
    assert theirs["conforms"] == ours["conforms"] == (example in {"ada.ttl", "team.ttl"})
    found = {(r["focusNode"], r["path"], r["value"]) for r in theirs["results"]}
    assert found == {(v["profile"], v["property"], v["value"]) for v in ours["violations"]}
    # and careerkg's own (compiled) validator, which `eligible` runs, agrees
    engine = Engine()
    answer = engine.eligible(str(profile), errors="report")
    assert {i.profile for i in answer.invalid} == {f for f, _, _ in found}


# -- normalised profiles and a JSON-LD processor ------------------------------------------------------------------


def test_normalised_json_ld_round_trips_through_jsonld_js(
    node: str, run_exe: Run, repo_root: Path, tmp_path: Path
) -> None:
    """jsonld.js expands careerkg's normalised JSON-LD of plain JSON profiles (roles by label, no @type, a
    fractional number) to exactly the triples careerkg reads from them."""
    source = tmp_path / "people.json"
    source.write_text(json.dumps([
        {"@id": "https://example.org/people/lin", "currentRole": "product manager", "yearsInRole": 3.5,
         "productsManaged": 2, "skills": ["coding", "ck:Research"]},
        {"@id": "https://example.org/people/sam", "currentRole": "ck:SeniorProductManager", "yearsInRole": 4},
    ]), encoding="utf-8")  # fmt: skip
    out = tmp_path / "people.jsonld"
    result = run_exe("profiles", "normalise", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    theirs = Graph().parse(data=js(node, repo_root, "tordf.mjs", str(out)), format="nt")
    ours = Engine().read(str(source)).sets[0].graph
    ours.add((URIRef("https://example.org/people/lin"), RDF.type, CK.Profile))
    assert isomorphic(theirs, ours)
    lin = URIRef("https://example.org/people/lin")
    assert (lin, CK.currentRole, CK.ProductManager) in theirs and (lin, RDF.type, CK.Profile) in theirs
    years = theirs.value(lin, CK.yearsInRole)
    assert isinstance(years, Literal) and str(years) == "3.5"


def test_normalise_writes_canonical_forms(run_exe: Run, tmp_path: Path) -> None:
    source = tmp_path / "grace.ttl"
    source.write_text(BAD_LEXICAL_FORM, encoding="utf-8")
    result = run_exe("profiles", "normalise", str(source), "--format", "turtle")
    assert result.returncode == 0, result.stderr
    assert "ck:yearsInRole 3.5 " in result.stdout and "E0" not in result.stdout
    # the library function, and the same text every time
    graph = normalise(ProfileInput.from_path(source), Engine().terms)
    assert normalised_text(graph) == normalised_text(normalise(ProfileInput.from_path(source), Engine().terms))
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_LEXICAL_FORM.replace("3.5E0", "lots"), encoding="utf-8")
    result = run_exe("profiles", "normalise", str(bad))
    assert result.returncode == 2 and "'lots' is not a decimal" in result.stderr


def test_an_invalid_lexical_form_makes_a_profile_invalid(run_exe: Run, tmp_path: Path) -> None:
    """ "3.5E0"^^xsd:decimal is ill-formed (XSD has no exponent in decimals): W3C validators reject it, and so
    does careerkg, in `validate` (pySHACL) and in `eligible` (its compiled shapes) alike."""
    source = tmp_path / "grace.ttl"
    source.write_text(BAD_LEXICAL_FORM, encoding="utf-8")
    for command in ("validate", "eligible"):
        result = run_exe(command, str(source))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "3.5E0" in result.stdout + result.stderr
        assert "Years in role must be a single number" in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    # the well-formed spelling of the same number is fine
    source.write_text(BAD_LEXICAL_FORM.replace("3.5E0", "3.5"), encoding="utf-8")
    assert run_exe("eligible", str(source)).returncode == 0

"""The OWL part (ontology, knowledge base, alignments, generated axioms) is in OWL 2 RL and OWL 2 DL,
checked by the OWL API's profile checker (Debian's libowlapi-java), the library ROBOT's validate-profile uses.

CI installs Java and the OWL API (.ci/run) and sets CI=true, so there these tests never skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.graphs import ontology_document

JARS = Path("/usr/share/java")
# The OWL API and the libraries it needs at run time, as Debian installs them.
CLASSPATH_JARS = [
    "owlapi-distribution", "guava", "slf4j-api", "slf4j-nop", "commons-rdf-api", "caffeine", "hppcrt",
    "jsr305", "atinject-jsr330-api", "commons-io", "commons-codec", "xz", "jackson-core", "jackson-databind",
    "jackson-annotations",
]  # fmt: skip

pytestmark = pytest.mark.owlapi


@pytest.fixture(scope="module")
def owl_profile_check(repo_root: Path) -> list[str]:
    """The command that runs tests/owlapi/OwlProfileCheck.java on one ontology file."""
    java = shutil.which("java")
    jars = [JARS / f"{name}.jar" for name in CLASSPATH_JARS]
    jars += sorted(p for p in JARS.glob("rdf4j-*.jar") if not p.stem.split("-")[-1][:1].isdigit())
    missing = [str(j) for j in jars if not j.is_file()]
    if java is None or missing:
        what = "java" if java is None else ", ".join(missing[:3])
        reason = f"needs Java and the OWL API (apt-get install default-jdk-headless libowlapi-java); missing: {what}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [java, "-cp", os.pathsep.join(map(str, jars)), str(repo_root / "tests" / "owlapi" / "OwlProfileCheck.java")]


def check(command: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=300)


def test_owl_document_is_in_owl2_rl_and_dl(owl_profile_check: list[str], tmp_path: Path) -> None:
    document = tmp_path / "careerkg.ttl"
    ontology_document().serialize(document, format="turtle")
    result = check(owl_profile_check, document)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OWL2_DL: in profile" in result.stdout and "OWL2_RL: in profile" in result.stdout
    axioms = int(result.stdout.rsplit("axioms:", 1)[1].split()[0])
    assert axioms > 1000  # the whole knowledge base was read, not an empty document


@pytest.mark.parametrize("part", [Part.ONTOLOGY])
def test_vocabulary_alone_is_in_profile(owl_profile_check: list[str], tmp_path: Path, part: Part) -> None:
    document = tmp_path / f"{part.value}.ttl"
    bundled.load([part]).serialize(document, format="turtle")
    result = check(owl_profile_check, document)
    assert result.returncode == 0, result.stdout + result.stderr


def test_checker_rejects_what_is_outside_the_profiles(owl_profile_check: list[str], tmp_path: Path) -> None:
    """Control: punning an object property as a data property, and a union as a superclass, are caught."""
    document = tmp_path / "bad.ttl"
    document.write_text(
        """@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix ex: <http://example.org/> .
        <http://example.org/o> a owl:Ontology .
        ex:A a owl:Class . ex:B a owl:Class . ex:C a owl:Class .
        ex:p a owl:ObjectProperty , owl:DatatypeProperty .
        ex:A rdfs:subClassOf [ owl:unionOf ( ex:B ex:C ) ] .
        """,
        encoding="utf-8",
    )
    result = check(owl_profile_check, document)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "OWL2_RL:" in result.stdout and "violations" in result.stdout

"""Every RDF and SPARQL file in the repository parses, and every export format round-trips losslessly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from careerkg.io.rdfout import RDF_FORMATS, serialize
from careerkg.knowledge import bundled
from careerkg.knowledge.graphs import ontology_document
from careerkg.vocab import CK, ONTOLOGY_IRI, OWL, RDF
from click.testing import Result
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery


def repo_files(repo_root: Path, pattern: str) -> list[Path]:
    return sorted(
        p
        for p in repo_root.rglob(pattern)
        if not any(part.startswith(".") or part in {"build", "venv"} for part in p.relative_to(repo_root).parts)
    )


def test_every_turtle_file_in_the_repository_parses(repo_root: Path) -> None:
    files = repo_files(repo_root, "*.ttl")
    assert len(files) >= 5
    for path in files:
        assert len(Graph().parse(path, format="turtle")) > 0, path


def test_every_sparql_file_in_the_repository_parses(repo_root: Path) -> None:
    files = repo_files(repo_root, "*.rq")
    assert len(files) >= 2
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#+ summary:"), f"{path} lacks a '#+ summary:' header"
        prepareQuery(text)


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_export_formats_round_trip(fmt: str) -> None:
    graph = ontology_document()
    back = Graph().parse(data=serialize(graph, fmt), format={"xml": "xml", "nt": "nt"}.get(fmt, fmt))
    assert isomorphic(graph, back)


def test_ontology_document_is_self_contained() -> None:
    doc = ontology_document()
    assert set(doc.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY_IRI}
    assert not list(doc.triples((None, OWL.imports, None)))
    assert (CK.ProductManager, RDF.type, CK.Role) in doc
    assert list(doc.triples((None, OWL.intersectionOf, None)))  # the generated axioms are in


def test_cli_export_all_as_rdfxml_for_protege(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "careerkg.owl"
    result = run_cli("export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<?xml")
    assert isomorphic(Graph().parse(out, format="xml"), ontology_document())


@pytest.mark.parametrize("part", ["ontology", "kg", "shapes"])
def test_cli_export_each_part(run_cli: Callable[..., Result], part: str) -> None:
    result = run_cli("export", "--part", part, "--format", "nt")
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(data=result.stdout, format="nt"), bundled.load([part]))


def test_cli_export_to_an_unwritable_place_fails_cleanly(run_exe, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "missing" / "out.ttl"
    result = run_exe("export", "-o", str(target))
    assert result.returncode == 2
    assert str(target) in result.stderr and "Traceback" not in result.stderr
    assert not target.parent.exists()


def test_cli_rejects_an_unknown_part(run_exe) -> None:  # type: ignore[no-untyped-def]
    result = run_exe("export", "--part", "everything")
    assert result.returncode == 2 and "everything" in result.stderr


def test_installed_command_reports_its_version(run_exe) -> None:  # type: ignore[no-untyped-def]
    from careerkg import __version__

    result = run_exe("--version")
    assert result.returncode == 0 and __version__ in result.stdout

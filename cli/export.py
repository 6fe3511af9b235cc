"""``careerkg export``: the ontology, knowledge base or shapes as RDF for other tools."""

from __future__ import annotations

from pathlib import Path

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.render import emit_rdf
from careerkg.io.rdfout import RDF_FORMATS
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part

_PARTS = [part.value for part in Part] + ["all"]


@click.command()
@click.option(
    "--part",
    type=click.Choice(_PARTS),
    default="all",
    show_default=True,
    help="ontology: the OWL vocabulary; kg: the article's knowledge and alignments; shapes: the SHACL "
    "shapes; all: one self-contained OWL document (vocabulary, knowledge, alignments and the OWL 2 RL "
    "axioms generated from the requirements).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(RDF_FORMATS)),
    default=None,
    help="Output syntax; xml is RDF/XML (for Protégé). Default: from the -o file's suffix, else turtle.",
)
@click.option(
    "--inferred",
    is_flag=True,
    help="Add what the OWL 2 RL closure derives from the knowledge (materialised, for stores without a reasoner).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output.",
)
@pass_settings
def export(settings: Settings, part: str, inferred: bool, fmt: str | None, output: Path | None) -> None:
    """Export careerkg's ontology, knowledge base or shapes as RDF.

    \b
    Examples:
      careerkg export -o careerkg.owl            # everything, RDF/XML, for Protégé
      careerkg export --part shapes              # SHACL shapes, Turtle
      careerkg export --part kg --format nt      # the article's knowledge, N-Triples
      careerkg export --inferred -o full.ttl     # with the OWL 2 RL closure materialised
    """
    graph = settings.engine.ontology_document() if part == "all" else bundled.load([part])
    if inferred:
        if part == "shapes":
            raise click.UsageError("--inferred applies to the ontology and knowledge base, not to the shapes")
        graph += settings.engine.reasoner.knowledge_closure
    emit_rdf(graph, fmt, output)

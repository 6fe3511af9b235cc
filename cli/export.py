"""``careerkg export``: the ontology, knowledge base or shapes as RDF for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.render import emit_rdf
from careerkg.io.rdfout import RDF_FORMATS
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.graphs import requirement_axioms_document
from careerkg.vocab import bind_prefixes
from rdflib import Graph

if TYPE_CHECKING:
    from careerkg.engine import Engine

#: The bundled parts, what the loaded knowledge packs state, and everything in one document.
_PARTS = [part.value for part in Part] + ["packs", "all"]


@click.command()
@click.option(
    "--part",
    type=click.Choice(_PARTS),
    default="all",
    show_default=True,
    help="ontology: the OWL vocabulary; kg: the article's knowledge and alignments; shapes: the SHACL "
    "shapes; profile-shapes: the profile shapes alone (SHACL Core only, for validators without SHACL-SPARQL); "
    "axioms: the OWL 2 RL axioms generated from the requirements, as an ontology importing the knowledge "
    "(ontology/requirement-axioms.ttl is this, for the article's knowledge); packs: what the knowledge "
    "packs loaded with --knowledge state, with their own prefixes; all: one "
    "self-contained OWL document (vocabulary, knowledge, alignments, the loaded packs and the OWL 2 RL "
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
    """Export careerkg's ontology, knowledge base or shapes, or the loaded knowledge packs, as RDF.

    \b
    Examples:
      careerkg export -o careerkg.owl            # everything, RDF/XML, for Protégé
      careerkg export --part shapes              # SHACL shapes, Turtle
      careerkg export --part profile-shapes      # the profile shapes alone (SHACL Core)
      careerkg export --part axioms -o ontology/requirement-axioms.ttl   # regenerate the shipped axioms
      careerkg export --part kg --format nt      # the article's knowledge, N-Triples
      careerkg --knowledge pack.ttl export --part packs   # what the pack states, as careerkg uses it
      careerkg export --inferred -o full.ttl     # with the OWL 2 RL closure materialised
    """
    if part == "all":
        graph = settings.engine.ontology_document()
    elif part == "packs":
        graph = _packs(settings.engine)
    elif part == Part.AXIOMS.value:
        # generated from the knowledge in use (never the shipped copy, which this regenerates)
        settings.engine.prepared  # noqa: B018 - the packs are checked before their axioms are exported
        graph = requirement_axioms_document(settings.engine.knowledge_set)
    else:
        graph = bundled.load([part])
    if inferred:
        if part in {Part.SHAPES.value, Part.PROFILE_SHAPES.value}:
            raise click.UsageError("--inferred applies to the ontology and knowledge base, not to the shapes")
        graph += settings.engine.reasoner.knowledge_closure
    emit_rdf(graph, fmt, output)


def _packs(engine: Engine) -> Graph:
    """Every statement of the engine's knowledge packs, in one graph with the prefixes each declares (the
    first pack's where two declare one) and careerkg's own."""
    if not engine.packs:
        raise click.UsageError("--part packs exports the knowledge packs: load one with --knowledge PACK (before "
                               "the command)")  # fmt: skip
    engine.prepared  # noqa: B018 - the packs are checked before they are exported
    graph = Graph()
    for pack in engine.packs:
        graph += pack.graph
        for prefix, namespace in pack.graph.namespaces():
            if prefix and prefix not in dict(graph.namespaces()):
                graph.bind(prefix, namespace)
    return bind_prefixes(graph)

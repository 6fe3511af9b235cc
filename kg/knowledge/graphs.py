"""careerkg's bundled knowledge as graphs: for reasoning, and as one self-contained OWL document for other tools."""

from __future__ import annotations

from careerkg.knowledge import bundled
from careerkg.knowledge.axioms import requirement_axioms
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.packs import KnowledgeSet
from careerkg.vocab import ALIGNMENTS_IRI, KNOWLEDGE_IRI, ONTOLOGY_IRI, OWL, RDF
from rdflib import Graph

__all__ = ["knowledge_graph", "ontology_document"]


def knowledge_graph(*, axioms: bool = True) -> Graph:
    """The ontology and the knowledge base in one graph, with the requirement axioms unless ``axioms=False``."""
    graph = bundled.load([Part.ONTOLOGY, Part.KG])
    if axioms:
        graph += requirement_axioms(graph)
    return graph


def ontology_document(*, axioms: bool = True, knowledge: KnowledgeSet | None = None) -> Graph:
    """Everything OWL in careerkg as one self-contained ontology document.

    For Protégé, the OWL API, Jena, GraphDB or RDFox: the vocabulary, the knowledge base, the alignments and
    (unless ``axioms=False``) the OWL 2 RL axioms generated from the requirement data, under the careerkg
    ontology's header. The parts' own headers and the ``owl:imports`` between them are dropped, so no tool
    tries to fetch anything. Any OWL 2 RL reasoner derives ``ck:eligibleFor`` from this document together
    with a profile and the output of careerkg's SPARQL rules. With ``knowledge``, its packs are in it too
    (and the article's knowledge only if the set has it).
    """
    graph = (knowledge or KnowledgeSet()).graph(axioms=axioms)
    for iri in {KNOWLEDGE_IRI, ALIGNMENTS_IRI, *graph.subjects(RDF.type, OWL.Ontology)} - {ONTOLOGY_IRI}:
        graph.remove((iri, None, None))
    graph.remove((None, OWL.imports, None))
    return graph

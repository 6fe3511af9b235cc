"""careerkg's bundled knowledge as graphs: for reasoning, and as one self-contained OWL document for other tools."""

from __future__ import annotations

from careerkg.knowledge import bundled
from careerkg.knowledge.axioms import AXIOMS_IRI, AXIOMS_VERSION, axioms_document, requirement_axioms
from careerkg.knowledge.bundled import Part
from careerkg.knowledge.packs import KnowledgeSet
from careerkg.vocab import ALIGNMENTS_IRI, DCTERMS, KNOWLEDGE_IRI, ONTOLOGY_IRI, OWL, RDF, RDFS
from rdflib import Graph, Literal, URIRef

__all__ = ["RELEASE_VERSION_IRI", "knowledge_graph", "ontology_document", "requirement_axioms_document"]

#: The version IRI of the merged release (:func:`ontology_document`). It keeps the vocabulary's ontology IRI
#: (the namespace's document) but not its version IRI: the release holds more than the vocabulary file, and
#: a tool holding both (Protégé, the OWL API) must be able to tell them apart.
RELEASE_VERSION_IRI = URIRef(f"{ONTOLOGY_IRI}/release/1.0.0")


def knowledge_graph(*, axioms: bool = True) -> Graph:
    """The ontology and the knowledge base in one graph, with the requirement axioms unless ``axioms=False``.

    The axioms are generated from the knowledge, never read from the shipped ``requirement-axioms.ttl``
    (which holds the same axioms for other tools): loading both would only repeat them."""
    graph = bundled.load([Part.ONTOLOGY, Part.KG])
    if axioms:
        graph += requirement_axioms(graph)
    return graph


def requirement_axioms_document(knowledge: KnowledgeSet | None = None) -> Graph:
    """The requirement axioms of ``knowledge`` (careerkg's own by default; its packs too, if any) as an
    ontology document of their own (:func:`careerkg.knowledge.axioms.axioms_document`): for careerkg's own
    knowledge, the graph the shipped ``requirement-axioms.ttl`` must hold."""
    return axioms_document((knowledge or KnowledgeSet()).graph(axioms=False))


def ontology_document(*, axioms: bool = True, knowledge: KnowledgeSet | None = None) -> Graph:
    """Everything OWL in careerkg as one self-contained ontology document.

    For Protégé, the OWL API, Jena, GraphDB or RDFox: the vocabulary, the knowledge base, the alignments and
    (unless ``axioms=False``) the OWL 2 RL axioms generated from the requirement data, under the careerkg
    ontology's header with a version IRI of its own (:data:`RELEASE_VERSION_IRI`). The parts' own headers and
    the ``owl:imports`` between them are dropped, so no tool tries to fetch anything; ``dcterms:hasPart``
    names the documents it was merged from. Any OWL 2 RL reasoner derives ``ck:eligibleFor`` from this
    document together with a profile and the output of careerkg's SPARQL rules. With ``knowledge``, its
    packs are in it too (and the article's knowledge only if the set has it).
    """
    known = knowledge or KnowledgeSet()
    graph = known.graph(axioms=axioms)
    parts = [ONTOLOGY_IRI]
    if known.bundled:
        parts += [KNOWLEDGE_IRI, ALIGNMENTS_IRI]
    if axioms:
        parts.append(AXIOMS_IRI)
    versions = {iri: graph.value(iri, OWL.versionIRI) for iri in parts}
    versions[AXIOMS_IRI] = URIRef(f"{AXIOMS_IRI}/{AXIOMS_VERSION}")
    for iri in {KNOWLEDGE_IRI, ALIGNMENTS_IRI, *graph.subjects(RDF.type, OWL.Ontology)} - {ONTOLOGY_IRI}:
        graph.remove((iri, None, None))
    graph.remove((None, OWL.imports, None))
    graph.set((ONTOLOGY_IRI, OWL.versionIRI, RELEASE_VERSION_IRI))
    title = "careerkg: an ontology of career transitions (merged release: vocabulary, knowledge and axioms)"
    graph.set((ONTOLOGY_IRI, DCTERMS.title, Literal(title, lang="en")))
    # The version IRI of each document merged here (its ontology IRI where it has none), so that the release
    # says which versions it holds; declared an annotation property, for OWL 2 DL tools.
    graph.add((DCTERMS.hasPart, RDF.type, OWL.AnnotationProperty))
    for iri in parts:
        graph.add((ONTOLOGY_IRI, DCTERMS.hasPart, versions.get(iri) or iri))
    # The vocabulary's header points at the other documents; in the release they are inside it.
    graph.remove((ONTOLOGY_IRI, RDFS.seeAlso, None))
    return graph

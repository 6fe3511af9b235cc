"""careerkg's namespaces and the IRIs of its bundled ontologies."""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, VANN, XSD

__all__ = [
    "ALIGNMENTS_IRI",
    "CK",
    "CKSHAPE",
    "DCTERMS",
    "KNOWLEDGE_IRI",
    "LANGUAGE_TAG",
    "ONTOLOGY_IRI",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SH",
    "SKOS",
    "VANN",
    "XSD",
    "bind_prefixes",
]

#: The shape of a language tag (BCP 47, as RDF's language-tagged strings use them): en, fr, pt-BR, zh-Hant.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")

#: Term namespace of the careerkg ontology (prefix ``ck:``). A public contract: never rename its terms.
CK = Namespace("https://w3id.org/careerkg#")
#: Namespace of careerkg's SHACL shapes.
CKSHAPE = Namespace("https://w3id.org/careerkg/shapes#")

ONTOLOGY_IRI = URIRef("https://w3id.org/careerkg")
KNOWLEDGE_IRI = URIRef("https://w3id.org/careerkg/kg")
ALIGNMENTS_IRI = URIRef("https://w3id.org/careerkg/alignments")

_PREFIXES = {
    "ck": CK,
    "ckshape": CKSHAPE,
    "schema": SDO,
    "dcterms": DCTERMS,
    "prov": PROV,
    "skos": SKOS,
    "vann": VANN,
    "sh": SH,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind careerkg's usual prefixes on ``graph`` (so serialisations read the same everywhere); return it."""
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph

"""RDF terms as careerkg handles them, and the one place they are converted between libraries.

careerkg meets an RDF term in four forms: rdflib's (parsing, SHACL, the reference reasoner), the compiled
form (a plain ``str`` for an IRI, ``"_:id"`` for a blank node, an rdflib ``Literal`` for a literal: what
the compiled reasoner's tables hold, since plain strings hash and compare in C), Oxigraph's (stores, the
SPARQL rules, query workers) and the W3C SPARQL JSON results form (answers from SPARQL servers). Every
conversion between them is here; no other module converts terms.

pyoxigraph is imported only by the functions that need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "Facts",
    "Term",
    "facts_to_graph",
    "from_oxigraph",
    "from_sparql_json",
    "node",
    "ntriples",
    "ntriples_term",
    "parse_ntriples_term",
    "rdflib_from_oxigraph",
    "term",
    "to_oxigraph",
]

#: A term in compiled form: an IRI as a plain string, a blank node as "_:id", a literal as an rdflib Literal.
Term = str | Node  # a plain `str` (type(x) is str) is an IRI or "_:id"; Literal subclasses str
#: A profile's facts: (predicate, object) pairs about the profile.
Facts = set[tuple[Term, Term]]


def term(value: Node) -> Term:
    """The compiled form of an rdflib term."""
    if isinstance(value, URIRef):
        return str(value)
    if isinstance(value, BNode):
        return f"_:{value}"
    return value


def node(value: Term) -> Node:
    """The rdflib term of a compiled-form term."""
    if isinstance(value, Literal) or not isinstance(value, str):
        return value
    return BNode(value[2:]) if value.startswith("_:") else URIRef(value)


def facts_to_graph(profiles: Mapping[str, Facts]) -> Graph:
    """Profiles' facts (subject -> (predicate, object) pairs, compiled form) as an rdflib graph."""
    graph = Graph()
    for subject, facts in profiles.items():
        s = node(subject)
        for p, o in facts:
            graph.add((s, URIRef(str(p)), node(o)))
    return graph


_LITERALS: dict[tuple[str, str, str | None], str] = {}


_NTRIPLES_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _ntriples_literal(value: Literal) -> str:
    text = f'"{str(value).translate(_NTRIPLES_ESCAPES)}"'
    if value.language:
        return f"{text}@{value.language}"
    return f"{text}^^<{value.datatype}>" if value.datatype else text


def ntriples_term(value: Term | Node) -> str:
    """A term (compiled form or rdflib) in N-Triples syntax; literals' spellings are cached, since profiles
    repeat the same few numbers."""
    if type(value) is str:
        return value if value.startswith("_:") else f"<{value}>"
    if isinstance(value, Literal):
        key = (str(value), str(value.datatype), value.language)
        text = _LITERALS.get(key)
        if text is None:
            text = _LITERALS[key] = _ntriples_literal(value)
            if len(_LITERALS) > 100_000:
                _LITERALS.clear()
        return text
    if isinstance(value, URIRef):
        return f"<{value}>"
    if isinstance(value, BNode):
        return f"_:{value}"
    return str(value)


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Triples of rdflib terms as an N-Triples document."""
    return "".join(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n" for s, p, o in triples).encode(
        "utf-8"
    )


def to_oxigraph(value: Term | Node) -> Any:
    """The pyoxigraph term of a compiled-form or rdflib term."""
    import pyoxigraph as ox

    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, str):  # an IRI (URIRef or compiled form) or "_:id"
        return ox.BlankNode(value[2:]) if type(value) is str and value.startswith("_:") else ox.NamedNode(str(value))
    raise TypeError(f"not an RDF term: {value!r}")


def _oxigraph_literal(value: Any) -> Literal:
    if value.language:
        return Literal(value.value, lang=value.language)
    return Literal(value.value, datatype=URIRef(value.datatype.value))


def from_oxigraph(value: Any) -> Term:
    """The compiled form of a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(value, ox.NamedNode):
        return str(value.value)
    if isinstance(value, ox.BlankNode):
        return f"_:{value.value}"
    return _oxigraph_literal(value)


def rdflib_from_oxigraph(value: Any) -> Node:
    """The rdflib term of a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    return _oxigraph_literal(value)


def parse_ntriples_term(text: str) -> Any:
    """The pyoxigraph term written ``text`` in N-Triples syntax (how bindings cross a process boundary)."""
    import pyoxigraph as ox

    (triple,) = ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)
    return triple.object


def from_sparql_json(value: Mapping[str, Any]) -> Node:
    """The rdflib term of one binding in the W3C SPARQL 1.1 JSON results format."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    text = value["value"]
    if datatype == _BOOLEAN and text in _BOOLEAN_SPELLINGS:
        text = _BOOLEAN_SPELLINGS[text]  # Virtuoso writes true as 1: the same value, in the canonical spelling
    return Literal(text, datatype=URIRef(datatype) if datatype else None)


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_SPELLINGS = {"1": "true", "0": "false"}

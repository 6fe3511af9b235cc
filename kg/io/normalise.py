"""Profiles in canonical RDF: what careerkg reads a profile as, written so that any JSON-LD processor or RDF
tool reads the same triples without careerkg's name lookups.

Plain JSON profiles lean on careerkg: roles and skills named by label (``"product manager"``), no
``@type``, numbers that a JSON-LD processor turns into ``"3.5E0"^^xsd:decimal`` (a lexical form XML Schema
does not allow, which W3C SHACL validators reject). The normalised form has none of that: every role and
skill a full IRI, every profile typed ``ck:Profile``, every number in its canonical lexical form (``3.5``,
``4``), and no context to fetch (JSON-LD in expanded form) — the triples careerkg itself reasons over.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from careerkg.errors import UnreadableInputError
from careerkg.io.profiles import ProfileInput, ill_formed, read_profiles
from careerkg.knowledge.names import TermIndex
from careerkg.vocab import CK, RDF, XSD, bind_prefixes
from rdflib import Graph, Literal

__all__ = ["NORMALISED_FORMATS", "normalise", "normalised_text"]

#: The formats a normalised profile is written in: name -> rdflib's serializer.
NORMALISED_FORMATS = {"jsonld": "json-ld", "turtle": "turtle"}


def _canonical(value: Literal, where: str) -> Literal:
    """A numeric literal in its canonical lexical form; an ill-formed one that still names a finite number
    (``"3.5E0"``) is written as that number, anything else is refused."""
    if value.datatype not in (XSD.decimal, XSD.integer):
        return value
    if not ill_formed(value):
        return Literal(value.toPython(), datatype=value.datatype)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    whole = number.is_finite() and number == number.to_integral_value()
    if not number.is_finite() or (value.datatype == XSD.integer and not whole):
        raise UnreadableInputError(
            f"{where}: {str(value)!r} is not a {value.datatype.rsplit('#', 1)[-1]} (such as 4 or 2.5)"
        )
    return Literal(int(number) if value.datatype == XSD.integer else number, datatype=value.datatype)


def normalise(source: ProfileInput, terms: TermIndex, fmt: str | None = None) -> Graph:
    """The profiles of ``source`` (any input format careerkg reads; ``fmt`` overrides the guess) as careerkg
    reads them, canonical: roles and skills resolved to careerkg's IRIs, each profile typed ``ck:Profile``,
    numbers in canonical lexical form. :class:`~careerkg.errors.UnreadableInputError` if any record cannot
    be read (normalising drops nothing silently)."""
    profiles = read_profiles(source, terms, fmt)
    if profiles.problems:
        raise UnreadableInputError("; ".join(profiles.problems[:3]))
    graph = bind_prefixes(Graph())
    for s, p, o in profiles.graph:
        graph.add((s, p, _canonical(o, source.name) if isinstance(o, Literal) else o))
    for profile in profiles.order:
        graph.add((profile, RDF.type, CK.Profile))
    return graph


def normalised_text(graph: Graph, fmt: str = "jsonld") -> str:
    """``graph`` written as expanded JSON-LD (full IRIs, ``@type``, typed values; no context) or Turtle. The
    JSON-LD has its nodes, and the values of each property, in a fixed order: the same profiles give the
    same text."""
    text = graph.serialize(format=NORMALISED_FORMATS[fmt], auto_compact=False)
    if fmt == "jsonld":
        nodes = json.loads(text)
        for node in nodes:
            for values in node.values():
                if isinstance(values, list):
                    values.sort(key=lambda value: json.dumps(value, sort_keys=True))
        nodes.sort(key=lambda node: str(node.get("@id", "")))
        text = json.dumps(nodes, indent=2, sort_keys=True, ensure_ascii=False)
    return text if text.endswith("\n") else text + "\n"

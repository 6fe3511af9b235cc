"""Well-formedness of what a profile document says: IRIs and literals as every RDF store takes them.

RDF parsers let some malformed terms through (JSON-LD takes any string as an ``@id``; rdflib resolves a
relative IRI against a base), while Oxigraph, careerkg's store and rule engine, refuses them. The checks
here say which terms a store would refuse and why, in one place for the engine, the validator and output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from careerkg.model import Term
from rdflib import Literal

__all__ = [
    "RELATIVE_BASE",
    "WELL_FORMED_IRIS",
    "Malformed",
    "literal_problem",
    "malformed_statements",
    "printable",
    "well_formed_iri",
]

#: The base that relative IRIs in profile documents resolve against: a name that can never be real (RFC 2606
#: reserves ``.invalid``), so that a relative IRI is caught as one instead of silently taking the address of
#: wherever careerkg happens to run (rdflib's default base is the working directory).
RELATIVE_BASE = "https://relative-iri.careerkg.invalid/"

#: The source (``sh:sourceShape``) of the violations :func:`malformed_statements` finds: not a shape of the
#: shapes files, but careerkg's own check that every term is one an RDF store takes.
WELL_FORMED_IRIS = "urn:careerkg:well-formed-iris"

_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def printable(text: str) -> str:
    """``text`` with any lone UTF-16 surrogate written as an escape (``\\ud800``), so that it can be shown."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def literal_problem(value: Literal) -> str | None:
    """What an RDF store would refuse in the literal ``value`` (a malformed datatype IRI, a language tag
    that is not BCP 47, rdf:langString with no tag), or None."""
    if printable(str(value)) != str(value):
        return "the text holds a lone UTF-16 surrogate, which is not a Unicode character"
    if value.language:
        if not _well_formed_language(value.language):
            return f"the language tag {value.language!r} is not a valid BCP 47 tag"
    # (an empty datatype is rdflib's for a JSON number where an IRI is wanted: the shapes say so, better)
    elif value.datatype:
        if str(value.datatype) == _LANG_STRING:
            return "rdf:langString needs a language tag"
        if not well_formed_iri(str(value.datatype)):
            return f"the datatype {str(value.datatype)!r} is not a valid IRI"
    return None


@lru_cache(maxsize=1024)
def _well_formed_language(tag: str) -> bool:
    import pyoxigraph

    try:
        pyoxigraph.Literal("x", language=tag)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def well_formed_iri(iri: str) -> bool:
    """Whether ``iri`` is an absolute IRI by RFC 3987, as Oxigraph checks it (a blank node passes), and was
    not relative in its document (resolved against :data:`RELATIVE_BASE`)."""
    if iri.startswith("_:"):
        return True
    if iri.startswith(RELATIVE_BASE):
        return False
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(iri)
    except (ValueError, UnicodeError):
        return False
    return True


@dataclass(frozen=True)
class Malformed:
    """One thing a node's statements say that no RDF store would take."""

    #: The property of the statement (an IRI, as written), or None when the node's own identifier is wrong.
    path: str | None
    #: The offending value as text that can be shown (the identifier, the value; None for a bad property).
    value: str | None
    #: What is wrong, in a sentence.
    message: str


def _not_valid(what: str, iri: str, name_it: bool = False) -> str:
    """That ``what`` (its IRI ``iri``) is not a valid IRI, naming the IRI (as written, if it was relative)."""
    if iri.startswith(RELATIVE_BASE):
        return f"{what} {printable(iri.removeprefix(RELATIVE_BASE))!r} is relative; give an absolute IRI."
    return f"{what} {printable(iri)!r} is not a valid IRI." if name_it else f"{what} is not a valid IRI."


def malformed_statements(
    subject: str, facts: Iterable[tuple[Term, Term]], identifier: str = "The identifier"
) -> list[Malformed]:
    """What no RDF store would take in the statements about ``subject`` (compiled form, see
    :mod:`careerkg.model`: IRIs as plain strings, literals as rdflib Literals): a malformed or relative
    identifier, a malformed property, an IRI value that is malformed or relative, a literal a store refuses
    (see :func:`literal_problem`). One finding per statement, and one for the identifier; none when all is
    well. ``identifier`` is what the subject's identifier is called in the messages."""
    found = []
    if not well_formed_iri(subject):
        found.append(Malformed(None, printable(subject), _not_valid(identifier, subject)))
    for predicate, value in facts:
        p = str(predicate)
        if not well_formed_iri(p):
            found.append(Malformed(p, None, _not_valid("The property", p, name_it=True)))
        elif type(value) is str and not well_formed_iri(value):
            found.append(Malformed(p, printable(value), _not_valid("The value", value)))
        elif isinstance(value, Literal) and (problem := literal_problem(value)) is not None:
            message = f"The value is not one an RDF store takes: {problem}."
            found.append(Malformed(p, printable(str(value)), message))
    return found

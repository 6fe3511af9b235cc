"""Read people's profiles: Turtle, N-Triples, RDF/XML, JSON-LD, and plain JSON (object, array or JSON Lines).

Plain JSON is read as JSON-LD with careerkg's bundled context (``ontology/context.jsonld``), so
``{"currentRole": "ProductManager", "skills": ["Coding"]}`` means what it says. Role and skill values may be
local names, ``ck:`` CURIEs, full IRIs or labels, in any case, or, in every format, the IRI of a concept the
knowledge declares an exact match of the role or skill (an ESCO occupation or skill, as Europass-based systems
store them; see :func:`align_to_knowledge`). An object without ``@id`` gets a stable IRI
generated from its content. Nothing is ever fetched: a remote ``@context`` other than careerkg's own
(resolved to the bundled copy) is refused.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from careerkg.errors import UnreadableInputError
from careerkg.formats import JSON_LINES_SUFFIXES, format_named, format_of_suffix
from careerkg.io.iris import RELATIVE_BASE, literal_problem, printable, well_formed_iri
from careerkg.io.jsontext import (
    MAX_JSON_DEPTH,
    MAX_RECORD_BYTES,
    ByteStream,
    SeenIds,
    json_line,
    json_lines,
    parse_json,
    repeated_id,
)
from careerkg.knowledge import bundled
from careerkg.knowledge.catalogue import curie
from careerkg.knowledge.names import TermIndex
from careerkg.model import Facts, Term, term
from careerkg.vocab import CK, OWL, RDF, RDFS, XSD, bind_prefixes
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "ill_formed",
    "knowledge_statements",
    "local_contexts",
    "read_numbers_strictly",
    "parse_rdf",
    "CONTEXT_IRI",
    "GENERATED_PROFILE_PREFIX",
    "JSON_LINES_SUFFIXES",
    "MAX_JSON_DEPTH",
    "MAX_RECORD_BYTES",
    "NAME_PROPERTIES",
    "RELATIVE_BASE",
    "ProfileInput",
    "ProfileSet",
    "align_to_knowledge",
    "literal_problem",
    "max_input_bytes",
    "name_in_facts",
    "unknown_keys",
    "parse_json",
    "printable",
    "profile_subjects",
    "read_profiles",
    "record_facts",
    "refuse_xml_declarations",
    "well_formed_iri",
]

#: The published IRI of careerkg's JSON-LD context; documents naming it get the bundled copy.
CONTEXT_IRI = "https://w3id.org/careerkg/context.jsonld"

#: The most bytes careerkg reads of one whole-document input (``careerkg eligible`` streams JSON Lines files, which
#: have no such cap there; every other command reads each input whole); CAREERKG_MAX_INPUT_BYTES changes it.
DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024


def max_input_bytes() -> int:
    value = os.environ.get("CAREERKG_MAX_INPUT_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_INPUT_BYTES


_ENTITY_DECLARATION = re.compile(rb"<!(ENTITY|DOCTYPE)\b")
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def refuse_xml_declarations(data: bytes, name: str) -> None:
    """RDF/XML with a DOCTYPE or entity declarations is refused: entities can expand exponentially ("billion
    laughs") or point at files and URLs, and careerkg's profiles never need them."""
    # Only UTF-8 (or ASCII) XML is read: in UTF-16 the letters of a declaration have NULs between them, which
    # a byte search would miss while the XML parser honours the declared encoding.
    declared = _XML_ENCODING.search(data[:200])
    if b"\x00" in data or (declared and declared.group(1).lower().replace(b"_", b"-") not in {b"utf-8", b"us-ascii"}):
        raise UnreadableInputError(f"{name}: RDF/XML is read as UTF-8 only (this input is in another encoding)")
    match = _ENTITY_DECLARATION.search(data)
    if match:
        line = data.count(b"\n", 0, match.start()) + 1
        raise UnreadableInputError(
            f"{name}:{line}: RDF/XML with a DOCTYPE or entity declarations is refused (entities can expand "
            "without bound or reach files and the network); write the IRIs out in full, or use Turtle"
        )


#: The lexical forms XML Schema gives the numeric datatypes of profiles (XSD 1.1 Part 2, 3.3.3 and 3.4.13).
#: rdflib reads more than these (Python's Decimal takes "3.5E0" and "Infinity", int takes "3_0") and then
#: rewrites the literal in its canonical form ("3.5"), while the W3C validators (rdf-validate-shacl,
#: shacl-engine) reject such a literal as ill-formed: careerkg does too.
_LEXICAL_FORMS = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
}


def ill_formed(value: Literal) -> bool:
    """Whether ``value`` is an ill-formed literal: its lexical form is not one its datatype allows (for
    xsd:integer and xsd:decimal, XML Schema's grammar; for the other datatypes, rdflib's judgement)."""
    if value.ill_typed:
        return True
    pattern = _LEXICAL_FORMS.get(str(value.datatype)) if value.datatype is not None else None
    return pattern is not None and pattern.fullmatch(str(value)) is None


def _strict(datatype: str, convert: Callable[[str], Any]) -> Callable[[str], Any]:
    pattern = _LEXICAL_FORMS[datatype]

    def constructor(lexical: str) -> Any:
        # rdflib passes bytes where a parser gave them
        text = lexical.decode("utf-8") if isinstance(lexical, bytes) else str(lexical)
        if pattern.fullmatch(text) is None:
            raise ValueError(f"{text!r} is not a lexical form of {datatype}")
        return convert(text)

    return constructor


#: rdflib's conversions of the two datatypes, made strict.
_STRICT_CONVERSIONS: dict[str | None, Callable[[str], Any] | None] = {
    XSD.decimal: _strict(str(XSD.decimal), Decimal),
    XSD.integer: _strict(str(XSD.integer), int),
}


def read_numbers_strictly() -> None:
    """Make rdflib read xsd:integer and xsd:decimal literals by XML Schema's grammar: an ill-formed one such
    as ``"3.5E0"^^xsd:decimal`` is then ill-typed from the moment it is parsed (``Literal.ill_typed``),
    keeps its lexical form (rdflib would otherwise rewrite it as ``"3.5"``, hiding the fault) and stays so
    when pickled to a worker; so that every validator careerkg runs (its compiled shapes, and pySHACL, which
    reads the flag for ``sh:datatype``) judges it as the W3C validators do. Well-formed literals read
    exactly as before. Called before each parse: owlrl puts rdflib's own conversions back after a closure."""
    # rdflib's table of lexical conversions, the one rdflib.term.bind fills (bind would also add a rule for
    # writing numbers, again on every call; the writing side needs no change) and owlrl swaps
    from rdflib.term import _toPythonMapping

    if _toPythonMapping.get(XSD.decimal) is not _STRICT_CONVERSIONS[XSD.decimal]:
        _toPythonMapping.update(_STRICT_CONVERSIONS)


read_numbers_strictly()


_PROFILE_PROPERTIES = (CK.currentRole, CK.yearsInRole, CK.productsManaged, CK.hasSkill)

#: The properties that give a person's name (plain JSON's ``name`` is ``foaf:name``), by which messages and
#: text answers name a profile.
NAME_PROPERTIES = ("http://xmlns.com/foaf/0.1/name", "https://schema.org/name", "http://schema.org/name")


def name_in_facts(facts: Iterable[tuple[object, object]]) -> str | None:
    """The person's name among a profile's facts (see :data:`NAME_PROPERTIES`), or None; of several, the
    first in order."""
    names = sorted(str(o) for p, o in facts if str(p) in NAME_PROPERTIES and _plain_text(o))
    return names[0].strip() if names else None


_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def _plain_text(value: object) -> bool:
    """Whether ``value`` is text a person's name can be shown by: a string literal, not blank, its language
    tag (if any) well-formed (a malformed one is the shapes' to report, under the profile's IRI)."""
    if not isinstance(value, Literal) or not str(value).strip() or value.datatype not in (None, XSD.string):
        return False
    return value.language is None or _LANGUAGE.fullmatch(value.language) is not None


@dataclass(frozen=True)
class ProfileInput:
    """One input: its name as the user gave it (a path or ``-``) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> ProfileInput:
        limit = max_input_bytes()
        try:
            with open(path, "rb") as stream:
                return cls.from_stream(str(path), stream, limit)
        except OSError as error:
            raise UnreadableInputError(f"{path}: cannot read: {error.strerror or error}") from error

    @classmethod
    def from_stream(cls, name: str, stream: ByteStream, limit: int | None = None) -> ProfileInput:
        """Read a whole input, refusing one larger than ``limit`` bytes (default: :func:`max_input_bytes`)."""
        limit = limit or max_input_bytes()
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise UnreadableInputError(
                f"{name}: larger than {limit:,} bytes, the most careerkg reads of one document; `careerkg "
                "eligible` streams JSON Lines files (.jsonl) of any size, or raise CAREERKG_MAX_INPUT_BYTES"
            )
        return cls(name, data)

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower() if self.name != "-" else ""


@dataclass
class ProfileSet:
    """Profiles read from one or more inputs: their triples and the profiles in input order."""

    graph: Graph = field(default_factory=lambda: bind_prefixes(Graph()))
    order: list[URIRef | BNode] = field(default_factory=list)
    #: Records of the input that could not be read and were skipped, one message each (``file:line: ...``).
    problems: list[str] = field(default_factory=list)
    #: The input's name (a path, ``-`` or ``request body``), for messages.
    name: str = ""
    #: One message for the statements of careerkg's knowledge the input made (left out; see
    #: :func:`knowledge_statements`), or None.
    knowledge: str | None = None
    #: Each profile's name where its record gives one (``name``, ``foaf:name``, ``schema:name``), by IRI.
    names: dict[str, str] = field(default_factory=dict)
    #: Where each JSON profile was read (``team.json[2]``, ``team.jsonl:3``), by IRI; others: :attr:`name`.
    locations: dict[str, str] = field(default_factory=dict)
    #: Warnings about records that were read (a key careerkg does not read, ignored), one line each.
    warnings: list[str] = field(default_factory=list)

    def title(self, profile: str) -> str:
        """How messages name a profile: the person's name where given, else its IRI."""
        return self.names.get(profile) or profile

    def location(self, profile: str) -> str:
        """Where the profile was read: its record (``team.json[2]``) or line, or the input."""
        return self.locations.get(profile) or self.name

    def add(self, other: ProfileSet) -> None:
        self.graph += other.graph
        known = set(self.order)
        self.order += [p for p in other.order if p not in known]
        self.problems += other.problems
        self.names.update(other.names)
        self.locations.update(other.locations)
        self.warnings += other.warnings


@lru_cache(maxsize=1)
def _context() -> dict[str, Any]:
    document: dict[str, dict[str, Any]] = json.loads(bundled.read_text("careerkg.ontology", "context.jsonld"))
    return document["@context"]


def _check_contexts(value: Any, where: str) -> Any:
    """A context made local: careerkg's published context IRI becomes the bundled context, and any other
    remote reference, at any depth (a context IRI, ``@import``, a scoped ``@context`` inside a term
    definition), is refused, so the JSON-LD processor never has anything to fetch."""
    if isinstance(value, str):
        if value == CONTEXT_IRI:
            return _context()
        raise UnreadableInputError(
            f"{where}: remote JSON-LD @context {value!r} is not fetched (careerkg works offline)"
        )
    if isinstance(value, list):
        return [_check_contexts(item, where) for item in value]
    if isinstance(value, dict):
        local: dict[str, Any] = {}
        for key, item in value.items():
            if key == "@import":
                if item != CONTEXT_IRI:
                    raise UnreadableInputError(
                        f"{where}: remote JSON-LD @import {item!r} is not fetched (careerkg works offline)"
                    )
                local = {**_context(), **local}
            elif key == "@context" or isinstance(item, dict):
                local[key] = _check_contexts(item, where) if key == "@context" else _scoped(item, where)
            else:
                local[key] = item
        return local
    return value


def _scoped(definition: dict[str, Any], where: str) -> dict[str, Any]:
    """A term definition, with its scoped ``@context`` (if any) made local."""
    return {key: _check_contexts(item, where) if key == "@context" else item for key, item in definition.items()}


def local_contexts(value: Any, where: str) -> Any:
    """``value`` with every ``@context`` in it, at any depth, made local (or refused)."""
    if isinstance(value, dict):
        return {
            key: _check_contexts(item, where) if key == "@context" else local_contexts(item, where)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [local_contexts(item, where) for item in value]
    return value


def _resolve_names(record: dict[str, Any], terms: TermIndex) -> None:
    """Turn role and skill names (labels, local names, CURIEs, exactly matched external IRIs) into careerkg's
    IRIs, which the context passes through."""

    def iri(text: Any, find: Any) -> Any:
        if not isinstance(text, str):
            return text
        found = find(text)
        if found is not None:
            return str(found)
        if ":" in text:  # some other IRI or CURIE: leave it, the shapes will say it is unknown
            return text
        return str(CK) + quote(text.strip(), safe="")

    if isinstance(record.get("currentRole"), list):  # ["PM"]: one role in a list is that role
        record["currentRole"] = [iri(r, terms.find_role) for r in record["currentRole"]]
    elif "currentRole" in record:
        record["currentRole"] = iri(record["currentRole"], terms.find_role)
    for key in ("yearsInRole", "productsManaged"):
        # JSON numbers become xsd:decimal / xsd:integer literals through the context; give them their exact
        # decimal spelling first (JSON-LD would otherwise go through a binary float and write 5 as 5.0E0).
        value = record.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            record[key] = format(Decimal(repr(value)), "f")
    for key in ("skills", "hasSkill"):
        if isinstance(record.get(key), list):
            record[key] = [iri(s, terms.find_skill) for s in record[key]]
        elif key in record:
            record[key] = iri(record[key], terms.find_skill)


#: How the IRI careerkg gives a record without an ``@id`` begins (the rest is a digest of its content).
GENERATED_PROFILE_PREFIX = "urn:careerkg:profile:"


def _refuse_lone_surrogates(record: dict[str, Any], where: str) -> None:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``), which is no Unicode character: no RDF store or
    UTF-8 output can hold it, so the record is refused (only non-ASCII strings need a look)."""
    stack: list[Any] = [record]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            for text in (key, value):
                if isinstance(text, str) and not text.isascii():
                    try:
                        text.encode("utf-8")
                    except UnicodeEncodeError as error:
                        raise UnreadableInputError(
                            f"{where}: a string holds a lone UTF-16 surrogate ({text[error.start]!r}), "
                            "which is not a Unicode character"
                        ) from error
            if isinstance(value, (dict, list)):
                stack.append(value)


def unknown_keys(record: dict[str, Any], where: str) -> list[str]:
    """One warning for each key of a plain JSON profile (one without its own ``@context``) that careerkg does
    not read, so that it is never ignored without a word, with the closest key careerkg reads."""
    known = {key for key in _context() if not key.startswith("@") and key not in ("ck", "xsd", "Profile")}
    by_fold = {key.casefold(): key for key in known}
    name = record.get("name")
    who = f" ({name})" if isinstance(name, str) and name.strip() else ""
    found = []
    for key in record:
        if key.startswith("@") or key in known:
            continue
        fold = key.casefold()
        close = [by_fold[k] for k in difflib.get_close_matches(fold, list(by_fold), n=1, cutoff=0.5)]
        close = close or [by_fold[k] for k in by_fold if fold and k.startswith(fold)]
        hint = f'; did you mean "{close[0]}"?' if close else f"; careerkg reads {', '.join(sorted(known))}"
        found.append(f'{where}{who}: key "{key}" is not one careerkg reads, and was ignored{hint}')
    return found


def _plain_record(
    record: Any, where: str, terms: TermIndex, seen: dict[str, int], notes: list[str] | None = None
) -> dict[str, Any]:
    """A JSON record made a JSON-LD document careerkg reads; warnings (keys it does not read) go to ``notes``."""
    if not isinstance(record, dict):
        raise UnreadableInputError(f"{where}: expected a JSON object describing a profile, got {type(record).__name__}")
    _refuse_lone_surrogates(record, where)
    doc: dict[str, Any] = dict(local_contexts(record, where))
    if "@graph" in doc:  # a JSON-LD document of several nodes: taken as it is
        return doc
    if "@context" not in doc:
        if notes is not None:
            notes += unknown_keys(doc, where)
        doc["@context"] = _context()
        _resolve_names(doc, terms)
        doc.setdefault("@type", "Profile")
    if isinstance(doc.get("@id"), str) and doc["@id"].startswith(GENERATED_PROFILE_PREFIX):
        raise UnreadableInputError(
            f"{where}: @id {doc['@id'][:100]!r} is in the namespace careerkg names records without an @id by; "
            "leave @id out, or give an IRI of your own"
        )
    if isinstance(doc.get("@id"), str) and not well_formed_iri(doc["@id"]):
        raise UnreadableInputError(
            f"{where}: @id {doc['@id'][:100]!r} is not a valid absolute IRI (like https://example.org/people/ada)"
        )
    if "@id" not in doc:
        digest = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:20]
        count = seen.get(digest, 0)
        seen[digest] = count + 1
        doc["@id"] = f"{GENERATED_PROFILE_PREFIX}{digest}" + (f"-{count + 1}" if count else "")
    return doc


def _is_json_lines(source: ProfileInput, text: str | None) -> bool:
    """JSON Lines by its suffix, or by its content: several lines, the first of which is a JSON object on its
    own (a pretty-printed JSON document with a syntax error is not mistaken for JSON Lines)."""
    if source.suffix in JSON_LINES_SUFFIXES:
        return True
    head = source.data.lstrip()
    if not head.startswith(b"{") or b"\n" not in head.rstrip() or source.suffix in format_named("json-ld").suffixes:
        return False
    first = head.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first.decode("utf-8-sig")), dict)
    except (ValueError, RecursionError):
        return False


def _json_records(source: ProfileInput, text: str | None, lines: bool) -> list[tuple[str, Any]]:
    """(location, value) pairs: one parsed value for a JSON document, or, for JSON Lines, each record's bytes
    or the error in its place (parsed later, one by one, so that one bad line spoils only itself)."""
    if lines:
        return list(json_lines(source.name, io.BytesIO(source.data)))
    assert text is not None
    return [(source.name, parse_json(text, source.name))]


def _parse_json(
    source: ProfileInput,
    text: str | None,
    terms: TermIndex,
    graph: Graph,
    problems: list[str],
    lines: bool,
    locations: dict[str, str],
    warnings: list[str],
) -> list[str]:
    """Parse the JSON records into ``graph``; return their ``@id``s in input order. A record that cannot be
    read (bad JSON on its line, not a profile, a repeated ``@id``) is skipped with a message in ``problems``."""
    seen: dict[str, int] = {}
    ids: list[str] = []
    first_seen = SeenIds(where=True)
    for where, value in _json_records(source, text, lines):
        if isinstance(value, UnreadableInputError):  # a JSON Lines record too long to read
            problems.append(str(value))
            continue
        try:
            if lines:  # JSON Lines: each line read on its own
                value = json_line(value, where)
            items = value if isinstance(value, list) else [value]
        except UnreadableInputError as error:
            problems.append(str(error))
            continue
        for index, item in enumerate(items):
            location = f"{where}[{index}]" if isinstance(value, list) else where
            try:
                notes: list[str] = []
                record = _plain_record(item, location, terms, seen, notes)
                warnings += notes
                iri = record.get("@id")
                if isinstance(iri, str) and (first := first_seen.where(iri)) is not None:
                    raise UnreadableInputError(repeated_id(location, iri, first, source.name))
                own = Graph(bind_namespaces="none")  # the default binds dozens of prefixes per record
                try:
                    own.parse(data=json.dumps(record), format="json-ld", publicID=RELATIVE_BASE)
                except Exception as error:  # rdflib's JSON-LD errors have no common base class
                    raise UnreadableInputError(f"{location}: not valid JSON-LD: {error}") from error
                if isinstance(iri, str) and "@graph" not in record:
                    _check_record_describes_itself(own, iri, location)
                graph += own
            except UnreadableInputError as error:
                problems.append(str(error))
                continue
            if isinstance(iri, str):
                first_seen.add(iri, location)
                ids.append(iri)
                locations[iri] = location
    return ids


def _check_record_describes_itself(own: Graph, iri: str, location: str) -> None:
    """A record describes one person: its own profile, and no other (a nested node, ``@included`` or
    ``@reverse`` naming another record's profile would change that person's answer from the outside); and a
    record that yields no profile at all (its own ``@context`` gave its keys other meanings) is said to."""
    found = profile_subjects(own)
    others = [str(node) for node in found if str(node) != iri]
    if others:
        raise UnreadableInputError(
            f"{location}: the record describes another profile too ({others[0][:100]}); give each person a "
            "record of their own (this one is skipped)"
        )
    if URIRef(iri) not in found:
        raise UnreadableInputError(
            f"{location}: the record describes no profile (no current role, skills, years or products under "
            "careerkg's names; a record's own @context may have given its keys other meanings)"
        )


def _looks_like_json(text: str) -> bool:
    if text.lstrip()[:1] in ("{", "["):
        return True
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def parse_rdf(graph: Graph, text: str, fmt: str, name: str, base: str = RELATIVE_BASE) -> None:
    """Parse ``text``, an RDF document in careerkg format ``fmt``, into ``graph``; relative IRIs resolve against
    ``base``. :class:`UnreadableInputError` naming ``name`` (and the line, where the parser says) if it is not
    valid. Check RDF/XML with :func:`refuse_xml_declarations` first."""
    try:
        graph.parse(data=text, format=format_named(fmt).rdflib, publicID=base)
    except Exception as error:  # rdflib raises many unrelated types for syntax errors
        bad_syntax = re.search(r"at line (\d+) of <[^>]*>:\s*Bad syntax \((.*?)\) at \^", str(error), re.DOTALL)
        if isinstance(error, IndexError):  # rdflib's Turtle parser runs off the end of truncated input
            first = "unexpected end of input (is the last statement missing its final '.'?)"
        elif bad_syntax:  # rdflib's Turtle/N-Triples message: keep the line and the reason, not its dump
            first = f"line {bad_syntax.group(1)}: {bad_syntax.group(2)}"
        else:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UnreadableInputError(f"{name}: not valid {fmt}: {first}") from error


def align_to_knowledge(graph: Graph, terms: TermIndex) -> None:
    """Rewrite in place each ``ck:currentRole`` value that is the IRI of an exact match of a role, and each
    ``ck:hasSkill`` value that is the IRI of an exact match of a skill (``skos:exactMatch`` in the knowledge,
    e.g. an ESCO occupation or skill), to careerkg's role or skill, so that the shapes and the reasoner see
    careerkg's own terms. Any other value stays as it is (an unknown one is reported by the shapes)."""
    for prop, find in ((CK.currentRole, terms.find_role), (CK.hasSkill, terms.find_skill)):
        for subject, value in list(graph.subject_objects(prop)):
            own = terms.find_exact(str(value)) if isinstance(value, URIRef) else None
            if own is not None and find(str(own)) == own:
                graph.remove((subject, prop, value))
                graph.add((subject, prop, own))


def read_profiles(source: ProfileInput, terms: TermIndex, fmt: str | None = None) -> ProfileSet:
    """Parse one input's profiles into a new graph. ``fmt`` overrides the format guessed from the suffix
    (``turtle``, ``nt``, ``xml``, ``json-ld`` or ``json``); without a telling suffix the content decides."""
    if not source.data.strip():
        raise UnreadableInputError(f"{source.name}: empty input, no profile to read")
    read_numbers_strictly()
    lines = fmt in {None, "json", "jsonl"} and _is_json_lines(source, None)
    fmt = "json" if fmt == "jsonl" else fmt
    text: str | None = None
    if not lines:
        try:
            text = source.data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnreadableInputError(f"{source.name}: not UTF-8 text (byte {error.start})") from error
        if not text.strip():
            raise UnreadableInputError(f"{source.name}: empty input, no profile to read")
    by_suffix = format_of_suffix(source.suffix)
    fmt = fmt or ("json" if lines else by_suffix.name if by_suffix else None)
    if fmt is None:
        assert text is not None
        if _looks_like_json(text):
            fmt = "json"
        elif text.lstrip().startswith(("<?xml", "<rdf:RDF", "<!DOCTYPE")):
            fmt = "xml"
        else:
            fmt = "turtle"
    graph = bind_prefixes(Graph())
    ids: list[str] = []
    problems: list[str] = []
    locations: dict[str, str] = {}
    warnings: list[str] = []
    if fmt in {"json", "json-ld"}:
        ids = _parse_json(source, text, terms, graph, problems, lines, locations, warnings)
    else:
        assert text is not None
        if fmt == "xml":
            refuse_xml_declarations(source.data, source.name)
        parse_rdf(graph, text, fmt, source.name)
    align_to_knowledge(graph, terms)
    found = profile_subjects(graph)
    if not found:
        if problems:
            raise UnreadableInputError(
                "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
            )
        raise UnreadableInputError(
            f"{source.name}: no profile found (a profile is a ck:Profile or has a ck:currentRole)"
        )
    # JSON records keep their input order; RDF graphs have none, so their profiles come sorted by IRI.
    position = {iri: index for index, iri in enumerate(ids)}
    found.sort(key=lambda p: (position.get(str(p), len(position)), str(p)))
    said = knowledge_statements(graph, set(found))
    for triple in said:  # neither used nor stored: careerkg's knowledge comes from knowledge, not from profiles
        graph.remove(triple)
    names = {str(p): name for p in found if (name := name_in_facts(graph.predicate_objects(p))) is not None}
    knowledge = _knowledge_message(source.name, said)
    return ProfileSet(graph, found, problems, source.name, knowledge, names, locations, warnings)


#: The vocabularies that say what classes and properties are: a profile document has no business with them.
_KNOWLEDGE_PREDICATES = (str(RDFS), str(OWL), "http://www.w3.org/2004/02/skos/core#")


def knowledge_statements(graph: Graph, profiles: set[URIRef | BNode]) -> list[tuple[Node, Node, Node]]:
    """The statements of a profile document that belong to careerkg's knowledge, not to a profile: anything
    about a node other than a profile that uses careerkg's vocabulary (a ``ck:`` property, a ``ck:`` class,
    a subject in careerkg's namespace) or says what a class or property is (RDFS, OWL, SKOS), such as
    ``ex:Astronaut a ck:Role`` or a transition of the document's own. Sorted, for stable messages."""
    ck = str(CK)
    found = []
    for s, p, o in graph:
        if s in profiles:
            continue
        if (
            str(s).startswith(ck)
            or str(p).startswith(ck)
            or str(p).startswith(_KNOWLEDGE_PREDICATES)
            or (p == RDF.type and (str(o).startswith(ck) or str(o).startswith(_KNOWLEDGE_PREDICATES)))
        ):
            found.append((s, p, o))
    return sorted(found, key=lambda t: tuple(str(n) for n in t))


def _knowledge_message(name: str, said: list[tuple[Node, Node, Node]]) -> str | None:
    if not said:
        return None

    # by careerkg's prefix alone: the statements are a profile document's, and no knowledge pack names its terms
    shown = "; ".join(" ".join("a" if n == RDF.type else curie(str(n)) for n in t) for t in said[:3])
    more = f" (and {len(said) - 3} more)" if len(said) > 3 else ""
    return (
        f"{name}: {len(said)} statement(s) of careerkg's knowledge were left out, neither used nor stored: {shown}"
        f"{more}; roles, skills, requirements and moves come from careerkg's knowledge and knowledge packs, "
        "never from a profile"
    )


def profile_subjects(graph: Graph) -> list[URIRef | BNode]:
    """The profiles in ``graph``, in a stable order: typed ck:Profile or described with a profile property."""
    found = {s for s in graph.subjects(RDF.type, CK.Profile)}
    for prop in _PROFILE_PROPERTIES:
        found.update(graph.subjects(prop, None))
    return sorted((s for s in found if isinstance(s, (URIRef, BNode))), key=str)


@lru_cache(maxsize=1)
def _context_table() -> dict[str, tuple[str, str | None]]:
    """The bundled context's terms: name -> (property IRI, coercion: "@vocab", a datatype IRI, or None)."""
    context = _context()
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes and not local.startswith("//") else value

    table: dict[str, tuple[str, str | None]] = {}
    for name, definition in context.items():
        if name.startswith("@") or name in prefixes:
            continue
        if isinstance(definition, str):
            table[name] = (expand(definition), None)
        elif isinstance(definition, dict) and "@id" in definition:
            coercion = definition.get("@type")
            table[name] = (expand(definition["@id"]), coercion if coercion == "@vocab" else
                           expand(coercion) if coercion else None)  # fmt: skip
    return table


_RDF_TYPE = str(RDF.type)


def _fast_facts(doc: dict[str, Any]) -> Facts | None:
    """The facts of a plain-JSON profile (already given the bundled context and resolved names), computed
    directly from the context's term definitions; None when the record needs the full JSON-LD algorithm
    (nested objects, unknown keys, other types)."""
    table = _context_table()
    facts: Facts = set()
    for key, value in doc.items():
        if key in ("@context", "@id"):
            continue
        if key == "@type":
            if value != "Profile":
                return None
            facts.add((_RDF_TYPE, str(CK.Profile)))
            continue
        if key not in table:
            return None
        prop, coercion = table[key]
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str):
                return None
            if coercion == "@vocab":
                if item in table or item.startswith("@") or ":" not in item:
                    return None
                facts.add((prop, item))
            elif coercion is not None:
                facts.add((prop, Literal(item, datatype=URIRef(coercion))))
            else:
                facts.add((prop, Literal(item)))
    return facts


def record_facts(
    record: Any, where: str, terms: TermIndex, seen: dict[str, int], notes: list[str] | None = None
) -> tuple[str, Facts, dict[Term, set[Term]]]:
    """One JSON profile record as (profile IRI, its facts, rdf:type statements about other nodes).

    Plain JSON records of the usual shape take a direct path; anything else goes through rdflib's JSON-LD
    parser. Both give the same facts (tested)."""
    read_numbers_strictly()
    doc = _plain_record(record, where, terms, seen, notes)
    subject = doc.get("@id")
    if isinstance(subject, str) and doc.get("@context") is not None and "@graph" not in doc:
        if doc["@context"] is _context():
            fast = _fast_facts(doc)
            if fast is not None:
                return subject, fast, {}
    graph = Graph()
    try:
        graph.parse(data=json.dumps(doc), format="json-ld", publicID=RELATIVE_BASE)
    except Exception as error:  # rdflib's JSON-LD errors have no common base class
        raise UnreadableInputError(f"{where}: not valid JSON-LD: {error}") from error
    align_to_knowledge(graph, terms)
    subjects = profile_subjects(graph)
    if len(subjects) != 1:
        raise UnreadableInputError(f"{where}: expected one profile in the record, found {len(subjects)}")
    key = term(subjects[0])
    assert type(key) is str
    facts: Facts = {(str(p), term(o)) for p, o in graph.predicate_objects(subjects[0])}
    others: dict[Term, set[Term]] = {}
    for s, o in graph.subject_objects(RDF.type):
        if s != subjects[0]:
            others.setdefault(term(s), set()).add(term(o))
    return key, facts, others

"""Every format careerkg reads or writes, in one table: its name, file suffixes, media types, and the names
rdflib and Oxigraph give it. So are the SPARQL results formats.

Each use of formats (the profile reader, RDF output, the HTTP server, the query workers, the command line's
choices) says which formats it takes, in the order it offers them, by careerkg's name; everything about a
format is looked up here. Only the standard library is imported: pyoxigraph's format objects are named by
attribute (``getattr(pyoxigraph.RdfFormat, fmt.oxigraph)``), so this table costs nothing to import.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FORMATS",
    "RESULT_FORMATS",
    "Format",
    "JSON_LINES_SUFFIXES",
    "ResultFormat",
    "format_named",
    "format_of_media_type",
    "format_of_suffix",
    "result_format_of_media_type",
]


@dataclass(frozen=True)
class Format:
    """A format of RDF (or of profiles, which plain JSON and JSON Lines carry)."""

    #: careerkg's name for it (``--input-format``, ``--format``).
    name: str
    #: The file suffixes that mean it, in lower case.
    suffixes: tuple[str, ...]
    #: Its media types; the first is the canonical one.
    media_types: tuple[str, ...]
    #: rdflib's parser and serializer name, or None when careerkg reads it itself (plain JSON, JSON Lines).
    rdflib: str | None
    #: The attribute of ``pyoxigraph.RdfFormat`` for it, or None when Oxigraph does not know it.
    oxigraph: str | None
    #: The format careerkg writes a file with this suffix in, or None when it writes no such file.
    written_as: str | None


#: Every format careerkg reads or writes, in the order the command line offers input formats.
FORMATS: tuple[Format, ...] = (
    Format("turtle", (".ttl", ".turtle"), ("text/turtle",), "turtle", "TURTLE", "turtle"),
    Format("nt", (".nt",), ("application/n-triples",), "nt", "N_TRIPLES", "nt"),
    Format("xml", (".rdf", ".owl", ".xml"), ("application/rdf+xml",), "xml", "RDF_XML", "xml"),
    Format("json-ld", (".jsonld",), ("application/ld+json",), "json-ld", "JSON_LD", "json-ld"),
    # plain JSON is JSON-LD with careerkg's bundled context: a .json file careerkg writes is JSON-LD
    Format("json", (".json",), ("application/json",), None, None, "json-ld"),
    Format("jsonl", (".jsonl", ".ndjson"), ("application/x-ndjson", "application/jsonl"), None, None, None),
)

#: The suffixes of JSON Lines files.
JSON_LINES_SUFFIXES = next(f.suffixes for f in FORMATS if f.name == "jsonl")


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL results format (the answers of SELECT and ASK)."""

    #: careerkg's name for it (``careerkg query --format``).
    name: str
    #: Its media types: the canonical one first, then aliases some clients send (answered as the first).
    media_types: tuple[str, ...]
    #: The attribute of ``pyoxigraph.QueryResultsFormat`` for it.
    oxigraph: str


#: The SPARQL 1.1 results formats, in the order careerkg offers them.
RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", ("application/sparql-results+json", "application/json"), "JSON"),
    ResultFormat("xml", ("application/sparql-results+xml", "application/xml"), "XML"),
    ResultFormat("csv", ("text/csv",), "CSV"),
    ResultFormat("tsv", ("text/tab-separated-values",), "TSV"),
)

_BY_NAME = {f.name: f for f in FORMATS}
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}
_BY_MEDIA_TYPE = {media_type: f for f in FORMATS for media_type in f.media_types}
_RESULTS_BY_MEDIA_TYPE = {media_type: f for f in RESULT_FORMATS for media_type in f.media_types}


def format_named(name: str) -> Format:
    """The format careerkg calls ``name`` (:class:`KeyError` for a name it does not know)."""
    return _BY_NAME[name]


def format_of_suffix(suffix: str) -> Format | None:
    """The format a file suffix (``.ttl``, in any case) means, or None."""
    return _BY_SUFFIX.get(suffix.lower())


def format_of_media_type(media_type: str) -> Format | None:
    """The format of a media type (``text/turtle``), or None."""
    return _BY_MEDIA_TYPE.get(media_type)


def result_format_of_media_type(media_type: str) -> ResultFormat | None:
    """The SPARQL results format of a media type (canonical or alias), or None."""
    return _RESULTS_BY_MEDIA_TYPE.get(media_type)

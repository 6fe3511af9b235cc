"""Named SPARQL queries and running queries safely.

Each ``.rq`` file in ``careerkg.queries`` starts with a grlc-style header of ``#+ key: value`` lines
(``summary`` required, ``description`` optional, a ``>`` folded block allowed). Headers are parsed strictly:
an unknown key, a missing summary or a malformed line is an error, never silently ignored.

Queries run read-only and offline: updates do not parse as queries, ``SERVICE`` is refused, ``FROM`` and
``FROM NAMED`` never load anything, and bound values are passed as initial bindings, never pasted into text.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from careerkg.errors import (
    BindingError,
    InvalidInputError,
    NoNamedGraphsError,
    QueryLimitError,
    QueryRefusedError,
    QuerySyntaxError,
    ServiceRefusedError,
    UnknownTermError,
    UnreadableInputError,
    UpdateSyntaxError,
)
from careerkg.knowledge import bundled
from careerkg.model import from_sparql_json
from careerkg.sparql.limits import check_size, deadline
from rdflib import Graph
from rdflib.plugins import sparql as rdflib_sparql
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Literal, Node, URIRef

__all__ = [
    "PROLOGUE",
    "NamedQuery",
    "QueryHeaderError",
    "QueryLimitError",
    "canonical_query_text",
    "check_size",
    "deadline",
    "json_solutions",
    "OXIGRAPH_FROM_TRIPLES",
    "named_queries",
    "named_query_text",
    "oxigraph_refusal",
    "parse_header",
    "prepare",
    "run",
    "run_in_oxigraph",
    "values_problem",
    "tsv",
    "values_clause",
    "with_values",
]

_HEADER_KEYS = {"summary", "description"}
_LINE = re.compile(r"^#\+ ?(?P<body>.*)$")
_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?:\s+(?P<value>.*))?$")

# Never let rdflib fetch the graphs named in FROM / FROM NAMED.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False


class QueryHeaderError(InvalidInputError):
    """A named query's ``#+`` header is malformed."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    description: str
    text: str


def parse_header(text: str, source: str) -> dict[str, str]:
    """The ``#+`` header of a query as a dict; :class:`QueryHeaderError` on anything unexpected."""
    header: dict[str, str] = {}
    folding: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            break
        body = match.group("body")
        if folding is not None and body.startswith("  "):
            header[folding] = (header[folding] + " " + body.strip()).strip()
            continue
        folding = None
        key_match = _KEY.match(body)
        if key_match is None:
            raise QueryHeaderError(f"{source}:{number}: malformed header line {line!r} (expected '#+ key: value')")
        key, value = key_match.group("key"), (key_match.group("value") or "").strip()
        if key not in _HEADER_KEYS:
            raise QueryHeaderError(
                f"{source}:{number}: unknown header key {key!r} (known: {', '.join(sorted(_HEADER_KEYS))})"
            )
        if key in header:
            raise QueryHeaderError(f"{source}:{number}: header key {key!r} given twice")
        if value in {">", "|"}:
            header[key] = ""
            folding = key
        elif not value:
            raise QueryHeaderError(f"{source}:{number}: header key {key!r} has no value")
        else:
            header[key] = value
    if not header.get("summary"):
        raise QueryHeaderError(f"{source}: no '#+ summary:' header line at the top")
    return header


def named_queries() -> list[NamedQuery]:
    """The queries shipped in ``careerkg.queries``, by name (the file name without ``.rq``)."""
    found = []
    for file_name in bundled.data_files("careerkg.queries"):
        text = bundled.read_text("careerkg.queries", file_name)
        header = parse_header(text, file_name)
        found.append(NamedQuery(file_name.removesuffix(".rq"), header["summary"], header.get("description", ""), text))
    return found


def named_query_text(name: str) -> str:
    """The text of the named query ``name`` (a file in ``careerkg.queries``)."""
    return bundled.read_text("careerkg.queries", f"{name}.rq")


#: The prologue of a query: comments, BASE and PREFIX declarations.
PROLOGUE = re.compile(r"\A(?:\s+|#[^\n]*\n?|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE)


def with_values(text: str, bindings: dict[str, Identifier]) -> str:
    """``text`` with ``bindings`` as a ``VALUES`` block opening its WHERE clause, for servers that take no
    initial bindings. Inside the WHERE clause every engine joins it before grouping, unions and BINDs; after
    the query (where SPARQL also allows one) Virtuoso 7.2 evaluates it wrongly with UNION and BIND.

    Each value is an RDF term careerkg built itself (:func:`binding_value`), written with rdflib's escaping;
    an IRI that could break out of ``<...>`` is refused, so nothing the user typed becomes query syntax."""
    if not bindings:
        return text
    head = PROLOGUE.match(text)
    start = head.end() if head else 0
    where = re.compile(r"\bWHERE\s*\{", re.IGNORECASE).search(text, start)
    if where is None:
        raise BindingError(": the query has no WHERE { ... } clause to put the bound values in")
    return text[: where.end()] + values_clause(bindings) + text[where.end() :]


def values_clause(bindings: dict[str, Identifier]) -> str:
    """Bindings as a SPARQL ``VALUES`` block (see :func:`with_values`)."""
    if not bindings:
        return ""
    names = list(bindings)
    cells = []
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise BindingError(f": {name!r} is not a SPARQL variable name")
        value = bindings[name]
        if isinstance(value, URIRef) and re.search(r'[\s<>"{}|^`\\]', str(value)):
            raise BindingError(f" {name}: {str(value)!r} is not a valid IRI")
        cells.append(value.n3())
    return "\nVALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(cells) + ") }\n"


def values_problem(query: Query, names: list[str]) -> str | None:
    """Why bindings for ``names``, sent as a ``VALUES`` block opening the WHERE clause (:func:`with_values`),
    would not mean what initial bindings mean, or ``None`` when they would. The block is joined first, as
    initial bindings are, so grouping, unions and BINDs see it; but a sub-select sees only the variables it
    selects, and a name the query never uses binds nothing."""
    from rdflib.term import Variable

    used = {str(node) for node in _walk(query.algebra) if isinstance(node, Variable)}
    for name in names:
        if name not in used:
            return f"?{name} does not occur in the query"
    for node in _walk(query.algebra):
        if getattr(node, "name", None) == "ToMultiSet":  # a sub-select
            inner = node.get("p")
            selected = {str(v) for v in (inner.get("PV") or [])} if hasattr(inner, "get") else set()
            inside = {str(n) for n in _walk(inner) if isinstance(n, Variable)}
            for name in names:
                if name in inside and name not in selected:
                    return f"?{name} is used inside a sub-select that does not select it"
    return None


def load_query(spec: str, stdin_text: str | None = None) -> tuple[str, str]:
    """(source name, query text) for a named query, a file path, or ``-`` (``stdin_text``)."""
    if spec == "-":
        return "<stdin>", stdin_text or ""
    by_name = {q.name: q for q in named_queries()}
    if spec in by_name:
        return spec, by_name[spec].text
    path = Path(spec)
    if path.suffix == ".rq" or path.exists():
        try:
            return spec, path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UnreadableInputError(f"{spec}: cannot read query: {error}") from error
    raise UnknownTermError(f"unknown query {spec!r}; `careerkg queries` lists the named ones, or give a .rq file")


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


#: Serialises rdflib's SPARQL parser, whose pyparsing grammar is shared state: parsing in two threads at
#: once failed valid queries ("Expected SelectQuery") and could leave the grammar broken for good.
_PARSER_LOCK = threading.Lock()


def _is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL Update request (parsed only, never run)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _PARSER_LOCK:
            parseUpdate(text)
    except Exception:  # pyparsing's exceptions: not an update either
        return False
    return True


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ANY_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
#: The letters of the SERVICE keyword, anywhere. Engines split text into tokens differently (Oxigraph reads
#: ``w:a.SERVICE:x`` as a name, a dot and a SERVICE clause; rdflib as one name), so no narrower pattern is
#: safe: a query holding these letters at all, in any case, is refused.
_SERVICE_LETTERS = re.compile(r"service", re.IGNORECASE)


def canonical_query_text(text: str, source: str) -> str:
    """The query text that every engine is given, so that all of them read the same query.

    Engines disagree at the edges: rdflib ends a ``#`` comment only at a line feed while Oxigraph also
    ends it at a carriage return, and they expand codepoint escapes (SPARQL 1.1, section 19.2) with
    different rules. A query written to exploit that could hide, say, a SERVICE clause from the check
    that refuses it. So escapes are expanded here, once, as the specification says; an escape that spells
    another escape is refused; and every line end becomes a line feed."""

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QuerySyntaxError(f"{source}: SPARQL syntax error: {match.group(0)} is not a Unicode character")
        return chr(code)

    expanded = _CODEPOINT_ESCAPE.sub(expand, text)
    if expanded != text and _ANY_ESCAPE.search(expanded):
        raise QuerySyntaxError(f"{source}: SPARQL syntax error: a codepoint escape that spells another is refused")
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


def prepare(text: str, source: str) -> Query:
    """Parse a query (SELECT, ASK, CONSTRUCT or DESCRIBE), refusing updates and SERVICE
    (:class:`QueryRefusedError`); a query that does not parse raises :class:`QuerySyntaxError`.

    Give other engines :func:`canonical_query_text` of the query, the text checked here."""
    if not text.strip():
        raise QuerySyntaxError(f"{source}: empty query")
    text = canonical_query_text(text, source)
    if _SERVICE_LETTERS.search(text):  # any SERVICE clause has these letters, so this one check covers them all
        raise ServiceRefusedError(
            f"{source}: SERVICE is refused: careerkg never queries other endpoints, and refuses any query holding "
            "the word 'service' (in a string or a comment too), as engines disagree on where it is a keyword"
        )
    try:
        with _PARSER_LOCK:  # rdflib's SPARQL parser (pyparsing) is not thread-safe: under `serve` it broke
            query = prepareQuery(text)
    except Exception as error:  # pyparsing raises its own exception types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if _is_update(text):
            raise QueryRefusedError(
                f"{source}: updates are refused: careerkg queries are read-only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
            ) from error
        if isinstance(error, RecursionError):
            raise QuerySyntaxError(
                f"{source}: the query is nested too deeply (or has too many parts in a row) for the SPARQL "
                "parser; split it"
            ) from error
        if re.search(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|COPY|MOVE|ADD)\b", text, re.IGNORECASE):
            raise UpdateSyntaxError(
                f"{source}: SPARQL syntax error: {first} (updates are not allowed: careerkg queries are read-only)"
            ) from error
        raise QuerySyntaxError(f"{source}: SPARQL syntax error: {first}") from error
    return query


def json_solutions(body: bytes, source: str) -> tuple[list[str], list[dict[str, Node]]]:
    """The variables and solutions of a W3C SPARQL JSON results document, with rdflib terms."""
    try:
        document = json.loads(body)
        variables = [str(v) for v in document.get("head", {}).get("vars", [])]
        rows = [
            {name: from_sparql_json(value) for name, value in row.items()} for row in document["results"]["bindings"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadableInputError(f"{source}: the answer is not SPARQL JSON results: {error}") from error
    return variables, rows


def run(query: Query, graph: Graph, bindings: dict[str, Identifier] | None = None) -> Result:
    """Run a prepared query over ``graph`` with ``bindings`` as initial bindings (never text substitution):
    rdflib's evaluation, the reference."""
    _check_default_graph_only(query)
    return graph.query(query, initBindings=dict(bindings or {}))


def _check_default_graph_only(query: Query) -> None:
    if any(getattr(part, "name", None) == "Graph" for part in _walk(query.algebra)):
        raise NoNamedGraphsError(
            "GRAPH needs named graphs, and careerkg's in-memory graph has none (everything is in the default graph)"
        )


#: From how many triples a query over an in-memory graph goes to Oxigraph: below it, rdflib answers about as
#: soon as a worker process would have started.
OXIGRAPH_FROM_TRIPLES = 5_000

_XSD = "http://www.w3.org/2001/XMLSchema#"


def oxigraph_refusal(query: Query) -> str | None:
    """Why :func:`run_in_oxigraph` does not take ``query`` (``None``: it does). Refused: DESCRIBE (each
    engine chooses its own description of a resource); GROUP_CONCAT (of strings sharing a language tag,
    Oxigraph keeps the tag and rdflib does not); functions named by IRI other than the XSD casts (rdflib may
    have extensions registered). Everything else is SPARQL 1.1, which both engines implement alike; the
    parity tests hold them to the same answers."""
    if query.algebra.name == "DescribeQuery":
        return "DESCRIBE"
    for part in _walk(query.algebra):
        name = getattr(part, "name", None)
        if name == "Aggregate_GroupConcat":
            return "GROUP_CONCAT"
        if name == "Function" and not str(part.get("iri", "")).startswith(_XSD):
            return f"the function <{part.get('iri')}>"
    return None


#: The form of the answer a worker is asked for, by the query's form.
_WORKER_MEDIA = {
    "SelectQuery": "application/sparql-results+json",
    "AskQuery": "application/sparql-results+json",
    "ConstructQuery": "application/n-triples",
}


def run_in_oxigraph(
    query: Query,
    text: str,
    graph: Graph,
    bindings: dict[str, Identifier] | None = None,
    *,
    time_limit: float | None = 300.0,
    max_results: int = 1_000_000,
    source: str = "",
) -> Result:
    """What :func:`run` answers, computed by Oxigraph in a process of its own (see
    :func:`careerkg.sparql.pool.answer_once`): many times faster over large graphs, and stopped for certain
    at ``time_limit``. ``text`` is :func:`canonical_query_text` of the query ``query`` was prepared from;
    the query must not be refused by :func:`oxigraph_refusal`. The answer is rdflib's :class:`Result`, with
    literals in their canonical lexical forms (Oxigraph stores values). Data Oxigraph cannot load (an IRI
    that is not one) raises :class:`careerkg.sparql.pool.UnloadableDataError`, for the caller to fall back
    on :func:`run`."""
    from careerkg.model import ntriples, ntriples_term
    from careerkg.sparql.pool import answer_once
    from rdflib.term import Variable

    _check_default_graph_only(query)
    form = query.algebra.name
    answer = answer_once(
        ntriples(graph),
        text,
        form == "ConstructQuery",
        _WORKER_MEDIA[form],
        {name: ntriples_term(value) for name, value in (bindings or {}).items()},
        time_limit=time_limit,
        max_results=max_results,
        source=source,
    )
    if form == "ConstructQuery":
        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=answer.body, format="nt")
        return result
    if form == "AskQuery":
        result = Result("ASK")
        result.askAnswer = bool(json.loads(answer.body).get("boolean"))
        return result
    variables, rows = json_solutions(answer.body, source)
    result = Result("SELECT")
    result.vars = [Variable(name) for name in variables]
    # json_solutions gives IRIs, blank nodes and literals only: rdflib's Identifier terms
    result.bindings = [{Variable(name): cast(Identifier, value) for name, value in row.items()} for row in rows]
    return result


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, URIRef):
        return f"<{term}>"
    return str(term.n3()) if isinstance(term, Identifier) else str(term)


def tsv(result: Result) -> str:
    """SELECT results in the W3C SPARQL 1.1 TSV format."""
    variables = result.vars or []
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in result:
        lines.append("\t".join(_tsv_term(row[v]) for v in variables))  # type: ignore[index, call-overload]
    return "\n".join(lines) + "\n"


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def binding_value(text: str, graph: Graph, find_term: Any = None) -> Identifier:
    """A ``--bind`` value as an RDF term: ``<IRI>``, a CURIE with a known prefix, a role or skill name
    (through ``find_term``), a number, or otherwise a plain string literal (quotes optional)."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return Literal(text[1:-1])
    if _NUMBER.match(text):
        return Literal(
            text, datatype=URIRef("http://www.w3.org/2001/XMLSchema#" + ("decimal" if "." in text else "integer"))
        )
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) or text.startswith("urn:"):
        return URIRef(text)
    if ":" in text:
        prefix, local = text.split(":", 1)
        namespace = dict(graph.namespaces()).get(prefix)
        if namespace is not None:
            return URIRef(str(namespace) + local)
    if find_term is not None:
        found = find_term(text)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return Literal(text)

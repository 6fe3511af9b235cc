"""``careerkg query`` and ``careerkg queries``: SPARQL over the knowledge graph and profiles."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import (
    endpoint_option,
    endpoint_password,
    graph_option,
    profile_format_option,
    read_inputs,
    report,
    store_option,
    user_option,
)
from careerkg.cli.render import csv_text, table
from careerkg.io.rdfout import serialize
from careerkg.sparql.endpoint import DEFAULT_TIMEOUT, SparqlEndpoint
from careerkg.sparql.queries import (
    canonical_query_text,
    check_size,
    json_solutions,
    load_query,
    named_queries,
    prepare,
    tsv,
    values_problem,
    with_values,
)
from careerkg.vocab import bind_prefixes

if TYPE_CHECKING:
    pass
from careerkg.sparql.pool import QueryAnswer
from rdflib import Graph
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Literal, Node, URIRef

_GRAPH_FORMATS = {"table": "turtle", "json": "json-ld", "xml": "xml"}


@click.command()
@click.argument("query_spec", metavar="NAME|FILE|-")
@click.option("--profile", "profiles", multiple=True, metavar="PROFILE",
              help="Add the profiles in PROFILE to the graph (repeatable; - for standard input).")  # fmt: skip
@profile_format_option
@click.option("--bind", "bindings", multiple=True, metavar="VAR=VALUE",
              help="Bind ?VAR before the query runs (repeatable). VALUE: a role or skill name, a ck: CURIE, "
              "<IRI>, a number or a string.")  # fmt: skip
@click.option("--inferred", is_flag=True,
              help="Add what inference derives: the OWL 2 RL closure of the knowledge graph and, for the "
              "profiles, ck:eligibleFor and ck:meetsRequirement.")  # fmt: skip
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv", "xml"]),
    default="table",
    show_default=True,
    help="SELECT/ASK results: a text table, or the W3C SPARQL results formats (JSON, CSV, TSV, XML). "
    "CONSTRUCT/DESCRIBE: table gives Turtle, json JSON-LD, xml RDF/XML.",
)
@store_option
@endpoint_option
@graph_option
@user_option
@click.option("--time-limit", type=click.FloatRange(min=0, max=1e6), default=300.0, show_default=True,
              metavar="SECONDS",
              envvar="CAREERKG_TIME_LIMIT", help="Stop the query after this long, exit code 1 (0: no limit). "
              "With --endpoint, the most to wait for the server.")  # fmt: skip
@click.option("--max-results", type=click.IntRange(min=0), default=1_000_000, show_default=True, metavar="N",
              envvar="CAREERKG_MAX_RESULTS", help="Refuse an answer of more rows (or triples) than N, exit code 1, "
              "rather than print it (0: no cap). With --endpoint it is checked on table and json answers, and "
              "any answer over 256 MiB is refused.")  # fmt: skip
@pass_settings
def query(
    settings: Settings,
    query_spec: str,
    profiles: tuple[str, ...],
    input_format: str | None,
    bindings: tuple[str, ...],
    inferred: bool,
    fmt: str,
    store_path: Path | None,
    endpoint: str | None,
    graph_iri: str | None,
    user: str | None,
    time_limit: float,
    max_results: int,
) -> None:
    """Run a SPARQL query over careerkg's knowledge graph (and profiles).

    NAME is a named query (see `careerkg queries`), FILE a .rq file, - reads the query from standard input.
    Queries are read-only and offline: updates and SERVICE are refused, FROM never loads anything.
    They are bounded: past --time-limit a query is stopped, and an answer over --max-results is refused.

    \b
    Examples:
      careerkg query roles
      careerkg query transitions --bind from=SeniorProductManager
      careerkg query requirements --bind from=ck:ProductManager --bind to=ck:SeniorProductManager --format csv
      careerkg query eligible --profile examples/team.jsonl
      echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | careerkg query -
      careerkg query eligible --store ./kgstore --profile examples/team.jsonl   # kept on disk
      careerkg query eligible --endpoint http://localhost:7878/query            # in a SPARQL server
    """
    engine = settings.engine
    stdin_text = sys.stdin.read() if query_spec == "-" else None
    if query_spec == "-" and "-" in profiles:
        raise click.UsageError("standard input can hold the query or a profile, not both")
    source, text = load_query(query_spec, stdin_text)
    prepared = prepare(text, source)
    text = canonical_query_text(text, source)  # what a store or a server runs is the text just checked
    if endpoint is not None:
        if profiles or inferred or store_path is not None:
            raise click.UsageError("with --endpoint the data is the server's: --profile, --inferred and --store "
                                   "do not apply (load profiles with `careerkg push`)")  # fmt: skip
        values = engine.bind(_bindings(bindings), engine.knowledge)
        problem = values_problem(prepared, list(values))
        if values and problem:
            raise click.UsageError(f"--bind with --endpoint: {problem}, so the server could not apply the "
                                   "binding as careerkg does; select the variable or drop --endpoint")  # fmt: skip
        form = prepared.algebra.name
        server = SparqlEndpoint(endpoint, graph_iri, timeout=time_limit or DEFAULT_TIMEOUT, user=user,
                                password=endpoint_password(user, endpoint))  # fmt: skip
        click.echo(_at_endpoint(server, with_values(text, values), form, fmt, max_results), nl=False)
        return
    if graph_iri is not None:
        raise click.UsageError("--graph goes with --endpoint")
    raw = _bindings(bindings)
    inputs = read_inputs(profiles, engine.terms, input_format) if profiles else None
    # Invalid profiles are never given answers, here either: they stay out of the data queried.
    outcome = engine.evaluate_documents(inputs.documents) if inputs is not None else None
    if outcome is not None:
        report(outcome)
    if store_path is not None:
        values = engine.bind(raw, bind_prefixes(Graph()))
        with engine.open_store(store_path) as store:
            if outcome is not None:
                store.keep(outcome)  # a profile given again replaces the one held
            answer = store.query(text, prepared.algebra.name in _GRAPH_FORMS, _store_media(prepared, fmt), values,
                                 time_limit=time_limit, max_results=max_results)  # fmt: skip
        click.echo(_store_answer(store_path, answer, prepared.algebra.name, fmt), nl=False)
    else:
        run = engine.run_query(text, source, outcome, inferred=inferred, bindings=raw, time_limit=time_limit,
                               max_results=max_results, prepared=prepared)  # fmt: skip
        click.echo(_render(run.result, fmt, run.graph), nl=False)
    if inputs is not None and inputs.unreadable:  # reported; the readable profiles were still answered
        raise click.exceptions.Exit(2)
    if outcome is not None and outcome.evaluation.invalid:  # never given answers, here either
        raise click.exceptions.Exit(1)


def _bindings(bindings: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in bindings:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip().lstrip("?$"):
            raise click.BadParameter(f"{item!r} is not VAR=VALUE", param_hint="--bind")
        values[name.strip().lstrip("?$")] = raw
    return values


#: What to ask a store's query worker for, by --format, for SELECT and ASK.
_ACCEPT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def _at_endpoint(endpoint: SparqlEndpoint, text: str, form: str, fmt: str, max_results: int) -> str:
    """Run the query in the server and print its answer as a local one is printed. A SELECT answer is fetched
    whole (page by page where the server caps answers) and checked against the server's own row count; a
    graph answer the server says it cut is an error; every answer is bounded in bytes."""
    from rdflib.query import Result
    from rdflib.term import Variable

    graph_form = form in {"ConstructQuery", "DescribeQuery"}
    if graph_form:
        if fmt not in _GRAPH_FORMATS:
            raise click.UsageError(f"--format {fmt} is for SELECT and ASK; use table (Turtle), json (JSON-LD) or xml")
        answer = endpoint.construct(text)
        check_size(len(answer), max_results, endpoint.url, "triples")
        return serialize(bind_prefixes(answer), _GRAPH_FORMATS[fmt])
    if form == "AskQuery":
        body = endpoint.request(text, "application/sparql-results+json").body
        asked = Result("ASK")
        asked.askAnswer = bool(json.loads(body).get("boolean"))
        return _render(asked, fmt, bind_prefixes(Graph()))
    rows = endpoint.select(text)
    check_size(len(rows), max_results, endpoint.url)
    selected = Result("SELECT")
    selected.vars = [Variable(v) for v in _projected(text, rows)]
    selected.bindings = [{Variable(name): value for name, value in row.items() if isinstance(value, Identifier)}
                         for row in rows]  # fmt: skip
    return _render(selected, fmt, bind_prefixes(Graph()))


def _projected(text: str, rows: list[dict[str, Node]]) -> list[str]:
    """The SELECT's variables in order (from rdflib's parse of the query), else those seen in the rows."""
    try:
        names = [str(v) for v in prepare(text, "query").algebra["PV"]]
    except (KeyError, TypeError):
        names = []
    return names or sorted({name for row in rows for name in row})


_GRAPH_FORMS = {"ConstructQuery", "DescribeQuery"}


def _store_media(prepared: Query, fmt: str) -> str:
    """The media type to ask the store's query worker for, by --format."""
    if prepared.algebra.name in _GRAPH_FORMS:
        media = {"table": "text/turtle", "json": "application/ld+json", "xml": "application/rdf+xml"}.get(fmt)
        if media is None:
            raise click.UsageError(f"--format {fmt} is for SELECT and ASK; use table (Turtle), json (JSON-LD) or xml")
        return media
    return _ACCEPT.get(fmt, "application/sparql-results+json")


def _store_answer(path: Path, answer: QueryAnswer, form: str, fmt: str) -> str:
    """The store's answer as --format prints it."""
    if fmt != "table" or form in _GRAPH_FORMS:
        decoded = answer.body.decode("utf-8")
        return decoded if decoded.endswith("\n") else decoded + "\n"
    if form == "AskQuery":
        return "true\n" if json.loads(answer.body).get("boolean") else "false\n"
    variables, rows = json_solutions(answer.body, str(path))
    graph = bind_prefixes(Graph())
    cells = [[_cell(row.get(v), graph) for v in variables] for row in rows]
    return table(variables, cells) + f"({len(cells)} row{'s' if len(cells) != 1 else ''})\n"


def _cell(term: Node | None, graph: Graph) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except ValueError:  # pragma: no cover - odd IRIs print as they are
            return str(term)
    return term.n3() if isinstance(term, Identifier) else str(term)


def _render(result: Result, fmt: str, graph: Graph) -> str:
    if result.type in {"CONSTRUCT", "DESCRIBE"}:
        assert result.graph is not None
        out = bind_prefixes(result.graph)
        if fmt not in _GRAPH_FORMATS:
            raise click.UsageError(f"--format {fmt} is for SELECT and ASK; use table (Turtle), json (JSON-LD) or xml")
        return serialize(out, _GRAPH_FORMATS[fmt])
    if fmt == "tsv":
        return tsv(result) if result.type == "SELECT" else ("true\n" if result.askAnswer else "false\n")
    if fmt in {"json", "csv", "xml"}:
        text = result.serialize(format=fmt)
        assert text is not None
        decoded = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        return decoded if decoded.endswith("\n") else decoded + "\n"
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    variables = [str(v) for v in (result.vars or [])]
    rows = [[_cell(row[v], graph) for v in variables] for row in result]  # type: ignore[index, call-overload]
    if fmt == "csv":  # pragma: no cover - handled above
        return csv_text(variables, rows)
    return table(variables, rows) + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def queries(fmt: str) -> None:
    """List the named queries shipped with careerkg, with each one's summary.

    Run one with `careerkg query NAME`; its full text and description are in careerkg's queries/ folder.

    \b
    Examples:
      careerkg queries
      careerkg queries --format json
    """
    found = named_queries()
    if fmt == "json":
        import json

        click.echo(
            json.dumps([{"name": q.name, "summary": q.summary, "description": q.description} for q in found], indent=2)
        )
    else:
        click.echo(table(["name", "summary"], [[q.name, q.summary] for q in found]), nl=False)


def _first_line(error: Exception) -> str:
    """An evaluation error in one short line, without the object addresses some of them carry."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = re.sub(r" at 0x[0-9a-f]+", "", text)
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__

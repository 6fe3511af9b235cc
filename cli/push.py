"""``careerkg push``: load careerkg's knowledge and profiles into a SPARQL 1.1 server."""

from __future__ import annotations

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import endpoint_password, evaluate_inputs, profile_format_option, read_inputs, user_option
from rdflib import Graph


@click.command()
@click.argument("profiles", nargs=-1, metavar="[PROFILE]...")
@profile_format_option
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The server's Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store; Fuseki: "
    "http://HOST:3030/DATASET/data; Virtuoso: http://HOST:8890/sparql-graph-crud, with --graph), or its update "
    "endpoint with --protocol update.",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="Put everything into this named graph (default: the server's default graph).",
)
@click.option(
    "--protocol",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="gsp: SPARQL 1.1 Graph Store Protocol (POST of N-Triples, merged into the graph); update: SPARQL 1.1 "
    "Update (INSERT DATA), for servers without the Graph Store Protocol. Either way, blank nodes go as skolem "
    "IRIs under https://w3id.org/careerkg/.well-known/genid/.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Empty the target graph first (a Graph Store Protocol PUT, or CLEAR SILENT before the INSERT DATA), so "
    "that pushing again leaves the same triples rather than adding to them.",
)
@user_option
@click.option(
    "--knowledge/--no-knowledge",
    default=True,
    show_default=True,
    help="Send the ontology, knowledge base, alignments and OWL 2 RL axioms (one self-contained document).",
)
@click.option(
    "--inferred",
    is_flag=True,
    help="Also send what careerkg's inference derives: the OWL 2 RL closure of the knowledge and, for the "
    "profiles, ck:eligibleFor and ck:meetsRequirement (for servers without a reasoner).",
)
@pass_settings
def push(
    settings: Settings,
    profiles: tuple[str, ...],
    input_format: str | None,
    endpoint: str,
    graph_iri: str | None,
    protocol: str,
    replace: bool,
    user: str | None,
    knowledge: bool,
    inferred: bool,
) -> None:
    """Load careerkg's knowledge graph and PROFILE files into a SPARQL 1.1 server.

    The data is added to what the server holds (nothing is deleted), or with --replace takes the place of
    what the target graph held. Profiles are validated first: an
    invalid profile is reported and not sent (exit code 1), the valid ones next to it are. Afterwards the
    server can answer `careerkg eligible --endpoint` and `careerkg query --endpoint` by itself, with the
    portable SPARQL queries, and a server with an OWL 2 RL reasoner (GraphDB, Jena) can run the axioms.

    \b
    Examples:
      careerkg push --endpoint http://localhost:7878/store examples/team.jsonl
      careerkg push --endpoint http://localhost:3030/ds/data --graph https://example.org/careers examples/ada.ttl
      careerkg push --endpoint http://localhost:3030/ds/update --protocol update examples/ada.json
      CAREERKG_ENDPOINT_PASSWORD=dba careerkg push --user dba --replace --graph https://example.org/careers \\
          --endpoint http://localhost:8890/sparql-graph-crud-auth examples/team.jsonl
    """
    from careerkg.sparql.endpoint import SparqlEndpoint

    server = SparqlEndpoint(endpoint, graph_iri, user=user, password=endpoint_password(user, endpoint))
    engine = settings.engine
    invalid = False
    unreadable = False
    data = Graph()
    if profiles:
        inputs = read_inputs(profiles, engine.terms, input_format)
        unreadable = bool(inputs.unreadable)
        evaluation, valid = evaluate_inputs(engine, inputs)
        invalid = bool(evaluation.invalid)
        data += valid
        if inferred:
            data += evaluation.derived_graph()
        sent = len(evaluation.assessments)
    else:
        sent = 0
    if knowledge:
        data += engine.ontology_document()
        if inferred:
            data += engine.reasoner.knowledge_closure
    if len(data) or replace:
        server.push(data, protocol, replace=replace)
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    replaced = ", replacing what it held" if replace else ""
    click.echo(f"Sent {len(data):,} triples ({sent} profile{'s' if sent != 1 else ''}) to {where} at {endpoint}"
               f"{replaced}.", err=True)  # fmt: skip
    if unreadable:
        raise click.exceptions.Exit(2)
    if invalid:
        raise click.exceptions.Exit(1)

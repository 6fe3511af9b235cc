"""``careerkg serve``: the SPARQL endpoint and the JSON API over HTTP."""

from __future__ import annotations

import signal
import socket
import tempfile
from contextlib import ExitStack
from pathlib import Path

import click
from careerkg.cli.app import Settings, UnreadableCommandError, pass_settings
from careerkg.cli.inputs import profile_format_option, read_inputs, report, store_option_saying


def _check_port(host: str, port: int) -> None:
    """Fail early, in one line, when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise click.BadParameter(f"{host}: {error.strerror}", param_hint="--host") from error
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise UnreadableCommandError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="CAREERKG_HOST",
              help="Address to listen on (0.0.0.0 for every interface: put a proxy with TLS in front).")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, envvar="CAREERKG_PORT",
              help="Port to listen on.")  # fmt: skip
@store_option_saying(
    "Serve the on-disk Oxigraph store at PATH (created and filled on first use), so a restart loses "
    "nothing; without it the data lives in a temporary store removed at exit."
)
@click.option("--profiles", "profiles", multiple=True, metavar="FILE",
              help="Load the profiles in FILE for /sparql (repeatable; kept in the store with --store).")  # fmt: skip
@profile_format_option
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, envvar="CAREERKG_QUERY_WORKERS",
              help="Processes answering SPARQL queries at once.")  # fmt: skip
@click.option("--time-limit", type=click.FloatRange(min=0.1, max=1e6), default=30.0, show_default=True,
              metavar="SECONDS",
              envvar="CAREERKG_TIME_LIMIT",
              help="Stop a SPARQL query after this long (the client gets 503).")  # fmt: skip
@click.option("--max-results", type=click.IntRange(min=1), default=100_000, show_default=True, metavar="N",
              envvar="CAREERKG_MAX_RESULTS",
              help="Most rows (or triples) a query may return; above it the client gets 422.")  # fmt: skip
@click.option("--max-body", type=click.IntRange(min=1), default=16 * 1024 * 1024, show_default="16 MiB",
              metavar="BYTES", envvar="CAREERKG_MAX_BODY", help="Largest request body (413 above it).")  # fmt: skip
@click.option("--max-query", type=click.IntRange(min=1), default=64 * 1024, show_default="64 KiB", metavar="BYTES",
              envvar="CAREERKG_MAX_QUERY", help="Largest SPARQL query (413 above it).")  # fmt: skip
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, help="uvicorn's log level (info logs each request).")  # fmt: skip
@pass_settings
def serve(
    settings: Settings,
    host: str,
    port: int,
    store_path: Path | None,
    profiles: tuple[str, ...],
    input_format: str | None,
    workers: int,
    time_limit: float,
    max_results: int,
    max_body: int,
    max_query: int,
    log_level: str,
) -> None:
    """Serve careerkg over HTTP: a SPARQL endpoint and a JSON API.

    \b
    /sparql     SPARQL 1.1 Protocol (GET, or POST form or application/sparql-query), read-only, over the
                knowledge graph, its OWL 2 RL inferences and the loaded profiles. Results as JSON, XML,
                CSV or TSV; CONSTRUCT and DESCRIBE as Turtle, N-Triples, JSON-LD or RDF/XML (by Accept).
    /eligible   POST a profile (?explain=true for the reasons): the JSON of `eligible --format json`
    /gaps       POST a profile (?target=ROLE): the JSON of `gaps --format json`
    /validate   POST a profile: the JSON of `validate --format json`
    /health, /openapi.json

    Profile bodies may be JSON, JSON Lines, JSON-LD, Turtle, N-Triples or RDF/XML (by Content-Type).
    Stop the server with Ctrl-C.

    \b
    Examples:
      careerkg serve --profiles examples/team.jsonl
      careerkg serve --store ./kgstore --port 8080
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?r a <https://w3id.org/careerkg#Role> }' \\
           http://127.0.0.1:8000/sparql
      curl -H 'Content-Type: application/json' --data @examples/ada.json 'http://127.0.0.1:8000/eligible?explain=true'
    """
    import uvicorn
    from careerkg import __version__, offline
    from careerkg.serving.app import Limits, Service, create_app

    # SIGTERM (while starting, or after uvicorn has finished the requests in flight and raised it again) is
    # a normal exit, so the temporary store is removed and the store's lock let go.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if offline.enforced():
        offline.allow_host(host)  # the server's own listening address (it never connects anywhere)
    _check_port(host, port)
    engine = settings.engine
    with ExitStack() as stack:
        if store_path is None:
            store_path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="careerkg-store-")))
        store = stack.enter_context(engine.open_store(store_path))
        store.fill()
        loaded = 0
        if profiles:
            inputs = read_inputs(profiles, engine.terms, input_format)
            inputs.fail_if_unreadable()  # a server must not start with part of its data silently missing
            outcome = engine.evaluate_documents(inputs.documents)
            report(outcome)
            store.keep(outcome)
            loaded = len(outcome.evaluation.assessments)
            if outcome.evaluation.invalid:
                click.echo(f"careerkg: {len(outcome.evaluation.invalid)} invalid profile(s) not loaded (see above)",
                           err=True)  # fmt: skip
        facts: dict[str, object] = {
            "version": __version__,
            "reasoner": engine.reasoner_name,
            "articleKnowledge": engine.knowledge_set.bundled,
            "knowledgePacks": engine.pack_descriptions,
            **store.counts(),
            "profilesLoadedNow": loaded,
            "timeLimitSeconds": time_limit,
            "maxResults": max_results,
            "maxBodyBytes": max_body,
            "maxQueryBytes": max_query,
        }
        pool = stack.enter_context(store.readers(workers, time_limit, max_results))  # no other writer meanwhile
        engine.backend  # noqa: B018 - built now, before requests arrive from several threads
        try:
            facts["queryWorkersWithoutNetwork"] = pool.start()
        except OSError as error:
            raise click.ClickException(str(error)) from error
        if not facts["queryWorkersWithoutNetwork"]:
            warning = ("careerkg: warning: this system does not let the query workers leave the network (no user "
                       "namespaces); SERVICE is still refused by careerkg's check of each query")  # fmt: skip
            click.echo(warning, err=True)
        app = create_app(Service(engine, pool, Limits(time_limit, max_results, max_body, max_query), facts))
        click.echo(
            f"careerkg {__version__}: {facts['triples']:,} triples, {facts['profiles']:,} profiles; "
            f"SPARQL at http://{host}:{port}/sparql, API at http://{host}:{port}/openapi.json",
            err=True,
        )
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)

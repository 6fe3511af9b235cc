"""careerkg as an HTTP service: a SPARQL 1.1 Protocol endpoint and a JSON API for eligibility, on ASGI.

:func:`create_app` builds a Starlette application over a :class:`Service`: ``/sparql`` (read-only SPARQL
over the knowledge graph, its inferred triples and the loaded profiles, answered by a
:class:`~careerkg.sparql.pool.QueryPool`), ``/eligible``, ``/gaps`` and ``/validate`` (a profile in the
request body, in any format the command line reads; the JSON answer is the command line's
``--format json``), ``/health`` and ``/openapi.json``. ``careerkg serve`` runs it on uvicorn.
"""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from careerkg.engine import Engine
from careerkg.errors import (
    CareerkgError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryWorkerError,
    ResultTooLargeError,
    ServiceBusyError,
    UpdateSyntaxError,
)
from careerkg.formats import format_named
from careerkg.io.profiles import ProfileInput, ProfileSet, read_profiles
from careerkg.reports import eligible_report, validation_report, violation_json
from careerkg.sparql.pool import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, QueryAnswer, QueryPool
from careerkg.sparql.queries import canonical_query_text, prepare
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = [
    "BODY_FORMATS",
    "Limits",
    "PROFILE_MEDIA_TYPES",
    "STATUSES",
    "Service",
    "create_app",
    "negotiate",
    "status_of",
]

#: The formats a profile body may come in, in the order the server names them.
BODY_FORMATS = ("json", "jsonl", "json-ld", "turtle", "nt", "xml")

#: Request media types of profile bodies, and the input format each means (None: guessed from the content).
PROFILE_MEDIA_TYPES: dict[str, str | None] = {
    **{media_type: name for name in BODY_FORMATS for media_type in format_named(name).media_types},
    "application/octet-stream": None,
    "text/plain": None,
}

#: The HTTP status of each kind of error a request can meet; the most specific class listed decides.
STATUSES: dict[type[CareerkgError], int] = {
    QueryRefusedError: 403,
    UpdateSyntaxError: 403,  # it names update operations: refused as an update would be
    QuerySyntaxError: 400,
    QueryFailedError: 400,
    ResultTooLargeError: 422,
    QueryTimeoutError: 503,
    ServiceBusyError: 503,
    QueryWorkerError: 500,
    CareerkgError: 400,  # anything else wrong with what the request gave (an unreadable profile body, say)
}


def status_of(error: CareerkgError) -> int:
    """The HTTP status that answers ``error`` (see :data:`STATUSES`)."""
    return next(STATUSES[kind] for kind in type(error).__mro__ if kind in STATUSES)


@dataclass(frozen=True)
class Limits:
    """What one request may cost."""

    #: Seconds a SPARQL query may run before it is stopped (503).
    time_limit: float = 30.0
    #: Rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a query may return (422 above it).
    max_results: int = 100_000
    #: Bytes of a request body (413 above it): a profile document, or a query.
    max_body: int = 16 * 1024 * 1024
    #: Bytes of a SPARQL query (413 above it); queries are parsed one at a time, so they are kept small.
    max_query: int = 64 * 1024


class RequestProblem(Exception):
    """A request careerkg answers with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (RFC 9110: the most specific range that matches
    a type gives its quality; ties go to the order of ``offered``). No header: the first offered."""
    if not accept or not accept.strip():
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((pieces[0].lower(), q))

    def quality(media_type: str) -> float:
        kind = media_type.split("/")[0]
        specificity, q = -1, 0.0
        for wanted, wanted_q in ranges:
            level = 2 if wanted == media_type else 1 if wanted == f"{kind}/*" else 0 if wanted == "*/*" else -1
            if level > specificity:
                specificity, q = level, wanted_q
        return q

    scored = [(quality(media_type), -rank, media_type) for rank, media_type in enumerate(offered)]
    q, _, chosen = max(scored)
    return chosen if q > 0 else None


class _QueryForms:
    """The form of each read-only query (SelectQuery, AskQuery, ConstructQuery, DescribeQuery), as rdflib's
    parser finds it after refusing updates and SERVICE (see :func:`careerkg.sparql.queries.prepare`); the last
    ``size`` are remembered by a digest of their text, so repeated queries skip the parser and no query
    text is kept."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._forms: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> str:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            if key in self._forms:
                self._forms.move_to_end(key)
                return self._forms[key]
        form = str(prepare(text, "query").algebra.name)
        with self._lock:
            self._forms[key] = form
            while len(self._forms) > self._size:
                self._forms.popitem(last=False)
        return form


_query_form = _QueryForms()


@dataclass
class Service:
    """What the HTTP endpoints answer with: the engine (eligibility, gaps) and the query pool (SPARQL)."""

    engine: Engine
    pool: QueryPool
    limits: Limits = field(default_factory=Limits)
    #: Shown by /health: what the dataset holds.
    facts: dict[str, Any] = field(default_factory=dict)
    _validate_lock: threading.Lock = field(default_factory=threading.Lock)

    # -- SPARQL ------------------------------------------------------------------------------------------

    def sparql(self, text: str, accept: str | None) -> QueryAnswer:
        """The answer to a query, in the media type ``accept`` prefers; a :class:`RequestProblem` or a
        :class:`~careerkg.errors.CareerkgError` (see :func:`status_of`) when there is none."""
        if len(text.encode("utf-8", "surrogatepass")) > self.limits.max_query:
            raise RequestProblem(
                413, f"the query is larger than this server's limit of {self.limits.max_query:,} bytes"
            )
        text = canonical_query_text(text, "query")  # what the check below reads is what Oxigraph runs
        graph_form = _query_form(text) in {"ConstructQuery", "DescribeQuery"}
        offered = GRAPH_MEDIA_TYPES if graph_form else RESULT_MEDIA_TYPES
        media_type = negotiate(accept, offered)
        if media_type is None:
            raise RequestProblem(406, f"cannot answer in {accept}; this query's answer comes as {', '.join(offered)}")
        return self.pool.run(text, graph_form, media_type)

    # -- profiles ----------------------------------------------------------------------------------------

    def _profiles(self, body: bytes, content_type: str | None) -> ProfileSet:
        media_type = (content_type or "application/octet-stream").split(";")[0].strip().lower()
        if media_type not in PROFILE_MEDIA_TYPES:
            raise RequestProblem(
                415, f"cannot read a profile sent as {media_type}; send one of {', '.join(PROFILE_MEDIA_TYPES)}"
            )
        return read_profiles(ProfileInput("request body", body), self.engine.terms, PROFILE_MEDIA_TYPES[media_type])

    def eligible(self, body: bytes, content_type: str | None, explain: bool) -> tuple[int, Any]:
        profiles = self._profiles(body, content_type)
        evaluation = self.engine.evaluate(profiles)
        return _with_problems(eligible_report(evaluation.assessments, explain), evaluation.invalid, profiles)

    def gaps(self, body: bytes, content_type: str | None, target: str | None) -> tuple[int, Any]:
        try:
            target_iri = self.engine.terms.role(target) if target else None
        except CareerkgError as error:
            raise RequestProblem(400, f"target: {error}") from error
        profiles = self._profiles(body, content_type)
        evaluation = self.engine.evaluate(profiles)
        report = [gaps.to_json() for gaps in self.engine.document_gaps(profiles, evaluation, target_iri)]
        return _with_problems(report, evaluation.invalid, profiles)

    def validate(self, body: bytes, content_type: str | None) -> tuple[int, Any]:
        from careerkg.validation.shacl import validate_profiles

        profiles = self._profiles(body, content_type)
        with self._validate_lock:  # pySHACL is not known to be thread-safe
            report = validate_profiles(profiles.graph, self.engine.knowledge)
        if profiles.problems:
            return 400, {"error": _unreadable(profiles.problems), "unreadable": profiles.problems,
                         **validation_report(report)}  # fmt: skip
        return 200, validation_report(report)


def _unreadable(problems: list[str]) -> str:
    return f"{len(problems)} record{'s' if len(problems) != 1 else ''} of the body could not be read and were skipped"


def _with_problems(results: list[dict[str, Any]], invalid: dict[str, Any], profiles: ProfileSet) -> tuple[int, Any]:
    """200 and the command line's JSON when every profile was read and is valid. Otherwise 400 (records
    that could not be read) or 422 (profiles that fail the shapes, or a body that stated some of careerkg's
    knowledge, which is left out), with ``unreadable``, ``violations`` and ``leftOut`` and, under ``results``,
    the answers for the good profiles next to them: nothing good is lost."""
    problems = profiles.problems
    if not invalid and not problems and profiles.knowledge is None:
        return 200, results
    violations = [violation_json(v) for vs in invalid.values() for v in vs]
    count = len(invalid)
    error = f"{count} profile{'s' if count != 1 else ''} failed validation and got no answer" if invalid else ""
    if profiles.knowledge is not None:
        error = "; ".join(filter(None, [error, "statements of careerkg's knowledge in the body were left out"]))
    if problems:
        error = _unreadable(problems) + (f"; {error}" if error else "")
    body: dict[str, Any] = {"error": error}
    if problems:
        body["unreadable"] = problems
    if profiles.knowledge is not None:
        body["leftOut"] = [profiles.knowledge]
    body["violations"] = violations
    body["results"] = results
    return (400 if problems else 422), body


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestProblem(413, f"the request body is larger than this server's limit of {limit:,} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestProblem(413, f"the request body is larger than this server's limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(status: int, data: Any) -> Response:
    return Response(json.dumps(data, indent=2) + "\n", status_code=status, media_type="application/json")


def create_app(service: Service) -> Starlette:
    """The ASGI application."""
    from careerkg.serving.openapi import openapi_document

    limits = service.limits

    def json_errors(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestProblem as problem:
                return _json(problem.status, {"error": problem.message})
            except CareerkgError as error:
                return _json(status_of(error), {"error": str(error)})

        return wrapped

    async def sparql(request: Request) -> Response:
        try:
            text = await _sparql_text(request, limits.max_body)
            answer = await run_in_threadpool(service.sparql, text, request.headers.get("accept"))
        except RequestProblem as problem:
            return Response(problem.message + "\n", status_code=problem.status, media_type="text/plain")
        except CareerkgError as error:
            message = str(error).removeprefix("query: ")  # the name the query was checked under
            return Response(message + "\n", status_code=status_of(error), media_type="text/plain")
        headers = {"Vary": "Accept"}
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    @json_errors
    async def eligible(request: Request) -> Response:
        body = await _body(request, limits.max_body)
        explain = request.query_params.get("explain", "false").lower() in {"1", "true", "yes"}
        status, data = await run_in_threadpool(service.eligible, body, request.headers.get("content-type"), explain)
        return _json(status, data)

    @json_errors
    async def gaps(request: Request) -> Response:
        body = await _body(request, limits.max_body)
        target = request.query_params.get("target")
        status, data = await run_in_threadpool(service.gaps, body, request.headers.get("content-type"), target)
        return _json(status, data)

    @json_errors
    async def validate(request: Request) -> Response:
        body = await _body(request, limits.max_body)
        status, data = await run_in_threadpool(service.validate, body, request.headers.get("content-type"))
        return _json(status, data)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", **service.facts})

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(str(service.facts.get("version", "0"))))

    async def index(request: Request) -> Response:
        return JSONResponse(
            {
                "service": "careerkg",
                "endpoints": {
                    "/sparql": "SPARQL 1.1 Protocol, read-only (GET or POST)",
                    "/eligible": "POST a profile: the roles it may move to next",
                    "/gaps": "POST a profile: what is missing for the other moves",
                    "/validate": "POST a profile: SHACL validation",
                    "/health": "status",
                    "/openapi.json": "OpenAPI description of the JSON endpoints",
                },
            }
        )

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/eligible", eligible, methods=["POST"]),
        Route("/gaps", gaps, methods=["POST"]),
        Route("/validate", validate, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    return Starlette(routes=routes)


async def _sparql_text(request: Request, limit: int) -> str:
    """The query of a SPARQL 1.1 Protocol request (GET, form POST or direct POST); updates are refused."""
    if request.method == "GET":
        params: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            params.setdefault(name, []).append(value)
    else:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _body(request, limit)
        if media_type == "application/sparql-update":
            raise RequestProblem(403, "updates are refused: this endpoint is read-only")
        if media_type == "application/x-www-form-urlencoded":
            params = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        elif media_type == "application/sparql-query":
            params = {name: [value] for name, value in request.query_params.items()}
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError as error:
                raise RequestProblem(400, f"the query is not UTF-8 text (byte {error.start})") from error
        else:
            raise RequestProblem(
                415, "send the query as application/sparql-query or application/x-www-form-urlencoded (query=...)"
            )
    if "update" in params:
        raise RequestProblem(403, "updates are refused: this endpoint is read-only")
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise RequestProblem(
            400, "this endpoint serves one dataset: default-graph-uri and named-graph-uri are not taken"
        )
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise RequestProblem(
            400, "give exactly one query: ?query=... (GET or form POST), or POST application/sparql-query"
        )
    if len(queries[0].encode("utf-8")) > limit:
        raise RequestProblem(413, f"the query is larger than this server's limit of {limit:,} bytes")
    return queries[0]

"""A client for a SPARQL 1.1 server that the user points careerkg at (``--endpoint URL``).

This is the one place, with ``careerkg serve``'s own socket, where careerkg touches the network, and only
at the address the user gives. Queries go by the SPARQL 1.1 Protocol (POST, ``application/x-www-form-
urlencoded``, which every server takes); data goes by the SPARQL 1.1 Graph Store Protocol (POST of
N-Triples, merged into the graph, or PUT to replace it) or by SPARQL 1.1 Update (``INSERT DATA``). Only the
standard library's HTTP client is used, with HTTP Basic or Digest authentication when a user is given.

Blank nodes are sent as skolem IRIs (RDF 1.1 Concepts, section 3.5) under :data:`SKOLEM_BASE`: ``INSERT DATA``
may not hold blank nodes at all, and a server gives each loaded blank node a fresh identity, so the same data
pushed twice would hold every blank node twice. A skolem IRI is made from the blank node's identifier, which
careerkg derives from the content for the axioms it generates: pushed again, they are the same IRIs.
"""

from __future__ import annotations

import html
import html.parser
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from careerkg.errors import CareerkgError, CredentialsError, EndpointError, IncompleteAnswerError, QueryTimeoutError
from careerkg.sparql.limits import TimeLimit, deadline
from careerkg.sparql.paging import Page, Proven, all_rows
from careerkg.sparql.queries import json_solutions
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

__all__ = [
    "SKOLEM_BASE",
    "EndpointError",
    "Response",
    "SparqlEndpoint",
    "check_graph_iri",
    "check_url",
    "error_text",
    "skolemised",
]

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")

#: How long one request may take before careerkg gives up (seconds).
DEFAULT_TIMEOUT = 120.0


#: The largest answer careerkg reads from a server (bytes); a larger one is an error, never cut silently.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Response:
    """A server's answer: its content type, its body, and the row cap it says it applied (Virtuoso's
    ``X-SPARQL-MaxRows`` header: the answer was cut at that many rows), if any."""

    content_type: str
    body: bytes
    max_rows: int | None = None


def _max_rows(headers: Any) -> int | None:
    value = headers.get("X-SPARQL-MaxRows") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return 0  # a cap it does not state plainly is still a cap


def check_url(url: str) -> str:
    """An http(s) URL, or an :class:`EndpointError` naming what is wrong with it."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as error:
        raise EndpointError(f"{url}: not a valid URL: {error}") from error
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise EndpointError(f"{url}: not an http:// or https:// URL of a SPARQL endpoint")
    return url


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is reported, not followed: following one would send the data (or a query) to an address
    the user did not give, and turn a POST into a GET."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        raise EndpointError(
            f"{req.full_url}: the server answers HTTP {code}, a redirect to {newurl}; give that URL instead "
            "(careerkg does not follow redirects)"
        )


_OPENER = urllib.request.build_opener(_RefuseRedirects)


class _DigestOnce(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that answers a challenge once: a second 401 to a request that carried the
    credentials means they are refused (the standard handler tries again up to five times, sending the
    data each time). A challenge in a scheme it does not know is left to be reported, not raised as a bug."""

    def http_error_401(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        if req.has_header("Authorization"):
            return None
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        except ValueError:  # a scheme neither Basic nor Digest: the 401 is reported as it is
            return None


class _BasicOnce(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication, likewise once, and quiet about challenges in other schemes (Digest answers those)."""

    def http_error_401(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        if req.has_header("Authorization"):
            return None
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        except ValueError:
            return None


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    """The opener for requests to ``url``: without credentials, the shared one; with them, one that answers
    the server's Basic or Digest challenge with them, for any path on that server (a Graph Store Protocol
    URL and a query URL of one server are often different paths) and for no other server."""
    if user is None:
        return _OPENER
    parts = urllib.parse.urlsplit(url)
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", user, password or "")
    return urllib.request.build_opener(_RefuseRedirects, _DigestOnce(passwords), _BasicOnce(passwords))


def _without_credentials(url: str) -> str:
    """``url``, refused if it holds a user name or password: urllib would take them for part of the host name,
    and a password in a URL ends up in shell histories and process lists."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # not a URL at all: :func:`check_url` says why
        return url
    if "@" in parts.netloc:
        host = parts.netloc.rpartition("@")[2]
        shown = urllib.parse.urlunsplit(parts._replace(netloc=host))
        raise EndpointError(
            f"{shown}: the URL holds a user name or password, which careerkg does not take from a URL; give "
            "them on their own"
        )
    return url


class _Text(html.parser.HTMLParser):
    """The text of an HTML page, without its scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


#: The longest server message an error line carries (characters).
ERROR_TEXT_LENGTH = 300


def error_text(body: bytes, content_type: str = "") -> str:
    """A server's error body as one line of at most :data:`ERROR_TEXT_LENGTH` characters: an HTML page reduced
    to its text (tags, scripts and styles dropped), plain text to its first paragraph (Virtuoso follows its
    message with the whole request), whitespace collapsed. The server's own words are kept: they say what
    is wrong (Virtuoso's "SR186: No permission ..." lines)."""
    text = body.decode("utf-8", "replace").strip()
    start = text[:512].lower()
    if "html" in content_type.lower() or start.startswith(("<!doctype html", "<html")) or "<body" in start:
        parser = _Text()
        try:
            parser.feed(text)
            parser.close()
        except Exception:  # a page too broken to parse: its tags are stripped by pattern instead
            parser.parts = [html.unescape(re.sub(r"<[^>]*>", " ", text))]
        text = " ".join(parser.parts)
    else:
        text = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    line = " ".join(text.split())
    if len(line) > ERROR_TEXT_LENGTH:
        line = line[: ERROR_TEXT_LENGTH - 1].rstrip() + "…"
    return line


#: The base of the skolem IRIs blank nodes are sent as (RDF 1.1 Concepts, section 3.5: a ``/.well-known/genid/``
#: path under an authority careerkg names), so that a store holding them can tell them from other IRIs.
SKOLEM_BASE = "https://w3id.org/careerkg/.well-known/genid/"


def skolemised(graph: Graph) -> Graph:
    """``graph`` with each blank node replaced by a skolem IRI made from its identifier: the same identifier
    (careerkg names the blank nodes of the axioms it generates from their content) gives the same IRI."""

    def named(node: Node) -> Node:
        if isinstance(node, BNode):
            return URIRef(SKOLEM_BASE + urllib.parse.quote(str(node), safe=""))
        return node

    result = Graph()
    for s, p, o in graph:
        result.add((named(s), p, named(o)))
    return result


#: The most triples one SPARQL Update request carries. Virtuoso compiles INSERT DATA into SQL and refuses more
#: than 10,000 lines of it ("SP031: The length of generated SQL text has exceeded 10000 lines of code"),
#: reached at about 1,400 triples; the Graph Store Protocol has no such limit.
UPDATE_TRIPLES = 1000


def check_graph_iri(iri: str) -> str:
    """An absolute IRI usable as a graph name, or an :class:`EndpointError` saying why not."""
    if not _IRI.fullmatch(iri):
        raise EndpointError(f"{iri}: not an absolute IRI for a graph name (like https://example.org/graph)")
    return iri


class SparqlEndpoint:
    """One SPARQL endpoint. ``graph`` (an IRI) becomes the query's default graph, by the protocol's
    ``default-graph-uri`` parameter, and is where :meth:`push` puts data. With ``user`` (and ``password``),
    every request answers the server's HTTP Basic or Digest challenge with them."""

    def __init__(
        self,
        url: str,
        graph: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.url = check_url(_without_credentials(url))
        self.graph = check_graph_iri(graph) if graph else None
        self.timeout = timeout
        self._proven = Proven()  # the largest answer this server gave whole (see careerkg.sparql.paging)
        #: The user every request authenticates as, when the server asks (HTTP Basic or Digest).
        self.user = user
        self._opener = _opener(self.url, user, password)
        from careerkg import offline

        if offline.enforced():
            offline.allow_url(self.url)  # the one address the user asked careerkg to reach

    # -- transport ---------------------------------------------------------------------------------------

    def _send(self, request: urllib.request.Request) -> Response:
        """Send ``request``; the answer's content type and body. The whole exchange must end within the
        time limit (a server sending a byte at a time does not stretch it) and the body stay under
        :data:`MAX_RESPONSE_BYTES`."""
        try:
            with deadline(self.timeout, self.url):  # the whole exchange: headers and error bodies too
                return self._exchange(request)
        except QueryTimeoutError as error:
            raise EndpointError(f"{self.url}: no answer within {self.timeout:g} s") from error

    def _exchange(self, request: urllib.request.Request) -> Response:
        limit = TimeLimit(self.timeout)  # also checked here, where no alarm can be set (a thread)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                chunks: list[bytes] = []
                size = 0
                while chunk := response.read1(1 << 16):
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise EndpointError(
                            f"{self.url}: the answer is larger than {MAX_RESPONSE_BYTES:,} bytes; narrow the query"
                        )
                    if limit.expired():
                        raise TimeoutError
                    chunks.append(chunk)
                if response.headers.get("X-SQL-State") == "S1TAT":
                    # Virtuoso's "anytime" answer: what it found before its time limit, marked only by headers
                    raise IncompleteAnswerError(
                        f"{self.url}: the server stopped at its own time limit and sent a partial answer "
                        f"({response.headers.get('X-SQL-Message', 'no message')}); ask for less, or raise its "
                        "MaxQueryExecutionTime"
                    )
                return Response(response.headers.get("Content-Type", ""), b"".join(chunks), _max_rows(response.headers))
        except urllib.error.HTTPError as error:
            raise self._refusal(error) from error
        except urllib.error.URLError as error:
            raise EndpointError(f"{self.url}: cannot reach the endpoint: {error.reason}") from error
        except TimeoutError as error:
            raise EndpointError(f"{self.url}: no answer within {self.timeout:g} s") from error
        except OSError as error:
            raise EndpointError(f"{self.url}: {error.strerror or error}") from error

    def _refusal(self, error: urllib.error.HTTPError) -> EndpointError:
        """The error for a server's refusal: its status and its own words, in one line."""
        words = error_text(error.read(65536) if error.fp is not None else b"", error.headers.get("Content-Type", ""))
        if error.code == 401:
            schemes = {c.split()[0].lower() for c in error.headers.get_all("WWW-Authenticate") or [] if c.strip()}
            if schemes and not schemes & {"basic", "digest"}:
                return EndpointError(
                    f"{self.url}: HTTP 401: the server asks for credentials by {', '.join(sorted(schemes))}, "
                    "and careerkg answers only HTTP Basic and Digest"
                )
            if self.user is None:
                return CredentialsError(f"{self.url}: HTTP 401: the server asks for credentials")
            return EndpointError(
                f"{self.url}: HTTP 401: the server refused the credentials of user {self.user!r}"
                + (f": {words}" if words else "")
            )
        return EndpointError(f"{self.url}: HTTP {error.code}: {words or error.reason}")

    def request(self, query: str, accept: str) -> Response:
        """Send a query; the server's response."""
        fields = [("query", query)]
        if self.graph:
            fields.append(("default-graph-uri", self.graph))
        data = urllib.parse.urlencode(fields).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        return self._send(request)

    # -- queries -----------------------------------------------------------------------------------------

    def select(self, query: str) -> list[dict[str, Node]]:
        """Every solution of a SELECT query, each a mapping from variable name to RDF term: all of them, fetched
        page by page when the server caps its answers, or :class:`IncompleteAnswerError`
        (:mod:`careerkg.sparql.paging`)."""
        return all_rows(self._page, query, self.url, self._proven)

    def _page(self, query: str) -> Page:
        response = self.request(query, "application/sparql-results+json")
        try:
            return Page(json_solutions(response.body, self.url)[1], response.max_rows)
        except CareerkgError as error:
            raise EndpointError(str(error)) from error

    def construct(self, query: str) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query; :class:`IncompleteAnswerError` when the server says it
        cut them (a graph answer cannot be paged)."""
        response = self.request(query, "application/n-triples")
        if response.max_rows is not None:
            raise IncompleteAnswerError(
                f"{self.url}: the server cut the answer at {response.max_rows:,} rows (its X-SPARQL-MaxRows); "
                "ask for less, or raise the server's cap"
            )
        graph = Graph()
        try:
            graph.parse(data=response.body.decode("utf-8"), format="nt")
        except Exception as error:  # rdflib raises several unrelated types for bad syntax
            raise EndpointError(f"{self.url}: the answer is not N-Triples: {error}") from error
        return graph

    # -- data --------------------------------------------------------------------------------------------

    def push(self, graph: Graph, protocol: str = "gsp", *, replace: bool = False) -> None:
        """Add ``graph`` to the server's data, by the Graph Store Protocol (``gsp``, the URL is the graph store)
        or SPARQL Update (``update``, the URL is the update endpoint). Blank nodes go as skolem IRIs
        (:func:`skolemised`). With ``replace``, the target graph (``graph`` of the endpoint, else the default
        graph) is emptied first, so that pushing the same data again leaves the same triples: by a PUT, or
        by ``CLEAR SILENT`` in the same request as the first ``INSERT DATA``. An update goes in requests of
        at most :data:`UPDATE_TRIPLES` triples, one after another (so a failure can leave some of them sent)."""
        ntriples = skolemised(graph).serialize(format="nt", encoding="utf-8")
        if protocol == "gsp":
            self._send(self._graph_store_request(ntriples, "PUT" if replace else "POST"))
        elif protocol == "update":
            target = f"GRAPH <{self.graph}>" if self.graph else "DEFAULT"
            first = f"CLEAR SILENT {target} ;\n" if replace else ""
            for chunk in _chunks(ntriples, UPDATE_TRIPLES):
                self._send(self._update_request(first + _insert_data(chunk, self.graph)))
                first = ""
            if first:  # nothing to insert: the graph is only cleared
                self._send(self._update_request(first.rstrip(" ;\n")))
        else:
            raise ValueError(f"unknown protocol {protocol!r}")

    def _graph_store_request(self, ntriples: bytes, method: str) -> urllib.request.Request:
        target = {"graph": self.graph} if self.graph else {"default": ""}
        separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
        url = self.url + separator + urllib.parse.urlencode(target).replace("default=", "default")
        return urllib.request.Request(
            url, data=ntriples, method=method, headers={"Content-Type": "application/n-triples"}
        )

    def _update_request(self, update: str) -> urllib.request.Request:
        return urllib.request.Request(
            self.url, data=update.encode("utf-8"), method="POST", headers={"Content-Type": "application/sparql-update"}
        )


def _insert_data(ntriples: str, graph: str | None) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples}}} }}" if graph else f"INSERT DATA {{\n{ntriples}}}"


def _chunks(ntriples: bytes, triples: int) -> list[str]:
    """N-Triples (one triple a line) in pieces of at most ``triples`` lines; none when empty. Split at line
    feeds only: a literal may hold other line separators (U+2028) unescaped."""
    lines = [line + "\n" for line in ntriples.decode("utf-8").split("\n") if line.strip()]
    return ["".join(lines[start : start + triples]) for start in range(0, len(lines), triples)]

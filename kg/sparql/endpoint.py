"""A client for a SPARQL 1.1 server that the user points careerkg at (``--endpoint URL``).

This is the one place, with ``careerkg serve``'s own socket, where careerkg touches the network, and only
at the address the user gives. Queries go by the SPARQL 1.1 Protocol (POST, ``application/x-www-form-
urlencoded``, which every server takes); data goes by the SPARQL 1.1 Graph Store Protocol (POST of
N-Triples, merged into the graph) or by SPARQL 1.1 Update (``INSERT DATA``). Only the standard library's
HTTP client is used.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from careerkg.errors import CareerkgError, EndpointError, QueryTimeoutError
from careerkg.sparql.limits import TimeLimit, deadline
from careerkg.sparql.queries import json_solutions
from rdflib import Graph
from rdflib.term import Node

__all__ = ["EndpointError", "Response", "SparqlEndpoint", "check_graph_iri", "check_url"]

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


def check_graph_iri(iri: str) -> str:
    """An absolute IRI usable as a graph name, or an :class:`EndpointError` saying why not."""
    if not _IRI.fullmatch(iri):
        raise EndpointError(f"{iri}: not an absolute IRI for a graph name (like https://example.org/graph)")
    return iri


class SparqlEndpoint:
    """One SPARQL endpoint. ``graph`` (an IRI) becomes the query's default graph, by the protocol's
    ``default-graph-uri`` parameter, and is where :meth:`push` puts data."""

    def __init__(self, url: str, graph: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = check_url(url)
        self.graph = check_graph_iri(graph) if graph else None
        self.timeout = timeout
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
            with _OPENER.open(request, timeout=self.timeout) as response:
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
                return Response(response.headers.get("Content-Type", ""), b"".join(chunks), _max_rows(response.headers))
        except urllib.error.HTTPError as error:
            body = error.read(65536).decode("utf-8", "replace").strip()
            first = body.splitlines()[0][:300] if body else error.reason
            raise EndpointError(f"{self.url}: HTTP {error.code}: {first}") from error
        except urllib.error.URLError as error:
            raise EndpointError(f"{self.url}: cannot reach the endpoint: {error.reason}") from error
        except TimeoutError as error:
            raise EndpointError(f"{self.url}: no answer within {self.timeout:g} s") from error
        except OSError as error:
            raise EndpointError(f"{self.url}: {error.strerror or error}") from error

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
        """The solutions of a SELECT query, each a mapping from variable name to RDF term."""
        body = self.request(query, "application/sparql-results+json").body
        try:
            return json_solutions(body, self.url)[1]
        except CareerkgError as error:
            raise EndpointError(str(error)) from error

    def construct(self, query: str) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        body = self.request(query, "application/n-triples").body
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format="nt")
        except Exception as error:  # rdflib raises several unrelated types for bad syntax
            raise EndpointError(f"{self.url}: the answer is not N-Triples: {error}") from error
        return graph

    # -- data --------------------------------------------------------------------------------------------

    def push(self, graph: Graph, protocol: str = "gsp") -> None:
        """Add ``graph`` to the server's data (merged with what is there), by the Graph Store Protocol
        (``gsp``, the URL is the graph store) or SPARQL Update (``update``, the URL is the update endpoint)."""
        ntriples = graph.serialize(format="nt", encoding="utf-8")
        if protocol == "gsp":
            target = {"graph": self.graph} if self.graph else {"default": ""}
            separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
            url = self.url + separator + urllib.parse.urlencode(target).replace("default=", "default")
            request = urllib.request.Request(
                url, data=ntriples, method="POST", headers={"Content-Type": "application/n-triples"}
            )
        elif protocol == "update":
            body = ntriples.decode("utf-8")
            text = f"INSERT DATA {{ GRAPH <{self.graph}> {{\n{body}}} }}" if self.graph else f"INSERT DATA {{\n{body}}}"
            request = urllib.request.Request(
                self.url,
                data=text.encode("utf-8"),
                method="POST",
                headers={"Content-Type": "application/sparql-update"},
            )
        else:
            raise ValueError(f"unknown protocol {protocol!r}")
        self._send(request)

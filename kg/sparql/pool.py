"""Read-only SPARQL over an Oxigraph store, in worker processes that can be stopped: the engine behind
``careerkg serve``'s ``/sparql``.

A query runs in a process of its own so that a time limit means something: Oxigraph cannot be interrupted
from Python, so a query that runs past the limit has its process killed and replaced, and the caller gets
a clear error. Each worker opens the store read-only. A result cap bounds what a query may return (rows,
or triples for CONSTRUCT and DESCRIBE); a query over the cap gets an error, never a silently cut answer.
Every outcome but an answer is an error of :mod:`careerkg.errors`; what a face makes of it (an HTTP status,
an exit code) is the face's business.
"""

from __future__ import annotations

import functools
import multiprocessing
import pickle
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

from careerkg.errors import QueryFailedError, QuerySyntaxError, QueryWorkerError, ServiceBusyError
from careerkg.formats import RESULT_FORMATS, format_named, format_of_media_type, result_format_of_media_type
from careerkg.model import parse_ntriples_term
from careerkg.sparql.limits import TimeLimit, too_large

__all__ = ["GRAPH_MEDIA_TYPES", "QueryAnswer", "QueryPool", "RESULT_MEDIA_TYPES", "UnloadableDataError", "answer_once"]

#: The media types SELECT and ASK answers come in, in the order they are offered: each results format's own,
#: then the aliases some clients send (answered with the format's own type).
RESULT_MEDIA_TYPES = [f.media_types[0] for f in RESULT_FORMATS] + [t for f in RESULT_FORMATS for t in f.media_types[1:]]

#: The media types CONSTRUCT and DESCRIBE answers come in, in the order they are offered.
GRAPH_MEDIA_TYPES = [format_named(name).media_types[0] for name in ("turtle", "nt", "json-ld", "xml")]


@dataclass(frozen=True)
class QueryAnswer:
    """A query's answer: its media type and body."""

    media_type: str
    body: bytes


class _TooLarge(Exception):
    pass


def _answer(store: Any, text: str, graph_form: bool, fmt: str, cap: int, bindings: dict[str, str]) -> bytes:
    import pyoxigraph as ox

    substitutions = {ox.Variable(name): parse_ntriples_term(value) for name, value in bindings.items()}

    def run() -> Any:
        # The store's default graph is the whole dataset; FROM clauses never pick anything else.
        return store.query(text, default_graph=ox.DefaultGraph(), substitutions=substitutions)

    result = run()
    if graph_form:
        triples = list(islice(result, cap + 1))
        if len(triples) > cap:
            raise _TooLarge
        return bytes(ox.serialize(triples, format=getattr(ox.RdfFormat, fmt)) or b"")
    if isinstance(result, ox.QuerySolutions):
        for count, _ in enumerate(result, start=1):
            if count > cap:
                raise _TooLarge
        result = run()  # counted without keeping the rows; the second run writes them
    return bytes(result.serialize(format=getattr(ox.QueryResultsFormat, fmt)))


def oxigraph_syntax_message(message: str) -> str:
    """Oxigraph's parse error in one readable line: where, and the reason when it gives one in words (its
    list of expected characters is left out)."""
    head, _, expected = message.partition(": expected one of ")
    if not expected:
        return " ".join(message.split())[:300]
    parts = [part.strip() for part in re.split(r",\s*", " ".join(expected.split()))]
    reasons = [p for p in parts if " " in p and not p.startswith(("[", "'", '"', "|"))]
    if reasons:
        return f"{head}: {'; '.join(reasons)}"
    tokens = [p for p in parts if p.startswith('"') and p.endswith('"')][:10]
    return f"{head}: expected one of {', '.join(tokens)}" if tokens else head


#: The stack of the thread a query runs on in a worker (address space, used only as deep as a query needs).
_QUERY_STACK_BYTES = 512 * 1024 * 1024


def _on_big_stack(work: Callable[[], bytes]) -> bytes:
    """``work()`` run on a new thread (whose stack size :func:`threading.stack_size` has set)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the caller as it is
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return bytes(outcome["value"])


def _worker(store_path: str, conn: Connection) -> None:
    """A worker process: open the store read-only, say whether that worked, then answer queries until the
    pipe closes."""
    from careerkg.offline import enforce, leave_the_network

    # A worker never needs the network: it leaves it altogether where the system allows (before any thread
    # starts), which stops native code too, and refuses Python's own sockets in any case.
    without_network = leave_the_network()
    enforce()
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(store_path)
    except OSError as error:
        conn.send(("failed", f"cannot open the store {store_path} read-only: {error}"))
        return
    conn.send(("ready", without_network))
    # Oxigraph evaluates expressions recursively on the caller's stack: a long chain (1+1+...+1, a few
    # thousand terms, well under the query size cap) overflowed the main thread's 8 MiB and killed the worker.
    # Each query runs on a thread with a stack big enough for anything the size cap lets through.
    threading.stack_size(_QUERY_STACK_BYTES)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_reply(store, *request))


def _reply(store: Any, text: str, graph_form: bool, fmt: str, cap: int, bindings: dict[str, str]) -> tuple[str, Any]:
    """A worker's reply to one query: its kind (ok, too-large, syntax, error) and its value."""
    try:
        return "ok", _on_big_stack(functools.partial(_answer, store, text, graph_form, fmt, cap, bindings))
    except _TooLarge:
        return "too-large", cap
    except SyntaxError as error:
        return "syntax", oxigraph_syntax_message(str(error))
    except Exception as error:  # a valid query the engine cannot evaluate: reported with its message
        return "error", f"{type(error).__name__}: {error}"


def _one_off() -> None:
    """A process for one query over data it is given (``python -m careerkg.sparql.pool``, see
    :func:`answer_once`): read the request from standard input, load the N-Triples into a store in memory,
    write the reply to standard output, exit."""
    from careerkg.offline import enforce, leave_the_network

    leave_the_network()
    enforce()
    import pyoxigraph as ox

    reply_to, sys.stdout = sys.stdout.buffer, sys.stderr  # nothing but the reply goes out on standard output
    data, *request = pickle.load(sys.stdin.buffer)
    threading.stack_size(_QUERY_STACK_BYTES)
    store = ox.Store()
    try:
        store.load(data, format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as error:  # a term rdflib holds and Oxigraph refuses (an IRI with a space)
        reply: tuple[str, Any] = ("unloadable", str(error))
    else:
        reply = _reply(store, *request)
    pickle.dump(reply, reply_to)
    reply_to.flush()


class _WorkerFailed(Exception):
    pass


class UnloadableDataError(Exception):
    """Oxigraph refused the data :func:`answer_once` was given (rdflib accepts some terms it does not)."""


def _answered(kind: str, value: Any, answer_type: str, graph_form: bool, source: str) -> QueryAnswer:
    """The answer a worker replied, or the error its reply stands for."""
    named = f"{source}: " if source else ""
    if kind == "unloadable":
        raise UnloadableDataError(value)
    if kind == "ok":
        return QueryAnswer(answer_type, value)
    if kind == "too-large":
        raise too_large(value, "triples" if graph_form else "rows", source)
    if kind == "syntax":
        raise QuerySyntaxError(f"{named}SPARQL syntax error: {value}")
    raise QueryFailedError(f"{named}the query failed: {value}")


def _format(graph_form: bool, media_type: str) -> tuple[str, str]:
    """Oxigraph's name for the format of ``media_type``, and the media type the answer comes as."""
    if graph_form:
        graph = format_of_media_type(media_type)
        if graph is None or media_type not in GRAPH_MEDIA_TYPES or graph.oxigraph is None:
            raise ValueError(f"CONSTRUCT and DESCRIBE are not answered as {media_type}")
        return graph.oxigraph, media_type
    results = result_format_of_media_type(media_type)
    if results is None:
        raise ValueError(f"SELECT and ASK are not answered as {media_type}")
    return results.oxigraph, results.media_types[0]


#: How long a new worker may take to start and open the store.
_START_SECONDS = 120.0


class _Worker:
    def __init__(self, context: Any, store_path: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(store_path, child), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        #: whether the worker runs in a network namespace with no interface (known once it is ready)
        self.without_network = False

    def wait_ready(self) -> None:
        """Wait for the worker to have opened the store (once); :class:`_WorkerFailed` if it could not."""
        if self.ready:
            return
        try:
            if not self.conn.poll(_START_SECONDS):
                raise _WorkerFailed(f"a query worker did not start within {_START_SECONDS:g} s")
            kind, message = self.conn.recv()
        except (EOFError, OSError) as error:
            raise _WorkerFailed("a query worker stopped while starting") from error
        if kind != "ready":
            raise _WorkerFailed(str(message))
        self.ready = True
        self.without_network = bool(message)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """``workers`` processes answering read-only queries over the store at ``store_path``.

    :meth:`run` blocks (call it from a thread): it waits for a free worker for at most ``time_limit``
    seconds, then gives the query ``time_limit`` seconds to finish (``None``: no limit).

    No other process may write to the store while the pool reads it (Oxigraph's read-only mode does not
    allow it): close the writer first.
    """

    def __init__(self, store_path: str, workers: int = 2, time_limit: float | None = 30.0, max_results: int = 100_000):
        self.store_path = store_path
        self.time_limit = time_limit
        self.max_results = max_results
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.store_path)
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.add(worker)
        if closed:  # closed while this one started: it must not outlive the pool
            worker.stop()
            return
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._add()

    def run(
        self,
        text: str,
        graph_form: bool,
        media_type: str,
        bindings: Mapping[str, str] | None = None,
        *,
        source: str = "",
    ) -> QueryAnswer:
        """Answer a query (already checked to be a read-only query) in the format of ``media_type`` (one of
        :data:`GRAPH_MEDIA_TYPES` for CONSTRUCT and DESCRIBE, of :data:`RESULT_MEDIA_TYPES` for the others).
        ``bindings`` map variable names to RDF terms in N-Triples syntax (substituted, never pasted in).

        Anything but an answer raises: :class:`~careerkg.errors.ServiceBusyError` (no worker free within the
        time limit), :class:`~careerkg.errors.QueryTimeoutError`, :class:`~careerkg.errors.ResultTooLargeError`,
        :class:`~careerkg.errors.QuerySyntaxError` (Oxigraph's parser refused it),
        :class:`~careerkg.errors.QueryFailedError` (the engine could not evaluate it) or
        :class:`~careerkg.errors.QueryWorkerError` (a worker could not start, or died: it is replaced). Their
        messages begin with ``source`` when it is given."""
        fmt, answer_type = _format(graph_form, media_type)
        request = (text, graph_form, fmt, self.max_results, dict(bindings or {}))
        named = f"{source}: " if source else ""
        for attempt in (1, 2):  # a read-only query is safe to run again on a fresh worker
            try:
                worker = self._idle.get(timeout=self.time_limit)
            except queue.Empty:
                message = f"all query workers are busy; try again (waited {self.time_limit:g} s)"
                raise ServiceBusyError(named + message) from None
            try:
                worker.wait_ready()
            except _WorkerFailed as error:
                self._replace(worker)
                raise QueryWorkerError(f"{named}the query could not run: {error}") from error
            try:
                worker.conn.send(request)
                limit = TimeLimit(self.time_limit)
                if not worker.conn.poll(limit.remaining()):
                    self._replace(worker)
                    raise limit.exceeded(source)
                kind, value = worker.conn.recv()
                break
            except (EOFError, OSError) as error:
                self._replace(worker)
                if attempt == 2:
                    message = "the query worker stopped unexpectedly, twice (out of memory?); it has been restarted"
                    raise QueryWorkerError(named + message) from error
        self._idle.put(worker)
        return _answered(kind, value, answer_type, graph_form, source)

    def start(self) -> bool:
        """Wait until every worker has opened the store (call before taking queries); :class:`OSError` with
        the reason if one could not. Returns whether every worker runs without any network."""
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            try:
                worker.wait_ready()
            except _WorkerFailed as error:
                raise OSError(str(error)) from error
        return all(worker.without_network for worker in workers)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def answer_once(
    data: bytes,
    text: str,
    graph_form: bool,
    media_type: str,
    bindings: Mapping[str, str] | None = None,
    *,
    time_limit: float | None = 300.0,
    max_results: int = 1_000_000,
    source: str = "",
) -> QueryAnswer:
    """Answer one read-only query over ``data`` (N-Triples, the whole default graph) in a process of its own,
    as :meth:`QueryPool.run` answers over a store: the process is killed at ``time_limit`` seconds (its
    start and the loading count), and every outcome but an answer raises the same errors. Data Oxigraph
    cannot load raises :class:`UnloadableDataError`.

    The process runs this module with the same Python (not :mod:`multiprocessing`, which would import the
    caller's main script again in it)."""
    fmt, answer_type = _format(graph_form, media_type)
    request = pickle.dumps((data, text, graph_form, fmt, max_results, dict(bindings or {})))
    limit = TimeLimit(time_limit)
    process = subprocess.Popen(
        [sys.executable, "-m", "careerkg.sparql.pool"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    named = f"{source}: " if source else ""
    try:
        out, err = process.communicate(request, timeout=limit.remaining())
    except subprocess.TimeoutExpired:
        raise limit.exceeded(source) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    try:
        kind, value = pickle.loads(out)
    except (pickle.UnpicklingError, EOFError, ValueError) as error:
        last = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise QueryWorkerError(
            f"{named}the query engine's process stopped unexpectedly (exit {process.returncode}): {last}"
        ) from error
    return _answered(kind, value, answer_type, graph_form, source)


if __name__ == "__main__":
    _one_off()

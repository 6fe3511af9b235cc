"""How long a query may run and how large its answer may be: one notion of each, for every engine careerkg
runs queries on (rdflib in this process, Oxigraph in a worker process, a SPARQL server over HTTP).

A time limit is a :class:`TimeLimit`, a budget on the monotonic clock that starts when it is made; each
engine enforces it its own way (:func:`deadline` interrupts Python work with an alarm signal, a worker past
it is killed, a server's answer is read only until it runs out). A query past its limit raises
:class:`~careerkg.errors.QueryTimeoutError`; an answer larger than the cap raises
:class:`~careerkg.errors.ResultTooLargeError` (:func:`check_size`), never comes back silently cut.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from careerkg.errors import QueryTimeoutError, ResultTooLargeError

__all__ = ["TimeLimit", "check_size", "deadline", "too_large"]


def _named(source: str, message: str) -> str:
    return f"{source}: {message}" if source else message


class TimeLimit:
    """``seconds`` from now, on the monotonic clock (None or 0: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds or None
        self._end = time.monotonic() + self.seconds if self.seconds else None

    def remaining(self) -> float | None:
        """The seconds left (never below 0), or None with no limit: the timeout to give a blocking wait."""
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        return self._end is not None and time.monotonic() > self._end

    def exceeded(self, source: str = "") -> QueryTimeoutError:
        """The error for a query (from ``source``, which begins the message when given) that ran past it."""
        return QueryTimeoutError(
            _named(source, f"the query ran past the time limit of {self.seconds or 0:g} s and was stopped")
        )


@contextmanager
def deadline(seconds: float | None, source: str) -> Iterator[None]:
    """Stop the Python work inside the block after ``seconds`` with a :class:`QueryTimeoutError`.

    rdflib evaluates queries in Python, so an alarm signal interrupts it. Only in the main thread of a
    Unix process; elsewhere (or with no limit) the block runs unbounded."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return
    limit = TimeLimit(seconds)

    def on_alarm(signum: int, frame: object) -> None:
        raise limit.exceeded(source)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_large(cap: int, unit: str, source: str = "", count: int | None = None) -> ResultTooLargeError:
    """The error for an answer of more than ``cap`` ``unit`` (rows or triples): ``count`` of them when it is
    known (a worker stops counting past the cap). ``source``, when given, begins the message."""
    if count is None:
        return ResultTooLargeError(_named(source, f"the answer has more than {cap:,} {unit}, the cap"))
    return ResultTooLargeError(_named(source, f"the answer has {count:,} {unit}, more than the cap of {cap:,}"))


def check_size(count: int, cap: int | None, source: str, unit: str = "rows") -> None:
    """Refuse an answer larger than ``cap`` (never cut it silently)."""
    if cap and count > cap:
        raise too_large(cap, unit, source, count)

"""Batches at any size: profiles streamed in chunks, spread over processes, answers kept in input order.

JSON Lines inputs are read line by line, so memory is bounded by the chunk, not the input; other formats
are parsed whole and then processed in chunks. Each chunk is parsed, validated, reasoned over and rendered
by a worker; at most a few chunks per worker are in flight at once, and results come back in input order.
A record that cannot be read is reported with its line number and skipped; the rest go on.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TypeVar

from careerkg.errors import UnreadableInputError
from careerkg.io.profiles import (
    JSON_LINES_SUFFIXES,
    MAX_RECORD_BYTES,
    ProfileInput,
    parse_json,
    read_profiles,
    record_facts,
)
from careerkg.knowledge.names import TermIndex
from careerkg.model import Facts, Term

__all__ = ["Item", "ParsedChunk", "SeenIris", "chunked", "default_jobs", "input_items", "ordered_map", "parse_items"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Item:
    """One unit of work: a raw JSON Lines record (``line``), or an already parsed profile (``facts``)."""

    location: str
    line: bytes | None = None
    #: the input it came from (a path or ``-``), and that input's position among the inputs
    source: str = ""
    document: int = 0
    #: a record that could not be read, reported in its place
    error: str | None = None
    profile: str | None = None
    facts: Facts | None = None
    others: dict[Term, set[Term]] = field(default_factory=dict)


@dataclass
class ParsedChunk:
    """A chunk after parsing: profiles in order (location, IRI, facts), their other-node types, and errors."""

    profiles: list[tuple[str, str, Facts]] = field(default_factory=list)
    others: dict[Term, set[Term]] = field(default_factory=dict)
    #: (position among the chunk's items, message) for records that could not be read
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: for each item, in order: ("profile", index into profiles) or ("error", index into errors)
    order: list[tuple[str, int]] = field(default_factory=list)


class SeenIris:
    """The profile IRIs met so far in one input, to catch a repeated one in a stream of any length: 64-bit
    hashes in an open-addressing table of machine words, 16 bytes an IRI (a Python set would take about 70,
    too much for a million-record stream). Two different IRIs sharing a hash is a 1 in 10^7 chance at
    a million IRIs."""

    def __init__(self) -> None:
        from array import array

        self._array = array
        self._table = array("Q", bytes(8 * 1024))
        self._count = 0

    @staticmethod
    def _hash(iri: str) -> int:
        import hashlib

        return int.from_bytes(hashlib.blake2b(iri.encode("utf-8"), digest_size=8).digest(), "little") or 1

    def add(self, iri: str) -> bool:
        """Record ``iri``; False if it was there already."""
        if 2 * (self._count + 1) > len(self._table):
            old = self._table
            self._table = self._array("Q", bytes(16 * len(old)))
            for value in old:
                if value:
                    self._insert(value)
        if not self._insert(self._hash(iri)):
            return False
        self._count += 1
        return True

    def _insert(self, value: int) -> bool:
        table = self._table
        mask = len(table) - 1
        slot = value & mask
        while table[slot]:
            if table[slot] == value:
                return False
            slot = (slot + 1) & mask
        table[slot] = value
        return True


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def is_json_lines(name: str, fmt: str | None) -> bool:
    return fmt == "jsonl" or (fmt is None and name.lower().endswith(JSON_LINES_SUFFIXES))


def input_items(name: str, stream: BinaryIO | None, terms: TermIndex, fmt: str | None) -> Iterator[Item]:
    """The items of one input. JSON Lines are streamed (``stream`` is read line by line); any other input is
    read whole and parsed here (raising :class:`UnreadableInputError` if it cannot be)."""
    if is_json_lines(name, fmt) and stream is not None:
        yield from _json_lines(name, stream)
        return
    source = ProfileInput.from_stream(name, stream) if stream is not None else ProfileInput.from_path(name)
    profiles = read_profiles(source, terms, None if fmt == "jsonl" else fmt)
    for problem in profiles.problems:
        yield Item(name, error=problem, source=name)
    from careerkg.engine import profile_facts

    facts, others = profile_facts(profiles)
    for subject, profile_facts_ in facts.items():
        yield Item(name, profile=subject, facts=profile_facts_, others=others, source=name)


def _json_lines(name: str, stream: BinaryIO) -> Iterator[Item]:
    """One item per non-blank line, read with a bounded buffer: a huge line costs no more memory than
    :data:`MAX_RECORD_BYTES`, and is reported in its place."""
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the record
                line = stream.readline(MAX_RECORD_BYTES)
            message = f"{name}:{number}: record longer than {MAX_RECORD_BYTES:,} bytes"
            yield Item(f"{name}:{number}", error=message, source=name)
            continue
        if line.strip():
            yield Item(f"{name}:{number}", line=line, source=name)


def parse_items(items: list[Item], terms: TermIndex) -> ParsedChunk:
    """Parse the raw records of a chunk (in a worker); keep the order of items."""

    chunk = ParsedChunk()
    seen: dict[str, int] = {}
    for item in items:
        if item.error is not None:
            chunk.order.append(("error", len(chunk.errors)))
            chunk.errors.append((len(chunk.order) - 1, item.error))
            continue
        if item.line is None:
            assert item.profile is not None and item.facts is not None
            chunk.order.append(("profile", len(chunk.profiles)))
            chunk.profiles.append((item.location, item.profile, item.facts))
            for node, types in item.others.items():
                chunk.others.setdefault(node, set()).update(types)
            continue
        try:
            try:
                text = item.line.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise UnreadableInputError(f"{item.location}: not UTF-8 text (byte {error.start})") from error
            record = parse_json(text, item.location)
            profile, facts, others = record_facts(record, item.location, terms, seen)
        except UnreadableInputError as error:
            chunk.order.append(("error", len(chunk.errors)))
            chunk.errors.append((len(chunk.order) - 1, str(error)))
            continue
        chunk.order.append(("profile", len(chunk.profiles)))
        chunk.profiles.append((item.location, profile, facts))
        for node, types in others.items():
            chunk.others.setdefault(node, set()).update(types)
    return chunk


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ordered_map(
    func: Callable[[T], R],
    tasks: Iterable[T],
    jobs: int,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[R]:
    """``map(func, tasks)`` over ``jobs`` processes, results in task order, with at most ``2 * jobs`` tasks
    in flight (so a huge input is never read ahead into memory). With one job, or a single task, it runs in
    this process."""
    iterator = iter(tasks)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if jobs <= 1 or second is None:
        if initializer is not None:
            initializer(*initargs)
        yield func(first)
        if second is not None:
            yield func(second)
            for task in iterator:
                yield func(task)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs) as pool:
        window: deque[Future[R]] = deque()
        pending = iter([first, second])
        for source in (pending, iterator):
            for task in source:
                window.append(pool.submit(func, task))
                if len(window) >= 2 * jobs:
                    yield window.popleft().result()
        while window:
            yield window.popleft().result()

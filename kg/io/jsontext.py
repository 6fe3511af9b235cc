"""JSON and JSON Lines text, read with bounds: the one reader for profile documents and streamed records.

A JSON document is parsed whole (:func:`parse_json`); a JSON Lines input is read one record at a time
(:func:`json_lines`) with a bounded buffer, so a huge line costs no more memory than :data:`MAX_RECORD_BYTES`,
and each record is parsed on its own (:func:`json_line`), so one bad line spoils only itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from careerkg.errors import UnreadableInputError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_RECORD_BYTES",
    "ByteStream",
    "LineReader",
    "SeenIds",
    "json_line",
    "json_lines",
    "parse_json",
    "repeated_id",
]

#: The longest JSON Lines record careerkg reads (bytes); a longer line is reported and skipped.
MAX_RECORD_BYTES = 1024 * 1024

#: The deepest nesting of JSON arrays and objects a profile document may have (a profile needs three or four).
MAX_JSON_DEPTH = 64


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str, where: str) -> Any:
    """Parse JSON text, with one clear :class:`UnreadableInputError` for anything wrong: bad syntax (with
    the line), NaN or Infinity (not JSON), or nesting deeper than :data:`MAX_JSON_DEPTH`."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        # JSON Lines records are named with their line already (``file:3``); the column is said in words
        line = f":{error.lineno}" if ":" not in where.rsplit("/", 1)[-1] else ""
        reason = error.msg.removesuffix(" at").removesuffix(":").rstrip()
        raise UnreadableInputError(
            f"{where}{line}: invalid JSON: {reason} at line {error.lineno}, column {error.colno}"
        ) from error
    except ValueError as error:
        raise UnreadableInputError(f"{where}: invalid JSON: {error}") from error
    except RecursionError as error:
        raise UnreadableInputError(f"{where}: JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)") from error
    _check_depth(value, where)
    return value


def _check_depth(value: Any, where: str) -> None:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise UnreadableInputError(f"{where}: JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values() if isinstance(child, (dict, list)))
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node if isinstance(child, (dict, list)))


def json_line(line: bytes, where: str) -> Any:
    """The value of one JSON Lines record (as :func:`json_lines` gives it): UTF-8 text (a byte order mark
    is allowed), parsed by :func:`parse_json`; :class:`UnreadableInputError` naming ``where`` otherwise."""
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableInputError(f"{where}: not UTF-8 text (byte {error.start})") from error
    return parse_json(text, where)


class LineReader(Protocol):
    """What :func:`json_lines` reads: a binary file, or anything with its ``readline``."""

    def readline(self, size: int = -1, /) -> bytes: ...


class ByteStream(LineReader, Protocol):
    """What an input is read from: a binary file, or anything with its ``read`` and ``readline``."""

    def read(self, size: int = -1, /) -> bytes: ...


def json_lines(name: str, stream: LineReader) -> Iterator[tuple[str, bytes | UnreadableInputError]]:
    """The non-blank records of the JSON Lines input ``name``, read from ``stream`` line by line, each with
    its location (``name:line``): the record's bytes (parse them with :func:`json_line`), or, for a record
    longer than :data:`MAX_RECORD_BYTES`, the error to report in its place (the record is skipped without
    ever being held whole)."""
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        where = f"{name}:{number}"
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the record
                line = stream.readline(MAX_RECORD_BYTES)
            yield where, UnreadableInputError(f"{where}: record longer than {MAX_RECORD_BYTES:,} bytes")
        elif line.strip():
            yield where, line


class SeenIds:
    """The profile IRIs met so far in one input, to catch one given again.

    By default, for a stream of any length: 64-bit hashes in an open-addressing table of machine words, 16
    bytes an IRI (a Python set would take about 70, too much for a million-record stream); two different IRIs
    sharing a hash is a 1 in 10^7 chance at a million IRIs. With ``where=True``, for an input read whole
    (bounded in size), where each IRI was first met is kept too, so that the message can point at it."""

    def __init__(self, where: bool = False) -> None:
        from array import array

        self._array = array
        self._table = array("Q", bytes(8 * 1024))
        self._count = 0
        self._where: dict[str, str] | None = {} if where else None

    @staticmethod
    def _hash(iri: str) -> int:
        import hashlib

        return int.from_bytes(hashlib.blake2b(iri.encode("utf-8"), digest_size=8).digest(), "little") or 1

    def add(self, iri: str, location: str = "") -> str | None:
        """Record ``iri`` (met at ``location``). None if it is new; if it was met before, where (when kept;
        otherwise an empty string)."""
        if self._where is not None:
            if iri in self._where:
                return self._where[iri]
            self._where[iri] = location
            return None
        if 2 * (self._count + 1) > len(self._table):
            old = self._table
            self._table = self._array("Q", bytes(16 * len(old)))
            for value in old:
                if value:
                    self._insert(value)
        if not self._insert(self._hash(iri)):
            return ""
        self._count += 1
        return None

    def where(self, iri: str) -> str | None:
        """Where ``iri`` was first met, or None if it has not been (kept only with ``where=True``)."""
        return self._where.get(iri) if self._where is not None else None

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


def repeated_id(location: str, iri: str, first: str | None, source: str) -> str:
    """The message for a profile IRI given again in one input: where it was first met when known, else the
    input's name."""
    seen = f"(first at {first})" if first else f"in {source}"
    return f"{location}: the profile {iri} appears again {seen}; give each person one record (this one is skipped)"

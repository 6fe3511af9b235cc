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

__all__ = ["MAX_JSON_DEPTH", "MAX_RECORD_BYTES", "LineReader", "json_line", "json_lines", "parse_json"]

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
        line = f":{error.lineno}" if ":" not in where.rsplit("/", 1)[-1] else ""
        raise UnreadableInputError(f"{where}{line}: invalid JSON: {error.msg}") from error
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

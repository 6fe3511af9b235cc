"""Batches at any size: profiles streamed in chunks, spread over processes, answers kept in input order.

JSON Lines inputs are read line by line, so memory is bounded by the chunk, not the input; other formats
are parsed whole and then processed in chunks. Each chunk is parsed, validated, reasoned over (and, if the
caller asks, rendered) by a worker; at most a few chunks per worker are in flight at once, and results come
back in input order. A record that cannot be read is reported in its place and skipped; the rest go on.

:func:`evaluate_stream` is the whole pipeline: ``careerkg eligible`` prints what it yields, and
:meth:`careerkg.Engine.eligible_stream` hands its records to Python callers.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from careerkg.eligibility import Assessment
from careerkg.errors import MissingDependencyError, UnreadableInputError
from careerkg.io.jsontext import ByteStream, SeenIds, json_line, json_lines, repeated_id
from careerkg.io.profiles import (
    GENERATED_PROFILE_PREFIX,
    JSON_LINES_SUFFIXES,
    ProfileInput,
    name_in_facts,
    read_profiles,
    record_facts,
)
from careerkg.knowledge.names import TermIndex
from careerkg.model import Facts, Term
from careerkg.validation.shacl import Violation

if TYPE_CHECKING:
    from careerkg.engine import Engine

__all__ = [
    "Chunk",
    "Item",
    "ParsedChunk",
    "Record",
    "chunked",
    "evaluate_chunk",
    "evaluate_stream",
    "input_items",
    "ordered_map",
    "parse_items",
]

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
    #: with ``error``: the input was read, but said what it may not (it is invalid, not unreadable)
    invalid: bool = False
    profile: str | None = None
    facts: Facts | None = None
    others: dict[Term, set[Term]] = field(default_factory=dict)
    #: warnings about the record (keys careerkg does not read), said in its place
    warnings: tuple[str, ...] = ()


@dataclass
class ParsedChunk:
    """A chunk after parsing: profiles in order (location, IRI, facts), their other-node types, and errors."""

    profiles: list[tuple[str, str, Facts]] = field(default_factory=list)
    others: dict[Term, set[Term]] = field(default_factory=dict)
    #: (position among the chunk's items, message) for records that could not be read
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: for each item, in order: ("profile", index into profiles) or ("error", index into errors)
    order: list[tuple[str, int]] = field(default_factory=list)
    #: warnings by position among the chunk's items
    warnings: dict[int, tuple[str, ...]] = field(default_factory=dict)


def is_json_lines(name: str, fmt: str | None) -> bool:
    return fmt == "jsonl" or (fmt is None and name.lower().endswith(JSON_LINES_SUFFIXES))


def input_items(name: str, stream: ByteStream | None, terms: TermIndex, fmt: str | None) -> Iterator[Item]:
    """The items of one input. JSON Lines are streamed (``stream`` is read line by line); any other input is
    read whole and parsed here (raising :class:`UnreadableInputError` if it cannot be)."""
    if is_json_lines(name, fmt) and stream is not None:
        yield from _json_lines(name, stream)
        return
    source = ProfileInput.from_stream(name, stream) if stream is not None else ProfileInput.from_path(name)
    profiles = read_profiles(source, terms, None if fmt == "jsonl" else fmt)
    for problem in profiles.problems:
        yield Item(name, error=problem, source=name)
    if profiles.knowledge is not None:
        yield Item(name, error=profiles.knowledge, invalid=True, source=name)
    from careerkg.engine import profile_facts  # the engine sits beside this module, in the same layer

    facts, others = profile_facts(profiles)
    warnings = tuple(profiles.warnings)  # said with the input's first profile
    for subject, profile_facts_ in facts.items():
        where = profiles.location(subject)  # a JSON array's record: team.json[2]
        yield Item(where, profile=subject, facts=profile_facts_, others=others, source=name, warnings=warnings)
        warnings = ()


def _json_lines(name: str, stream: ByteStream) -> Iterator[Item]:
    """One item per non-blank record (see :func:`careerkg.io.jsontext.json_lines`), parsed later by a worker."""
    for location, record in json_lines(name, stream):
        if isinstance(record, UnreadableInputError):
            yield Item(location, error=str(record), source=name)
        else:
            yield Item(location, line=record, source=name)


def parse_items(items: list[Item], terms: TermIndex) -> ParsedChunk:
    """Parse the raw records of a chunk (in a worker); keep the order of items."""

    chunk = ParsedChunk()
    seen: dict[str, int] = {}
    for item in items:
        if item.warnings:
            chunk.warnings[len(chunk.order)] = item.warnings
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
            record = json_line(item.line, item.location)
            notes: list[str] = []
            profile, facts, others = record_facts(record, item.location, terms, seen, notes)
            if notes:
                chunk.warnings[len(chunk.order)] = tuple(notes)
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


#: A function a worker applies to each answered profile (e.g. render it as text), so only its result crosses
#: processes. It must be picklable: a module-level function, or a functools.partial of one.
Render = Callable[[Assessment], str]


@dataclass
class Record:
    """What became of one input record, in input order: answered, invalid (its violations), or unreadable."""

    #: The input it came from (a path, ``-`` or a name the caller gave) and that input's position.
    source: str
    document: int
    #: Where in the input: ``name:line`` for JSON Lines, the input's name otherwise.
    location: str
    #: The profile's IRI (None when the record could not be read).
    profile: str | None
    #: ``"answered"``, ``"invalid"`` or ``"unreadable"``.
    kind: str
    #: The answer (when answered and nothing was rendered in the worker): the open moves with their reasons
    #: (its ``gaps`` are not assessed in a stream; :meth:`careerkg.Engine.gaps` gives them).
    assessment: Assessment | None = None
    #: The rendered answer, when the stream was given a render function.
    piece: str | None = None
    #: Why the profile is invalid.
    violations: tuple[Violation, ...] = ()
    #: Why the record could not be read or answered (one line, naming the input).
    error: str | None = None
    #: The person's name, where the profile gives one (messages name the profile by it).
    name: str | None = None
    #: Warnings about the record (a key careerkg does not read, ignored), one line each, naming the input.
    warnings: tuple[str, ...] = ()

    @property
    def title(self) -> str | None:
        """How messages name the profile: the person's name where given, else its IRI."""
        return self.name or self.profile


@dataclass
class Chunk:
    """What one chunk of input became: its records in input order and, if asked for, what inference derived."""

    records: list[Record] = field(default_factory=list)
    derived: dict[str, Facts] = field(default_factory=dict)


def _evaluate(
    engine: Engine, profiles: list[tuple[str, str, Facts]], others: dict[Term, set[Term]]
) -> tuple[list[Assessment | tuple[Violation, ...]], dict[str, Facts]]:
    """Evaluate a chunk: an assessment or the violations for each profile, and all derived facts.

    Records are independent: the same IRI twice in one chunk is evaluated twice, in separate rounds."""
    results: list[Assessment | tuple[Violation, ...]] = [() for _ in profiles]
    derived: dict[str, Facts] = {}
    remaining = list(range(len(profiles)))
    while remaining:
        batch: dict[str, int] = {}
        later: list[int] = []
        for index in remaining:
            iri = profiles[index][1]
            if iri in batch:
                later.append(index)
            else:
                batch[iri] = index
        evaluation = engine.evaluate_facts({iri: profiles[i][2] for iri, i in batch.items()}, others, gaps=False)
        by_iri = {a.profile: a for a in evaluation.assessments}
        for iri, index in batch.items():
            results[index] = by_iri.get(iri) or evaluation.invalid.get(iri, ())
        for iri, facts in evaluation.derived.items():
            derived.setdefault(iri, set()).update(facts)
        remaining = later
    return results, derived


def _evaluate_isolating_failures(
    engine: Engine, profiles: list[tuple[str, str, Facts]], others: dict[Term, set[Term]]
) -> tuple[list[Assessment | tuple[Violation, ...]], dict[str, Facts], dict[int, str]]:
    """:func:`_evaluate` for the chunk; should it fail unexpectedly, each profile again on its own, so that one
    record no check foresaw costs only itself (reported with the failure), never its whole chunk."""
    try:
        results, derived = _evaluate(engine, profiles, others)
        return results, derived, {}
    except MissingDependencyError:  # a package the settings need is not installed: no record is at fault
        raise
    except Exception:  # noqa: BLE001 - narrowed below, one profile at a time
        pass
    results = [() for _ in profiles]
    derived = {}
    failures: dict[int, str] = {}
    for index, profile in enumerate(profiles):
        try:
            (result,), found = _evaluate(engine, [profile], others)
        except MissingDependencyError:
            raise
        except Exception as error:  # noqa: BLE001 - reported on the record's own line
            failures[index] = f"{type(error).__name__}: {str(error)[:200]}"
            continue
        results[index] = result
        derived.update(found)
    return results, derived, failures


def evaluate_chunk(
    engine: Engine, items: list[Item], render: Render | None = None, keep_derived: bool = False
) -> Chunk:
    """Parse, validate, reason over (and render, with ``render``) one chunk of items."""
    out = Chunk()
    parsed = parse_items(items, engine.terms)
    results, derived, failures = _evaluate_isolating_failures(engine, parsed.profiles, parsed.others)
    for position, (kind, index) in enumerate(parsed.order):
        item = items[position]
        if kind == "error":
            what = "invalid" if item.invalid else "unreadable"
            out.records.append(Record(item.source, item.document, item.location, None, what,
                                      error=parsed.errors[index][1]))  # fmt: skip
            continue
        location, iri, facts = parsed.profiles[index]
        result = results[index]
        name = name_in_facts(facts)
        if index in failures:
            message = f"{location}: careerkg could not evaluate {iri} ({failures[index]}); please report it"
            out.records.append(Record(item.source, item.document, location, iri, "unreadable", error=message,
                                      name=name))  # fmt: skip
        elif isinstance(result, Assessment):
            record = Record(item.source, item.document, location, iri, "answered", name=name)
            result = dataclasses.replace(result, location=location)
            if render is None:
                record.assessment = result
            else:
                record.piece = render(result)
            out.records.append(record)
        else:
            out.records.append(Record(item.source, item.document, location, iri, "invalid", violations=result,
                                      name=name))  # fmt: skip
    for position, said in parsed.warnings.items():
        out.records[position].warnings = said
    if keep_derived:
        out.derived = derived
    return out


_WORKER: dict[str, Any] = {}


def _init_worker(engine: Engine, render: Render | None, keep_derived: bool) -> None:
    """Process initialiser: the engine (rebuilt from its settings and the prepared-knowledge cache) and what
    to do with each answer, once per worker."""
    _WORKER.update(engine=engine, render=render, keep_derived=keep_derived)


def _evaluate_in_worker(items: list[Item]) -> Chunk:
    return evaluate_chunk(_WORKER["engine"], items, _WORKER["render"], _WORKER["keep_derived"])


#: One input to stream: its name (for messages), and a binary stream to read it from (None: open the name as
#: a file path, only when its turn comes).
Source = tuple[str, ByteStream | None]


def _items(sources: Iterable[Source], terms: TermIndex, fmt: str | None, errors: list[Record]) -> Iterator[Item]:
    """The records of every input in turn; each file is open only while its own records are read. An input
    that cannot be read at all is added to ``errors``."""
    for document, (name, given) in enumerate(sources):
        try:
            with contextlib.ExitStack() as stack:
                stream = given
                if stream is None:
                    try:
                        stream = stack.enter_context(open(name, "rb"))  # noqa: SIM115 - closed by the stack
                    except OSError as error:
                        raise UnreadableInputError(f"{name}: cannot read: {error.strerror or error}") from error
                for item in input_items(name, stream, terms, fmt):
                    yield dataclasses.replace(item, document=document)
        except UnreadableInputError as error:
            errors.append(Record(name, document, name, None, "unreadable", error=str(error)))


def evaluate_stream(
    engine: Engine,
    sources: Iterable[Source],
    input_format: str | None = None,
    jobs: int = 1,
    chunk_size: int = 2000,
    render: Render | None = None,
    keep_derived: bool = False,
) -> Iterator[Chunk]:
    """Stream every input through ``jobs`` worker processes; the chunks come back in input order.

    Each input is a document of its own: within one, a profile IRI given again is reported in its place and
    skipped (a record without ``@id`` is named by a digest of its content, and two equal such records are
    two records, never a repeat). An input that cannot be read at all is reported as an unreadable record,
    in the order it was met."""
    errors: list[Record] = []
    chunks = chunked(_items(sources, engine.terms, input_format, errors), chunk_size)
    seen = SeenIds()
    document = -1
    for chunk in ordered_map(_evaluate_in_worker, chunks, jobs, _init_worker, (engine, render, keep_derived)):
        if errors:
            yield Chunk(errors[:])
            errors.clear()
        kept: list[Record] = []
        for record in chunk.records:
            if record.document != document:  # each input is a document of its own: its IRIs are its own
                seen, document = SeenIds(), record.document
            generated = record.profile is not None and record.profile.startswith(GENERATED_PROFILE_PREFIX)
            if record.profile is not None and not generated and seen.add(record.profile) is not None:
                message = repeated_id(record.location, record.profile, None, record.source)
                record = Record(record.source, record.document, record.location, record.profile, "unreadable",
                                error=message)  # fmt: skip
            kept.append(record)
        yield Chunk(kept, chunk.derived)
    if errors:
        yield Chunk(errors[:])

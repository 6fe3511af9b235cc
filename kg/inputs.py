"""Profile inputs as the library takes them, read and evaluated document by document.

Whatever a caller gives (a path, the text or bytes of a document in any format careerkg reads, one plain JSON
profile as a dict, a list of them) becomes one or more :class:`~careerkg.io.profiles.ProfileInput`. Each input
is a document of its own: the same IRI in two inputs is two profiles, never merged. An input that cannot be
read is reported and skipped; the readable inputs next to it are still answered. Nothing is printed here:
problems come back as data, for the command line, the server and Python callers to report in their own way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, BinaryIO, Union

from careerkg.errors import UnreadableInputError
from careerkg.io.profiles import ProfileInput, ProfileSet, read_profiles
from careerkg.io.rdfout import storable
from careerkg.knowledge.names import TermIndex
from careerkg.vocab import CK
from rdflib import Graph

if TYPE_CHECKING:
    from careerkg.engine import Engine, Evaluation

__all__ = [
    "DocumentOutcome",
    "Documents",
    "Outcome",
    "Profiles",
    "evaluate_documents",
    "given_inputs",
    "named_inputs",
    "read_documents",
]

#: What the Python API takes as profiles: a path (``pathlib.Path`` or a ``str`` naming a file), the text or bytes
#: of a document in any format careerkg reads, one plain JSON profile (a dict), a list of them (one JSON array),
#: a :class:`ProfileInput`, or a list of any of these (each its own input).
Profiles = Union[str, "os.PathLike[str]", bytes, Mapping[str, Any], Sequence[Any], ProfileInput]

#: A way to get one input: called when its turn comes (so files are opened one at a time).
Loader = Callable[[], ProfileInput]

#: The first characters that make a ``str`` the text of a document rather than a file name.
_DOCUMENT_STARTS = ("{", "[", "<", "@", "#", "_:")


def _is_document_text(text: str) -> bool:
    return "\n" in text or text.lstrip().startswith(_DOCUMENT_STARTS)


def _loader(value: Any, name: str) -> Loader:
    if isinstance(value, ProfileInput):
        return lambda: value
    if isinstance(value, bytes):
        return lambda: ProfileInput(name, value)
    if isinstance(value, Mapping):
        return lambda: ProfileInput(name, json.dumps(value).encode("utf-8"))
    if isinstance(value, os.PathLike):
        path = value
        return lambda: ProfileInput.from_path(path)
    if isinstance(value, str):
        if _is_document_text(value):
            return lambda: ProfileInput(name, value.encode("utf-8"))
        text = value
        return lambda: ProfileInput.from_path(text)
    raise TypeError(
        f"cannot read profiles from a {type(value).__name__}: give a path, the text or bytes of a document, "
        "a dict (one plain JSON profile) or a list of them"
    )


def given_inputs(profiles: Profiles) -> list[Loader]:
    """The inputs a Python caller gave (see :data:`Profiles`). A list of dicts is one JSON array, named
    ``profiles`` in messages (``profiles[2]`` is its third record); a dict is named ``profile``; text or bytes
    ``input``; a list of other things is one input each."""
    if isinstance(profiles, Sequence) and not isinstance(profiles, (str, bytes)):
        items = list(profiles)
        if items and all(isinstance(item, Mapping) for item in items):
            return [lambda: ProfileInput("profiles", json.dumps(items).encode("utf-8"))]
        return [_loader(item, f"input {index + 1}") for index, item in enumerate(items)]
    return [_loader(profiles, "profile" if isinstance(profiles, Mapping) else "input")]


def _from_path(name: str) -> Loader:
    return lambda: ProfileInput.from_path(name)


def named_inputs(names: Iterable[str], stdin: BinaryIO) -> list[Loader]:
    """Inputs named as on a command line: file paths, or ``-`` for ``stdin``."""
    return [(lambda: ProfileInput.from_stream("-", stdin)) if name == "-" else _from_path(name) for name in names]


@dataclass
class Documents:
    """The profiles read from each input, and a message for each input or record that could not be read."""

    sets: list[ProfileSet] = field(default_factory=list)
    #: One line each, naming the input (and the line or record): what could not be read and was skipped.
    unreadable: list[str] = field(default_factory=list)
    #: One line each, naming the input and the record: what was read but ignored (a key careerkg does not read).
    warnings: list[str] = field(default_factory=list)

    @property
    def merged(self) -> ProfileSet:
        """All inputs in one graph (for SPARQL over them together)."""
        merged = ProfileSet()
        for profiles in self.sets:
            merged.add(profiles)
        return merged


def read_documents(loaders: Iterable[Loader], terms: TermIndex, fmt: str | None = None) -> Documents:
    """Read every input; one that cannot be read, and each record of one that could not be, is noted in
    :attr:`Documents.unreadable` and skipped."""
    documents = Documents()
    for load in loaders:
        try:
            profiles = read_profiles(load(), terms, fmt)
        except UnreadableInputError as error:
            documents.unreadable.append(str(error))
            continue
        documents.sets.append(profiles)
        documents.unreadable += profiles.problems  # records skipped; the rest of the input is used
        documents.warnings += profiles.warnings
    return documents


@dataclass(frozen=True)
class DocumentOutcome:
    """One input evaluated: what became of its profiles, and what of it may be kept in a store."""

    name: str
    evaluation: Evaluation
    #: The statements about the valid profiles (and what they lead to) that may join careerkg's data.
    kept: Graph
    #: One line each about statements that were left out (careerkg's own terms, malformed IRIs).
    left_out: tuple[str, ...] = ()


@dataclass
class Outcome:
    """Every input evaluated on its own, in order, and what could not be read."""

    #: What was read.
    read: Documents
    documents: list[DocumentOutcome] = field(default_factory=list)

    @property
    def unreadable(self) -> list[str]:
        """One line for each input, or record, that could not be read."""
        return self.read.unreadable

    @cached_property
    def evaluation(self) -> Evaluation:
        """All the documents' evaluations as one (an IRI invalid in any is listed once)."""
        from careerkg.engine import merge_evaluations

        return merge_evaluations([d.evaluation for d in self.documents])

    @cached_property
    def valid(self) -> Graph:
        """The statements of every valid profile that may be kept (each input without its own invalid ones)."""
        graph = Graph()
        for document in self.documents:
            graph += document.kept
        return graph


def evaluate_documents(engine: Engine, documents: Documents) -> Outcome:
    """Evaluate each input on its own: an invalid profile in one input never costs a valid one with the same
    IRI in another."""
    outcome = Outcome(documents)
    for document in documents.sets:
        evaluation = engine.evaluate(document)
        valid_profiles = {p for p in document.order if str(p) not in evaluation.invalid}
        kept, elsewhere, malformed = storable(document.graph, set(document.order), valid_profiles, str(CK))
        left_out = []
        if elsewhere:
            left_out.append(f"{document.name}: {elsewhere} statement(s) about something other than its profiles "
                            "were left out (careerkg's own terms and moves are not a profile's to say)")  # fmt: skip
        if malformed:
            left_out.append(f"{document.name}: {malformed} statement(s) naming a malformed IRI were left out "
                            "(not a valid IRI as subject, property, value or datatype)")  # fmt: skip
        if document.knowledge is not None:
            left_out.insert(0, document.knowledge)
        outcome.documents.append(DocumentOutcome(document.name, evaluation, kept, tuple(left_out)))
    return outcome

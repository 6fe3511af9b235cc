"""Knowledge packs from spreadsheets: a folder of CSV files (one per kind of term) built into a pack.

A career coach or an HR team writes their framework in five CSV files, UTF-8 with a header row:
``pack.csv`` (the pack itself: its namespace, title, version, licence, source), ``roles.csv``, ``skills.csv``,
``categories.csv`` (optional: the pack's own skill categories) and ``transitions.csv`` (the moves, with their
requirements written compactly: ``skill:Coding; any:TechnicalSkill; yearsInRole>=4``).
:func:`build_pack` turns them into a knowledge pack: an RDF graph in careerkg's vocabulary, its own terms in the
pack's namespace, with an ontology header and provenance on every transition, as ``ontology/knowledge.ttl``
is written. Every problem in the files is found before anything is built, and reported together, one line each
naming the file, the row (the header is row 1) and the column (:class:`TemplateError`).

A role, skill or category is named by the pack's id, or by careerkg's own (``ck:ProductManager``, or a local
name, label or alternative label such as ``ProductManager`` or ``product manager``); a bare name is looked up
in the pack first, so ``ck:`` always means careerkg's term. Requirements become individuals in the pack's
namespace with stable names (``RequiresSystemDesign``, ``RequiresAnyTechnicalSkill``,
``RequiresFourYearsInRole``), one per distinct requirement, shared by every move that uses it.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from careerkg.errors import InvalidKnowledgeError, UnreadableInputError
from careerkg.knowledge import bundled
from careerkg.knowledge.bundled import Part
from careerkg.vocab import (
    ALIGNMENTS_IRI,
    CK,
    DCTERMS,
    KNOWLEDGE_IRI,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    RDFS,
    SKOS,
    VANN,
    XSD,
    bind_prefixes,
)
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["TEMPLATES", "TemplateError", "blank_templates", "build_pack", "summarise"]


class TemplateError(InvalidKnowledgeError):
    """The CSV files of a pack break its rules: every problem found, one line each naming the file, the row
    (the header is row 1) and the column, in :attr:`problems` (in file, row and column order)."""


@dataclass(frozen=True)
class _Column:
    name: str
    #: Whether the header must have it.
    required: bool = False
    #: Whether ``name@lang`` columns give it in other languages.
    translatable: bool = False


_ID = _Column("id", required=True)
_LABEL = _Column("label", required=True, translatable=True)
_DEFINITION = _Column("definition", required=True, translatable=True)
_ALT_LABELS = _Column("alt_labels", translatable=True)

#: The columns of each file, in template order.
_SPECS: dict[str, tuple[_Column, ...]] = {
    "pack.csv": (
        _Column("namespace", required=True),
        _Column("prefix"),
        _Column("title", required=True, translatable=True),
        _Column("version", required=True),
        _Column("description", translatable=True),
        _Column("license"),
        _Column("source"),
        _Column("source_title", translatable=True),
    ),
    "categories.csv": (_ID, _LABEL, _DEFINITION),
    "roles.csv": (
        _ID,
        _LABEL,
        _DEFINITION,
        _ALT_LABELS,
        _Column("exact_match"),
        _Column("close_match"),
        _Column("broad_match"),
        _Column("related_match"),
    ),
    "skills.csv": (_ID, _LABEL, _DEFINITION, _Column("category", required=True), _ALT_LABELS),
    "transitions.csv": (
        _Column("id"),
        _Column("from", required=True),
        _Column("to", required=True),
        _Column("essential"),
        _Column("optional"),
        _Column("source"),
        _Column("source_title", translatable=True),
        _Column("section", required=True, translatable=True),
        _Column("justification", required=True, translatable=True),
        _Column("label", translatable=True),
        _Column("definition", translatable=True),
    ),
}

#: Each template file and its columns, in the order they are read (categories.csv may be left out).
TEMPLATES: dict[str, tuple[str, ...]] = {name: tuple(c.name for c in columns) for name, columns in _SPECS.items()}

_OPTIONAL_FILES = {"categories.csv"}
_FILE_ORDER = {name: index for index, name in enumerate(_SPECS)}
_MATCHES = {
    "exact_match": SKOS.exactMatch,
    "close_match": SKOS.closeMatch,
    "broad_match": SKOS.broadMatch,
    "related_match": SKOS.relatedMatch,
}
_THRESHOLDS = {"yearsinrole": CK.yearsInRole, "productsmanaged": CK.productsManaged}
_NUMBER_WORDS = tuple("zero one two three four five six seven eight nine ten eleven twelve".split())
_ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_RESERVED_PREFIXES = set("ck ckshape owl rdf rdfs xsd skos dcterms dc prov schema vann sh foaf".split())
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_THRESHOLD = re.compile(r"(?P<property>[^<>=!≥≤]*?)\s*(?P<operator>>=|=>|≥|<=|=<|≤|==|!=|=|>|<)\s*(?P<value>.*)")
_PLACEHOLDER_NAMESPACE = "https://example.invalid/pack#"


def blank_templates() -> dict[str, str]:
    """Each template file's name and its text: the header row alone, as ``careerkg knowledge template`` writes it."""
    texts = {}
    for name, columns in TEMPLATES.items():
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(columns)
        texts[name] = out.getvalue()
    return texts


# -- reading the files ---------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A name as it is looked up: case, ``_``, ``-`` and runs of spaces do not matter."""
    return " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


@dataclass
class _Row:
    file: str
    number: int
    #: Cell text (stripped) by column: ``label``, or ``label@fr`` for a language.
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def translations(self, column: str) -> list[tuple[str, str]]:
        """The non-empty values of ``column@lang`` columns: (language, text), sorted by language."""
        found = []
        for name, text in self.values.items():
            base, _, language = name.partition("@")
            if base == column and language and text:
                found.append((language, text))
        return sorted(found)


@dataclass
class _Table:
    name: str
    header: list[str]
    rows: list[_Row]
    #: Required columns the header lacks (their values are not checked row by row).
    missing: set[str] = field(default_factory=set)

    def position(self, column: str) -> int:
        if column in self.header:
            return self.header.index(column)
        return len(self.header) + list(TEMPLATES[self.name]).index(column) if column in TEMPLATES[self.name] else 999


class _Problems:
    """Every problem found, kept in file, row and column order."""

    def __init__(self) -> None:
        self._found: list[tuple[tuple[int, int, int, int], str]] = []

    def add(self, file: str, row: int, column: str, what: str, hint: str = "", position: int = 0) -> None:
        line = f"{what} in {file} row {row}, column {column}" + (f": {hint}" if hint else "")
        if any(text == line for _, text in self._found):
            return
        self._found.append(((_FILE_ORDER.get(file, 99), row, position, len(self._found)), line))

    def at(self, table: _Table, row: int, column: str, what: str, hint: str = "") -> None:
        self.add(table.name, row, column, what, hint, table.position(column))

    def lines(self) -> list[str]:
        return [text for _, text in sorted(self._found)]


def _unreadable(path: Path, why: str) -> UnreadableInputError:
    return UnreadableInputError(f"{path}: {why}")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _unreadable(path, "no such file") from None
    except IsADirectoryError:
        raise _unreadable(path, "a folder, not a CSV file") from None
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from error
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unreadable(path, 'a spreadsheet workbook, not CSV text; save it as "CSV UTF-8"')
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _unreadable(path, f'not UTF-8 text (line {line}); save it as "CSV UTF-8"') from None
    if "\x00" in text:
        raise _unreadable(path, "not CSV text (it holds NUL characters)")
    return text


def _header_name(cell: str) -> tuple[str, str]:
    """A header cell as (column, language): ``Alt labels@FR`` is ``("alt_labels", "fr")``."""
    base, _, language = cell.strip().partition("@")
    return "_".join(base.strip().lower().replace("-", " ").split()), language.strip().lower()


def _ignored(cell: str) -> bool:
    """Whether a header names a column careerkg leaves alone: ``notes``, or one starting with ``#``."""
    return cell.strip().startswith("#") or _header_name(cell)[0] in {"notes", "note", "comments", "comment"}


def _read_table(folder: Path, name: str, problems: _Problems) -> _Table | None:
    path = folder / name
    if name in _OPTIONAL_FILES and not path.exists():
        return None
    text = _read_text(path)
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to some locales save CSV separated by semicolons (or tabs): read those as they are.
    delimiter = next((sep for sep in ",;\t" if sep in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise _unreadable(path, f"not CSV text (line {reader.line_num}: {error})") from None
    spec = {c.name: c for c in _SPECS[name]}
    raw_header = records[0] if records else []
    header: list[str] = []  # the column each cell of a row is read as ("" for a column left alone)
    table = _Table(name, header, [])
    for index, cell in enumerate(raw_header):
        base, language = _header_name(cell)
        column = f"{base}@{language}" if language and language != "en" else base
        header.append("" if not cell.strip() or _ignored(cell) else column)
        if not cell.strip() or _ignored(cell):
            continue
        if base not in spec:
            close = difflib.get_close_matches(base, list(spec), n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else f"{name} has the columns {', '.join(spec)}"
            problems.add(name, 1, cell.strip(), "unknown column", hint, index)
            header[-1] = ""
        elif language and not _LANGUAGE.fullmatch(language):
            problems.add(
                name, 1, cell.strip(), "malformed language tag", f"write it like {base}@fr or {base}@pt-br", index
            )
            header[-1] = ""
        elif language and not spec[base].translatable:
            problems.add(name, 1, cell.strip(), "a column that takes no language", f"write {base} alone", index)
            header[-1] = ""
        elif column in header[:-1]:
            problems.add(name, 1, cell.strip(), "duplicate column", "each column may appear once", index)
            header[-1] = ""
    for wanted in _SPECS[name]:
        if wanted.required and wanted.name not in header:
            table.missing.add(wanted.name)
            problems.at(table, 1, wanted.name, "missing required column", "add it to the header (row 1)")
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # an empty row
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            if index >= len(header):
                if cell.strip():
                    problems.add(
                        name,
                        number,
                        str(index + 1),
                        "a value beyond the last column",
                        f"the header has {len(header)} columns",
                        index,
                    )
            elif header[index]:
                values[header[index]] = cell.strip()
            elif cell.strip() and index < len(raw_header) and not raw_header[index].strip():
                problems.add(
                    name,
                    number,
                    str(index + 1),
                    "a value in a column with no name",
                    "name the column in the header (row 1)",
                    index,
                )
        table.rows.append(_Row(name, number, values))
    return table


# -- careerkg's own terms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Careerkg:
    """careerkg's own roles, skills and skill categories, by the names people use for them."""

    #: kind ("role", "skill", "category") -> normalised name -> IRI.
    names: dict[str, dict[str, URIRef]]
    #: kind -> the local names of its terms.
    local_names: dict[str, list[str]]
    #: IRI -> English label.
    labels: dict[URIRef, str]
    #: (from, to) -> the transition the article's knowledge states.
    moves: dict[tuple[URIRef, URIRef], URIRef]
    #: The terms of the article's knowledge (not of the vocabulary).
    knowledge_terms: set[URIRef]

    @classmethod
    def load(cls) -> _Careerkg:
        graph = bundled.load([Part.ONTOLOGY, Part.KG], Graph())
        categories = {c for c in graph.subjects(RDFS.subClassOf, CK.Skill) if isinstance(c, URIRef)}
        members = {
            "role": {r for r in graph.subjects(RDF.type, CK.Role) if isinstance(r, URIRef)},
            "skill": {s for c in categories for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)},
            "category": categories,
        }
        labels: dict[URIRef, str] = {}
        names: dict[str, dict[str, URIRef]] = {}
        for kind, terms in members.items():
            index: dict[str, URIRef] = {}
            for iri in sorted(terms):
                local = str(iri).removeprefix(str(CK))
                english = [str(v) for v in graph.objects(iri, RDFS.label) if isinstance(v, Literal)]
                labels[iri] = sorted(english)[0] if english else local
                spelled = [str(iri), f"ck:{local}", local, *english]
                spelled += [str(v) for v in graph.objects(iri, SKOS.altLabel) if isinstance(v, Literal)]
                for text in spelled:
                    index.setdefault(_key(text), iri)
            names[kind] = index
        moves = {}
        for transition in graph.subjects(RDF.type, CK.Transition):
            source, target = graph.value(transition, CK.fromRole), graph.value(transition, CK.toRole)
            if isinstance(source, URIRef) and isinstance(target, URIRef) and isinstance(transition, URIRef):
                moves[(source, target)] = transition
        local_names = {kind: sorted(str(t).removeprefix(str(CK)) for t in terms) for kind, terms in members.items()}
        knowledge_terms = {s for s in graph.subjects(RDFS.isDefinedBy, KNOWLEDGE_IRI) if isinstance(s, URIRef)}
        return cls(names, local_names, labels, moves, knowledge_terms)


# -- the pack's own terms ------------------------------------------------------------------------------------

_KINDS = {"categories.csv": "category", "roles.csv": "role", "skills.csv": "skill", "transitions.csv": "transition"}
_KIND_WORDS = {"role": "role", "skill": "skill", "category": "skill category", "transition": "transition"}


@dataclass
class _Term:
    kind: str
    id: str
    file: str
    row: int
    #: None when the id is malformed (the term is known, so that using it reports nothing more).
    iri: URIRef | None
    label: str = ""


@dataclass(frozen=True)
class _Requirement:
    key: tuple[str, ...]
    name: str
    rdf_class: URIRef
    label: str
    definition: str
    facts: tuple[tuple[URIRef, URIRef | Literal], ...]


class _Unknown(Exception):
    """A name that names no term of the kind wanted (the problem and a hint)."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint


def _suggestions(text: str, names: list[str]) -> list[str]:
    """The names closest to ``text`` (in any case): up to three, none much further than the closest."""
    folded = {name.casefold(): name for name in reversed(names)}
    scored = []
    for key, name in folded.items():
        matcher = difflib.SequenceMatcher(None, text.casefold(), key)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            scored.append((-matcher.ratio(), name))
    scored.sort()
    return [name for score, name in scored[:3] if -score >= -scored[0][0] - 0.1]


def _alternatives(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _iri_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute IRI a store takes (None when it is one)."""
    if _IRI_FORBIDDEN.search(text):
        return "an IRI has no spaces, quotes or <>{}|\\^` characters"
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text)
    if scheme is None:
        return "write a full IRI, such as https://example.org/..."
    if scheme.group(0).lower() in ("http:", "https:") and not urlsplit(text).netloc:
        return "write a full IRI, such as https://example.org/..."
    return None


def _number(value: Decimal) -> str:
    """A minimum as people write it: ``4``, ``2.5``."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _count(value: Decimal, one: str, many: str) -> tuple[str, str]:
    """A minimum in words for a label and in a name: (``"four years"``, ``"FourYears"``)."""
    noun = one if value == 1 else many
    if value == value.to_integral_value() and 0 <= value < len(_NUMBER_WORDS):
        word = _NUMBER_WORDS[int(value)]
        return f"{word} {noun}", f"{word.capitalize()}{noun.capitalize()}"
    spelled = _number(value)
    return f"{spelled} {noun}", f"{spelled.replace('.', 'Point')}{noun.capitalize()}"


def _indefinite(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


class _Builder:
    """Reads a folder of CSV files and writes the pack's graph, keeping every problem it meets."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems = _Problems()
        self.careerkg = _Careerkg.load()
        self.graph = bind_prefixes(Graph())
        self.namespace = _PLACEHOLDER_NAMESPACE
        self.ontology = URIRef(_PLACEHOLDER_NAMESPACE.rstrip("#"))
        self.pack_source: URIRef | None = None
        #: Whether pack.csv names a source (a malformed one is reported there, not again on every move).
        self.pack_source_written = False
        self.sources: dict[URIRef, tuple[str, int, str]] = {}  # source -> (file, row, English title)
        self.cited: set[URIRef] = set()
        self.by_id: dict[str, _Term] = {}
        self.names: dict[str, dict[str, _Term]] = {"role": {}, "skill": {}, "category": {}}
        self.broken_kinds: set[str] = set()
        self.requirements: dict[tuple[str, ...], _Requirement] = {}
        self.requirement_names: dict[str, tuple[str, ...]] = {}
        self.uses_knowledge = False

    # -- naming --------------------------------------------------------------------------------------------

    def iri(self, local: str) -> URIRef:
        return URIRef(self.namespace + local)

    def register(self, table: _Table, row: _Row, kind: str) -> _Term | None:
        """Give a row its term (its IRI None when its id is empty, malformed or taken; None when the file has no
        id column)."""
        given = row.get("id")
        if "id" in table.missing:
            return None
        if not given:
            self.problems.at(table, row.number, "id", "empty id", "every row needs an id")
            return _Term(kind, given, table.name, row.number, None, row.get("label"))  # its other cells are checked
        valid = _ID_PATTERN.fullmatch(given) is not None
        if not valid:
            words = re.findall(r"[A-Za-z0-9]+", given)
            example = "".join(w[:1].upper() + w[1:] for w in words)
            hint = "use letters, digits, _ and -, starting with a letter"
            if example and _ID_PATTERN.fullmatch(example):
                hint += f' (for example "{example}")'
            self.problems.at(table, row.number, "id", f'malformed id "{given}"', hint)
        term = _Term(kind, given, table.name, row.number, self.iri(given) if valid else None, row.get("label"))
        earlier = self.by_id.get(given)
        if earlier is not None:
            self.problems.at(
                table, row.number, "id", f'duplicate id "{given}"', f"already used in {earlier.file} row {earlier.row}"
            )
            term.iri = None  # its other cells are checked still, and naming it by its label reports nothing more
            if kind in self.names and row.get("label"):
                self.names[kind].setdefault(_key(row.get("label")), term)
            return term
        self.by_id[given] = term
        if kind in self.names:
            for name in (given, row.get("label"), *row.get("alt_labels").split("|")):
                if name.strip():
                    self.names[kind].setdefault(_key(name), term)
        return term

    def find(self, kind: str, text: str) -> URIRef | None:
        """The term of ``kind`` that ``text`` names (None: the name is known but its term is malformed), or
        :class:`_Unknown`."""
        name = text.strip()
        words = _KIND_WORDS[kind]
        ck = self.careerkg
        if kind == "category" and _key(name) in ("skill", "ck:skill", _key(str(CK.Skill))):
            raise _Unknown(f'unknown {words} "{name}"', "name a category of skills, such as TechnicalSkill")
        if name.startswith("ck:") or name.startswith(str(CK)):
            local = name[3:] if name.startswith("ck:") else name[len(str(CK)) :]
            found = ck.names[kind].get(_key(f"ck:{local}"))
            if found is not None:
                self.uses_knowledge |= found in ck.knowledge_terms
                return found
            close = _suggestions(local, ck.local_names[kind])
            hint = f"did you mean {_alternatives(['ck:' + c for c in close])}?" if close else ""
            raise _Unknown(f'unknown {words} "{name}"', hint or f"careerkg has no {words} of that name")
        if name.startswith(self.namespace) and self.namespace != _PLACEHOLDER_NAMESPACE:
            name = name[len(self.namespace) :]
        term = self.by_id.get(name)
        if term is None or term.kind != kind:
            term = self.names.get(kind, {}).get(_key(name))
        if term is not None and term.kind == kind:
            return term.iri
        found = ck.names[kind].get(_key(name))
        if found is not None:
            self.uses_knowledge |= found in ck.knowledge_terms
            return found
        if kind in self.broken_kinds:
            return None  # its file lacks its ids: what it defines cannot be checked
        other = self.by_id.get(name)
        if other is not None:
            where = f"{_KIND_WORDS[other.kind]} ({other.file} row {other.row})"
            raise _Unknown(f'unknown {words} "{name}"', f"that is a {where}, not a {words}")
        for other_kind, index in ck.names.items():
            if other_kind != kind and _key(name) in index:
                other_name = "ck:" + str(index[_key(name)]).removeprefix(str(CK))
                raise _Unknown(
                    f'unknown {words} "{name}"', f"that is careerkg's {_KIND_WORDS[other_kind]} {other_name}"
                )
        candidates = [t.id for t in self.by_id.values() if t.kind == kind and t.iri is not None]
        close = _suggestions(name, candidates + [c for c in ck.local_names[kind] if c not in candidates])
        if close:
            raise _Unknown(f'unknown {words} "{name}"', f"did you mean {_alternatives(close)}?")
        files = {"role": "roles.csv", "skill": "skills.csv", "category": "categories.csv"}
        plural = "skill categories" if kind == "category" else f"{words}s"
        hint = f"name an id of {files[kind]} or one of careerkg's {plural}"
        raise _Unknown(f'unknown {words} "{name}"', hint)

    def label(self, iri: URIRef) -> str:
        for term in self.by_id.values():
            if term.iri == iri:
                return term.label or term.id
        return self.careerkg.labels.get(iri, str(iri).rsplit("#", 1)[-1])

    def local(self, iri: URIRef) -> str:
        """The local name a generated name is built from (careerkg's own terms' names, shadowed by a pack id,
        are marked ``Ck``)."""
        text = str(iri)
        if text.startswith(str(CK)):
            local = text[len(str(CK)) :]
            return f"Ck{local}" if local in self.by_id else local
        return text[len(self.namespace) :]

    # -- literals ------------------------------------------------------------------------------------------

    def texts(self, subject: URIRef, predicate: URIRef, row: _Row, column: str, *, several: bool = False) -> None:
        """Add ``column``'s text (English) and its ``column@lang`` translations to ``subject``; ``several``:
        the cells hold values separated by ``|``."""
        values = [("en", row.get(column))] + row.translations(column)
        for language, text in values:
            for value in text.split("|") if several else [text]:
                if value.strip():
                    self.graph.add((subject, predicate, Literal(value.strip(), lang=language)))

    def required(self, table: _Table, row: _Row, column: str, hint: str = "") -> str:
        """The text of a required cell; an empty one is a problem (once the header has the column)."""
        value = row.get(column)
        if not value and column not in table.missing:
            self.problems.at(table, row.number, column, f"empty {column.replace('_', ' ')}", hint)
        return value

    def iri_cell(self, table: _Table, row: _Row, column: str, text: str) -> URIRef | None:
        problem = _iri_problem(text)
        if problem is not None:
            self.problems.at(table, row.number, column, f'malformed IRI "{text}"', problem)
            return None
        return URIRef(text)

    # -- the files -----------------------------------------------------------------------------------------

    def pack(self, table: _Table) -> None:
        if not table.rows:
            self.problems.at(table, 2, "namespace", "no pack row", "fill in row 2, under the header")
            return
        for extra in table.rows[1:]:
            self.problems.at(table, extra.number, "namespace", "an extra row", "pack.csv holds one row")
        row = table.rows[0]
        namespace = self.required(table, row, "namespace", "the namespace of the pack's own terms, ending in # or /")
        if namespace:
            problem = _iri_problem(namespace)
            if problem is None and not namespace.endswith(("#", "/")):
                problem = "end it with # or / (the pack's terms are the namespace followed by their ids)"
            if problem is None and namespace.startswith("https://w3id.org/careerkg"):
                problem = "that is careerkg's own; a pack's terms live in a namespace of the pack's own"
            if problem is not None:
                self.problems.at(table, row.number, "namespace", f'malformed namespace "{namespace}"', problem)
            else:
                self.namespace = namespace
                self.ontology = URIRef(namespace.rstrip("#/"))
        prefix = row.get("prefix") or "pack"
        if not _PREFIX.fullmatch(prefix) or prefix.lower() in _RESERVED_PREFIXES:
            why = "it is taken" if _PREFIX.fullmatch(prefix) else "use letters, digits, _ and -, starting with a letter"
            self.problems.at(table, row.number, "prefix", f'unusable prefix "{prefix}"', why)
            prefix = "pack"
        title = self.required(table, row, "title", "give the pack a title")
        version = self.required(table, row, "version", "such as 1.0.0")
        if version and not _VERSION.fullmatch(version):
            self.problems.at(
                table,
                row.number,
                "version",
                f'malformed version "{version}"',
                "use letters, digits, dots and dashes, such as 1.0.0",
            )
        header = self.ontology
        self.graph.bind(prefix, self.namespace, override=True, replace=True)
        self.graph.add((header, RDF.type, OWL.Ontology))
        self.graph.add((header, OWL.imports, ONTOLOGY_IRI))
        if version:
            self.graph.add((header, OWL.versionInfo, Literal(version)))
            self.graph.add((header, OWL.versionIRI, URIRef(f"{header}/{version}")))
        if title:
            self.texts(header, DCTERMS.title, row, "title")
        self.texts(header, DCTERMS.description, row, "description")
        if row.get("license"):
            license_iri = self.iri_cell(table, row, "license", row.get("license"))
            if license_iri is not None:
                self.graph.add((header, DCTERMS.license, license_iri))
        self.graph.add((header, VANN.preferredNamespacePrefix, Literal(prefix)))
        self.graph.add((header, VANN.preferredNamespaceUri, Literal(self.namespace)))
        if row.get("source"):
            self.pack_source_written = True
            self.pack_source = self.iri_cell(table, row, "source", row.get("source"))
            if self.pack_source is not None:
                self.source_title(table, row, self.pack_source)
        elif row.get("source_title") or row.translations("source_title"):
            self.orphan_source_title(table, row)

    def orphan_source_title(self, table: _Table, row: _Row) -> None:
        """A row giving a source's title but not the source."""
        self.problems.at(
            table, row.number, "source_title", "a source title with no source", "give the source's IRI in column source"
        )

    def source_title(self, table: _Table, row: _Row, source: URIRef) -> None:
        title = row.get("source_title")
        if title:
            earlier = self.sources.get(source)
            if earlier is not None and earlier[2] != title:
                self.problems.at(
                    table,
                    row.number,
                    "source_title",
                    f'conflicting source title "{title}"',
                    f'{earlier[0]} row {earlier[1]} gives {source} the title "{earlier[2]}"',
                )
                return
            self.sources.setdefault(source, (table.name, row.number, title))
        self.texts(source, DCTERMS.title, row, "source_title")

    def described(self, table: _Table, row: _Row, term: _Term, types: tuple[URIRef, ...]) -> URIRef | None:
        """Add a term's types, labels, definitions and origin; its IRI, or None when it has none."""
        self.required(table, row, "label", "every term needs an English label")
        self.required(table, row, "definition", "say in a sentence what it is")
        iri = term.iri
        if iri is None:
            return None
        for rdf_type in types:
            self.graph.add((iri, RDF.type, rdf_type))
        self.texts(iri, RDFS.label, row, "label")
        self.texts(iri, SKOS.definition, row, "definition")
        self.graph.add((iri, RDFS.isDefinedBy, self.ontology))
        return iri

    def labels_unique(self, table: _Table, rows: list[tuple[_Row, _Term]]) -> None:
        seen: dict[str, _Term] = {}
        for row, term in rows:
            label = row.get("label")
            if not label:
                continue
            earlier = seen.setdefault(_key(label), term)
            if earlier is not term:
                self.problems.at(
                    table,
                    row.number,
                    "label",
                    f'duplicate label "{label}"',
                    f'already the label of "{earlier.id}" (row {earlier.row})',
                )

    def categories(self, table: _Table, terms: list[tuple[_Row, _Term]]) -> None:
        for row, term in terms:
            iri = self.described(table, row, term, (OWL.Class,))
            if iri is not None:
                self.graph.add((iri, RDFS.subClassOf, CK.Skill))
        self.labels_unique(table, terms)

    def roles(self, table: _Table, terms: list[tuple[_Row, _Term]]) -> None:
        for row, term in terms:
            iri = self.described(table, row, term, (OWL.NamedIndividual, CK.Role))
            if iri is not None:
                self.texts(iri, SKOS.altLabel, row, "alt_labels", several=True)
            matched: dict[str, str] = {}
            for column, prop in _MATCHES.items():
                for text in (t.strip() for t in row.get(column).split("|")):
                    if not text:
                        continue
                    concept = self.iri_cell(table, row, column, text)
                    if concept is None:
                        continue
                    if text in matched:
                        self.problems.at(
                            table,
                            row.number,
                            column,
                            f'conflicting match "{text}"',
                            f"it is already given in column {matched[text]}",
                        )
                        continue
                    matched[text] = column
                    if iri is not None:
                        self.graph.add((iri, prop, concept))
        self.labels_unique(table, terms)

    def skills(self, table: _Table, terms: list[tuple[_Row, _Term]]) -> None:
        for row, term in terms:
            iri = self.described(table, row, term, (OWL.NamedIndividual,))
            if iri is not None:
                self.texts(iri, SKOS.altLabel, row, "alt_labels", several=True)
            name = self.required(table, row, "category", "such as TechnicalSkill, or an id of categories.csv")
            if not name:
                continue
            try:
                category = self.find("category", name)
            except _Unknown as unknown:
                self.problems.at(table, row.number, "category", unknown.what, unknown.hint)
                continue
            if iri is not None and category is not None:
                self.graph.add((iri, RDF.type, category))
        self.labels_unique(table, terms)

    # -- requirements --------------------------------------------------------------------------------------

    def requirement(self, text: str) -> _Requirement | None:
        """The requirement ``text`` writes (None: it names a term whose own row has a problem), or
        :class:`_Unknown`."""
        kind, colon, name = text.partition(":")
        kind = kind.strip().lower()
        if colon and kind in ("skill", "any") and not re.search(r"[<>=≥≤]", text):
            if not name.strip():
                raise _Unknown(
                    f'malformed requirement "{text}"', f"name a {'skill' if kind == 'skill' else 'category'}"
                )
            found = self.find("skill" if kind == "skill" else "category", name)
            if found is None:
                return None
            label, local = self.label(found), self.local(found)
            if kind == "skill":
                return _Requirement(
                    ("skill", str(found)),
                    f"Requires{local}",
                    CK.SkillRequirement,
                    f"skill: {label}",
                    f"Met by a profile that has the skill {label}.",
                    ((CK.requiredSkill, found),),
                )
            return _Requirement(("any", str(found)), f"RequiresAny{local}", CK.SkillCategoryRequirement,
                                f"any {label}", f"Met by a profile with at least one {label}.",
                                ((CK.requiredSkillCategory, found),))  # fmt: skip
        threshold = _THRESHOLD.fullmatch(text.strip())
        if threshold is None:
            hint = "write skill:NAME, any:CATEGORY, yearsInRole>=N or productsManaged>=N"
            try:
                if self.find("skill", text) is not None:
                    hint = f'did you mean "skill:{text.strip()}"?'
            except _Unknown:
                pass
            raise _Unknown(f'malformed requirement "{text}"', hint)
        written = threshold.group("property").strip()
        prop = _THRESHOLDS.get(re.sub(r"[\s_-]", "", written.removeprefix("ck:")).lower())
        if prop is None:
            raise _Unknown(
                f'a threshold on an unknown property "{written}"', "profiles have only yearsInRole and productsManaged"
            )
        if threshold.group("operator") not in (">=", "=>", "≥"):
            raise _Unknown(f'malformed requirement "{text}"', "a threshold is a minimum, written with >= (at least)")
        value_text = threshold.group("value").strip()
        try:
            value = Decimal(value_text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise _Unknown(f'a non-numeric minimum "{value_text}"', "write a number, such as yearsInRole>=4") from None
        if value < 0:
            raise _Unknown(f'a negative minimum "{value_text}"', "a minimum is zero or more")
        number = _number(value)
        if prop == CK.yearsInRole:
            words, name = _count(value, "year", "years")
            label, local = f"at least {words} in the current role", f"Requires{name}InRole"
            definition = f"Met by a profile whose years in role is {number} or more."
        else:
            words, name = _count(value, "product", "products")
            label, local = f"at least {words} managed", f"Requires{name}Managed"
            definition = f"Met by a profile that has managed {number} or more products."
        facts = (
            (CK.thresholdProperty, prop),
            (CK.minimumValue, Literal(number if "." in number else f"{number}.0", datatype=XSD.decimal)),
        )
        return _Requirement(("threshold", str(prop), number), local, CK.ThresholdRequirement, label, definition, facts)

    def requirements_of(self, table: _Table, row: _Row, column: str) -> list[URIRef]:
        found: list[URIRef] = []
        for text in (t.strip() for t in row.get(column).split(";")):
            if not text:
                continue
            try:
                requirement = self.requirement(text)
            except _Unknown as unknown:
                self.problems.at(table, row.number, column, unknown.what, unknown.hint)
                continue
            if requirement is None:
                continue
            earlier = self.requirement_names.setdefault(requirement.name, requirement.key)
            clash = self.by_id.get(requirement.name)
            if earlier != requirement.key or clash is not None:
                where = f"the id in {clash.file} row {clash.row}" if clash else "the name of another requirement"
                self.problems.at(
                    table,
                    row.number,
                    column,
                    f'a requirement named "{requirement.name}"',
                    f"{text} would be named {requirement.name}, already {where}; rename that id",
                )
                continue
            self.requirements.setdefault(requirement.key, requirement)
            iri = self.iri(requirement.name)
            if iri not in found:
                found.append(iri)
        return found

    # -- transitions ---------------------------------------------------------------------------------------

    def transitions(self, table: _Table) -> None:
        explicit: dict[int, _Term] = {}
        for row in table.rows:
            if row.get("id"):
                term = self.register(table, row, "transition")
                if term is not None:
                    explicit[row.number] = term
        stated: dict[tuple[URIRef, URIRef], int] = {}
        for row in table.rows:
            ends: list[URIRef | None] = []
            for column in ("from", "to"):
                name = self.required(table, row, column, "name a role: an id of roles.csv, or one of careerkg's")
                try:
                    ends.append(self.find("role", name) if name else None)
                except _Unknown as unknown:
                    self.problems.at(table, row.number, column, unknown.what, unknown.hint)
                    ends.append(None)
            essential = self.requirements_of(table, row, "essential")
            optional = self.requirements_of(table, row, "optional")
            for both in (r for r in optional if r in essential):
                self.problems.at(
                    table,
                    row.number,
                    "optional",
                    "a requirement both essential and optional",
                    f"{self.requirements_name(both)} is essential already; list it once",
                )
            source = self.transition_source(table, row)
            self.required(table, row, "section", "name the heading of the source's section the move rests on")
            self.required(table, row, "justification", "say in your own words why the source supports the move")
            source_role, target_role = ends
            if source_role is None or target_role is None:
                continue
            if source_role == target_role:
                self.problems.at(table, row.number, "to", "the same role as from", "a move goes to another role")
                continue
            earlier = stated.setdefault((source_role, target_role), row.number)
            if earlier != row.number:
                self.problems.at(
                    table,
                    row.number,
                    "to",
                    "a duplicate move",
                    f"{self.label(source_role)} to {self.label(target_role)} is stated in row {earlier}",
                )
                continue
            known = self.careerkg.moves.get((source_role, target_role))
            if known is not None:
                self.problems.at(
                    table,
                    row.number,
                    "to",
                    "a duplicate move",
                    f"careerkg's knowledge states {self.label(source_role)} to "
                    f"{self.label(target_role)} already (ck:{str(known).removeprefix(str(CK))})",
                )
                continue
            term = explicit.get(row.number)
            if term is None and row.get("id"):
                continue  # its id has a problem, reported
            if term is None:
                generated = f"{self.local(source_role)}To{self.local(target_role)}"
                clash = self.by_id.get(generated)
                if clash is not None:
                    self.problems.at(
                        table,
                        row.number,
                        "id",
                        f'duplicate id "{generated}"',
                        f"the id made from its from and to roles is used in {clash.file} row {clash.row} already; "
                        "give this move an id",
                    )
                    continue
                term = self.by_id[generated] = _Term(
                    "transition", generated, table.name, row.number, self.iri(generated)
                )
            if term.iri is None or source is None:
                continue
            self.transition(term.iri, row, source_role, target_role, essential, optional, source)

    def requirements_name(self, iri: URIRef) -> str:
        for requirement in self.requirements.values():
            if self.iri(requirement.name) == iri:
                return requirement.label
        return str(iri)

    def transition_source(self, table: _Table, row: _Row) -> URIRef | None:
        text = row.get("source")
        if not text:
            if self.pack_source is None and not self.pack_source_written:
                if "source" not in table.header:
                    table.missing.add("source")
                    self.problems.at(
                        table,
                        1,
                        "source",
                        "missing required column",
                        "pack.csv gives no source for every move, so each row needs one",
                    )
                else:
                    self.required(table, row, "source", "cite the move's source, or give one in pack.csv")
            elif row.get("source_title") or row.translations("source_title"):
                self.orphan_source_title(table, row)
            return self.pack_source
        source = self.iri_cell(table, row, "source", text)
        if source is not None:
            self.source_title(table, row, source)
        return source

    def transition(
        self,
        iri: URIRef,
        row: _Row,
        source_role: URIRef,
        target_role: URIRef,
        essential: list[URIRef],
        optional: list[URIRef],
        source: URIRef,
    ) -> None:
        graph = self.graph
        graph.add((iri, RDF.type, OWL.NamedIndividual))
        graph.add((iri, RDF.type, CK.Transition))
        source_label, target_label = self.label(source_role), self.label(target_role)
        if not row.get("label"):
            graph.add((iri, RDFS.label, Literal(f"{source_label} to {target_label}", lang="en")))
        self.texts(iri, RDFS.label, row, "label")
        if not row.get("definition"):
            definition = (
                f"The move from {source_label} to {target_label}, open to a person who is "
                f"{_indefinite(source_label)} and meets each of its essential requirements."
            )
            graph.add((iri, SKOS.definition, Literal(definition, lang="en")))
        self.texts(iri, SKOS.definition, row, "definition")
        graph.add((iri, CK.fromRole, source_role))
        graph.add((iri, CK.toRole, target_role))
        for requirement in essential:
            graph.add((iri, CK.essentialRequirement, requirement))
        for requirement in optional:
            if requirement not in essential:
                graph.add((iri, CK.optionalRequirement, requirement))
        graph.add((iri, DCTERMS.source, source))
        self.cited.add(source)
        self.texts(iri, CK.articleSection, row, "section", several=True)
        self.texts(iri, CK.justification, row, "justification")
        graph.add((iri, RDFS.isDefinedBy, self.ontology))

    # -- the whole pack ------------------------------------------------------------------------------------

    def build(self) -> Graph:
        folder = self.folder
        if not folder.exists():
            raise _unreadable(folder, "no such folder")
        if not folder.is_dir():
            raise _unreadable(folder, "not a folder (give the folder that holds pack.csv, roles.csv, ...)")
        tables = {name: _read_table(folder, name, self.problems) for name in _SPECS}
        pack = tables["pack.csv"]
        assert pack is not None
        self.pack(pack)
        registered: dict[str, list[tuple[_Row, _Term]]] = {}
        for name in ("categories.csv", "roles.csv", "skills.csv"):
            table = tables[name]
            registered[name] = []
            if table is None:
                continue
            if "id" in table.missing:
                self.broken_kinds.add(_KINDS[name])
            for row in table.rows:
                term = self.register(table, row, _KINDS[name])
                if term is not None:
                    registered[name].append((row, term))
        categories, roles, skills, transitions = (
            tables[n] for n in ("categories.csv", "roles.csv", "skills.csv", "transitions.csv")
        )
        if categories is not None:
            self.categories(categories, registered["categories.csv"])
        assert roles is not None and skills is not None and transitions is not None
        self.roles(roles, registered["roles.csv"])
        self.skills(skills, registered["skills.csv"])
        self.transitions(transitions)
        for requirement in self.requirements.values():
            iri = self.iri(requirement.name)
            self.graph.add((iri, RDF.type, OWL.NamedIndividual))
            self.graph.add((iri, RDF.type, requirement.rdf_class))
            self.graph.add((iri, RDFS.label, Literal(requirement.label, lang="en")))
            self.graph.add((iri, SKOS.definition, Literal(requirement.definition, lang="en")))
            for predicate, value in requirement.facts:
                self.graph.add((iri, predicate, value))
            self.graph.add((iri, RDFS.isDefinedBy, self.ontology))
        for source in sorted(self.cited):
            self.graph.add((self.ontology, DCTERMS.source, source))
        if self.pack_source is not None:
            self.graph.add((self.ontology, DCTERMS.source, self.pack_source))
        if self.uses_knowledge:
            self.graph.add((self.ontology, OWL.imports, KNOWLEDGE_IRI))
        problems = self.problems.lines()
        if problems:
            raise TemplateError(problems)
        return self.graph


def build_pack(folder: Path) -> Graph:
    """The knowledge pack written in the CSV files of ``folder`` (see :data:`TEMPLATES`), as a graph.

    :class:`TemplateError` (exit code 1) lists every problem found in the files, one line each naming the file,
    row and column; :class:`~careerkg.errors.UnreadableInputError` (exit code 2) names a folder or file that
    cannot be read, or a file that is not UTF-8 CSV text."""
    return _Builder(Path(folder)).build()


# -- a pack's summary ----------------------------------------------------------------------------------------

_CAREERKG_ONTOLOGIES = {ONTOLOGY_IRI, KNOWLEDGE_IRI, ALIGNMENTS_IRI}


@functools.cache
def _careerkg_categories() -> frozenset[Node]:
    """careerkg's own skill categories (a pack's skills are typed with them, without restating them)."""
    return frozenset(bundled.load([Part.ONTOLOGY], Graph()).subjects(RDFS.subClassOf, CK.Skill))


def summarise(graph: Graph) -> dict[str, Any]:
    """What a pack holds: its ontology IRI, how many roles, skills, skill categories, requirements and
    transitions it defines, its roles no move leads out of, and its skills no requirement uses (by name, or
    through their category).

    Only the pack's own terms are counted (those ``rdfs:isDefinedBy`` an ontology of the graph other than
    careerkg's), so ``graph`` may hold careerkg's knowledge too; moves out are looked for in all of it."""
    ontologies = {o for o in graph.subjects(RDF.type, OWL.Ontology) if o not in _CAREERKG_ONTOLOGIES}
    own = {s for o in ontologies for s in graph.subjects(RDFS.isDefinedBy, o) if isinstance(s, URIRef)}

    def defined(rdf_class: URIRef) -> list[URIRef]:
        return sorted(s for s in graph.subjects(RDF.type, rdf_class) if s in own and isinstance(s, URIRef))

    categories = sorted(c for c in graph.subjects(RDFS.subClassOf, CK.Skill) if c in own and isinstance(c, URIRef))
    every_category = set(graph.subjects(RDFS.subClassOf, CK.Skill)) | _careerkg_categories()
    skills = sorted(
        {s for c in every_category for s in graph.subjects(RDF.type, c) if s in own and isinstance(s, URIRef)}
    )
    roles = defined(CK.Role)
    requirements = sorted(
        set(defined(CK.SkillRequirement))
        | set(defined(CK.SkillCategoryRequirement))
        | set(defined(CK.ThresholdRequirement))
    )
    transitions = defined(CK.Transition)
    moving_out = set(graph.objects(None, CK.fromRole))
    required = set(graph.objects(None, CK.requiredSkill))
    required_categories = set(graph.objects(None, CK.requiredSkillCategory))
    unused = [s for s in skills if s not in required and not set(graph.objects(s, RDF.type)) & required_categories]
    return {
        "ontology": sorted(str(o) for o in ontologies)[0] if ontologies else None,
        "roles": len(roles),
        "skills": len(skills),
        "categories": len(categories),
        "requirements": len(requirements),
        "transitions": len(transitions),
        "rolesWithoutMovesOut": [str(r) for r in roles if r not in moving_out],
        "unusedSkills": [str(s) for s in unused],
    }

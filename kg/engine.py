"""The careerkg engine: one object that holds the prepared knowledge and a reasoner and answers every question,
driven alike by Python callers, the command line, the HTTP server and the tests.

:meth:`Engine.evaluate_facts` is the core of it: validate profiles against the shapes, reason over the valid
ones, and assess each (eligible moves with explanations, gaps to the others). Invalid profiles get no
answers, only their violations; the valid profiles next to them are unaffected. The public methods
(:meth:`Engine.eligible`, :meth:`~Engine.gaps`, :meth:`~Engine.path`, :meth:`~Engine.validate`,
:meth:`~Engine.query`, :meth:`~Engine.eligible_stream`, :meth:`~Engine.open_store`) take profiles in any form
careerkg reads and return result objects whose ``to_json()`` is exactly what the command line prints.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from careerkg.eligibility import Assessment, assess
from careerkg.errors import (
    CareerkgError,
    InvalidInputError,
    QueryFailedError,
    UnreadableInputError,
)
from careerkg.io.iris import WELL_FORMED_IRIS, malformed_statements
from careerkg.knowledge.packs import KnowledgeSet
from careerkg.model import Facts, Term, facts_to_graph, term
from careerkg.prepared import Prepared, load_prepared
from careerkg.reasoning import BACKENDS, DEFAULT_REASONER
from careerkg.reports import checked, results_of
from careerkg.validation.shacl import Violation
from careerkg.vocab import CK, LANGUAGE_TAG, RDF, bind_prefixes
from rdflib import Graph, URIRef
from rdflib.term import Identifier

# Start-up time counts for a command line: what only some questions need is imported where they are asked.
if TYPE_CHECKING:
    from careerkg.batch import Record
    from careerkg.inputs import Documents, Outcome, Profiles
    from careerkg.io.packs import PackFile
    from careerkg.io.profiles import ProfileSet
    from careerkg.knowledge.catalogue import Catalogue
    from careerkg.knowledge.names import TermIndex
    from careerkg.reasoning.backends import Backend
    from careerkg.reasoning.closure import Reasoner
    from careerkg.reports import Answer, GapReport, PathReport, Results, Validation
    from careerkg.storage import Store
    from careerkg.validation.shacl import Violation
    from rdflib.plugins.sparql.sparql import Query  # rdflib's SPARQL engine is slow to import: only when used
    from rdflib.query import Result

__all__ = ["DEFAULT_REASONER", "Engine", "Evaluation", "Evaluator", "QueryRun", "merge_evaluations", "profile_facts"]

T = TypeVar("T", bound="Answer")

#: Who answers a SPARQL query over an in-memory graph (see :meth:`Engine.run_query`).
Evaluator = Literal["auto", "rdflib", "oxigraph"]

log = logging.getLogger("careerkg")

_TYPE = str(RDF.type)


@dataclass(frozen=True)
class Evaluation:
    """The outcome for a set of profiles."""

    #: Assessments of the valid profiles, in input order.
    assessments: tuple[Assessment, ...]
    #: Violations of each invalid profile (by IRI), in input order.
    invalid: dict[str, tuple[Violation, ...]]
    #: What inference derived for each valid profile (``ck:meetsRequirement``, ``ck:eligibleFor``).
    derived: dict[str, Facts] = field(default_factory=dict)

    def derived_graph(self) -> Graph:
        """The derived triples as an RDF graph."""
        return bind_prefixes(facts_to_graph(self.derived))


def profile_facts(profiles: ProfileSet) -> tuple[dict[str, Facts], dict[Term, set[Term]]]:
    """Each profile's facts, in input order, and the rdf:type statements the input makes about other nodes."""
    graph = profiles.graph
    facts: dict[str, Facts] = {}
    for subject in profiles.order:
        key = term(subject)
        assert type(key) is str
        facts[key] = {(str(p), term(o)) for p, o in graph.predicate_objects(subject)}
    others: dict[Term, set[Term]] = {}
    for s, o in graph.subject_objects(RDF.type):
        if term(s) not in facts:
            others.setdefault(term(s), set()).add(term(o))
    return facts, others


class Engine:
    """careerkg: its knowledge, a reasoner, and every question careerkg answers, from Python.

    ::

        import careerkg

        kg = careerkg.Engine()
        results = kg.eligible({"currentRole": "PM", "skills": ["Coding"]})
        results[0].to_json()          # what `careerkg eligible --format json` prints for this profile

    Everything is loaded on first use and kept: the prepared knowledge comes from careerkg's on-disk cache, so
    an engine is cheap to make, and cheap to send to another process (it pickles as its settings and is
    rebuilt there). ``reasoner`` is ``"compiled"`` (the default, the fastest), ``"owlrl"`` (the reference) or
    ``"reasonable"``; all give the same answers.

    Profiles that fail the shapes, or records that cannot be read, never vanish: by default the methods raise
    :class:`~careerkg.errors.InvalidProfilesError`, whose ``results`` holds the answers for the good profiles
    and every problem as data; with ``errors="report"`` they return those results (see :attr:`Results.ok`).
    """

    def __init__(
        self,
        reasoner: str = DEFAULT_REASONER,
        *,
        knowledge: Iterable[str | os.PathLike[str] | PackFile] = (),
        packs_only: bool = False,
        lang: str = "en",
    ) -> None:
        if reasoner not in BACKENDS:
            raise ValueError(f"unknown reasoner {reasoner!r} (choose from {', '.join(BACKENDS)})")
        if not LANGUAGE_TAG.fullmatch(lang):
            raise ValueError(f"{lang!r} is not a language tag (BCP 47, such as en, fr or pt-BR)")
        #: The reasoner backend's name.
        self.reasoner_name = reasoner
        #: The knowledge packs, read and checked now (:class:`~careerkg.errors.InvalidKnowledgeError` lists
        #: every problem of a broken one).
        self.packs = _read_packs(knowledge)
        if packs_only and not self.packs:
            raise ValueError("packs_only needs at least one knowledge pack")
        #: What the engine knows: careerkg's vocabulary, the article's knowledge unless ``packs_only``, the packs.
        self.knowledge_set = KnowledgeSet(self.packs, bundled=not packs_only)
        #: The language of labels and definitions in answers (English where the knowledge has none in it).
        self.lang = lang
        if self.packs:
            # Packs are checked now (from the cache when they were checked before): a broken pack is
            # refused where it is given, before anything is answered or stored.
            self.prepared  # noqa: B018

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its settings (the packs with their bytes): another process rebuilds it, and loads the
        # prepared knowledge from the on-disk cache in milliseconds.
        return (_rebuild, (self.reasoner_name, self.packs, not self.knowledge_set.bundled, self.lang))

    def __repr__(self) -> str:
        packs = f", knowledge={[p.path for p in self.packs]!r}" if self.packs else ""
        return f"Engine(reasoner={self.reasoner_name!r}{packs})"

    # -- what the engine knows ---------------------------------------------------------------------------

    @cached_property
    def prepared(self) -> Prepared:
        """The prepared knowledge: catalogue, names, compiled rule tables and shapes (cached on disk, keyed by
        careerkg's files and the packs' bytes). Packs are checked when it is first built:
        :class:`~careerkg.errors.InvalidKnowledgeError` lists every problem."""
        return load_prepared(self.knowledge_set, self.lang)

    @property
    def pack_descriptions(self) -> list[dict[str, str | None]]:
        """Each knowledge pack loaded: its ``path``, ``title``, ``version`` and ``sha256`` (from the prepared
        knowledge: a cached pack is not parsed again to describe it)."""
        headers = self.prepared.pack_headers
        return [{"path": pack.path, **headers.get(pack.sha256, {}), "sha256": pack.sha256} for pack in self.packs]

    @cached_property
    def knowledge(self) -> Graph:
        """The vocabulary, the article's knowledge and alignments (unless left out) and the packs, in one
        graph (parsed only for questions that need RDF)."""
        self.prepared  # noqa: B018 - the packs are checked before their statements are used anywhere
        return self.knowledge_set.graph()

    @property
    def terms(self) -> TermIndex:
        """The names of roles and skills (IRI, ``ck:`` CURIE, local name, label, abbreviation), for look-ups."""
        return self.prepared.terms

    @property
    def catalogue(self) -> Catalogue:
        """Roles, skills, requirements and transitions as plain objects."""
        return self.prepared.catalogue

    @cached_property
    def reasoner(self) -> Reasoner:
        """The rdflib-level reasoner, for closures of whole graphs (the knowledge graph's own inferences)."""
        from careerkg.reasoning.closure import Reasoner

        return Reasoner(self.knowledge)

    @cached_property
    def backend(self) -> Backend:
        """The reasoner backend that derives each profile's eligibility."""
        from careerkg.reasoning.backends import CompiledBackend, OwlrlBackend, ReasonableBackend

        prepared = self.prepared
        name = self.reasoner_name
        if name == "compiled" and prepared.uncompiled is not None:
            # said, not hidden: the answers are the same, only slower (the command line prints it as a note)
            log.warning(
                "the compiled reasoner does not support this knowledge (%s); owlrl is used", prepared.uncompiled
            )
        if name == "compiled" and prepared.ontology is not None:
            return CompiledBackend(prepared.ontology, prepared.rule_inputs, list(prepared.rules))
        axioms = self.reasoner.axioms
        if name == "reasonable":
            return ReasonableBackend(axioms, list(prepared.rules))
        return OwlrlBackend(axioms, list(prepared.rules))

    # -- the questions, from Python ----------------------------------------------------------------------

    def read(self, profiles: Profiles, input_format: str | None = None) -> Documents:
        """Read profiles (see :data:`careerkg.inputs.Profiles`) without evaluating them; ``input_format`` is one
        of turtle, nt, xml, json-ld, json or jsonl (default: from each file's suffix, else its content)."""
        from careerkg.inputs import given_inputs, read_documents

        return read_documents(given_inputs(profiles), self.terms, input_format)

    def evaluate_documents(self, documents: Documents) -> Outcome:
        """Validate, reason over and assess each document on its own (:func:`careerkg.inputs.evaluate_documents`)."""
        from careerkg.inputs import evaluate_documents

        return evaluate_documents(self, documents)

    def eligible(
        self, profiles: Profiles, *, input_format: str | None = None, errors: str = "raise"
    ) -> Results[Assessment]:
        """The roles each profile may move to next, with the reasons: one :class:`~careerkg.eligibility.Assessment`
        per valid profile, in input order. ``results[i].to_json()`` is the object ``careerkg eligible --format
        json`` prints (``to_json(explain=True)``: with ``--explain``).

        ``profiles``: a path, the text or bytes of a document in any format the command line reads, a dict (one
        plain JSON profile) or a list of dicts. ``errors``: ``"raise"`` (invalid or unreadable profiles raise
        :class:`~careerkg.errors.InvalidProfilesError`, holding these results) or ``"report"``."""
        outcome = self.evaluate_documents(self.read(profiles, input_format))
        return checked(results_of(outcome, outcome.evaluation.assessments), errors)

    def gaps(
        self, profiles: Profiles, target: str | None = None, *, input_format: str | None = None, errors: str = "raise"
    ) -> Results[GapReport]:
        """For each profile, the moves not yet open and what each misses, closest first, with which single
        change (a skill, or a threshold met) opens which moves and the near misses; with ``target`` (a role's
        name, label or IRI), only the move into that role, open or not. ``results[i].to_json()`` is what
        ``careerkg gaps --format json`` prints; :func:`careerkg.reports.group_report` sums the results over a
        group."""
        target_iri = self.terms.role(target) if target else None
        outcome = self.evaluate_documents(self.read(profiles, input_format))
        return checked(results_of(outcome, self.gap_reports(outcome, target_iri)), errors)

    def gap_reports(self, outcome: Outcome, target: URIRef | None = None) -> list[GapReport]:
        """The gap report of each valid profile of evaluated inputs, in order (see :meth:`gaps`)."""
        reports: list[GapReport] = []
        for document, evaluated in zip(outcome.read.sets, outcome.documents, strict=True):
            reports += self.document_gaps(document, evaluated.evaluation, target)
        return reports

    def document_gaps(
        self, document: ProfileSet, evaluation: Evaluation, target: URIRef | None = None
    ) -> list[GapReport]:
        """The gap report of each valid profile of one document, from its evaluation (see :meth:`gaps`)."""
        from careerkg.reports import gaps_report
        from careerkg.upskilling import upskilling

        assessments = evaluation.assessments
        if target is not None:
            return gaps_report(assessments, self.catalogue, target)
        facts, others = profile_facts(document)
        asserted = [facts[a.profile] for a in assessments]
        analyses = upskilling(assessments, asserted, others, self.evaluate_facts, self.catalogue)
        return gaps_report(assessments, self.catalogue, None, analyses)

    def path(self, from_role: str | None, to_role: str, profile: Profiles | Assessment | None = None) -> PathReport:
        """The shortest routes (fewest moves) from ``from_role`` to ``to_role``; or, with ``profile`` (and
        ``from_role=None``), from that profile's current role, marking the requirements it meets now. An invalid
        profile raises :class:`~careerkg.errors.InvalidProfilesError`."""
        from careerkg.paths import shortest_routes
        from careerkg.reports import PathReport

        subject: str | None = None
        met: frozenset[URIRef] | None = None
        if profile is None:
            if from_role is None:
                raise ValueError("give from_role, or a profile to start from")
            start = self.terms.role(from_role)
        else:
            if from_role is not None:
                raise ValueError("give from_role or profile, not both: a profile starts from its current role")
            assessment = profile if isinstance(profile, Assessment) else self._one(profile)
            if assessment.current_role is None:  # the shapes require one; a hand-made Assessment may lack it
                raise ValueError(f"{assessment.profile}: the profile has no current role")
            start, subject = assessment.current_role, assessment.profile
            met = frozenset(URIRef(r) for r in assessment.met)
        goal = self.terms.role(to_role)
        routes = tuple(shortest_routes(self.catalogue, start, goal))
        return PathReport(start, goal, routes, self.catalogue, subject, met)

    def _one(self, profiles: Profiles) -> Assessment:
        results = self.eligible(profiles)
        if len(results) != 1:
            raise InvalidInputError(f"the input holds {len(results)} profiles; a path starts from one")
        return results[0]

    def validate(self, profiles: Profiles, *, input_format: str | None = None, errors: str = "raise") -> Validation:
        """SHACL validation of each input by pySHACL, with the W3C validation report (``.graph``);
        ``.to_json()`` is what ``careerkg validate --format json`` prints. Violations are the answer here, not
        an error; an input or record that cannot be read raises :class:`~careerkg.errors.UnreadableInputError`
        (``errors="report"``: it is listed in ``.unreadable`` instead)."""
        validation = self.validate_documents(self.read(profiles, input_format))
        if validation.unreadable and errors != "report":
            count = len(validation.unreadable)
            raise UnreadableInputError(
                f"{validation.unreadable[0]}" + (f" (and {count - 1} more unreadable)" if count > 1 else "")
            )
        return validation

    def validate_documents(self, documents: Documents) -> Validation:
        """:meth:`validate` for documents already read."""
        from careerkg.reports import Validation
        from careerkg.validation.shacl import combine, validate_profiles

        reports = tuple((d.name, validate_profiles(d.graph, self.knowledge)) for d in documents.sets)
        knowledge = tuple(d.knowledge for d in documents.sets if d.knowledge is not None)
        return Validation(reports, combine([r for _, r in reports]), tuple(documents.unreadable), knowledge)

    def query(
        self,
        sparql: str,
        profiles: Profiles | None = None,
        *,
        inferred: bool = False,
        bindings: Mapping[str, str | Identifier] | None = None,
        time_limit: float | None = 300.0,
        max_results: int | None = 1_000_000,
        input_format: str | None = None,
        evaluator: Evaluator = "auto",
    ) -> dict[str, Any] | Graph:
        """Run a read-only SPARQL query over the knowledge graph, with ``profiles`` (only the valid ones, and
        with ``inferred`` what inference derives for them and the knowledge graph's own closure).

        SELECT and ASK answer with the W3C SPARQL 1.1 JSON results structure (``{"head": ..., "results":
        {"bindings": [...]}}``, or ``{"head": {}, "boolean": ...}``); CONSTRUCT and DESCRIBE with an rdflib
        graph. ``bindings`` bind variables first (values are RDF terms, or text read as a role or skill name, a
        ``ck:`` CURIE, ``<IRI>``, a number or a string). A query past ``time_limit`` seconds, or with more than
        ``max_results`` rows, raises :class:`~careerkg.errors.QueryLimitError`; invalid profiles raise
        :class:`~careerkg.errors.InvalidProfilesError`. ``evaluator``: see :meth:`run_query`."""
        run = self.run_query(sparql, "query", profiles, inferred=inferred, bindings=bindings, time_limit=time_limit,
                             max_results=max_results, input_format=input_format, evaluator=evaluator)  # fmt: skip
        if run.outcome is not None:
            checked(results_of(run.outcome, run.outcome.evaluation.assessments), "raise")
        result = run.result
        if result.type in {"CONSTRUCT", "DESCRIBE"}:
            assert result.graph is not None
            return bind_prefixes(result.graph)
        answer: dict[str, Any] = json.loads(result.serialize(format="json") or b"{}")
        return answer

    def run_query(
        self,
        text: str,
        source: str,
        profiles: Profiles | Documents | Outcome | None = None,
        *,
        inferred: bool = False,
        bindings: Mapping[str, str | Identifier] | None = None,
        time_limit: float | None = 300.0,
        max_results: int | None = 1_000_000,
        input_format: str | None = None,
        prepared: Query | None = None,
        evaluator: Evaluator = "auto",
    ) -> QueryRun:
        """:meth:`query`, keeping rdflib's result, the graph it ran over and what became of the profiles (so a
        caller can render the answer in any format and report every profile). ``profiles`` may be already
        read or evaluated; ``prepared``, the query already checked by :func:`careerkg.sparql.queries.prepare`.

        ``evaluator`` says who answers: ``"rdflib"`` (the reference), ``"oxigraph"`` (in a process of its own,
        many times faster on large graphs; a query it does not take, see
        :func:`careerkg.sparql.queries.oxigraph_refusal`, or data it cannot load, goes to rdflib) or
        ``"auto"``: Oxigraph from :data:`careerkg.sparql.queries.OXIGRAPH_FROM_TRIPLES` triples on."""
        from careerkg.inputs import Documents, Outcome
        from careerkg.sparql.queries import check_size, deadline, prepare, run

        prepared = prepared if prepared is not None else prepare(text, source)
        graph = bind_prefixes(Graph())
        graph += self.knowledge
        if inferred:
            graph += self.reasoner.knowledge_closure
        outcome: Outcome | None = None
        if isinstance(profiles, Outcome):
            outcome = profiles
        elif isinstance(profiles, Documents):
            outcome = self.evaluate_documents(profiles)
        elif profiles is not None:
            outcome = self.evaluate_documents(self.read(profiles, input_format))
        if outcome is not None:
            graph += outcome.valid  # invalid profiles are never given answers, here either: they stay out
            if inferred:
                graph += outcome.evaluation.derived_graph()
        values = self.bind(bindings or {}, graph)
        result = self._in_oxigraph(prepared, text, source, graph, values, evaluator, time_limit, max_results)
        if result is not None:
            return QueryRun(result, graph, outcome, prepared)
        with deadline(time_limit, source):
            try:
                result = run(prepared, graph, values)
                if result.type in {"CONSTRUCT", "DESCRIBE"}:
                    check_size(len(result.graph or ()), max_results, source, "triples")
                elif result.type == "SELECT":
                    check_size(len(result.bindings), max_results, source)
            except CareerkgError:
                raise
            except Exception as error:  # rdflib's evaluation of a valid query can fail in many ways
                raise QueryFailedError(f"{source}: the query failed: {_first_line(error)}") from error
        return QueryRun(result, graph, outcome, prepared)

    @staticmethod
    def _in_oxigraph(
        prepared: Query,
        text: str,
        source: str,
        graph: Graph,
        values: dict[str, Identifier],
        evaluator: Evaluator,
        time_limit: float | None,
        max_results: int | None,
    ) -> Result | None:
        """The answer from Oxigraph, or ``None`` where rdflib is to answer (see :meth:`run_query`)."""
        from careerkg.sparql.pool import UnloadableDataError
        from careerkg.sparql.queries import (
            OXIGRAPH_FROM_TRIPLES,
            canonical_query_text,
            oxigraph_refusal,
            run_in_oxigraph,
        )

        if evaluator == "rdflib" or (evaluator == "auto" and len(graph) < OXIGRAPH_FROM_TRIPLES):
            return None
        refusal = oxigraph_refusal(prepared)
        if refusal is not None:
            log.debug("%s: answered by rdflib, as Oxigraph does not take %s", source, refusal)
            return None
        try:
            return run_in_oxigraph(prepared, canonical_query_text(text, source), graph, values,
                                   time_limit=time_limit, max_results=max_results or 0, source=source)  # fmt: skip
        except UnloadableDataError as error:
            log.debug("%s: answered by rdflib, as Oxigraph could not load the data: %s", source, error)
            return None

    def bind(self, bindings: Mapping[str, str | Identifier], graph: Graph | None = None) -> dict[str, Identifier]:
        """Values for query variables as RDF terms: an RDF term as it is; text as a role or skill name, a CURIE
        with a prefix known to ``graph``, ``<IRI>``, a number, or else a string."""
        from careerkg.sparql.queries import binding_value

        names = graph if graph is not None else self.knowledge
        return {
            name: value if isinstance(value, Identifier) else binding_value(value, names, self.terms.find_role_or_skill)
            for name, value in bindings.items()
        }

    def eligible_stream(
        self,
        records: Iterable[str | bytes | Mapping[str, Any]],
        jobs: int = 1,
        *,
        chunk_size: int = 2000,
        name: str = "input",
    ) -> Iterator[Record]:
        """Eligibility for a stream of JSON Lines records (text or bytes, one profile each) or dicts, evaluated
        in chunks by ``jobs`` worker processes; one :class:`~careerkg.batch.Record` per record, in input order,
        answered (``record.assessment``), invalid (``record.violations``) or unreadable (``record.error``,
        naming ``name:line``). Memory stays bounded by the chunk, whatever the stream's length."""
        from careerkg.batch import evaluate_stream

        for chunk in evaluate_stream(self, [(name, _LineStream(records))], "jsonl", jobs, chunk_size):
            yield from chunk.records

    def eligible_at(
        self, endpoint: str, graph: str | None = None, *, user: str | None = None, password: str | None = None
    ) -> Results[Assessment]:
        """Eligibility of every profile a SPARQL 1.1 server holds (see ``careerkg push``), computed by careerkg's
        portable queries inside the server (no reasoner needed), then labelled and explained with the catalogue:
        the same answers as :meth:`eligible`. ``graph`` names the graph holding careerkg's data; ``user`` and
        ``password`` are sent when the server asks for them (HTTP Basic or Digest). Every profile is answered,
        page by page where the server caps its answers, or :class:`~careerkg.errors.IncompleteAnswerError`."""
        from careerkg.eligibility import assess_in_dataset
        from careerkg.reports import Results
        from careerkg.sparql.endpoint import SparqlEndpoint

        server = SparqlEndpoint(endpoint, graph, user=user, password=password)
        return Results(assess_in_dataset(server, self.catalogue))

    def ontology_document(self, *, axioms: bool = True) -> Graph:
        """Everything the engine knows as one self-contained OWL document (see
        :func:`careerkg.knowledge.graphs.ontology_document`), its packs included."""
        from careerkg.knowledge.graphs import ontology_document

        self.prepared  # noqa: B018 - the packs are checked before they are exported
        return ontology_document(axioms=axioms, knowledge=self.knowledge_set)

    def open_store(self, path: str | os.PathLike[str]) -> Store:
        """The on-disk Oxigraph store at ``path`` (created if need be), filled with careerkg's knowledge the
        first time it is needed; use it in a ``with`` block so that it is closed (and its lock let go)."""
        from careerkg.storage import Store

        return Store(self, path)

    # -- the machinery -----------------------------------------------------------------------------------

    def violations(self, profiles: Mapping[str, Facts], others: Mapping[Term, set[Term]]) -> dict[str, list[Violation]]:
        """Violations per invalid profile (compiled shapes; pySHACL when the shapes cannot be compiled). A
        profile whose identifier or statements are not well-formed IRIs is invalid too: RDF parsers let some
        through (JSON-LD takes any string as an @id), but no store or reasoner should be given them."""
        bad: dict[str, list[Violation]] = {}
        for subject, facts in profiles.items():
            malformed = _malformed_iris(subject, facts)
            if malformed:
                bad[subject] = malformed
        profiles = {s: f for s, f in profiles.items() if s not in bad}
        shapes = self.prepared.shapes
        if shapes is not None:
            for subject, facts in profiles.items():
                found = shapes.validate(subject, facts, others)
                if found:
                    bad[subject] = found
            return bad
        from careerkg.validation.shacl import validate_profiles

        graph = facts_to_graph({**profiles, **{str(s): {(_TYPE, t) for t in types} for s, types in others.items()}})
        for violation in validate_profiles(graph, self.knowledge).violations:
            bad.setdefault(violation.focus, []).append(violation)
        return bad

    def evaluate_facts(
        self, profiles: Mapping[str, Facts], others: Mapping[Term, set[Term]] | None = None, gaps: bool = True
    ) -> Evaluation:
        """Validate, reason over the valid profiles, and assess each of them (input order is kept).
        ``gaps=False`` skips assessing the moves that are not open (faster when only eligibility matters)."""
        bad = self.violations(profiles, others or {})
        valid = {s: f for s, f in profiles.items() if s not in bad}
        derived = self.backend.infer(valid) if valid else {}
        assessments = tuple(assess(s, f, derived.get(s, set()), self.catalogue, gaps) for s, f in valid.items())
        invalid = {s: tuple(bad[s]) for s in profiles if s in bad}
        return Evaluation(assessments, invalid, derived)

    def evaluate(self, profiles: ProfileSet) -> Evaluation:
        """:meth:`evaluate_facts` for the profiles of one document."""
        facts, others = profile_facts(profiles)
        return self.evaluate_facts(facts, others)


def _read_packs(knowledge: Iterable[str | os.PathLike[str] | PackFile]) -> tuple[PackFile, ...]:
    given = tuple(knowledge)
    if not given:
        return ()
    from careerkg.io.packs import PackFile, read_pack

    return tuple(pack if isinstance(pack, PackFile) else read_pack(pack) for pack in given)


def _rebuild(reasoner: str, packs: tuple[PackFile, ...], packs_only: bool, lang: str) -> Engine:
    return Engine(reasoner, knowledge=packs, packs_only=packs_only, lang=lang)


@dataclass(frozen=True)
class QueryRun:
    """A query run in memory: rdflib's result, the graph it ran over, and what became of the profiles given."""

    result: Result
    graph: Graph
    outcome: Outcome | None
    prepared: Query


class _LineStream:
    """Records given as an iterable, read as a binary JSON Lines stream (one record a line)."""

    def __init__(self, records: Iterable[str | bytes | Mapping[str, Any]]) -> None:
        self._records = iter(records)

    def read(self, size: int = -1, /) -> bytes:
        """The records left, as JSON Lines (only ever read line by line: the stream is read as JSON Lines)."""
        return b"".join(iter(self.readline, b""))

    def readline(self, size: int = -1, /) -> bytes:
        record = next(self._records, None)
        if record is None:
            return b""
        if isinstance(record, Mapping):
            line = json.dumps(record).encode("utf-8")
        else:
            line = record.encode("utf-8") if isinstance(record, str) else record
            line = line.replace(b"\n", b" ").replace(b"\r", b" ")  # one record is one line, whatever it holds
        return line + b"\n"


def _first_line(error: Exception) -> str:
    """An evaluation error in one short line, without the object addresses some of them carry."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = re.sub(r" at 0x[0-9a-f]+", "", text)
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def merge_evaluations(evaluations: list[Evaluation]) -> Evaluation:
    """Several evaluations as one, in order (an IRI invalid in any of them is listed once, with all its
    violations; use the evaluations themselves to tell documents apart)."""
    assessments: list[Assessment] = []
    invalid: dict[str, tuple[Violation, ...]] = {}
    derived: dict[str, Facts] = {}
    for evaluation in evaluations:
        assessments += evaluation.assessments
        for profile, violations in evaluation.invalid.items():
            invalid[profile] = invalid.get(profile, ()) + violations
        for profile, facts in evaluation.derived.items():
            derived.setdefault(profile, set()).update(facts)
    return Evaluation(tuple(assessments), invalid, derived)


def _malformed_iris(subject: str, facts: Facts) -> list[Violation]:
    """What no store would take in a profile's statements (see :func:`careerkg.io.iris.malformed_statements`),
    and an identifier taken from careerkg's own vocabulary, as violations."""
    found = [
        Violation(subject, m.path, m.value, m.message, "Violation", WELL_FORMED_IRIS)
        for m in malformed_statements(subject, facts, identifier="The profile's identifier (@id)")
    ]
    if subject.startswith(str(CK)) and not (found and found[0].path is None):
        message = (
            "The profile's identifier is a term of careerkg's own vocabulary; give the person an IRI of their own."
        )
        found.insert(0, Violation(subject, None, subject, message, "Violation", WELL_FORMED_IRIS))
    return found

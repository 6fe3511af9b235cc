"""Checking knowledge packs before they are used: one readable line per problem, naming the file and the term.

A pack is checked together with what it joins (the vocabulary, and the article's knowledge unless it is left
out), against careerkg's knowledge shapes (``ontology/knowledge-shapes.ttl``: every role and skill labelled and
defined, every transition with one from and one to role that exist, requirements that exist, a source, a
section and a justification, no move stated twice, thresholds on a numeric profile property with a minimum of
zero or more), and by two rules the shapes cannot state: a pack says nothing about careerkg's own terms (its
vocabulary and the article's knowledge are not a pack's to change), and every IRI in it is one a store takes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from careerkg.io.iris import malformed_statements
from careerkg.knowledge.catalogue import CK_PREFIXES, curie, curie_prefixes
from careerkg.knowledge.packs import KnowledgeSet, Pack
from careerkg.model import term
from careerkg.validation.compiled import UnsupportedShapes
from careerkg.validation.knowledge import check_knowledge
from careerkg.validation.shacl import Violation, validate_knowledge
from careerkg.vocab import CK
from rdflib import Graph, URIRef
from rdflib.term import Node

__all__ = ["check_packs"]

log = logging.getLogger("careerkg")
_CK = str(CK)


def _name(node: object, prefixes: Mapping[str, str] = CK_PREFIXES) -> str:
    return curie(str(node), prefixes)


def check_packs(knowledge: KnowledgeSet, merged: Graph | None = None) -> list[str]:
    """Every problem of ``knowledge``'s packs, one line each (``file: term: what is wrong``), in pack order;
    empty when they may be used. ``merged`` is ``knowledge.graph()`` when the caller has it already."""
    problems: list[str] = []
    for pack in knowledge.packs:
        problems += _own_terms(pack) + _malformed(pack)
    if problems:  # the shapes would only say the same again, less plainly
        return problems
    graph = merged if merged is not None else knowledge.graph()
    known = {str(s) for s in graph.subjects() if str(s).startswith(_CK)}
    for pack in knowledge.packs:
        problems += _unknown_terms(pack, known, knowledge.bundled, graph)
    if problems:
        return problems
    owner = _owners(knowledge.packs)
    by_pack: dict[str, list[str]] = {pack.path: [] for pack in knowledge.packs}
    violations = [v for v in _violations(graph) if v.focus in owner]  # the article's knowledge is valid alone
    prefixes = curie_prefixes(graph, owner) if violations else CK_PREFIXES
    for violation in violations:
        path = owner[violation.focus]
        focus, value = _name(violation.focus, prefixes), violation.value
        other = _name(value, prefixes) if value and value != violation.focus else None
        if violation.path:
            line = f"{focus} {_name(violation.path, prefixes)}{f' = {other}' if other else ''}: {violation.message}"
        else:  # a constraint on the term as a whole (a SPARQL one) names the other term involved as its value
            line = f"{focus}: {violation.message}{f' ({other})' if other else ''}"
        by_pack[path].append(f"{path}: {line}")
    for pack in knowledge.packs:
        problems += sorted(set(by_pack[pack.path]))
    return problems


def _violations(graph: Graph) -> Sequence[Violation]:
    """The knowledge shapes' violations: by the compiled validator (seconds at ESCO size, where pySHACL takes many
    minutes), or by pySHACL when the shapes use something the compiled one does not implement."""
    try:
        return check_knowledge(graph)
    except UnsupportedShapes as reason:
        log.debug("compiled knowledge validator unavailable, pySHACL is used: %s", reason)
        return validate_knowledge(graph).violations


def _owners(packs: Sequence[Pack]) -> dict[str, str]:
    """Each node a pack describes, and the (first) pack that describes it."""
    owner: dict[str, str] = {}
    for pack in packs:
        for subject in set(pack.graph.subjects()):
            owner.setdefault(str(subject), pack.path)
    return owner


def _own_terms(pack: Pack) -> list[str]:
    described = sorted({str(s) for s in pack.graph.subjects() if isinstance(s, URIRef) and str(s).startswith(_CK)})
    return [
        f"{pack.path}: {_name(s)}: a pack may not define or add statements about careerkg's own terms (its "
        "vocabulary and the article's knowledge); give the pack's terms a namespace of their own"
        for s in described
    ]


def _unknown_terms(pack: Pack, known: set[str], bundled: bool, merged: Graph) -> list[str]:
    """A pack may use careerkg's terms (its classes and properties, the article's roles and skills), but only
    ones that exist: a misspelt ``ck:`` term would otherwise make statements no rule reads."""
    used: dict[str, str] = {}
    for subject, predicate, value in pack.graph:
        for node in (predicate, value):
            if isinstance(node, URIRef) and str(node).startswith(_CK) and str(node) not in known:
                used.setdefault(str(node), str(subject))
    hint = "" if bundled else " (the article's knowledge is left out, so its roles and skills are unknown here)"
    prefixes = curie_prefixes(merged, pack.graph.subjects()) if used else CK_PREFIXES
    return [
        f"{pack.path}: {_name(subject, prefixes)}: {_name(node)} is not a term careerkg knows{hint}"
        for node, subject in sorted(used.items())
    ]


def _malformed(pack: Pack) -> list[str]:
    graph = pack.graph
    found: list[tuple[Node, str, str]] = []
    for subject in sorted(set(graph.subjects()), key=str):
        facts = {(str(p), term(o)) for p, o in graph.predicate_objects(subject)}
        for problem in malformed_statements(str(term(subject)), facts):
            found.append((subject, f" {problem.path}" if problem.path else "", problem.message))
    # the pack's own prefixes: it is checked before it is merged with anything
    prefixes = curie_prefixes(graph, graph.subjects()) if found else CK_PREFIXES
    return [f"{pack.path}: {_name(subject, prefixes)}{where}: {message}" for subject, where, message in found]

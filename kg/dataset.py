"""Eligibility computed inside a SPARQL store: careerkg's own on-disk store or any SPARQL 1.1 server.

The store decides: the portable queries ``eligible`` and ``met-requirements`` (careerkg's queries/ folder)
run inside it, so eligibility comes from the store's engine and the data it holds, with no reasoner needed.
careerkg then fetches each profile's statements (``profile-facts``) only to label, score and explain the
store's answers with the shipped catalogue, so the JSON is the same as ``careerkg eligible --format json``.
"""

from __future__ import annotations

from typing import Protocol

from careerkg.catalogue import Catalogue
from careerkg.compiled import Facts, term
from careerkg.eligibility import Assessment, assess
from careerkg.sparql import named_query_text
from careerkg.vocab import CK
from rdflib import Graph
from rdflib.term import Node

__all__ = ["SparqlDataset", "assess_in_dataset"]


class SparqlDataset(Protocol):
    """What :func:`assess_in_dataset` needs of a store."""

    def select(self, query: str) -> list[dict[str, Node]]: ...

    def construct(self, query: str) -> Graph: ...


def assess_in_dataset(dataset: SparqlDataset, catalogue: Catalogue, gaps: bool = False) -> tuple[Assessment, ...]:
    """Assess every profile the dataset holds, by the queries run inside it; profiles sorted by IRI."""
    asserted: dict[str, Facts] = {}
    for s, p, o in dataset.construct(named_query_text("profile-facts")):
        asserted.setdefault(str(s), set()).add((str(p), term(o)))
    derived: dict[str, Facts] = {profile: set() for profile in asserted}
    for row in dataset.select(named_query_text("eligible")):
        derived.setdefault(str(row["profile"]), set()).add((str(CK.eligibleFor), str(row["role"])))
    for row in dataset.select(named_query_text("met-requirements")):
        derived.setdefault(str(row["profile"]), set()).add((str(CK.meetsRequirement), str(row["requirement"])))
    # Facts the store derived are not the profile's own statements: a profile's asserted facts leave them out.
    own = {str(CK.eligibleFor), str(CK.meetsRequirement)}
    return tuple(
        assess(profile, {(p, o) for p, o in asserted[profile] if p not in own}, derived[profile], catalogue, gaps)
        for profile in sorted(asserted)
    )

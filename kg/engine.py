"""The careerkg engine: the knowledge graph with its term index and reasoner, built once and reused."""

from __future__ import annotations

from functools import cached_property

from rdflib import Graph

from careerkg.knowledge import knowledge_graph
from careerkg.reasoning import Reasoner
from careerkg.terms import TermIndex

__all__ = ["Engine"]


class Engine:
    """Everything careerkg answers with, loaded lazily: commands that need no inference never pay for it."""

    @cached_property
    def knowledge(self) -> Graph:
        """Ontology, knowledge base, alignments and generated requirement axioms."""
        return knowledge_graph(axioms=True)

    @cached_property
    def terms(self) -> TermIndex:
        return TermIndex(self.knowledge)

    @cached_property
    def reasoner(self) -> Reasoner:
        return Reasoner(self.knowledge)

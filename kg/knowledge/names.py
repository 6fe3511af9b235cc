"""Find roles and skills by what people call them: full IRI, ``ck:`` CURIE, local name, label or alternative
label (e.g. ``CEO``), in any case."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from careerkg.errors import UnknownTermError
from careerkg.vocab import CK, RDF, RDFS, SKOS
from rdflib import Graph, Literal, URIRef

__all__ = ["TermIndex"]


def _key(text: str) -> str:
    return " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


def _index(graph: Graph, members: set[URIRef]) -> dict[str, URIRef]:
    index: dict[str, URIRef] = {}
    for iri in sorted(members):
        local = str(iri).removeprefix(str(CK))
        names = [str(iri), f"ck:{local}", local]
        for prop in (RDFS.label, SKOS.altLabel):
            names += [str(label) for label in graph.objects(iri, prop) if isinstance(label, Literal)]
        for name in names:
            index.setdefault(_key(name), iri)
    return index


@dataclass(frozen=True)
class TermIndex:
    """Lookup tables (normalised name -> IRI) for the roles and skills of a knowledge graph."""

    roles: dict[str, URIRef]
    skills: dict[str, URIRef]

    @classmethod
    def from_graph(cls, graph: Graph) -> TermIndex:
        roles = {r for r in graph.subjects(RDF.type, CK.Role) if isinstance(r, URIRef)}
        categories = set(graph.subjects(RDFS.subClassOf, CK.Skill)) | {CK.Skill}
        skills = {s for c in categories for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
        return cls(_index(graph, roles), _index(graph, skills))

    def find_role(self, text: str) -> URIRef | None:
        return self.roles.get(_key(text))

    def find_skill(self, text: str) -> URIRef | None:
        return self.skills.get(_key(text))

    def find_role_or_skill(self, text: str) -> URIRef | None:
        return self.find_role(text) or self.find_skill(text)

    def role(self, text: str) -> URIRef:
        """The role ``text`` names, or :class:`UnknownTermError` with the closest names."""
        return self._require("role", text, self.roles)

    def skill(self, text: str) -> URIRef:
        """The skill ``text`` names, or :class:`UnknownTermError` with the closest names."""
        return self._require("skill", text, self.skills)

    @staticmethod
    def _require(kind: str, text: str, index: dict[str, URIRef]) -> URIRef:
        found = index.get(_key(text))
        if found is not None:
            return found
        local_names = sorted({str(iri).removeprefix(str(CK)) for iri in index.values()})
        close = difflib.get_close_matches(text, local_names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; `careerkg {kind}s` lists them"
        raise UnknownTermError(f"unknown {kind} {text!r}{hint}")

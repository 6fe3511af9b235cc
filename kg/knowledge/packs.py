"""Knowledge packs: a user's own career framework, written in careerkg's vocabulary, used beside (or instead of)
the article's knowledge.

A pack is an RDF document (Turtle, N-Triples, RDF/XML or JSON-LD) of roles, skills, skill categories,
requirements and transitions with their provenance, its terms in a namespace of its own. It is read by
:func:`careerkg.io.packs.read_pack` and checked by :func:`careerkg.validation.packs.check_packs` before use.
:class:`KnowledgeSet` is what an engine knows: the vocabulary always, the article's knowledge unless asked
not to, and the packs, in order. A pack's statements are parsed only when they are needed: the prepared knowledge
(cached, keyed by the packs' bytes) answers most questions without them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from careerkg.knowledge import bundled
from careerkg.knowledge.axioms import requirement_axioms
from careerkg.knowledge.bundled import Part
from careerkg.vocab import CK, RDF, RDFS, bind_prefixes
from rdflib import Graph, URIRef

__all__ = ["KnowledgeSet", "Pack", "summary"]


class Pack(Protocol):
    """A knowledge pack as the knowledge needs it (:class:`careerkg.io.packs.PackFile` is one)."""

    @property
    def path(self) -> str:
        """The path it was read from, as given."""

    @property
    def sha256(self) -> str:
        """SHA-256 of its bytes: what the prepared-knowledge cache is keyed by."""

    @property
    def graph(self) -> Graph:
        """Its statements."""

    @property
    def title(self) -> str | None:
        """The title of its ontology header, if it has one."""

    @property
    def version(self) -> str | None:
        """The version of its ontology header, if it has one."""


@dataclass(frozen=True)
class KnowledgeSet:
    """What an engine knows: careerkg's vocabulary, the article's knowledge (unless ``bundled`` is False) and
    the packs, merged in that order."""

    packs: tuple[Pack, ...] = ()
    bundled: bool = True

    @property
    def key(self) -> str:
        """A digest of what is known beyond the shipped files (empty for the shipped knowledge alone)."""
        if self.bundled and not self.packs:
            return ""
        digest = hashlib.sha256(b"bundled" if self.bundled else b"packs only")
        for pack in self.packs:
            digest.update(b"\0" + pack.sha256.encode())
        return digest.hexdigest()[:16]

    def graph(self, *, axioms: bool = False) -> Graph:
        """The vocabulary, the article's knowledge (with its alignments) and every pack, in one graph; with
        ``axioms``, the OWL 2 RL axioms generated from all their requirements too."""
        graph = bundled.load([Part.ONTOLOGY, Part.KG] if self.bundled else [Part.ONTOLOGY])
        for pack in self.packs:
            graph += pack.graph
            for prefix, namespace in pack.graph.namespaces():
                if prefix and prefix not in dict(graph.namespaces()):
                    graph.bind(prefix, namespace)
        bind_prefixes(graph)
        if axioms:
            graph += requirement_axioms(graph)
        return graph


def summary(pack: Graph, merged: Graph) -> dict[str, Any]:
    """What ``pack`` defines (its roles, skills, skill categories, requirements and transitions, counted), its
    roles no move leads out of, and its skills no requirement uses, by name or through their category (moves
    and requirements are looked for in ``merged``, everything the pack is used with)."""

    def typed(rdf_class: URIRef) -> set[URIRef]:
        return {s for s in pack.subjects(RDF.type, rdf_class) if isinstance(s, URIRef)}

    categories = {c for c in pack.subjects(RDFS.subClassOf, CK.Skill) if isinstance(c, URIRef)}
    every_category = set(merged.subjects(RDFS.subClassOf, CK.Skill))
    skills = {s for c in every_category for s in pack.subjects(RDF.type, c) if isinstance(s, URIRef)}
    roles = typed(CK.Role)
    requirements = typed(CK.SkillRequirement) | typed(CK.SkillCategoryRequirement) | typed(CK.ThresholdRequirement)
    moving_out = set(merged.objects(None, CK.fromRole))
    required = set(merged.objects(None, CK.requiredSkill))
    required_categories = set(merged.objects(None, CK.requiredSkillCategory))
    unused = sorted(
        str(s) for s in skills if s not in required and not set(merged.objects(s, RDF.type)) & required_categories
    )
    return {
        "roles": len(roles),
        "skills": len(skills),
        "categories": len(categories),
        "requirements": len(requirements),
        "transitions": len(typed(CK.Transition)),
        "rolesWithoutMovesOut": sorted(str(r) for r in roles if r not in moving_out),
        "unusedSkills": unused,
    }

"""The knowledge base read into plain Python objects: roles, skills, requirements and transitions.

Built once from the knowledge graph; explanations, gaps, paths and the catalogue commands read it instead of
querying the graph again and again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from careerkg.vocab import CK, DCTERMS, PROV, RDF, RDFS, SDO, SKOS
from rdflib import Graph, Literal, URIRef

__all__ = ["Catalogue", "Requirement", "Role", "Skill", "Transition"]

_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def _label(graph: Graph, node: URIRef) -> str:
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    labels += [o for o in graph.objects(node, SKOS.prefLabel) if isinstance(o, Literal)]
    english = [o for o in labels if o.language in (None, "en")]
    chosen = english or labels
    return str(chosen[0]) if chosen else str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Alignment:
    """A mapping of a role to an external concept: the SKOS property, the concept, its label and code."""

    match: str
    concept: str
    label: str
    code: str | None
    scheme: str


@dataclass(frozen=True)
class Role:
    iri: URIRef
    label: str
    definition: str
    alignments: tuple[Alignment, ...] = ()

    def aligned(self, scheme: str) -> list[Alignment]:
        return [a for a in self.alignments if a.scheme == scheme]


@dataclass(frozen=True)
class Skill:
    iri: URIRef
    label: str
    definition: str
    category: URIRef
    category_label: str


@dataclass(frozen=True)
class Requirement:
    """A requirement: a skill, any skill of a category, or a numeric minimum on a profile property."""

    iri: URIRef
    label: str
    kind: str  # "skill" | "category" | "threshold"
    skill: URIRef | None = None
    category: URIRef | None = None
    property: URIRef | None = None
    minimum: Decimal | None = None


@dataclass(frozen=True)
class Transition:
    iri: URIRef
    label: str
    from_role: URIRef
    to_role: URIRef
    essential: tuple[URIRef, ...]
    optional: tuple[URIRef, ...]
    source: URIRef | None
    sections: tuple[str, ...]
    justification: str
    derived_from: URIRef | None = None


@dataclass
class Catalogue:
    """Roles, skills, requirements and transitions of a knowledge graph, with lookups."""

    roles: dict[URIRef, Role] = field(default_factory=dict)
    skills: dict[URIRef, Skill] = field(default_factory=dict)
    requirements: dict[URIRef, Requirement] = field(default_factory=dict)
    transitions: dict[URIRef, Transition] = field(default_factory=dict)
    outgoing: dict[URIRef, list[Transition]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)
    source_title: str = ""

    @classmethod
    def from_graph(cls, graph: Graph) -> Catalogue:
        cat = cls()
        for role in sorted(r for r in graph.subjects(RDF.type, CK.Role) if isinstance(r, URIRef)):
            cat.roles[role] = Role(role, _label(graph, role), str(graph.value(role, SKOS.definition) or ""),
                                   tuple(_alignments(graph, role)))  # fmt: skip
        categories = sorted(c for c in graph.subjects(RDFS.subClassOf, CK.Skill) if isinstance(c, URIRef))
        for category in categories:
            for skill in sorted(s for s in graph.subjects(RDF.type, category) if isinstance(s, URIRef)):
                cat.skills[skill] = Skill(skill, _label(graph, skill), str(graph.value(skill, SKOS.definition) or ""),
                                          category, _label(graph, category))  # fmt: skip
        for kind, cls_iri in (("skill", CK.SkillRequirement), ("category", CK.SkillCategoryRequirement),
                              ("threshold", CK.ThresholdRequirement)):  # fmt: skip
            for req in sorted(r for r in graph.subjects(RDF.type, cls_iri) if isinstance(r, URIRef)):
                minimum = graph.value(req, CK.minimumValue)
                cat.requirements[req] = Requirement(
                    req, _label(graph, req), kind,
                    skill=_iri(graph.value(req, CK.requiredSkill)),
                    category=_iri(graph.value(req, CK.requiredSkillCategory)),
                    property=_iri(graph.value(req, CK.thresholdProperty)),
                    minimum=Decimal(str(minimum)) if isinstance(minimum, Literal) else None,
                )  # fmt: skip
        for t in sorted(x for x in graph.subjects(RDF.type, CK.Transition) if isinstance(x, URIRef)):
            from_role, to_role = _iri(graph.value(t, CK.fromRole)), _iri(graph.value(t, CK.toRole))
            if from_role is None or to_role is None:
                continue
            transition = Transition(
                t, _label(graph, t), from_role, to_role,
                tuple(sorted(r for r in graph.objects(t, CK.essentialRequirement) if isinstance(r, URIRef))),
                tuple(sorted(r for r in graph.objects(t, CK.optionalRequirement) if isinstance(r, URIRef))),
                _iri(graph.value(t, DCTERMS.source)),
                tuple(sorted(str(s) for s in graph.objects(t, CK.articleSection))),
                str(graph.value(t, CK.justification) or ""),
                _iri(graph.value(t, PROV.wasDerivedFrom)),
            )  # fmt: skip
            cat.transitions[t] = transition
            cat.outgoing[from_role].append(transition)
        for node in set(cat.roles) | set(cat.skills) | set(cat.requirements) | set(cat.transitions):
            cat.labels[str(node)] = _label(graph, node)
        for node in {CK.yearsInRole, CK.productsManaged, *(s.category for s in cat.skills.values())}:
            cat.labels[str(node)] = _label(graph, node)
        article = next((s for s in graph.objects(None, DCTERMS.source) if (s, RDF.type, SDO.Article) in graph), None)
        if isinstance(article, URIRef):
            cat.source_title = str(graph.value(article, DCTERMS.title) or "")
            cat.labels[str(article)] = _label(graph, article)
        return cat

    def label(self, node: URIRef | str) -> str:
        text = str(node)
        return self.labels.get(text) or text.rsplit("#", 1)[-1]


def _iri(node: object) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _alignments(graph: Graph, role: URIRef) -> list[Alignment]:
    found = []
    for prop in _MAPPINGS:
        for concept in sorted(c for c in graph.objects(role, prop) if isinstance(c, URIRef)):
            iri = str(concept)
            scheme = "ESCO" if "/esco/occupation/" in iri else "ISCO-08" if "/esco/isco/" in iri else "O*NET-SOC"
            notation = graph.value(concept, SKOS.notation)
            found.append(Alignment(str(prop).rsplit("#", 1)[1], iri, _label(graph, concept),
                                   str(notation) if notation is not None else None, scheme))  # fmt: skip
    return found

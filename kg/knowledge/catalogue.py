"""The knowledge base read into plain Python objects: roles, skills, requirements and transitions.

Built once from the knowledge graph; explanations, gaps, paths and the catalogue commands read it instead of
querying the graph again and again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from careerkg.vocab import CK, DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib import Graph, Literal, URIRef

__all__ = ["CK_PREFIXES", "Catalogue", "Requirement", "Role", "Skill", "Transition", "curie", "curie_prefixes"]

_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


#: careerkg's own prefix, the names of its terms wherever they are shown (prefix -> namespace).
CK_PREFIXES: Mapping[str, str] = {"ck": str(CK)}


def _local_name_fits(local: str) -> bool:
    """Whether ``local`` can follow a prefix: not empty, and no ``#`` or ``/`` (a namespace ends at those)."""
    return bool(local) and "#" not in local and "/" not in local


def curie(iri: str, prefixes: Mapping[str, str] = CK_PREFIXES) -> str:
    """``iri`` as a CURIE (``ck:ProductManager``, ``acme:SeniorDataAnalyst``) by the longest namespace of
    ``prefixes`` (prefix -> namespace, see :func:`curie_prefixes`) it is in; unchanged when none fits."""
    best, within = "", ""
    for prefix, namespace in prefixes.items():
        if len(namespace) > len(within) and iri.startswith(namespace) and _local_name_fits(iri[len(namespace) :]):
            best, within = prefix, namespace
    return f"{best}:{iri[len(within) :]}" if within else iri


def curie_prefixes(graph: Graph, terms: Iterable[object]) -> dict[str, str]:
    """The prefixes (prefix -> namespace) to name ``terms`` by: careerkg's ``ck:``, and each prefix ``graph``
    binds (a knowledge pack's own, as the merged knowledge binds them) whose namespace one of ``terms`` is in.
    careerkg's prefix wins a clash: no other prefix names its namespace, and ``ck`` names no other."""
    own = CK_PREFIXES["ck"]
    bound: dict[str, str] = {}
    for prefix, namespace in sorted((p, str(n)) for p, n in graph.namespaces()):
        if prefix and prefix not in CK_PREFIXES and not namespace.startswith(own):
            bound.setdefault(namespace, prefix)
    used: set[str] = set()
    # Terms come in few namespaces: the namespaces that may hold a term are found once for each text up to its
    # last '#' or '/', however many terms share it (a knowledge base of ESCO's size has hundreds of thousands).
    candidates: dict[str, list[str]] = {}
    for term in terms:
        iri = str(term)
        if iri.startswith(own):
            continue
        head = iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]
        found = candidates.get(head)
        if found is None:
            found = candidates[head] = sorted((n for n in bound if n.startswith(head)), key=len, reverse=True)
        for namespace in found:
            if iri.startswith(namespace) and _local_name_fits(iri[len(namespace) :]):
                used.add(namespace)
                break
    return {**CK_PREFIXES, **{bound[namespace]: namespace for namespace in sorted(used)}}


def _tagged(value: Literal, tag: str) -> bool:
    """Whether ``value`` is in language ``tag`` (``fr`` takes ``fr-CA`` too)."""
    language = (value.language or "").lower()
    return language == tag or language.startswith(tag + "-")


def _in_language(values: list[Literal], lang: str) -> list[str]:
    """The texts of ``values`` in language ``lang``, else in English (or with no language), else all of them;
    sorted, so that the same one is chosen on every run."""
    wanted = lang.lower()
    for tag in (wanted, "en", None):
        chosen = sorted(str(v) for v in values if tag is None or _tagged(v, tag) or (tag == "en" and not v.language))
        if chosen:
            return chosen
    return []


def _texts(graph: Graph, node: URIRef, predicate: URIRef, lang: str) -> list[str]:
    """The texts of ``predicate`` on ``node`` in the language wanted (see :func:`_in_language`)."""
    return _in_language([o for o in graph.objects(node, predicate) if isinstance(o, Literal)], lang)


def _text(graph: Graph, node: URIRef, predicate: URIRef, lang: str) -> str:
    found = _texts(graph, node, predicate, lang)
    return found[0] if found else ""


def _label(graph: Graph, node: URIRef, lang: str = "en") -> str:
    """The label of ``node`` (``rdfs:label``, else ``skos:prefLabel``) in the language wanted, else its local name."""
    return (
        _text(graph, node, RDFS.label, lang)
        or _text(graph, node, SKOS.prefLabel, lang)
        or str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    )


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
    #: Each source's title (a transition's ``dcterms:source``), by IRI.
    source_titles: dict[str, str] = field(default_factory=dict)
    #: The prefixes its terms are shown with (prefix -> namespace): careerkg's ``ck:`` and the packs' own.
    prefixes: dict[str, str] = field(default_factory=lambda: dict(CK_PREFIXES))

    @classmethod
    def from_graph(cls, graph: Graph, lang: str = "en") -> Catalogue:
        """The catalogue of ``graph``, its labels and definitions in language ``lang`` where the graph has them
        (else in English)."""
        cat = cls()
        labels: dict[URIRef, str] = {}

        def label(node: URIRef) -> str:
            found = labels.get(node)
            if found is None:
                found = labels[node] = _label(graph, node, lang)
            return found

        for role in sorted(r for r in graph.subjects(RDF.type, CK.Role) if isinstance(r, URIRef)):
            cat.roles[role] = Role(role, label(role), _text(graph, role, SKOS.definition, lang),
                                   tuple(_alignments(graph, role, lang)))  # fmt: skip
        categories = sorted(c for c in graph.subjects(RDFS.subClassOf, CK.Skill) if isinstance(c, URIRef))
        for category in categories:
            for skill in sorted(s for s in graph.subjects(RDF.type, category) if isinstance(s, URIRef)):
                cat.skills[skill] = Skill(skill, label(skill), _text(graph, skill, SKOS.definition, lang),
                                          category, label(category))  # fmt: skip
        for kind, cls_iri in (("skill", CK.SkillRequirement), ("category", CK.SkillCategoryRequirement),
                              ("threshold", CK.ThresholdRequirement)):  # fmt: skip
            for req in sorted(r for r in graph.subjects(RDF.type, cls_iri) if isinstance(r, URIRef)):
                minimum = graph.value(req, CK.minimumValue)
                cat.requirements[req] = Requirement(
                    req, label(req), kind,
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
                t, label(t), from_role, to_role,
                tuple(sorted(r for r in graph.objects(t, CK.essentialRequirement) if isinstance(r, URIRef))),
                tuple(sorted(r for r in graph.objects(t, CK.optionalRequirement) if isinstance(r, URIRef))),
                _iri(graph.value(t, DCTERMS.source)),
                tuple(_texts(graph, t, CK.articleSection, lang)),
                _text(graph, t, CK.justification, lang),
                _iri(graph.value(t, PROV.wasDerivedFrom)),
            )  # fmt: skip
            cat.transitions[t] = transition
            cat.outgoing[from_role].append(transition)
            if transition.source is not None and str(transition.source) not in cat.source_titles:
                source = transition.source
                cat.source_titles[str(source)] = _text(graph, source, DCTERMS.title, lang) or label(source)
                cat.labels[str(source)] = label(source)
        for node in set(cat.roles) | set(cat.skills) | set(cat.requirements) | set(cat.transitions):
            cat.labels[str(node)] = label(node)
        categories_used = {s.category for s in cat.skills.values()}
        for node in {CK.yearsInRole, CK.productsManaged, *categories_used}:
            cat.labels[str(node)] = label(node)
        sources = {t.source for t in cat.transitions.values() if t.source is not None}
        terms = (*cat.roles, *cat.skills, *cat.requirements, *cat.transitions, *categories_used, *sources)
        cat.prefixes = curie_prefixes(graph, terms)
        return cat

    def extended(self, other: Catalogue) -> Catalogue:
        """This catalogue with what only ``other`` knows added (roles, skills, requirements, transitions,
        labels and source titles; where both know a term, this one's description stands)."""
        merged = Catalogue(
            {**other.roles, **self.roles},
            {**other.skills, **self.skills},
            {**other.requirements, **self.requirements},
            {**other.transitions, **self.transitions},
            labels={**other.labels, **self.labels},
            source_titles={**other.source_titles, **self.source_titles},
            prefixes=dict(self.prefixes),
        )
        for prefix, namespace in other.prefixes.items():  # a prefix or namespace this one names already stands
            if prefix not in merged.prefixes and namespace not in merged.prefixes.values():
                merged.prefixes[prefix] = namespace
        for transition in sorted(merged.transitions.values(), key=lambda t: str(t.iri)):
            merged.outgoing[transition.from_role].append(transition)
        return merged

    def source_title(self, source: URIRef | None) -> str:
        """The title of a transition's source (empty when it has none)."""
        return self.source_titles.get(str(source), "") if source is not None else ""

    def label(self, node: URIRef | str) -> str:
        text = str(node)
        return self.labels.get(text) or text.rsplit("#", 1)[-1]

    def curie(self, node: URIRef | str) -> str:
        """``node``'s short name: a CURIE by the knowledge's prefixes, else its full IRI."""
        return curie(str(node), self.prefixes)


def _iri(node: object) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _alignments(graph: Graph, role: URIRef, lang: str) -> list[Alignment]:
    found = []
    for prop in _MAPPINGS:
        for concept in sorted(c for c in graph.objects(role, prop) if isinstance(c, URIRef)):
            iri = str(concept)
            scheme = "ESCO" if "/esco/occupation/" in iri else "ISCO-08" if "/esco/isco/" in iri else "O*NET-SOC"
            notation = graph.value(concept, SKOS.notation)
            found.append(Alignment(str(prop).rsplit("#", 1)[1], iri, _label(graph, concept, lang),
                                   str(notation) if notation is not None else None, scheme))  # fmt: skip
    return found

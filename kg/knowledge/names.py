"""Find roles and skills by what people call them: full IRI, ``ck:`` CURIE, local name, label or alternative
label (e.g. ``CEO``), in any case; or by the IRI of an external concept the knowledge declares an exact match
(``skos:exactMatch``, e.g. an ESCO occupation or skill)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from careerkg.errors import UnknownTermError
from careerkg.vocab import CK, RDF, RDFS, SKOS
from rdflib import Graph, Literal, URIRef

__all__ = ["TermIndex", "alternatives"]


def _key(text: str) -> str:
    return " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


def _local(iri: URIRef) -> str:
    """The local name of ``iri``: what follows its namespace (``#`` or the last ``/``)."""
    text = str(iri)
    return text.removeprefix(str(CK)) if text.startswith(str(CK)) else text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _index(graph: Graph, members: set[URIRef]) -> tuple[dict[str, URIRef], dict[str, tuple[URIRef, ...]]]:
    """Each name of each term (IRI, CURIE, local name, labels), and the names that name several terms.

    careerkg's own terms come first: a knowledge pack's term with the same local name or label as one of
    careerkg's never hides it (the pack's term is still found by its IRI or prefixed name). Two terms of packs
    that share a name are both left out under it: the name is ambiguous, and a look-up says so rather than
    pick one."""
    index: dict[str, URIRef] = {}
    shared: dict[str, set[URIRef]] = defaultdict(set)
    prefixes = {str(namespace): prefix for prefix, namespace in graph.namespaces() if prefix}
    for iri in sorted(members, key=lambda m: (not str(m).startswith(str(CK)), str(m))):
        local = _local(iri)
        namespace = str(iri)[: len(str(iri)) - len(local)]
        names = [str(iri), local]
        if namespace in prefixes:
            names.append(f"{prefixes[namespace]}:{local}")
        for prop in (RDFS.label, SKOS.altLabel):
            names += [str(label) for label in graph.objects(iri, prop) if isinstance(label, Literal)]
        for key in {_key(name) for name in names}:
            owner = index.setdefault(key, iri)
            if owner != iri and not str(owner).startswith(str(CK)):
                shared[key] |= {owner, iri}
    for key in shared:
        del index[key]
    return index, {key: tuple(sorted(iris, key=str)) for key, iris in shared.items()}


def _exact_matches(graph: Graph, terms: set[URIRef]) -> dict[str, URIRef]:
    """External IRI -> the one term of ``terms`` the graph declares it an exact match of, in either direction
    (``skos:exactMatch`` is symmetric). An external IRI exactly matched to two terms names neither."""
    found: dict[str, set[URIRef]] = defaultdict(set)
    for s, o in graph.subject_objects(SKOS.exactMatch):
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
            continue
        for own, external in ((s, o), (o, s)):
            if own in terms and external not in terms:
                found[str(external)].add(own)
    return {external: next(iter(owns)) for external, owns in found.items() if len(owns) == 1}


@dataclass(frozen=True)
class TermIndex:
    """Lookup tables (normalised name -> IRI) for the roles and skills of a knowledge graph, and the external
    concepts they exactly match (external IRI, as written -> role or skill IRI)."""

    roles: dict[str, URIRef]
    skills: dict[str, URIRef]
    exact: dict[str, URIRef] = field(default_factory=dict)
    #: Names that name several roles (or skills) of knowledge packs, and those terms: a look-up refuses them.
    ambiguous_roles: dict[str, tuple[URIRef, ...]] = field(default_factory=dict)
    ambiguous_skills: dict[str, tuple[URIRef, ...]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> TermIndex:
        roles = {r for r in graph.subjects(RDF.type, CK.Role) if isinstance(r, URIRef)}
        categories = set(graph.subjects(RDFS.subClassOf, CK.Skill)) | {CK.Skill}
        skills = {s for c in categories for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
        role_index, shared_roles = _index(graph, roles)
        skill_index, shared_skills = _index(graph, skills)
        return cls(role_index, skill_index, _exact_matches(graph, roles | skills), shared_roles, shared_skills)

    def find_exact(self, iri: str) -> URIRef | None:
        """The role or skill that external concept ``iri`` is an exact match of (None if it is none's).

        Only exact matches count: a close, broad, narrow or related match does not make a person who has the
        external concept hold the role or have the skill."""
        return self.exact.get(iri.strip())

    def find_role(self, text: str) -> URIRef | None:
        """The role ``text`` names, or whose exact match it is (None if there is none)."""
        return self.roles.get(_key(text)) or self._exact_in(text, self.roles)

    def find_skill(self, text: str) -> URIRef | None:
        """The skill ``text`` names, or whose exact match it is (None if there is none)."""
        return self.skills.get(_key(text)) or self._exact_in(text, self.skills)

    def _exact_in(self, text: str, index: dict[str, URIRef]) -> URIRef | None:
        """The term of ``index`` that ``text`` (an external IRI) exactly matches."""
        found = self.find_exact(text)
        return found if found is not None and index.get(_key(str(found))) == found else None

    def find_role_or_skill(self, text: str) -> URIRef | None:
        return self.find_role(text) or self.find_skill(text)

    def role(self, text: str) -> URIRef:
        """The role ``text`` names (or exactly matches), or :class:`UnknownTermError` with the closest names
        (or, for a name several roles share, with those roles)."""
        return self._require("role", text, self.roles, self.find_role(text), self.ambiguous_roles)

    def skill(self, text: str) -> URIRef:
        """The skill ``text`` names (or exactly matches), or :class:`UnknownTermError` with the closest names
        (or, for a name several skills share, with those skills)."""
        return self._require("skill", text, self.skills, self.find_skill(text), self.ambiguous_skills)

    @staticmethod
    def _require(
        kind: str, text: str, index: dict[str, URIRef], found: URIRef | None, shared: dict[str, tuple[URIRef, ...]]
    ) -> URIRef:
        if found is not None:
            return found
        if _key(text) in shared:
            names = ", ".join(str(iri) for iri in shared[_key(text)])
            raise UnknownTermError(f"{text!r} names several {kind}s ({names}); give the one meant by its IRI")
        close = _closest(text, index)
        hint = f"; did you mean {alternatives(close)}?" if close else f"; `careerkg {kind}s` lists them"
        raise UnknownTermError(f"unknown {kind} {text!r}{hint}")

    def closest(self, kind: str, text: str) -> list[str]:
        """The names of the (at most three) roles (``kind`` ``"role"``) or skills (``"skill"``) closest to
        ``text``, a name careerkg does not know (e.g. ``"reserach"`` -> ``["research"]``), closest first."""
        return _closest(text, self.roles if kind == "role" else self.skills)


def alternatives(names: list[str]) -> str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'``: names offered as suggestions."""
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _closest(text: str, index: dict[str, URIRef]) -> list[str]:
    """The names in ``index`` (labels, alternative labels and local names; no IRIs) closest to ``text``, one
    per term, closest first."""
    names = {key: iri for key, iri in index.items() if ":" not in key}
    # each term by its fullest name (its label "product manager" rather than its local name "productmanager")
    shown: dict[URIRef, str] = {}
    for key, iri in names.items():
        if iri not in shown or (key.count(" "), len(key)) > (shown[iri].count(" "), len(shown[iri])):
            shown[iri] = key
    found: list[URIRef] = []
    for key in difflib.get_close_matches(_key(text), list(names), n=10, cutoff=0.6):
        if names[key] not in found:
            found.append(names[key])
    return [shown[iri] for iri in found[:3]]

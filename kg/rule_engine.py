"""careerkg's SPARQL rules, run by Oxigraph's SPARQL engine over a batch of profiles.

The rules in ``careerkg.rules`` are standard SPARQL 1.1 CONSTRUCT queries. The reference path runs them with
rdflib (:mod:`careerkg.reasoning`); this one runs them with pyoxigraph, whose Rust engine evaluates a rule
over ten thousand profiles in milliseconds. The logical axioms are loaded once; each batch's facts go into
a named graph that is cleared afterwards, and the rules see the union of both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from careerkg.compiled import Facts, Term
from rdflib import Literal, URIRef

__all__ = ["OxigraphRules", "ntriples"]

_BATCH_GRAPH = "urn:careerkg:batch"


_LITERALS: dict[tuple[str, str, str | None], str] = {}


def _nt(value: Term) -> str:
    if type(value) is str:
        return value if value.startswith("_:") else f"<{value}>"
    if isinstance(value, Literal):  # cached: profiles repeat the same few numbers, and n3() is slow
        key = (str(value), str(value.datatype), value.language)
        text = _LITERALS.get(key)
        if text is None:
            text = _LITERALS[key] = str(value.n3())
            if len(_LITERALS) > 100_000:
                _LITERALS.clear()
        return text
    return str(value)


def ntriples(profiles: Mapping[str, Facts]) -> str:
    """The profiles' facts as N-Triples (types whose class is a blank node are left out: rules cannot name
    the anonymous classes of generated axioms)."""
    lines = []
    for subject, facts in profiles.items():
        s = _nt(subject)
        for p, o in facts:
            if type(o) is str and o.startswith("_:"):
                continue
            lines.append(f"{s} <{p}> {_nt(o)} .")
    return "\n".join(lines) + "\n"


def _term(node: Any) -> Term:
    import pyoxigraph as ox

    if isinstance(node, ox.NamedNode):
        return str(node.value)
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    if node.language:
        return Literal(node.value, lang=node.language)
    return Literal(node.value, datatype=URIRef(node.datatype.value))


class OxigraphRules:
    """The SPARQL rules, ready to apply to batches of profiles."""

    def __init__(self, axioms_ntriples: str, rules: list[str]) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.store = ox.Store()
        self.store.load(axioms_ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        self.rules = rules

    def apply(self, profiles: Mapping[str, Facts]) -> dict[str, Facts]:
        """Run every rule once over ``profiles``; return the facts they derive that are new, per profile."""
        ox = self._ox
        graph = ox.NamedNode(_BATCH_GRAPH)
        self.store.load(ntriples(profiles).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        new: dict[str, Facts] = {}
        try:
            for rule in self.rules:
                for triple in self.store.query(rule, use_default_graph_as_union=True):  # type: ignore[union-attr]
                    subject = _term(triple.subject)
                    if type(subject) is not str or subject not in profiles:
                        continue
                    fact = (str(triple.predicate.value), _term(triple.object))
                    if fact not in profiles[subject]:
                        new.setdefault(subject, set()).add(fact)
        finally:
            self.store.remove_graph(graph)
        return new

"""careerkg's SPARQL rules, run by Oxigraph's SPARQL engine over a batch of profiles.

The rules in ``careerkg.rules`` are standard SPARQL 1.1 CONSTRUCT queries. The reference path runs them with
rdflib (:mod:`careerkg.reasoning.closure`); this one runs them with pyoxigraph, whose Rust engine evaluates a rule
over ten thousand profiles in milliseconds. Each batch runs in a fresh store holding what the rules read from
the knowledge (its statements about requirements, :attr:`careerkg.reasoning.closure.Reasoner.rule_inputs`) and
the batch's facts.
"""

from __future__ import annotations

from collections.abc import Mapping

from careerkg.model import Facts, from_oxigraph, ntriples_term

__all__ = ["OxigraphRules", "ntriples"]


def ntriples(profiles: Mapping[str, Facts]) -> str:
    """The profiles' facts as N-Triples (types whose class is a blank node are left out: rules cannot name
    the anonymous classes of generated axioms)."""
    lines = []
    for subject, facts in profiles.items():
        s = ntriples_term(subject)
        for p, o in facts:
            if type(o) is str and o.startswith("_:"):
                continue
            lines.append(f"{s} <{p}> {ntriples_term(o)} .")
    return "\n".join(lines) + "\n"


class OxigraphRules:
    """The SPARQL rules, ready to apply to batches of profiles.

    Each batch gets a fresh in-memory store: Oxigraph never forgets a term it has seen (its string
    dictionary only grows), so one long-lived store would grow with every profile of a million-line input.
    The rule inputs are parsed once and re-inserted as quads, which takes a few milliseconds per batch.
    """

    def __init__(self, rule_inputs: str, rules: list[str]) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self._axioms = list(ox.parse(rule_inputs.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
        self.rules = rules

    def apply(self, profiles: Mapping[str, Facts]) -> dict[str, Facts]:
        """Run every rule once over ``profiles``; return the facts they derive that are new, per profile."""
        ox = self._ox
        store = ox.Store()
        store.extend(self._axioms)
        store.load(ntriples(profiles).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        new: dict[str, Facts] = {}
        for rule in self.rules:
            for triple in store.query(rule):
                subject = from_oxigraph(triple.subject)
                if type(subject) is not str or subject not in profiles:
                    continue
                fact = (str(triple.predicate.value), from_oxigraph(triple.object))
                if fact not in profiles[subject]:
                    new.setdefault(subject, set()).add(fact)
        return new

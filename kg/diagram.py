"""The career map as a diagram (Mermaid or Graphviz DOT): roles as nodes, transitions as edges.

With a profile, its current role is highlighted and the moves open to it are drawn bold.
"""

from __future__ import annotations

import re

from careerkg.knowledge.catalogue import Catalogue
from careerkg.vocab import CK
from rdflib import URIRef

__all__ = ["dot", "mermaid", "node_ids"]

#: Words Mermaid or DOT read as keywords where a node id stands (DOT's in any case): never a node's id.
_KEYWORDS = frozenset({"end", "graph", "digraph", "subgraph", "node", "edge", "strict"})


def _id_text(text: str) -> str:
    """``text`` as an id both Mermaid and DOT take unquoted: ASCII letters, digits and underscores, not led by
    a digit."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return cleaned if cleaned and not cleaned[0].isdigit() else f"n{cleaned}"


def node_ids(catalogue: Catalogue) -> dict[URIRef, str]:
    """Each role's node id, unique and the same on every run: careerkg's own roles by their local name
    (``ProductManager``); a knowledge pack's by its CURIE with ``_`` for ``:`` (``acme_ProductManager``), or
    by its local name where no prefix names it. An id two roles would share (or a keyword) is made unique by
    a number (``ProductManager_2``), given in the order of the roles' IRIs, careerkg's first."""
    own = str(CK)
    roles = set(catalogue.roles)
    for t in catalogue.transitions.values():
        roles |= {t.from_role, t.to_role}
    ids: dict[URIRef, str] = {}
    taken: set[str] = set()
    for role in sorted(roles, key=lambda r: (not str(r).startswith(own), str(r))):
        iri = str(role)
        name = catalogue.curie(iri)
        if iri.startswith(own) or name == iri:  # careerkg's own, or no prefix fits: the local name
            name = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        candidate = base = _id_text(name)
        number = 1
        while candidate in taken or candidate.lower() in _KEYWORDS:
            number += 1
            candidate = f"{base}_{number}"
        ids[role] = candidate
        taken.add(candidate)
    return ids


def _escape(text: str) -> str:
    return text.replace('"', "'")


def mermaid(catalogue: Catalogue, current: URIRef | None = None, open_roles: set[URIRef] | None = None) -> str:
    """A Mermaid flowchart of the career map."""
    open_roles = open_roles or set()
    ids = node_ids(catalogue)
    lines = ["flowchart LR"]
    for role in sorted(catalogue.roles.values(), key=lambda r: ids[r.iri]):
        lines.append(f'    {ids[role.iri]}["{_escape(role.label)}"]')
    for t in sorted(catalogue.transitions.values(), key=lambda t: (ids[t.from_role], ids[t.to_role])):
        arrow = "==>" if t.from_role == current and t.to_role in open_roles else "-->"
        lines.append(f"    {ids[t.from_role]} {arrow} {ids[t.to_role]}")
    if current is not None:
        lines.append("    classDef current fill:#ffd966,stroke:#7f6000,stroke-width:2px")
        lines.append("    classDef open fill:#b6d7a8,stroke:#274e13,stroke-width:2px")
        lines.append(f"    class {_node(ids, current)} current")
        if open_roles:
            lines.append(f"    class {','.join(sorted(_node(ids, r) for r in open_roles))} open")
    return "\n".join(lines) + "\n"


def dot(catalogue: Catalogue, current: URIRef | None = None, open_roles: set[URIRef] | None = None) -> str:
    """A Graphviz DOT digraph of the career map."""
    open_roles = open_roles or set()
    ids = node_ids(catalogue)
    lines = ["digraph careerkg {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor=white];']
    for role in sorted(catalogue.roles.values(), key=lambda r: ids[r.iri]):
        fill = "#ffd966" if role.iri == current else "#b6d7a8" if role.iri in open_roles else "white"
        lines.append(f'  {ids[role.iri]} [label="{_escape(role.label)}", fillcolor="{fill}"];')
    for t in sorted(catalogue.transitions.values(), key=lambda t: (ids[t.from_role], ids[t.to_role])):
        style = ' [penwidth=3, color="#274e13"]' if t.from_role == current and t.to_role in open_roles else ""
        lines.append(f"  {ids[t.from_role]} -> {ids[t.to_role]}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node(ids: dict[URIRef, str], role: URIRef) -> str:
    """The node id of ``role``; a role the catalogue does not know (a profile's, from elsewhere) by its name."""
    return ids.get(role) or _id_text(str(role).rsplit("#", 1)[-1].rsplit("/", 1)[-1])

"""The career map as a diagram (Mermaid or Graphviz DOT): roles as nodes, transitions as edges.

With a profile, its current role is highlighted and the moves open to it are drawn bold.
"""

from __future__ import annotations

from careerkg.knowledge.catalogue import Catalogue
from rdflib import URIRef

__all__ = ["dot", "mermaid"]


def _id(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _escape(text: str) -> str:
    return text.replace('"', "'")


def mermaid(catalogue: Catalogue, current: URIRef | None = None, open_roles: set[URIRef] | None = None) -> str:
    """A Mermaid flowchart of the career map."""
    open_roles = open_roles or set()
    lines = ["flowchart LR"]
    for role in sorted(catalogue.roles.values(), key=lambda r: _id(r.iri)):
        lines.append(f'    {_id(role.iri)}["{_escape(role.label)}"]')
    for t in sorted(catalogue.transitions.values(), key=lambda t: (_id(t.from_role), _id(t.to_role))):
        arrow = "==>" if t.from_role == current and t.to_role in open_roles else "-->"
        lines.append(f"    {_id(t.from_role)} {arrow} {_id(t.to_role)}")
    if current is not None:
        lines.append("    classDef current fill:#ffd966,stroke:#7f6000,stroke-width:2px")
        lines.append("    classDef open fill:#b6d7a8,stroke:#274e13,stroke-width:2px")
        lines.append(f"    class {_id(current)} current")
        if open_roles:
            lines.append(f"    class {','.join(sorted(_id(r) for r in open_roles))} open")
    return "\n".join(lines) + "\n"


def dot(catalogue: Catalogue, current: URIRef | None = None, open_roles: set[URIRef] | None = None) -> str:
    """A Graphviz DOT digraph of the career map."""
    open_roles = open_roles or set()
    lines = ["digraph careerkg {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor=white];']
    for role in sorted(catalogue.roles.values(), key=lambda r: _id(r.iri)):
        fill = "#ffd966" if role.iri == current else "#b6d7a8" if role.iri in open_roles else "white"
        lines.append(f'  {_id(role.iri)} [label="{_escape(role.label)}", fillcolor="{fill}"];')
    for t in sorted(catalogue.transitions.values(), key=lambda t: (_id(t.from_role), _id(t.to_role))):
        style = ' [penwidth=3, color="#274e13"]' if t.from_role == current and t.to_role in open_roles else ""
        lines.append(f"  {_id(t.from_role)} -> {_id(t.to_role)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"

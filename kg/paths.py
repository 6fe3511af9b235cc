"""Routes between roles: the shortest sequences of transitions from one role to another."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from careerkg.knowledge.catalogue import Catalogue, Transition
from careerkg.vocab import CK
from rdflib import URIRef

__all__ = ["Route", "shortest_routes"]


@dataclass(frozen=True)
class Route:
    """One route: the transitions taken, in order."""

    steps: tuple[Transition, ...]

    @property
    def roles(self) -> list[URIRef]:
        return [self.steps[0].from_role, *(t.to_role for t in self.steps)] if self.steps else []


def shortest_routes(catalogue: Catalogue, start: URIRef, goal: URIRef, limit: int = 20) -> list[Route]:
    """Every shortest route (fewest moves) from ``start`` to ``goal``, at most ``limit``, in a stable order.

    No route is returned when ``start`` is ``goal`` or the goal cannot be reached.
    """
    if start == goal:
        return []
    # Breadth-first search that keeps every predecessor at the shortest distance.
    distance = {start: 0}
    parents: dict[URIRef, list[Transition]] = {}
    queue = deque([start])
    while queue:
        role = queue.popleft()
        if goal in distance and distance[role] >= distance[goal]:
            break
        for t in sorted(catalogue.outgoing.get(role, []), key=lambda t: str(t.iri)):
            nxt = t.to_role
            if nxt not in distance:
                distance[nxt] = distance[role] + 1
                queue.append(nxt)
            if distance[nxt] == distance[role] + 1:
                parents.setdefault(nxt, []).append(t)
    if goal not in distance:
        return []
    routes: list[Route] = []

    def unwind(role: URIRef, suffix: tuple[Transition, ...]) -> None:
        if len(routes) >= limit:
            return
        if role == start:
            routes.append(Route(suffix))
            return
        for t in parents.get(role, []):
            unwind(t.from_role, (t, *suffix))

    unwind(goal, ())
    return sorted(routes, key=lambda r: [catalogue.label(role) for role in r.roles])


def route_json(route: Route, catalogue: Catalogue, met: set[URIRef] | None = None) -> dict[str, Any]:
    """A route as JSON; with ``met`` (the requirements a profile meets now), each requirement says whether.

    Years in the current role count from the move into it: after the first step, a minimum of years in role
    is not met by the years the profile has now, in the role it holds now."""
    steps = []
    for index, t in enumerate(route.steps):
        reqs = []
        for essential, group in ((True, t.essential), (False, t.optional)):
            for r in group:
                entry: dict[str, Any] = {"requirement": str(r), "label": catalogue.label(r), "essential": essential}
                if met is not None:
                    requirement = catalogue.requirements.get(r)
                    tenure = requirement is not None and requirement.property == CK.yearsInRole
                    entry["metNow"] = r in met and not (index > 0 and tenure)
                reqs.append(entry)
        steps.append(
            {
                "transition": str(t.iri),
                "from": str(t.from_role),
                "fromLabel": catalogue.label(t.from_role),
                "to": str(t.to_role),
                "toLabel": catalogue.label(t.to_role),
                "requirements": reqs,
                "sections": list(t.sections),
            }
        )
    return {"roles": [str(r) for r in route.roles], "labels": [catalogue.label(r) for r in route.roles],
            "steps": steps}  # fmt: skip

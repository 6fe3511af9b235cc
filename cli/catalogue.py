"""``careerkg roles`` and ``careerkg skills``: the catalogue, with ESCO, ISCO-08 and O*NET codes."""

from __future__ import annotations

import json
from typing import Any

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.render import csv_text, short, table
from careerkg.knowledge.catalogue import Alignment, Role

_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                       show_default=True, help="table for people; json or csv for programs.")  # fmt: skip


def _codes(alignments: list[Alignment]) -> str:
    return "; ".join(f"{a.code or a.label} ({a.match})" for a in alignments)


def _role_json(role: Role, moves_out: int) -> dict[str, Any]:
    return {
        "role": str(role.iri), "label": role.label, "definition": role.definition, "movesOut": moves_out,
        "alignments": [{"scheme": a.scheme, "match": a.match, "concept": a.concept, "label": a.label,
                        "code": a.code} for a in role.alignments],
    }  # fmt: skip


@click.command()
@_FORMAT
@pass_settings
def roles(settings: Settings, fmt: str) -> None:
    """List the roles careerkg knows, with their ESCO, ISCO-08 and O*NET-SOC alignments.

    The match (exact, close, broad, related) is the SKOS mapping property that relates the role to the
    external concept; ESCO has no founder and no seniority levels, so those roles match only broadly.

    \b
    Examples:
      careerkg roles
      careerkg roles --format csv > roles.csv
    """
    cat = settings.engine.catalogue
    found = sorted(cat.roles.values(), key=lambda r: r.label.casefold())
    if fmt == "json":
        click.echo(json.dumps([_role_json(r, len(cat.outgoing.get(r.iri, []))) for r in found], indent=2))
        return
    headers = ["role", "label", "ESCO", "ISCO-08", "O*NET-SOC", "moves out"]
    rows = [[short(str(r.iri), cat.prefixes), r.label, "; ".join(f"{a.label} ({a.match})" for a in r.aligned("ESCO")),
             _codes(r.aligned("ISCO-08")), _codes(r.aligned("O*NET-SOC")), len(cat.outgoing.get(r.iri, []))]
            for r in found]  # fmt: skip
    click.echo(csv_text(headers, rows) if fmt == "csv" else table(headers, rows), nl=False)


@click.command()
@_FORMAT
@pass_settings
def skills(settings: Settings, fmt: str) -> None:
    """List the skills careerkg knows, by category, with how many moves need each.

    \b
    Examples:
      careerkg skills
      careerkg skills --format json
    """
    cat = settings.engine.catalogue
    needed: dict[Any, list[int]] = {s: [0, 0] for s in cat.skills}
    for t in cat.transitions.values():
        for index, group in enumerate((t.essential, t.optional)):
            for r in group:
                req = cat.requirements.get(r)
                if req is not None and req.skill in needed:
                    needed[req.skill][index] += 1
    found = sorted(cat.skills.values(), key=lambda s: (s.category_label.casefold(), s.label.casefold()))
    if fmt == "json":
        click.echo(json.dumps([{"skill": str(s.iri), "label": s.label, "category": str(s.category),
                                "categoryLabel": s.category_label, "definition": s.definition,
                                "essentialIn": needed[s.iri][0], "optionalIn": needed[s.iri][1]}
                               for s in found], indent=2))  # fmt: skip
        return
    headers = ["skill", "label", "category", "essential in", "optional in"]
    rows = [
        [short(str(s.iri), cat.prefixes), s.label, s.category_label, needed[s.iri][0], needed[s.iri][1]] for s in found
    ]
    click.echo(csv_text(headers, rows) if fmt == "csv" else table(headers, rows), nl=False)

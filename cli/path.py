"""``careerkg path``: the shortest routes from a role, or from a profile's current role, to a target role."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import evaluate_inputs, profile_format_option, read_inputs
from careerkg.cli.render import short


@click.command()
@click.argument("roles", nargs=-1, required=True, metavar="[FROM] TO")
@click.option("--profile", "profile", metavar="PROFILE",
              help="Start from this profile's current role and mark which requirements it already meets.")  # fmt: skip
@profile_format_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for programs.")  # fmt: skip
@pass_settings
def path(settings: Settings, roles: tuple[str, ...], profile: str | None, input_format: str | None, fmt: str) -> None:
    """The shortest routes (fewest moves) from FROM, or from --profile's current role, to TO.

    Roles may be given as IRIs, ck: CURIEs, local names or labels. Each step lists its requirements; with
    --profile, each is marked as met or not by the profile today (thresholds such as years in role count
    time in the role held at that step, so a later step's thresholds start again from zero).

    \b
    Examples:
      careerkg path ProductManager VPOfProduct
      careerkg path "product manager" "chief executive officer" --format json
      careerkg path --profile examples/ada.json VPOfProduct
    """
    engine = settings.engine
    invalid = False
    if profile is not None:
        if len(roles) != 1:
            raise click.UsageError("with --profile, give only the target role: careerkg path --profile P TO")
        inputs = read_inputs((profile,), engine.terms, input_format)
        inputs.fail_if_unreadable()
        evaluation, _ = evaluate_inputs(engine, inputs)
        invalid = bool(evaluation.invalid)
        if not evaluation.assessments:
            raise click.exceptions.Exit(1)
        if len(evaluation.assessments) > 1:
            raise click.UsageError(f"{profile} holds {len(evaluation.assessments)} profiles; --profile takes one")
        found = engine.path(None, roles[0], profile=evaluation.assessments[0])
    else:
        if len(roles) != 2:
            raise click.UsageError("give FROM and TO roles, or --profile PROFILE and TO")
        found = engine.path(roles[0], roles[1])
    data = found.to_json()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        _print_routes(data, found.start == found.goal, engine.catalogue.prefixes)
    if invalid:
        raise click.exceptions.Exit(1)


def _print_routes(data: dict[str, Any], same: bool, prefixes: Mapping[str, str]) -> None:
    if same:
        click.echo(f"{data['fromLabel']} is already the role held: no move needed.")
        return
    if not data["routes"]:
        click.echo(
            f"There is no route from {data['fromLabel']} to {data['toLabel']}: careerkg's knowledge names no "
            "sequence of moves that leads there."
        )
        return
    n = len(data["routes"][0]["steps"])
    click.echo(f"{len(data['routes'])} shortest route(s) of {n} move(s) from {data['fromLabel']} to {data['toLabel']}:")
    for i, route in enumerate(data["routes"], start=1):
        click.echo(f"\n{i}. " + " -> ".join(route["labels"]))
        for step in route["steps"]:
            sections = f"; section: {'; '.join(step['sections'])}" if step["sections"] else "; no source section named"
            click.echo(f"   {step['fromLabel']} -> {step['toLabel']} ({short(step['transition'], prefixes)}{sections})")
            for r in step["requirements"]:
                status = ""
                if "metNow" in r:
                    status = "[met] " if r["metNow"] else "[missing] " if r["essential"] else "[not met] "
                click.echo(f"     {status}{'essential' if r['essential'] else 'optional'}: {r['label']}")

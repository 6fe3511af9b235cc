"""``careerkg validate``: check profiles against careerkg's SHACL shapes."""

from __future__ import annotations

import json

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import profile_format_option, profiles_argument, read_inputs
from careerkg.io.rdfout import serialize
from careerkg.reports import validation_report
from careerkg.validation.shacl import combine, validate_profiles


@click.command()
@profiles_argument
@profile_format_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: one line per violation; json: an object with conforms and violations; "
    "turtle: the W3C SHACL validation report.",
)
@pass_settings
def validate(settings: Settings, profiles: tuple[str, ...], input_format: str | None, fmt: str) -> None:
    """Validate PROFILE files (or - for standard input) against the profile shapes.

    Exit code 0 when every profile conforms, 1 when any violates a shape, 2 when an input cannot be read.
    Each violation names the profile, the property, the offending value and what is wrong.

    \b
    Examples:
      careerkg validate examples/ada.json
      careerkg validate --format json examples/team.jsonl examples/invalid.json
      cat profile.ttl | careerkg validate --input-format turtle -
    """
    inputs = read_inputs(profiles, settings.engine.terms, input_format)
    reports = [validate_profiles(document.graph) for document in inputs.sets]
    report = combine(reports)
    if fmt == "turtle":
        click.echo(serialize(report.graph, "turtle"), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(validation_report(report), indent=2))
    else:
        for document, one in zip(inputs.sets, reports, strict=True):
            for v in one.violations:
                click.echo(f"{v.focus} ({document.name}): {_short(v.path)} = {_value(v.value)}: {v.message}")
        if report.conforms and not inputs.unreadable:
            click.echo("All profiles conform.", err=True)
    inputs.fail_if_unreadable()
    if not report.conforms:
        raise click.exceptions.Exit(1)


def _value(value: str | None) -> str:
    if value is None:
        return "(none)"
    return value if len(value) <= 80 else value[:60] + f"... ({len(value):,} characters)"


def _short(iri: str | None) -> str:
    if iri is None:
        return "(profile)"
    return "ck:" + iri.rsplit("#", 1)[1] if iri.startswith("https://w3id.org/careerkg#") else iri

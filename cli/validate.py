"""``careerkg validate``: check profiles against careerkg's SHACL shapes."""

from __future__ import annotations

import json

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import profile_format_option, profiles_argument, read_inputs
from careerkg.cli.render import violation_line
from careerkg.io.rdfout import serialize


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
    validation = settings.engine.validate_documents(inputs.documents)
    if fmt == "turtle":
        click.echo(serialize(validation.graph, "turtle"), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(validation.to_json(), indent=2))
    else:
        terms, labels = settings.engine.terms, settings.engine.catalogue.labels
        for (_, report), document in zip(validation.documents, inputs.documents.sets, strict=True):
            for v in report.violations:
                line = violation_line(document.title(v.focus), v, document.location(v.focus), lead="",
                                      whole="(profile)", terms=terms, labels=labels)  # fmt: skip
                click.echo(line)
        if validation.conforms and not inputs.unreadable:
            click.echo("All profiles conform.", err=True)
    for line in validation.knowledge:
        click.echo(f"Error: {line}", err=True)
    inputs.fail_if_unreadable()
    if not validation.conforms:
        raise click.exceptions.Exit(1)

"""``careerkg graph``: the career map as a Mermaid or Graphviz diagram."""

from __future__ import annotations

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import evaluate_inputs, profile_format_option, read_inputs
from careerkg.diagram import dot, mermaid
from rdflib import URIRef


@click.command()
@click.option("--profile", metavar="PROFILE", help="Highlight this profile's current role and the moves open to it.")
@profile_format_option
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True,
              help="mermaid (renders on GitHub and in Markdown) or dot (Graphviz: dot -Tsvg).")  # fmt: skip
@pass_settings
def graph(settings: Settings, profile: str | None, input_format: str | None, fmt: str) -> None:
    """Draw the career map: roles and the moves between them.

    \b
    Examples:
      careerkg graph > career-map.mmd
      careerkg graph --profile examples/ada.json --format dot | dot -Tsvg > ada.svg
    """
    engine = settings.engine
    current: URIRef | None = None
    open_roles: set[URIRef] = set()
    invalid = False
    if profile is not None:
        inputs = read_inputs((profile,), engine.terms, input_format)
        inputs.fail_if_unreadable()
        evaluation, _ = evaluate_inputs(engine, inputs)
        invalid = bool(evaluation.invalid)
        if len(evaluation.assessments) != 1:
            if evaluation.invalid:
                raise click.exceptions.Exit(1)
            raise click.UsageError(f"{profile} holds {len(evaluation.assessments)} profiles; --profile takes one")
        a = evaluation.assessments[0]
        current = a.current_role
        open_roles = {m.transition.to_role for m in a.eligible}
    draw = mermaid if fmt == "mermaid" else dot
    click.echo(draw(engine.catalogue, current, open_roles), nl=False)
    if invalid:
        raise click.exceptions.Exit(1)

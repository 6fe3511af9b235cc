"""``careerkg profiles``: profiles as careerkg reads them, for other tools."""

from __future__ import annotations

from pathlib import Path

import click
from careerkg.cli.app import Settings, pass_settings


@click.group()
def profiles() -> None:
    """Profiles as careerkg reads them, for other tools.

    \b
    Examples:
      careerkg profiles normalise examples/ada.json                # expanded JSON-LD
      careerkg profiles normalise team.jsonl -o team.ttl           # Turtle
    """


@profiles.command()
@click.argument("source", metavar="INPUT")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonld", "turtle"]),
    default=None,
    help="jsonld: expanded JSON-LD (full IRIs, @type, typed values, no context to fetch); turtle: Turtle. "
    "Default: from the -o file's suffix (.ttl is Turtle), else jsonld.",
)
@click.option("--input-format", type=click.Choice(["json", "jsonl", "json-ld", "turtle", "nt", "xml"]), default=None,
              help="The input's format (default: from its suffix or content).")  # fmt: skip
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output.",
)
@pass_settings
def normalise(settings: Settings, source: str, fmt: str | None, input_format: str | None, output: Path | None) -> None:
    """Write the profiles of INPUT (`-` for standard input) canonically, as careerkg reads them.

    Roles and skills become full IRIs even where INPUT names them by label, each profile is typed
    ck:Profile, and numbers take their canonical XML Schema form (3.5, never 3.5E0), so that a JSON-LD
    processor or any RDF tool reads the same triples careerkg reasons over.

    \b
    Examples:
      careerkg profiles normalise examples/ada.json
      careerkg profiles normalise team.jsonl -o team.ttl
    """
    import sys

    from careerkg.io.normalise import normalise as normalise_profiles
    from careerkg.io.normalise import normalised_text
    from careerkg.io.profiles import ProfileInput
    from careerkg.io.rdfout import write_atomically

    given = ProfileInput.from_stream("-", sys.stdin.buffer) if source == "-" else ProfileInput.from_path(source)
    graph = normalise_profiles(given, settings.engine.terms, input_format)
    if fmt is None:
        fmt = "turtle" if output is not None and output.suffix.lower() in {".ttl", ".turtle"} else "jsonld"
    text = normalised_text(graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)

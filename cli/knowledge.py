"""``careerkg knowledge``: knowledge packs, a user's own career framework, written as CSV files and built into RDF."""

from __future__ import annotations

from pathlib import Path

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.io.rdfout import RDF_FORMATS, format_from_suffix, serialize, write_atomically
from careerkg.knowledge.templates import TemplateError, blank_templates, build_pack, summarise


@click.group()
def knowledge() -> None:
    """Knowledge packs: your own roles, skills and moves, used beside the article's.

    Write a career framework in CSV files (one per kind: pack.csv, roles.csv, skills.csv, categories.csv,
    transitions.csv), then build them into a knowledge pack, an RDF document in careerkg's vocabulary.

    \b
    Examples:
      careerkg knowledge template my-framework          # blank CSV files to fill in
      careerkg knowledge build my-framework -o pack.ttl
    """


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@knowledge.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the pack to FILE (atomically: a failed build leaves no file) instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(RDF_FORMATS)),
    metavar="FORMAT",
    default=None,
    help="The pack's syntax: turtle, nt, xml (RDF/XML) or json-ld. Default: from the -o file's suffix, else turtle.",
)
@pass_settings
def build(settings: Settings, folder: Path, output: Path | None, fmt: str | None) -> None:
    """Build the knowledge pack written in the CSV files of DIR.

    Every problem in the files is reported, one line each naming the file, the row (the header is row 1) and
    the column, and nothing is written (exit code 1); a folder or file that cannot be read, or a file that is
    not UTF-8 CSV, gives exit code 2. examples/templates/README.md describes every column.

    \b
    Examples:
      careerkg knowledge build examples/software-ladder -o software-ladder.ttl
      careerkg knowledge build my-framework --format json-ld > pack.jsonld
    """
    try:
        graph = build_pack(folder)
    except TemplateError as error:
        if settings.debug:
            raise
        for line in error.problems:
            click.echo(f"Error: {line}", err=True)
        raise click.exceptions.Exit(error.exit_code) from None
    fmt = fmt or (format_from_suffix(output) if output else "turtle")
    text = serialize(graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
    counts = summarise(graph)
    built = str(output) if output is not None else f"{folder} (to standard output)"
    click.echo(
        f"Built {built}: {_counted(counts['roles'], 'role')}, {_counted(counts['skills'], 'skill')}, "
        f"{_counted(counts['transitions'], 'transition')}",
        err=True,
    )


@knowledge.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite template files DIR holds already (their contents are lost).")
def template(folder: Path, force: bool) -> None:
    """Write blank CSV templates into DIR.

    Each file holds its header row alone; DIR is made if it does not exist. Fill in one row per role, skill,
    skill category and move (categories.csv may be left empty), then run `careerkg knowledge build DIR`.
    examples/templates/README.md describes every column.

    \b
    Examples:
      careerkg knowledge template my-framework
    """
    templates = blank_templates()
    folder.mkdir(parents=True, exist_ok=True)
    existing = [name for name in templates if (folder / name).exists()]
    if existing and not force:
        raise click.UsageError(
            f"{folder / existing[0]} exists already; add --force to replace the templates in {folder} with blank ones"
        )
    for name, text in templates.items():
        write_atomically(folder / name, text)
    click.echo(f"Wrote {', '.join(templates)} to {folder}", err=True)

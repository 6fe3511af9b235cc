"""``careerkg knowledge``: knowledge packs, a user's own career framework, written as CSV files and built into RDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.render import emit_rdf
from careerkg.io.rdfout import RDF_FORMATS, write_atomically
from careerkg.knowledge.templates import blank_templates, build_pack, summarise

if TYPE_CHECKING:
    from rdflib import Graph


@click.group()
def knowledge() -> None:
    """Knowledge packs: your own roles, skills and moves, used beside the article's.

    Write a career framework in CSV files (one per kind: pack.csv, roles.csv, skills.csv, categories.csv,
    transitions.csv), then build them into a knowledge pack, an RDF document in careerkg's vocabulary.

    \b
    Examples:
      careerkg knowledge template my-framework          # blank CSV files to fill in
      careerkg knowledge build my-framework -o pack.ttl
      careerkg knowledge check pack.ttl                 # as careerkg checks it before use
      careerkg --knowledge pack.ttl eligible profile.json
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
    graph = build_pack(folder)  # every problem is one line on stderr (the command line's InvalidKnowledgeError)
    emit_rdf(graph, fmt, output)
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


@knowledge.command()
@click.argument("packs", nargs=-1, required=True, metavar="PACK...", type=click.Path(dir_okay=False, path_type=str))
@click.option("--packs-only", is_flag=True, help="Check the packs without the article's knowledge beside them.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json: each pack with its summary, and every problem.")  # fmt: skip
def check(packs: tuple[str, ...], packs_only: bool, fmt: str) -> None:
    """Check knowledge packs as careerkg checks them before use, and summarise each.

    Every problem is one line naming the file and the term (exit code 1); a pack that cannot be read is
    one line too (exit code 2). A pack that passes is summarised: its roles, skills and moves, the roles no
    move leads out of, and the skills no requirement uses.

    \b
    Examples:
      careerkg knowledge check examples/software-ladder.ttl
      careerkg knowledge check --format json ladder.ttl ops.ttl
    """
    import json

    from careerkg.errors import UnreadableInputError
    from careerkg.io.packs import read_pack
    from careerkg.knowledge.packs import KnowledgeSet, summary
    from careerkg.validation.packs import check_packs

    read, unreadable = [], []
    for path in packs:
        try:
            pack = read_pack(path)
            pack.graph  # noqa: B018 - parsed now: a pack that cannot be is reported as unreadable
            read.append(pack)
        except UnreadableInputError as error:
            unreadable.append(str(error))
    for line in unreadable:
        click.echo(f"Error: {line}", err=True)
    known = KnowledgeSet(tuple(read), bundled=not packs_only)
    merged = known.graph()
    problems = check_packs(known, merged) if read else []
    summaries = [] if problems else [{**pack.to_json(), **summary(pack.graph, merged)} for pack in read]
    if fmt == "json":
        click.echo(json.dumps({"packs": summaries, "problems": problems, "unreadable": unreadable}, indent=2))
    else:
        for line in problems:
            click.echo(f"Error: {line}", err=True)
        _print_summaries(summaries, merged)
    if unreadable:
        raise click.exceptions.Exit(2)
    if problems:
        raise click.exceptions.Exit(1)


def _print_summaries(summaries: list[dict[str, Any]], merged: Graph) -> None:
    """Each pack's summary, its terms named by the prefixes the packs declare (as careerkg names them)."""
    from careerkg.knowledge.catalogue import curie, curie_prefixes

    named = [iri for found in summaries for iri in (*found["rolesWithoutMovesOut"], *found["unusedSkills"])]
    prefixes = curie_prefixes(merged, named)
    for found in summaries:
        click.echo(
            f"{found['path']}: {_counted(found['roles'], 'role')}, {_counted(found['skills'], 'skill')}, "
            f"{_counted(found['transitions'], 'transition')}"
        )
        for key, heading in (("rolesWithoutMovesOut", "roles with no move out"),
                             ("unusedSkills", "skills no requirement uses")):  # fmt: skip
            if found[key]:
                click.echo(f"  {heading}: {', '.join(curie(iri, prefixes) for iri in found[key])}")

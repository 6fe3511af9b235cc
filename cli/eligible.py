"""``careerkg eligible`` and ``careerkg gaps``: the main job, over one or many profiles."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from careerkg.cli.app import Settings, pass_settings
from careerkg.cli.inputs import (
    ProfileInputs,
    endpoint_option,
    endpoint_password,
    graph_option,
    profile_format_option,
    read_inputs,
    report,
    store_option,
    user_option,
)
from careerkg.cli.stream import print_assessments, profile_heading

if TYPE_CHECKING:
    from collections.abc import Mapping

    from careerkg.eligibility import Assessment
    from careerkg.engine import Engine, Evaluation
    from careerkg.reports import GapReport, Results
    from careerkg.upskilling import GroupUpskilling, Upskilling


def all_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def finish(inputs: ProfileInputs, evaluation: Evaluation) -> None:
    inputs.fail_if_unreadable()
    if evaluation.invalid:
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("profiles", nargs=-1, metavar="[PROFILE]...")
@profile_format_option
@click.option("--explain", is_flag=True, help="For each eligible role: the transition, every requirement with the "
              "profile fact that met it, and the source section it rests on.")  # fmt: skip
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv", "turtle"]),
    default="table",
    show_default=True,
    help="table: for people; json: one array; jsonl: one object per profile per line; csv: one row per "
    "eligible role; turtle: the derived triples (ck:eligibleFor, ck:meetsRequirement).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=all_cores,
    show_default="all cores",
    envvar="CAREERKG_JOBS",
    help="Worker processes for large inputs (inputs of one chunk run in this process).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    metavar="N",
    help="Profiles per chunk: memory is bounded by the chunk for JSON Lines inputs.",
)
@store_option
@endpoint_option
@graph_option
@user_option
@pass_settings
def eligible(
    settings: Settings,
    profiles: tuple[str, ...],
    input_format: str | None,
    explain: bool,
    fmt: str,
    jobs: int,
    chunk_size: int,
    store_path: Path | None,
    endpoint: str | None,
    graph_iri: str | None,
    user: str | None,
) -> None:
    """The roles each profile may move to next, derived by OWL 2 RL inference.

    PROFILE is a file (Turtle, N-Triples, RDF/XML, JSON-LD, JSON or JSON Lines; many profiles per file) or
    - for standard input. Each input, and each JSON record, is a profile document of its own. Invalid
    profiles get no results: their violations go to stderr and the exit code is 1, while the valid profiles
    still get theirs. Unreadable input (a whole file, or one JSON Lines record, reported with its line
    number and skipped): exit code 2. JSON Lines inputs stream in chunks over --jobs processes, answers in
    input order, with a progress count on stderr when it is a terminal.

    With --store, the profiles and what inference derives for them are kept in an on-disk store; with no
    PROFILE, every profile in the store is answered, by the portable eligible query run inside it. With
    --endpoint, the profiles held by a SPARQL 1.1 server (see `careerkg push`) are answered there, the same
    way. Either way the answers are labelled and explained as usual, so the JSON is the same.

    \b
    Examples:
      careerkg eligible examples/ada.json
      careerkg eligible --explain examples/ada.ttl
      careerkg eligible --format jsonl examples/team.jsonl
      careerkg eligible --format jsonl --jobs 2 employees.jsonl > answers.jsonl
      echo '{"currentRole": "ProductManager", "skills": ["Coding"]}' | careerkg eligible -
      careerkg eligible --store ./kgstore examples/team.jsonl    # answered and kept on disk
      careerkg eligible --store ./kgstore                        # everyone kept there
      careerkg eligible --endpoint http://localhost:7878/query   # everyone held by a SPARQL server
    """
    engine = settings.engine
    if endpoint is not None or store_path is not None:
        _eligible_in_store(engine, profiles, input_format, explain, fmt, store_path, endpoint, graph_iri, user)
        return
    if graph_iri is not None:
        raise click.UsageError("--graph goes with --endpoint")
    if not profiles:
        raise click.UsageError("Missing argument 'PROFILE...' (or give --store or --endpoint).")
    from careerkg.cli.stream import run

    totals = run(profiles, engine, input_format, fmt, explain, jobs, chunk_size)
    if totals.unreadable:
        raise click.exceptions.Exit(2)
    if totals.invalid:
        raise click.exceptions.Exit(1)


def _eligible_in_store(
    engine: Engine,
    profiles: tuple[str, ...],
    input_format: str | None,
    explain: bool,
    fmt: str,
    store_path: Path | None,
    endpoint: str | None,
    graph: str | None,
    user: str | None,
) -> None:
    if endpoint is not None:
        if store_path is not None:
            raise click.UsageError("give --store or --endpoint, not both")
        if profiles:
            raise click.UsageError("with --endpoint the profiles come from the server; load them with `careerkg push`")
        if fmt == "turtle":
            raise click.UsageError("--format turtle is not available with --endpoint; `careerkg query` gives triples")
        print_assessments(_held_at(engine, endpoint, graph, user), fmt, explain, None, engine.catalogue.prefixes)
        return
    if graph is not None:
        raise click.UsageError("--graph goes with --endpoint")
    assert store_path is not None
    if not profiles and fmt == "turtle":
        raise click.UsageError("--format turtle needs PROFILE inputs; `careerkg query --store` gives triples")
    with engine.open_store(store_path) as store:
        if not profiles:
            print_assessments(store.eligible(), fmt, explain, None, engine.catalogue.prefixes)
            return
        inputs = read_inputs(profiles, engine.terms, input_format)
        outcome = store.add(inputs.documents)
    report(outcome)
    evaluation = outcome.evaluation
    print_assessments(evaluation.assessments, fmt, explain, evaluation.derived_graph(), engine.catalogue.prefixes)
    finish(inputs, evaluation)


def _held_at(engine: Engine, endpoint: str, graph: str | None, user: str | None) -> Results[Assessment]:
    """The assessments of every profile the server holds, asked as ``user`` when one is given."""
    password = endpoint_password(user, endpoint) if user is not None else None
    return engine.eligible_at(endpoint, graph, user=user, password=password)


@click.command()
@click.argument("profiles", nargs=-1, metavar="[PROFILE]...")
@profile_format_option
@click.option("--target", metavar="ROLE", help="Only the move into ROLE (IRI, ck: CURIE, local name or label).")
@click.option(
    "--group",
    "group",
    metavar="PROFILES",
    help="Sum the upskilling analysis over every profile of this input (any profile input): for each skill or "
    "threshold, how many profiles it opens a move for.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json, jsonl or csv for programs.",
)
@pass_settings
def gaps(
    settings: Settings,
    profiles: tuple[str, ...],
    input_format: str | None,
    target: str | None,
    group: str | None,
    fmt: str,
) -> None:
    """What is missing for the moves not yet open, closest first, and which single change opens most.

    For each move out of the profile's current role that it cannot make yet: the essential requirements it
    misses and a match score (essential met/total; optional met/total counted separately). Then every skill,
    or threshold (years in role, products managed), that alone would open new moves, ranked by how many
    (each tried on a copy of the profile and evaluated as `eligible` does), and the near misses: moves one
    essential requirement away. With --target, only the move into that role, open or not.

    With --group, the analysis summed over a group: for each skill or threshold, how many of its profiles it
    would open at least one move for, and how many moves in all. Invalid profiles are reported and counted
    (exit code 1), unreadable records too (exit code 2).

    \b
    Examples:
      careerkg gaps examples/ada.json
      careerkg gaps examples/ada.json --target "chief operating officer"
      careerkg gaps --group examples/team.jsonl
    """
    engine = settings.engine
    if group is not None:
        if profiles or target is not None:
            raise click.UsageError("--group takes the group's input alone (no PROFILE, no --target)")
        profiles = (group,)
    elif not profiles:
        raise click.UsageError("Missing argument 'PROFILE...' (or give --group).")
    target_iri = engine.terms.role(target) if target else None
    inputs = read_inputs(profiles, engine.terms, input_format)
    outcome = engine.evaluate_documents(inputs.documents)
    report(outcome)
    results = engine.gap_reports(outcome, target_iri)
    evaluation = outcome.evaluation
    if group is not None:
        from careerkg.reports import group_report

        _print_group(group_report(results), len(evaluation.invalid), inputs.unreadable, fmt)
    else:
        _print_gaps(results, fmt, engine.catalogue.prefixes)
    finish(inputs, evaluation)


def _print_gaps(results: list[GapReport], fmt: str, prefixes: Mapping[str, str]) -> None:
    from careerkg.cli.render import csv_text, short, table

    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in results], indent=2))
    elif fmt == "jsonl":
        for r in results:
            click.echo(json.dumps(r.to_json()))
    elif fmt == "csv":
        headers = ["profile", "currentRole", "role", "label", "eligible", "essentialMet", "essentialTotal",
                   "optionalMet", "optionalTotal", "missing"]  # fmt: skip
        rows = [
            [a.profile, a.current_role, m.transition.to_role, m.role_label, m.eligible, m.score["essentialMet"],
             m.score["essentialTotal"], m.score["optionalMet"], m.score["optionalTotal"],
             "; ".join(r.label for r in m.missing)]
            for a, moves in ((r.assessment, r.moves) for r in results) for m in moves
        ]  # fmt: skip
        click.echo(csv_text(headers, rows), nl=False)
        return
    else:
        for result in results:
            a, moves = result.assessment, result.moves
            click.echo(profile_heading(a))
            if result.note is not None:
                click.echo(f"  {result.note}")
                if result.routes:
                    click.echo(f"  `careerkg path --profile PROFILE {short(str(result.routes[0].roles[-1]), prefixes)}`"
                               " shows each step with what the profile meets")  # fmt: skip
            elif not a.moves_out:
                click.echo(f"  careerkg knows no moves out of {a.current_role_label} (its source names none)")
            elif not moves:
                click.echo("  every move out of this role is already open")
            else:
                rows = [
                    [m.role_label, "open" if m.eligible else "not yet",
                     f"{m.score['essentialMet']}/{m.score['essentialTotal']}",
                     f"{m.score['optionalMet']}/{m.score['optionalTotal']}",
                     "; ".join(r.label for r in m.missing) or "-"]
                    for m in moves
                ]  # fmt: skip
                text = table(["move to", "status", "essential", "optional", "missing"], rows)
                click.echo("\n".join("  " + line for line in text.splitlines()))
            if result.upskilling is not None:
                _print_upskilling(result.upskilling)
            click.echo("")


def _print_upskilling(analysis: Upskilling) -> None:
    opening = analysis.opening
    if opening:
        click.echo("  single changes that open new moves, most first:")
        for o in opening:
            names = ", ".join(m.role_label for m in o.moves)
            click.echo(f"    {o.change.describe()} opens {_count(len(o.moves), 'move')}: {names}")
    rest = len(analysis.openings) - len(opening)
    if rest:
        click.echo(f"  {_count(rest, 'other single change')} would meet a missing requirement but open no move alone")
    if analysis.near_misses:
        click.echo("  near misses (one essential requirement away):")
        for n in analysis.near_misses:
            click.echo(f"    {n.move.role_label}: needs {n.requirement.label}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _print_group(summary: GroupUpskilling, invalid: int, unreadable: int, fmt: str) -> None:
    from careerkg.cli.render import csv_text

    rows = [[c.change.kind, str(c.change.iri), c.change.label, len(c.profiles), summary.profiles, c.moves]
            for c in summary.changes]  # fmt: skip
    headers = ["kind", "change", "label", "profiles", "of", "moves"]
    if fmt == "json":
        click.echo(json.dumps({**summary.to_json(), "invalid": invalid, "unreadable": unreadable}, indent=2))
    elif fmt == "jsonl":
        for c in summary.changes:
            click.echo(json.dumps({**c.to_json(), "of": summary.profiles}))
    elif fmt == "csv":
        click.echo(csv_text(headers, rows), nl=False)
    else:
        skipped = []
        if invalid:
            skipped.append(_count(invalid, "invalid profile"))
        if unreadable:
            skipped.append(_count(unreadable, "unreadable input or record"))
        extra = f" ({' and '.join(skipped)} not analysed; see the errors above)" if skipped else ""
        click.echo(f"{_count(summary.profiles, 'profile')} analysed{extra}.")
        if not summary.changes:
            click.echo("No single skill or threshold opens a new move for any of them.")
            return
        for c in summary.changes:
            click.echo(f"{c.change.describe()} opens {_count(c.moves, 'move')} for {len(c.profiles)} of your "
                       f"{_count(summary.profiles, 'client')}")  # fmt: skip

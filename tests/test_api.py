"""The public Python API, as a user of ``import careerkg`` relies on it: every answer equal to what the installed
``careerkg`` command prints for the same input, problems kept as data (the good answers are never lost), typed
errors with the command line's exit codes, streams in input order, the on-disk store, engines that pickle small
and work in other processes, and an import that stays light.

Only public names are used here. The command line is run once per case, all cases at once, by the module-scoped
``cli`` fixture, so the whole file stays fast.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import careerkg
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

CK = "https://w3id.org/careerkg#"
PEOPLE = "https://example.org/people/"

EXAMPLE_FILES = ["ada.json", "ada.ttl", "team.jsonl", "team.ttl", "invalid.json"]

#: One plain JSON profile, given to the API as a dict and to the command line on standard input.
DICT_PROFILE: dict[str, Any] = {
    "@id": f"{PEOPLE}dee",
    "name": "Dee",
    "currentRole": "SeniorProductManager",
    "yearsInRole": 2,
    "productsManaged": 4,
    "skills": ["ProductStrategy", "CrossFunctionalLeadership", "Mentoring"],
}

#: A list of plain JSON profiles (one JSON array); the second has no @id, so careerkg names it.
LIST_PROFILES: list[dict[str, Any]] = [
    {"@id": f"{PEOPLE}lin", "currentRole": "product manager", "yearsInRole": 4.5, "productsManaged": 2,
     "skills": ["Coding", "CustomerInteraction", "Research", "StrategicThinking"]},
    {"currentRole": "DirectorOfProduct", "yearsInRole": 6, "skills": ["OperationsAtScale", "BusinessAcumen"]},
]  # fmt: skip

#: A Turtle document, given to the API as bytes.
TURTLE_BYTES = f"""@prefix ck: <{CK}> .
<{PEOPLE}tess> a ck:Profile ;
    ck:currentRole ck:ProductManager ;
    ck:yearsInRole 4 ;
    ck:productsManaged 2 ;
    ck:hasSkill ck:Coding , ck:CustomerNeeds , ck:ValueProposition .
""".encode()

#: A JSON Lines document, given to the API as text.
JSONL_TEXT = (
    json.dumps({"@id": f"{PEOPLE}tom", "currentRole": "ProductManager", "skills": ["CustomerInteraction"]})
    + "\n"
    + json.dumps({"@id": f"{PEOPLE}tia", "currentRole": "Founder", "yearsInRole": 1})
    + "\n"
)

#: Every input the comparisons with the command line run on.
INPUTS = [*EXAMPLE_FILES, "dict", "list", "bytes", "text", "broken-jsonl"]


def team_lines(examples: Path) -> list[str]:
    return (examples / "team.jsonl").read_text(encoding="utf-8").splitlines()


def broken_jsonl(examples: Path) -> str:
    """Three JSON Lines records, the second of them broken."""
    lines = team_lines(examples)
    return f"{lines[0]}\n{{broken\n{lines[1]}\n"


def api_input(name: str, examples: Path) -> careerkg.Profiles:
    """The input ``name`` as a Python caller gives it."""
    if name in EXAMPLE_FILES:
        return examples / name
    given: dict[str, careerkg.Profiles] = {
        "dict": DICT_PROFILE,
        "list": LIST_PROFILES,
        "bytes": TURTLE_BYTES,
        "text": JSONL_TEXT,
        "broken-jsonl": broken_jsonl(examples),
    }
    return given[name]


def cli_input(name: str, examples: Path) -> tuple[list[str], bytes | None]:
    """The input ``name`` as the command line gets it: a file, or ``-`` and the same content on standard input."""
    if name in EXAMPLE_FILES:
        return [str(examples / name)], None
    content: dict[str, bytes] = {
        "dict": json.dumps(DICT_PROFILE).encode(),
        "list": json.dumps(LIST_PROFILES).encode(),
        "bytes": TURTLE_BYTES,
        "text": JSONL_TEXT.encode(),
        "broken-jsonl": broken_jsonl(examples).encode(),
    }
    return ["-"], content[name]


#: gaps --target: (input, target role as a user types it, the role it names).
GAP_TARGETS = {
    "ada-not-open": ("ada.json", "chief operating officer", f"{CK}ChiefOperatingOfficer"),
    "ada-open": ("ada.json", "SeniorProductManager", f"{CK}SeniorProductManager"),
    "team-no-single-move": ("team.jsonl", "ck:VPOfProduct", f"{CK}VPOfProduct"),
}


@dataclass(frozen=True)
class PathCase:
    from_role: str | None
    to_role: str
    profile: str | None = None  # an input name (see INPUTS)


PATH_CASES = {
    "names": PathCase("ProductManager", "VPOfProduct"),
    "labels": PathCase("product manager", "chief executive officer"),
    "curie-and-iri": PathCase("ck:SeniorProductManager", f"{CK}ChiefOperatingOfficer"),
    "no-route": PathCase("VPOfProduct", "ProductManager"),
    "profile-file": PathCase(None, "VPOfProduct", "ada.ttl"),
    "profile-dict": PathCase(None, "chief executive officer", "dict"),
}

#: validate: each input, and two inputs at once.
VALIDATE_CASES: dict[str, list[str]] = {name: [name] for name in INPUTS} | {
    "team-and-invalid": ["team.jsonl", "invalid.json"]
}

INFERRED_QUERY = f"PREFIX ck: <{CK}>\nSELECT ?profile ?role WHERE {{ ?profile ck:eligibleFor ?role }}\n"


@dataclass(frozen=True)
class QueryCase:
    #: A named query, or None to send ``text`` (on standard input to the command line).
    name: str | None
    profile: str | None = None
    bindings: tuple[tuple[str, str], ...] = ()
    inferred: bool = False
    text: str = ""


QUERY_CASES = {
    "roles": QueryCase("roles"),
    "skills": QueryCase("skills"),
    "transitions-bound": QueryCase("transitions", bindings=(("from", "SeniorProductManager"),)),
    "requirements-bound": QueryCase(
        "requirements", bindings=(("from", "ck:ProductManager"), ("to", "ck:SeniorProductManager"))
    ),
    "eligible-team": QueryCase("eligible", profile="team.jsonl"),
    "career-paths-bound": QueryCase("career-paths", bindings=(("from", "ProductManager"), ("to", "VPOfProduct"))),
    "profile-facts-construct": QueryCase("profile-facts", profile="ada.ttl"),
    "inferred-text": QueryCase(None, profile="ada.json", inferred=True, text=INFERRED_QUERY),
}


def named_query(name: str) -> str:
    """The text of a named query, as shipped in the ``careerkg.queries`` data package."""
    return resources.files("careerkg.queries").joinpath(f"{name}.rq").read_text(encoding="utf-8")


Command = tuple[list[str], bytes | None]


def commands(examples: Path) -> dict[str, Command]:
    """Every command-line run the comparisons need, by key."""
    found: dict[str, Command] = {}
    for name in INPUTS:
        args, stdin = cli_input(name, examples)
        found[f"eligible/{name}"] = (["eligible", "--format", "json", *args], stdin)
        found[f"eligible-explain/{name}"] = (["eligible", "--format", "json", "--explain", *args], stdin)
        found[f"gaps/{name}"] = (["gaps", "--format", "json", *args], stdin)
    for key, (name, target, _) in GAP_TARGETS.items():
        args, stdin = cli_input(name, examples)
        found[f"gaps-target/{key}"] = (["gaps", "--format", "json", "--target", target, *args], stdin)
    for key, case in PATH_CASES.items():
        if case.profile is None:
            assert case.from_role is not None
            found[f"path/{key}"] = (["path", "--format", "json", case.from_role, case.to_role], None)
        else:
            (arg,), stdin = cli_input(case.profile, examples)
            found[f"path/{key}"] = (["path", "--format", "json", "--profile", arg, case.to_role], stdin)
    for key, names in VALIDATE_CASES.items():
        args: list[str] = []
        stdins: list[bytes | None] = []
        for name in names:
            (arg,), stdin = cli_input(name, examples)
            args.append(arg)
            stdins.append(stdin)
        found[f"validate/{key}"] = (["validate", "--format", "json", *args], next((s for s in stdins if s), None))
    for key, query in QUERY_CASES.items():
        args = ["query", query.name or "-", "--format", "json"]
        if query.profile is not None:
            args += ["--profile", str(examples / query.profile)]
        for variable, value in query.bindings:
            args += ["--bind", f"{variable}={value}"]
        if query.inferred:
            args.append("--inferred")
        found[f"query/{key}"] = (args, query.text.encode() if query.name is None else None)
    return found


# -- fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> careerkg.Engine:
    """One engine for the whole module (it loads its knowledge once)."""
    return careerkg.Engine()


@pytest.fixture(scope="module")
def examples(repo_root: Path) -> Path:
    return repo_root / "examples"


@pytest.fixture(scope="module")
def cli(careerkg_exe: str, examples: Path) -> dict[str, subprocess.CompletedProcess[bytes]]:
    """Every command-line run of this module, each run once, several at a time, by the installed script."""
    env = {k: v for k, v in os.environ.items() if k not in {"CAREERKG_DEBUG", "CAREERKG_STORE", "CAREERKG_ENDPOINT"}}

    def run(command: Command) -> subprocess.CompletedProcess[bytes]:
        args, stdin = command
        return subprocess.run(
            [careerkg_exe, *args], input=stdin if stdin is not None else b"", capture_output=True, env=env,
            timeout=300, check=False,
        )  # fmt: skip

    todo = commands(examples)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        done = dict(zip(todo, pool.map(run, todo.values()), strict=True))
    return done


def cli_json(cli: Mapping[str, subprocess.CompletedProcess[bytes]], key: str) -> tuple[Any, int]:
    """What the command line printed for ``key`` (parsed) and its exit code."""
    run = cli[key]
    assert b"Traceback" not in run.stderr, run.stderr.decode("utf-8", "replace")
    assert run.stdout.strip(), f"{key}: nothing on stdout (exit {run.returncode}): {run.stderr.decode()}"
    return json.loads(run.stdout), run.returncode


def answered(call: Callable[[], careerkg.Results[Any]]) -> tuple[careerkg.Results[Any], int]:
    """The results of an API call and the exit code the command line should give (from the error it raises)."""
    try:
        return call(), 0
    except careerkg.InvalidProfilesError as error:
        return error.results, error.exit_code


def solutions(answer: Mapping[str, Any], joined: tuple[str, ...] = ("sections",)) -> list[str]:
    """W3C SPARQL JSON results' bindings as a sorted list (a multiset: the order is not always defined). The
    values of ``joined`` variables are GROUP_CONCATs ("; "), whose order SPARQL leaves to the engine (it differs
    between processes): their parts are sorted."""
    rows = []
    for binding in answer["results"]["bindings"]:
        row = dict(binding)
        for name in joined:
            if name in row:
                row[name] = {**row[name], "value": sorted(row[name]["value"].split("; "))}
        rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


# -- the same answers as the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("name", INPUTS)
@pytest.mark.parametrize("question", ["eligible", "gaps"])
def test_eligible_and_gaps_are_what_the_command_line_prints(
    engine: careerkg.Engine,
    examples: Path,
    cli: dict[str, subprocess.CompletedProcess[bytes]],
    question: str,
    name: str,
) -> None:
    results, code = answered(lambda: getattr(engine, question)(api_input(name, examples)))
    printed, exit_code = cli_json(cli, f"{question}/{name}")
    assert results.to_json() == printed
    assert code == exit_code
    assert [answer.to_json() for answer in results] == printed  # each answer's own to_json is its object
    if question == "gaps":
        assert all(isinstance(report, careerkg.GapReport) for report in results)
        return
    explained, exit_code = cli_json(cli, f"eligible-explain/{name}")
    assert results.to_json(explain=True) == explained
    assert code == exit_code
    assert len(results) >= 1


@pytest.mark.parametrize("key", GAP_TARGETS)
def test_gaps_to_a_target_are_what_the_command_line_prints(
    engine: careerkg.Engine, examples: Path, cli: dict[str, subprocess.CompletedProcess[bytes]], key: str
) -> None:
    name, target, role = GAP_TARGETS[key]
    results = engine.gaps(api_input(name, examples), target=target)
    printed, exit_code = cli_json(cli, f"gaps-target/{key}")
    assert results.to_json() == printed
    assert exit_code == 0
    for report in results:  # only the move into the target, open or not; or a note saying none leads there
        assert [str(move.transition.to_role) for move in report.moves] in ([role], [])
        assert bool(report.moves) != (report.note is not None)


def test_gaps_targets_cover_open_closed_and_unreachable(engine: careerkg.Engine, examples: Path) -> None:
    (closed,) = engine.gaps(examples / "ada.json", target="chief operating officer")
    assert [m.eligible for m in closed.moves] == [False] and closed.moves[0].missing
    (open_,) = engine.gaps(examples / "ada.json", target="SeniorProductManager")
    assert [m.eligible for m in open_.moves] == [True]
    notes = [r.note for r in engine.gaps(examples / "team.jsonl", target="ck:VPOfProduct")]
    assert any(note is not None and "shortest route" in note for note in notes)
    assert all(note is None or "`" not in note for note in notes)  # a library note cites no command


@pytest.mark.parametrize("key", PATH_CASES)
def test_path_is_what_the_command_line_prints(
    engine: careerkg.Engine, examples: Path, cli: dict[str, subprocess.CompletedProcess[bytes]], key: str
) -> None:
    case = PATH_CASES[key]
    profile = api_input(case.profile, examples) if case.profile is not None else None
    report = engine.path(case.from_role, case.to_role, profile=profile)
    printed, exit_code = cli_json(cli, f"path/{key}")
    assert isinstance(report, careerkg.PathReport)
    assert report.to_json() == printed
    assert exit_code == 0  # no route is an answer, not invalid input
    assert report.found == (key != "no-route")
    if case.profile is not None:
        assert report.profile is not None and report.met is not None
        assert printed["profile"] == report.profile


def test_path_from_an_assessment_equals_from_its_profile(engine: careerkg.Engine, examples: Path) -> None:
    (ada,) = engine.eligible(examples / "ada.json")
    assert (
        engine.path(None, "VPOfProduct", profile=ada).to_json()
        == engine.path(None, "VPOfProduct", profile=examples / "ada.json").to_json()
    )
    with pytest.raises(careerkg.InvalidInputError):  # a path starts from one profile
        engine.path(None, "VPOfProduct", profile=examples / "team.jsonl")
    with pytest.raises(ValueError):
        engine.path("ProductManager", "VPOfProduct", profile=examples / "ada.json")


@pytest.mark.parametrize("key", VALIDATE_CASES)
def test_validate_is_what_the_command_line_prints(
    engine: careerkg.Engine, examples: Path, cli: dict[str, subprocess.CompletedProcess[bytes]], key: str
) -> None:
    names = VALIDATE_CASES[key]
    given = [api_input(name, examples) for name in names]
    validation = engine.validate(given[0] if len(given) == 1 else given, errors="report")
    printed, exit_code = cli_json(cli, f"validate/{key}")
    if validation.unreadable:  # by default an input that cannot be read is an error, as the exit code says
        with pytest.raises(careerkg.UnreadableInputError) as info:
            engine.validate(given[0] if len(given) == 1 else given)
        assert info.value.exit_code == 2 and validation.unreadable[0] in str(info.value)
    assert isinstance(validation, careerkg.Validation)
    assert validation.to_json() == printed
    assert exit_code == (2 if validation.unreadable else 0 if validation.conforms else 1)
    assert validation.conforms == ("invalid.json" not in names)
    assert len(validation.graph) > 0  # the W3C validation report
    assert all(isinstance(v, careerkg.Violation) for v in validation.violations)


@pytest.mark.parametrize("key", QUERY_CASES)
def test_query_is_what_the_command_line_prints(
    engine: careerkg.Engine, examples: Path, cli: dict[str, subprocess.CompletedProcess[bytes]], key: str
) -> None:
    case = QUERY_CASES[key]
    text = named_query(case.name) if case.name is not None else case.text
    profiles = examples / case.profile if case.profile is not None else None
    answer = engine.query(text, profiles, inferred=case.inferred, bindings=dict(case.bindings))
    run = cli[f"query/{key}"]
    assert run.returncode == 0, run.stderr.decode()
    if isinstance(answer, Graph):
        printed = Graph().parse(data=run.stdout, format="json-ld")
        assert len(answer) > 0 and isomorphic(answer, printed)
        return
    printed = json.loads(run.stdout)
    assert answer["head"] == printed["head"]
    assert solutions(answer) == solutions(printed)
    assert answer["results"]["bindings"], "every query here has answers"


# -- invalid and unreadable profiles: typed errors, and the good answers kept ---------------------------------


def test_an_invalid_profile_raises_and_keeps_every_answer(engine: careerkg.Engine, examples: Path) -> None:
    path = examples / "invalid.json"
    with pytest.raises(careerkg.InvalidProfilesError) as info:
        engine.eligible(path)
    error = info.value
    assert isinstance(error, careerkg.InvalidInputError) and isinstance(error, careerkg.CareerkgError)
    assert error.exit_code == 1
    assert "astronaut" in str(error)
    results = error.results
    assert isinstance(results, careerkg.Results)
    assert not results.ok and results.unreadable == ()
    assert [a.profile for a in results] == [f"{PEOPLE}valid"]
    alone = engine.eligible({"@id": f"{PEOPLE}valid", "currentRole": "ProductManager", "skills": ["Coding"]})
    assert results.to_json(explain=True) == alone.to_json(explain=True)  # the good answer is never lost
    (invalid,) = results.invalid
    assert isinstance(invalid, careerkg.InvalidProfile)
    assert invalid.profile == f"{PEOPLE}astronaut"
    assert invalid.input == str(path)
    assert all(isinstance(v, careerkg.Violation) and v.focus == invalid.profile for v in invalid.violations)
    assert {v.path for v in invalid.violations} == {f"{CK}currentRole", f"{CK}hasSkill", f"{CK}yearsInRole"}
    assert results.problems_json()["invalid"] == [invalid.to_json()]


def test_errors_report_returns_the_same_results(engine: careerkg.Engine, examples: Path) -> None:
    path = examples / "invalid.json"
    with pytest.raises(careerkg.InvalidProfilesError) as info:
        engine.eligible(path)
    reported = engine.eligible(path, errors="report")
    assert not reported.ok
    assert reported.to_json(explain=True) == info.value.results.to_json(explain=True)
    assert reported.invalid == info.value.results.invalid
    assert engine.eligible(examples / "ada.json", errors="report").ok
    gaps = engine.gaps(path, errors="report")
    assert not gaps.ok and [r.assessment.profile for r in gaps] == [f"{PEOPLE}valid"]
    with pytest.raises(ValueError):
        engine.eligible(path, errors="ignore")


def test_an_unreadable_record_exits_2_and_names_its_line(engine: careerkg.Engine, examples: Path) -> None:
    text = broken_jsonl(examples)
    with pytest.raises(careerkg.InvalidProfilesError) as info:
        engine.eligible(text)
    assert info.value.exit_code == 2
    results = info.value.results
    (unreadable,) = results.unreadable
    assert "input:2" in unreadable
    lines = team_lines(examples)
    good = engine.eligible(f"{lines[0]}\n{lines[1]}\n")
    assert results.to_json(explain=True) == good.to_json(explain=True)  # lines 1 and 3 answered
    reported = engine.eligible(text, errors="report")
    assert not reported.ok and reported.unreadable == results.unreadable
    assert reported.to_json() == good.to_json()


def test_unreadable_and_invalid_together_exit_2(engine: careerkg.Engine, examples: Path) -> None:
    with pytest.raises(careerkg.InvalidProfilesError) as info:
        engine.eligible([examples / "invalid.json", broken_jsonl(examples), examples / "ada.json"])
    assert info.value.exit_code == 2
    results = info.value.results
    assert [i.profile for i in results.invalid] == [f"{PEOPLE}astronaut"]
    assert len(results.unreadable) == 1 and "input 2:2" in results.unreadable[0]
    assert [a.profile for a in results] == [f"{PEOPLE}valid", f"{PEOPLE}grace", f"{PEOPLE}linus", f"{PEOPLE}ada"]


def test_a_missing_file_is_reported_by_name(engine: careerkg.Engine, examples: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nobody.json"
    for given in (missing, str(missing)):
        with pytest.raises(careerkg.InvalidProfilesError) as info:
            engine.eligible(given)
        assert info.value.exit_code == 2
        (unreadable,) = info.value.results.unreadable
        assert str(missing) in unreadable and str(missing) in str(info.value)
    with pytest.raises(careerkg.InvalidProfilesError) as gaps_info:
        engine.gaps(missing)
    assert gaps_info.value.exit_code == 2
    with pytest.raises(careerkg.InvalidProfilesError) as path_info:
        engine.path(None, "VPOfProduct", profile=missing)
    assert path_info.value.exit_code == 2 and str(missing) in str(path_info.value)
    with pytest.raises(careerkg.UnreadableInputError) as validate_info:
        engine.validate(missing)
    assert validate_info.value.exit_code == 2 and str(missing) in str(validate_info.value)
    validation = engine.validate(missing, errors="report")
    assert len(validation.unreadable) == 1 and str(missing) in validation.unreadable[0]
    both = engine.eligible([missing, examples / "ada.json"], errors="report")
    assert [a.profile for a in both] == [f"{PEOPLE}ada"] and str(missing) in both.unreadable[0]


@pytest.mark.parametrize(
    ("call", "suggested"),
    [
        (lambda e, x: e.gaps(x, target="chief operating oficer"), "'chief operating officer'"),
        (lambda e, x: e.gaps(x, target="VPOfProdct"), "'vice president of product'"),
        (lambda e, x: e.path("ProductManagr", "VPOfProduct"), "'product manager'"),
        (lambda e, x: e.path("ProductManager", "SeniorProductManger"), "'senior product manager'"),
        (lambda e, x: e.path(None, "directr of product", profile=x), "'director of product'"),
    ],
    ids=["gaps-label", "gaps-name", "path-from", "path-to", "path-profile"],
)
def test_an_unknown_role_names_the_closest(
    engine: careerkg.Engine, examples: Path, call: Callable[[careerkg.Engine, Path], Any], suggested: str
) -> None:
    with pytest.raises(careerkg.UnknownTermError) as info:
        call(engine, examples / "ada.json")
    assert info.value.exit_code == 2
    assert suggested in str(info.value)


# -- streams --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_eligible_stream_keeps_input_order(engine: careerkg.Engine, examples: Path, jobs: int) -> None:
    lines = team_lines(examples)
    assert len(lines) == 4
    given = [lines[0], lines[1], "{broken", lines[2], lines[0], lines[3]]
    records = list(engine.eligible_stream(given, jobs=jobs, chunk_size=2, name="team"))
    assert all(isinstance(r, careerkg.Record) for r in records)
    assert [r.location for r in records] == [f"team:{i}" for i in range(1, 7)]
    assert [r.kind for r in records] == ["answered", "answered", "unreadable", "answered", "unreadable", "answered"]
    broken, repeated = records[2], records[4]
    assert broken.error is not None and broken.error.startswith("team:3") and broken.assessment is None
    assert repeated.error is not None and "team:5" in repeated.error and f"{PEOPLE}grace" in repeated.error
    answers = [r.assessment for r in records if r.kind == "answered"]
    expected = engine.eligible(examples / "team.jsonl")
    assert [a.profile for a in answers if a is not None] == [a.profile for a in expected]
    assert [a.to_json(explain=True) for a in answers if a is not None] == expected.to_json(explain=True)


def test_eligible_stream_reports_invalid_records(engine: careerkg.Engine, examples: Path) -> None:
    records = list(engine.eligible_stream(json.loads((examples / "invalid.json").read_text(encoding="utf-8"))))
    assert [r.kind for r in records] == ["answered", "invalid"]
    assert records[1].profile == f"{PEOPLE}astronaut" and records[1].violations
    reported = engine.eligible(examples / "invalid.json", errors="report")
    assert records[1].violations == reported.invalid[0].violations
    assert records[0].assessment is not None
    assert [records[0].assessment.to_json(explain=True)] == reported.to_json(explain=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_eligible_stream_consumes_a_generator_lazily(engine: careerkg.Engine, jobs: int) -> None:
    total, chunk_size = 40, 4
    pulled = 0
    profiles = [
        {"@id": f"{PEOPLE}g{i}", "currentRole": "ProductManager", "yearsInRole": i % 6, "productsManaged": i % 3,
         "skills": ["Coding", "Research", "StrategicThinking"][: i % 4]}
        for i in range(total)
    ]  # fmt: skip

    def generate() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for profile in profiles:
            pulled += 1
            yield profile

    stream = engine.eligible_stream(generate(), jobs=jobs, chunk_size=chunk_size)
    assert pulled == 0  # nothing is read before the first record is asked for
    first = next(stream)
    assert first.location == "input:1"
    assert 0 < pulled <= (2 * jobs + 2) * chunk_size < total  # a few chunks ahead, never the whole input
    records = [first, *stream]
    assert pulled == total
    assert [r.location for r in records] == [f"input:{i}" for i in range(1, total + 1)]
    assert {r.kind for r in records} == {"answered"}
    expected = engine.eligible(profiles)
    assert [r.assessment.to_json(explain=True) for r in records if r.assessment] == expected.to_json(explain=True)


# -- the on-disk store ----------------------------------------------------------------------------------------


def test_open_store_keeps_profiles_across_opens(engine: careerkg.Engine, examples: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    team = examples / "team.jsonl"
    with engine.open_store(path) as store:
        assert isinstance(store, careerkg.Store)
        kept = store.eligible(team)
        assert kept.to_json(explain=True) == engine.eligible(team).to_json(explain=True)
        with pytest.raises(careerkg.InvalidProfilesError) as info:  # invalid profiles are answered, not kept
            store.eligible(examples / "invalid.json")
        assert [a.profile for a in info.value.results] == [f"{PEOPLE}valid"]
        with pytest.raises(careerkg.CareerkgError) as second:  # a second open while this one is open
            engine.open_store(path)
        message = str(second.value)
        assert str(path) in message and "\n" not in message
        assert second.value.exit_code in (1, 2)
        assert len(store.eligible()) == 5  # the first store is still usable
    with engine.open_store(path) as store:
        everyone = store.eligible()
    in_memory = engine.eligible([team, examples / "invalid.json"], errors="report")
    assert len(everyone) == 5 and everyone.ok
    assert everyone.to_json() == sorted(in_memory.to_json(), key=lambda a: a["profile"])
    assert everyone.to_json(explain=True) == sorted(in_memory.to_json(explain=True), key=lambda a: a["profile"])
    assert f"{PEOPLE}astronaut" not in {a.profile for a in everyone}


# -- engines in other processes -------------------------------------------------------------------------------


def test_an_engine_pickles_small_and_answers_the_same(engine: careerkg.Engine, examples: Path) -> None:
    expected = engine.eligible(examples / "ada.json")  # loaded and used: its caches must not travel
    data = pickle.dumps(engine)
    assert len(data) < 1024
    clone = pickle.loads(data)
    assert isinstance(clone, careerkg.Engine)
    assert clone.eligible(examples / "ada.json").to_json(explain=True) == expected.to_json(explain=True)
    reference = pickle.loads(pickle.dumps(careerkg.Engine(reasoner="owlrl")))
    assert reference.reasoner_name == "owlrl"
    with pytest.raises(ValueError):
        careerkg.Engine(reasoner="no-such-reasoner")


def test_an_engine_works_in_a_spawned_process_pool(engine: careerkg.Engine, examples: Path) -> None:
    team, ada = str(examples / "team.jsonl"), str(examples / "ada.json")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        eligible = pool.submit(engine.eligible, team)
        gaps = pool.submit(engine.gaps, ada, "chief operating officer")
        assert eligible.result(timeout=120).to_json(explain=True) == engine.eligible(team).to_json(explain=True)
        assert gaps.result(timeout=120).to_json() == engine.gaps(ada, "chief operating officer").to_json()


# -- the package ----------------------------------------------------------------------------------------------


def test_import_careerkg_stays_light() -> None:
    code = """
import json, sys, time
started = time.perf_counter()
import careerkg
elapsed = time.perf_counter() - started
heavy = sorted(name for name in ("rdflib", "pyoxigraph", "click") if name in sys.modules)
names = dir(careerkg)
print(json.dumps({"heavy": heavy, "elapsed": elapsed, "dir": names, "engine": careerkg.Engine.__name__}))
"""
    env = {k: v for k, v in os.environ.items() if k != "CAREERKG_DEBUG"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["heavy"] == []
    assert found["engine"] == "Engine"
    assert found["elapsed"] < 1.0
    assert found["dir"] == sorted(careerkg.__all__)
    assert {"Engine", "Results", "InvalidProfilesError", "Store", "Record"} <= set(found["dir"])


def test_every_export_resolves_and_is_documented() -> None:
    assert len(set(careerkg.__all__)) == len(careerkg.__all__)
    undocumented = []
    for name in careerkg.__all__:
        value = getattr(careerkg, name)  # every name resolves
        if isinstance(value, type):
            doc = vars(value).get("__doc__") or ""
            if not doc.strip() or doc.startswith(f"{value.__name__}("):  # none, or the one dataclass writes
                undocumented.append(name)
    assert isinstance(careerkg.__version__, str) and careerkg.__version__
    with pytest.raises(AttributeError):
        careerkg.NoSuchName  # noqa: B018
    for name, member in vars(careerkg.Engine).items():
        if name.startswith("_"):
            continue
        function = getattr(member, "fget", None) or getattr(member, "func", None) or member
        if not (getattr(function, "__doc__", None) or "").strip():
            undocumented.append(f"Engine.{name}")
    assert undocumented == []


def test_errors_carry_the_command_line_exit_codes() -> None:
    assert careerkg.UnreadableInputError.exit_code == 2
    assert careerkg.UnknownTermError.exit_code == 2
    assert careerkg.InvalidInputError.exit_code == 1
    assert issubclass(careerkg.InvalidProfilesError, careerkg.InvalidInputError)
    assert issubclass(careerkg.QueryRefusedError, careerkg.InvalidInputError)
    for name in careerkg.__all__:
        value = getattr(careerkg, name)
        if isinstance(value, type) and name.endswith("Error") and name != "NetworkRefusedError":
            assert issubclass(value, careerkg.CareerkgError), name


# -- queries --------------------------------------------------------------------------------------------------


def test_query_answers_by_form(engine: careerkg.Engine) -> None:
    select = engine.query(f"SELECT ?role WHERE {{ ?role a <{CK}Role> }}")
    assert isinstance(select, dict) and select["head"] == {"vars": ["role"]}
    assert {b["role"]["value"] for b in select["results"]["bindings"]} >= {f"{CK}ProductManager", f"{CK}VPOfProduct"}
    assert engine.query(f"ASK {{ <{CK}ProductManager> a <{CK}Role> }}") == {"head": {}, "boolean": True}
    assert engine.query(f"ASK {{ <{CK}Nothing> a <{CK}Role> }}")["boolean"] is False
    construct = engine.query(f"CONSTRUCT {{ ?t <{CK}toRole> ?r }} WHERE {{ ?t a <{CK}Transition> ; <{CK}toRole> ?r }}")
    assert isinstance(construct, Graph) and len(construct) > 10


def test_query_with_profiles_sees_only_the_valid_ones(engine: careerkg.Engine, examples: Path) -> None:
    ask = f"ASK {{ <{PEOPLE}ada> <{CK}eligibleFor> <{CK}SeniorProductManager> }}"
    assert engine.query(ask, examples / "ada.json")["boolean"] is False  # not without inference
    assert engine.query(ask, examples / "ada.json", inferred=True)["boolean"] is True
    with pytest.raises(careerkg.InvalidProfilesError) as info:
        engine.query("ASK {}", examples / "invalid.json")
    assert info.value.exit_code == 1


def test_a_service_query_is_refused(engine: careerkg.Engine) -> None:
    for text in (
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://example.org/sparql> { ?s ?p ?x } }",
    ):
        with pytest.raises(careerkg.InvalidInputError) as info:
            engine.query(text)
        assert info.value.exit_code == 1
        assert not isinstance(info.value, careerkg.InvalidProfilesError)
        assert "SERVICE" in str(info.value)


def test_an_update_is_refused(engine: careerkg.Engine) -> None:
    with pytest.raises(careerkg.CareerkgError) as info:
        engine.query(f"INSERT DATA {{ <{PEOPLE}x> <{CK}currentRole> <{CK}ProductManager> }}")
    assert info.value.exit_code in (1, 2)
    assert engine.query(f"ASK {{ <{PEOPLE}x> ?p ?o }}")["boolean"] is False


def test_a_query_syntax_error_exits_2(engine: careerkg.Engine) -> None:
    with pytest.raises(careerkg.CareerkgError) as info:
        engine.query("SELECT ?s WHERE { ?s ?p ")
    assert info.value.exit_code == 2
    assert "syntax" in str(info.value).lower()


def test_bindings_on_the_transitions_query(engine: careerkg.Engine) -> None:
    text = named_query("transitions")
    everything = engine.query(text)
    bound = engine.query(text, bindings={"from": "SeniorProductManager"})
    assert isinstance(bound, dict) and isinstance(everything, dict)
    rows = bound["results"]["bindings"]
    assert rows and {row["from"]["value"] for row in rows} == {f"{CK}SeniorProductManager"}
    assert set(solutions(bound)) < set(solutions(everything))
    by_term = engine.query(text, bindings={"from": URIRef(f"{CK}SeniorProductManager")})
    by_curie = engine.query(text, bindings={"from": "ck:SeniorProductManager"})
    assert solutions(by_term) == solutions(bound) == solutions(by_curie)

"""Issue 13, part 4: answers in plain words, for career coaches. Profiles are named by their names, records by
their place in the input, skills and roles by what the user wrote (with the closest known one), bad JSON with
its whole reason, a missing optional reasoner as such; and the progress count never runs into a message."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import careerkg
import pytest

RunExe = Callable[..., "subprocess.CompletedProcess[str]"]

TEAM = [
    {"name": "Maria", "currentRole": "PM", "skills": ["Coding"]},
    {"name": "Joe", "currentRole": "PM", "skills": ["reserach", "Coding"]},
    {"currentRole": "PM", "skills": ["leads cross-functional teams"]},
]


def write_team(folder: Path) -> Path:
    path = folder / "team.json"
    path.write_text(json.dumps(TEAM), encoding="utf-8")
    return path


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -- 1. profiles named by their name, else by their record and IRI ----------------------------------------------


def test_eligible_names_people_by_their_names(run_exe: RunExe, tmp_path: Path) -> None:
    write_team(tmp_path)
    done = run_exe("eligible", "team.json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("Maria  (now: product manager)\n"), done.stdout
    assert "urn:careerkg:profile:" not in done.stdout
    errors = lines(done.stderr)
    assert errors[0].startswith("invalid profile Joe (team.json[1]): skill 'reserach': "), errors
    # no name and no @id: the record's place in the array, and the IRI careerkg gave it
    assert re.match(r"invalid profile urn:careerkg:profile:\w+ \(team\.json\[2\]\): skill ", errors[1]), errors


def test_json_output_keeps_the_iri_and_adds_the_name(run_exe: RunExe, tmp_path: Path) -> None:
    write_team(tmp_path)
    done = run_exe("eligible", "--format", "json", "team.json", cwd=tmp_path)
    (maria,) = json.loads(done.stdout)
    assert maria["name"] == "Maria" and maria["profile"].startswith("urn:careerkg:profile:")
    assert careerkg.Engine().eligible({"name": "Ada", "currentRole": "PM"})[0].to_json()["name"] == "Ada"
    assert "name" not in careerkg.Engine().eligible({"currentRole": "PM"})[0].to_json()


def test_unnamed_answer_is_headed_by_its_record(run_exe: RunExe, tmp_path: Path) -> None:
    (tmp_path / "two.json").write_text(json.dumps([{"currentRole": "PM"}, {"currentRole": "CEO"}]))
    done = run_exe("eligible", "two.json", cwd=tmp_path)
    assert re.search(r"^two\.json\[1\] \(urn:careerkg:profile:\w+\)  \(now: chief executive officer\)$",
                     done.stdout, re.MULTILINE), done.stdout  # fmt: skip


def test_validate_names_people_by_name_and_jsonl_line(run_exe: RunExe, tmp_path: Path) -> None:
    (tmp_path / "team.jsonl").write_text("\n".join(json.dumps(r) for r in TEAM) + "\n")
    done = run_exe("validate", "team.jsonl", cwd=tmp_path)
    assert done.returncode == 1
    assert lines(done.stdout)[0].startswith("Joe (team.jsonl:2): skill 'reserach': "), done.stdout


def test_rdf_profiles_are_named_by_schema_name(run_exe: RunExe, tmp_path: Path) -> None:
    (tmp_path / "p.ttl").write_text(
        "@prefix ck: <https://w3id.org/careerkg#> . @prefix schema: <https://schema.org/> .\n"
        '<https://example.org/x> schema:name "Xavier" ; ck:currentRole ck:ProductManager ; ck:hasSkill ck:Reserach .\n'
    )
    done = run_exe("validate", "p.ttl", cwd=tmp_path)
    assert lines(done.stdout) == [
        "Xavier (p.ttl): skill 'Reserach': This skill is not one careerkg knows; `careerkg skills` lists the "
        "skills it can reason about. Did you mean 'research'?"
    ], done.stdout


# -- 2. bad JSON: the whole reason, with line and column --------------------------------------------------------


def test_bad_json_gives_its_whole_reason(run_exe: RunExe, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"name": "Bad",\n "currentRole": "PM\tx"}')
    done = run_exe("eligible", "bad.json", cwd=tmp_path)
    assert done.returncode == 2
    assert lines(done.stderr) == ["Error: bad.json:2: invalid JSON: Invalid control character at line 2, column 20"]


# -- 3. skills and roles in the user's words, with the closest known one ---------------------------------------


def test_unknown_skill_and_role_in_the_users_words(run_exe: RunExe, tmp_path: Path) -> None:
    write_team(tmp_path)
    done = run_exe("eligible", "team.json", cwd=tmp_path)
    assert "Did you mean 'research'?" in lines(done.stderr)[0]
    assert "skill 'leads cross-functional teams'" in lines(done.stderr)[1]
    assert "ck:hasSkill" not in done.stderr and "%20" not in done.stderr and "https://" not in done.stderr
    role = run_exe("eligible", "-", input='{"name": "Ann", "currentRole": "prodct manager"}')
    assert lines(role.stderr)[0].startswith(
        "invalid profile Ann (-): current role 'prodct manager': The current role is not one careerkg knows; "
        "`careerkg roles` lists the roles it can reason about. Did you mean 'product manager', "
    ), role.stderr


def test_unknown_role_asked_for_is_suggested_by_label(run_exe: RunExe) -> None:
    done = run_exe("path", "ProductManagr", "CEO")
    assert done.returncode == 2
    assert "did you mean 'product manager'" in done.stderr, done.stderr


# -- 4. a current role in a list ------------------------------------------------------------------------------


def test_a_current_role_in_a_list_is_that_role(run_exe: RunExe) -> None:
    done = run_exe("eligible", "-", input='{"name": "Ann", "currentRole": ["PM"], "skills": ["Coding"]}')
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ann  (now: product manager)"), done.stdout
    two = run_exe("eligible", "-", input='{"name": "Ann", "currentRole": ["PM", "CEO"]}')
    assert two.returncode == 1
    assert "invalid profile Ann (-): current role: A profile must name exactly one current role" in two.stderr


# -- 7. a missing optional reasoner ---------------------------------------------------------------------------


def test_missing_reasoner_is_an_optional_package(
    run_exe: RunExe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "site" / "reasonable"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('not installed here')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    done = run_exe("--reasoner", "reasonable", "eligible", "-", input='{"currentRole": "PM"}')
    assert done.returncode == 2
    assert lines(done.stderr) == [
        "Error: --reasoner reasonable needs the optional package reasonable, which is not installed: install it "
        "with pip install 'careerkg[reasonable]' (or choose the reasoner compiled or owlrl, which need nothing more)"
    ], done.stderr


# -- 8. the progress count on a terminal ----------------------------------------------------------------------


def test_progress_count_never_runs_into_a_message(careerkg_exe: str, tmp_path: Path) -> None:
    records = [json.dumps({"@id": f"https://example.org/p{i}", "currentRole": "PM"}) for i in range(40000)]
    for i in range(4000, 40000, 4000):
        records[i] = json.dumps({"@id": f"https://example.org/bad{i}", "currentRole": "Astronaut"})
    (tmp_path / "many.jsonl").write_text("\n".join(records) + "\n")
    controller, terminal = pty.openpty()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(
            [careerkg_exe, "eligible", "--jobs", "1", "--chunk-size", "500", "--format", "jsonl", "many.jsonl"],
            cwd=tmp_path, stdout=devnull, stderr=terminal, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(terminal)
        seen = b""
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                piece = os.read(controller, 65536)
            except OSError:  # the other end closed
                break
            if not piece:
                break
            seen += piece
        process.wait(timeout=60)
    os.close(controller)
    text = seen.decode("utf-8", "replace")
    assert "profiles (" in text, "the count was never shown: the test needs a slower run"
    # each count is taken off its line before anything else is written there
    assert not re.search(r"/s\)(?!\r\x1b\[K|\r)", text), text[:2000]
    assert re.search(r"/s\)\r\x1b\[Kinvalid profile https://example\.org/bad\d+", text), text[:2000]


# -- 5. keys careerkg does not read -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["team.json", "team.jsonl"])
def test_a_misspelled_key_is_a_warning_with_a_suggestion(run_exe: RunExe, tmp_path: Path, name: str) -> None:
    records = [{"name": "Joe", "currentRole": "PM", "years": 3, "skils": ["Coding"]}]
    text = json.dumps(records) if name.endswith(".json") else json.dumps(records[0]) + "\n"
    (tmp_path / name).write_text(text)
    where = "team.json[0]" if name.endswith(".json") else "team.jsonl:1"
    for command in ("eligible", "validate"):
        done = run_exe(command, name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr  # a warning leaves the exit code as it is
        warnings = [line for line in lines(done.stderr) if line.startswith("Warning: ")]
        assert warnings == [
            f'Warning: {where} (Joe): key "years" is not one careerkg reads, and was ignored; '
            'did you mean "yearsInRole"?',
            f'Warning: {where} (Joe): key "skils" is not one careerkg reads, and was ignored; did you mean "skills"?',
        ], done.stderr


def test_known_keys_give_no_warning(run_exe: RunExe) -> None:
    done = run_exe("eligible", "-", input='{"@id": "https://example.org/a", "name": "A", "currentRole": "PM", '
                   '"yearsInRole": 2, "productsManaged": 1, "skills": ["Coding"], "hasSkill": "Research"}')  # fmt: skip
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr

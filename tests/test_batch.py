"""Streaming batches: input order kept across worker processes, bad records skipped with their line numbers,
bounded read-ahead, and the fast JSON path equal to the JSON-LD path."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess

import careerkg.io.profiles as profiles_module
import pytest
from careerkg.batch import chunked, ordered_map
from careerkg.io.profiles import record_facts
from careerkg.prepared import load_prepared

RunExe = Callable[..., CompletedProcess[str]]
PEOPLE = "https://example.org/people/"


def records() -> list[str]:
    lines = []
    for i in range(20):
        role = ["ProductManager", "SeniorProductManager", "Founder", "product manager"][i % 4]
        record = {"@id": f"{PEOPLE}b{i}", "currentRole": role, "yearsInRole": i % 7, "productsManaged": i % 4,
                  "skills": ["Coding", "Research", "CustomerInsight", "ProductStrategy"][: i % 5]}  # fmt: skip
        lines.append(json.dumps(record))
    lines[6] = '{"currentRole": "ProductManager", '  # line 7: broken JSON
    lines[11] = json.dumps({"@id": f"{PEOPLE}bad", "currentRole": "Astronaut"})  # line 12: fails the shapes
    return lines


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "people.jsonl"
    path.write_text("\n".join(records()) + "\n", encoding="utf-8")
    return path


def test_jobs_keep_input_order_and_skip_bad_records(run_exe: RunExe, batch_file: Path) -> None:
    two = run_exe("eligible", "--format", "jsonl", "--jobs", "2", "--chunk-size", "3", str(batch_file))
    one = run_exe("eligible", "--format", "jsonl", "--jobs", "1", str(batch_file))
    assert two.stdout == one.stdout
    profiles = [json.loads(line)["profile"] for line in two.stdout.splitlines()]
    expected = [f"{PEOPLE}b{i}" for i in range(20) if i not in (6, 11)]
    assert profiles == expected
    assert two.returncode == 2  # an unreadable record: exit 2 at the end, after the rest was processed
    assert f"{batch_file}:7: invalid JSON" in two.stderr
    assert f"invalid profile {PEOPLE}bad ({batch_file}:12)" in two.stderr
    assert "Traceback" not in two.stderr


def test_only_invalid_records_exit_1(run_exe: RunExe, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(line for i, line in enumerate(records()) if i != 6) + "\n", encoding="utf-8")
    run = run_exe("eligible", "--format", "jsonl", "--jobs", "2", "--chunk-size", "4", str(path))
    assert run.returncode == 1 and len(run.stdout.splitlines()) == 18


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_streamed_formats_stay_well_formed(run_exe: RunExe, batch_file: Path, fmt: str) -> None:
    run = run_exe("eligible", "--format", fmt, "--jobs", "2", "--chunk-size", "5", str(batch_file))
    if fmt == "json":
        assert [a["profile"] for a in json.loads(run.stdout)][:3] == [f"{PEOPLE}b0", f"{PEOPLE}b1", f"{PEOPLE}b2"]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(run.stdout)))
        assert rows[0][:3] == ["profile", "currentRole", "role"]
        assert all(row[0] != "profile" for row in rows[1:])  # the header once, not once per chunk
    else:
        assert run.stdout.count("(now: ") == 18


def _square(x: int) -> int:
    return x * x


def test_ordered_map_keeps_order_and_reads_ahead_boundedly() -> None:
    consumed = itertools.count()

    def tasks() -> Iterator[int]:
        for i in range(50):
            next(consumed)
            yield i

    results = ordered_map(_square, tasks(), jobs=2)
    first = next(results)
    assert first == 0
    assert next(consumed) <= 2 * 2 + 2  # at most 2 * jobs tasks in flight, plus the two peeked at
    assert list(results) == [i * i for i in range(1, 50)]


def test_chunked() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


RECORDS = [
    {
        "@id": f"{PEOPLE}a",
        "currentRole": "ProductManager",
        "yearsInRole": 4,
        "productsManaged": 2,
        "skills": ["Coding"],
    },
    {"currentRole": "senior pm", "yearsInRole": 2.5, "skills": "market trend analysis", "name": "Sam"},
    {"@id": f"{PEOPLE}c", "currentRole": "Astronaut", "productsManaged": 2.5, "skills": ["ck:Research", "Juggling"]},
    {"@id": f"{PEOPLE}d", "@type": "Profile", "currentRole": "ck:Founder", "yearsInRole": "five"},
    {"@id": f"{PEOPLE}e", "currentRole": "CEO", "skills": []},
]


@pytest.mark.parametrize("record", RECORDS)
def test_fast_json_path_equals_the_json_ld_path(record: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    terms = load_prepared().terms
    fast = record_facts(record, "r", terms, {})
    monkeypatch.setattr(profiles_module, "_fast_facts", lambda doc: None)
    slow = record_facts(record, "r", terms, {})
    assert fast == slow


def test_a_record_that_breaks_evaluation_costs_only_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should evaluating one record fail in a way no check foresaw, the chunk is evaluated again a profile
    at a time: that record is reported with the failure, and every other record in the chunk is answered."""
    from careerkg.batch import Item, evaluate_chunk
    from careerkg.engine import Engine

    engine = Engine()
    real_infer = engine.backend.infer
    cursed = PEOPLE + "b3"

    def infer(profiles):  # type: ignore[no-untyped-def]
        if cursed in profiles:
            raise RuntimeError("a failure nobody foresaw")
        return real_infer(profiles)

    items = [Item(f"in.jsonl:{n}", line.encode(), "in.jsonl") for n, line in enumerate(records()[:8], start=1)]

    def outcomes(chunk):  # type: ignore[no-untyped-def]
        return [(r.profile, r.kind, r.assessment.to_json() if r.assessment else None) for r in chunk.records]

    before = outcomes(evaluate_chunk(engine, items))
    assert (cursed, "answered") in [(profile, kind) for profile, kind, _ in before]
    monkeypatch.setattr(engine.backend, "infer", infer)
    out = evaluate_chunk(engine, items)
    after = outcomes(out)
    assert after == [(p, "unreadable", None) if p == cursed else (p, k, answer) for p, k, answer in before]
    (failed,) = [record for record in out.records if record.profile == cursed]
    assert failed.error is not None
    assert "in.jsonl:4" in failed.error and "a failure nobody foresaw" in failed.error

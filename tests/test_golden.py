"""Golden outputs: every command on the bundled examples, in every output format, as the installed script
prints it (stdout, stderr and exit code), compared with the outputs recorded in ``tests/golden/``.

A change that alters what a user sees must update the recorded outputs on purpose and say why in its commit:
``CAREERKG_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` writes them anew (and the diff shows what changed).
Outputs that hold RDF with blank nodes (whose labels an RDF writer may choose freely) are compared as graphs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

EX = "examples"
PROFILE_FILES = ["ada.json", "ada.ttl", "team.jsonl", "team.ttl", "invalid.json"]

#: (case name, arguments, how stdout is compared: "text" byte for byte; "sections" byte for byte but for the
#: order of the article sections a GROUP_CONCAT joins, which SPARQL leaves to the engine; or an RDF format,
#: compared as a graph)
CASES: list[tuple[str, list[str], str]] = []


def _case(name: str, args: list[str], compare: str = "text") -> None:
    CASES.append((name, args, compare))


for _file in PROFILE_FILES:
    _stem = _file.replace(".", "-")
    for _fmt in ("table", "json", "jsonl", "csv"):
        _case(f"eligible-{_stem}-{_fmt}", ["eligible", "--format", _fmt, f"{EX}/{_file}"])
        _case(f"eligible-{_stem}-{_fmt}-explain", ["eligible", "--explain", "--format", _fmt, f"{EX}/{_file}"])
    _case(f"eligible-{_stem}-turtle", ["eligible", "--format", "turtle", f"{EX}/{_file}"], "turtle")
    for _fmt in ("table", "json", "jsonl", "csv"):
        _case(f"gaps-{_stem}-{_fmt}", ["gaps", "--format", _fmt, f"{EX}/{_file}"])
    _case(f"gaps-{_stem}-target", ["gaps", "--target", "chief operating officer", f"{EX}/{_file}"])
    _case(f"gaps-{_stem}-target-json", ["gaps", "--format", "json", "--target", "VP of product", f"{EX}/{_file}"])
    for _fmt in ("text", "json"):
        _case(f"validate-{_stem}-{_fmt}", ["validate", "--format", _fmt, f"{EX}/{_file}"])
    _case(f"validate-{_stem}-turtle", ["validate", "--format", "turtle", f"{EX}/{_file}"], "turtle")

_case("eligible-all-inputs", ["eligible", "--format", "jsonl", *(f"{EX}/{f}" for f in PROFILE_FILES)])
_case("eligible-all-inputs-jobs", ["eligible", "--format", "jsonl", "--jobs", "2", "--chunk-size", "2",
                                   *(f"{EX}/{f}" for f in PROFILE_FILES)])  # fmt: skip
_case("eligible-owlrl", ["--reasoner", "owlrl", "eligible", "--explain", "--format", "json", f"{EX}/team.jsonl"])
_case("eligible-missing-file", ["eligible", f"{EX}/no-such-file.json"])
_case("validate-all-inputs", ["validate", *(f"{EX}/{f}" for f in PROFILE_FILES)])
_case("path-pm-vp", ["path", "ProductManager", "VPOfProduct"])
_case("path-pm-ceo-json", ["path", "product manager", "chief executive officer", "--format", "json"])
_case("path-no-route", ["path", "DirectorOfProduct", "VPOfProduct"])
_case("path-same-role", ["path", "ProductManager", "PM"])
_case("path-profile", ["path", "--profile", f"{EX}/ada.json", "VPOfProduct"])
_case("path-profile-json", ["path", "--profile", f"{EX}/ada.ttl", "VPOfProduct", "--format", "json"])
_case("path-unknown-role", ["path", "ProductManagr", "VPOfProduct"])
_case("queries", ["queries"])
_case("queries-json", ["queries", "--format", "json"])
for _name in ("career-paths", "eligible", "met-requirements", "requirements", "roles", "skills", "transitions"):
    for _fmt in ("table", "json", "csv", "tsv", "xml"):
        _compare = "sections" if _name == "transitions" else "text"
        _case(f"query-{_name}-{_fmt}", ["query", _name, "--profile", f"{EX}/team.jsonl", "--format", _fmt], _compare)
_case("query-profile-facts", ["query", "profile-facts", "--profile", f"{EX}/ada.json"], "turtle")
_case("query-transitions-bind", ["query", "transitions", "--bind", "from=SeniorProductManager"], "sections")
_case("query-requirements-bind", ["query", "requirements", "--bind", "from=ck:ProductManager", "--bind",
                                  "to=ck:SeniorProductManager", "--format", "csv"])  # fmt: skip
_case("query-eligible-inferred", ["query", "eligible", "--inferred", "--profile", f"{EX}/team.ttl"])
_case("query-count-inferred", ["query", "--inferred", "-"])
_case("query-service", ["query", "-"])
for _fmt in ("table", "json", "csv"):
    _case(f"roles-{_fmt}", ["roles", "--format", _fmt])
    _case(f"skills-{_fmt}", ["skills", "--format", _fmt])
for _fmt in ("mermaid", "dot"):
    _case(f"graph-{_fmt}", ["graph", "--format", _fmt])
    _case(f"graph-{_fmt}-profile", ["graph", "--format", _fmt, "--profile", f"{EX}/ada.json"])
for _part in ("ontology", "kg", "shapes", "all"):
    for _fmt, _rdf in (("turtle", "turtle"), ("nt", "nt"), ("xml", "xml"), ("json-ld", "json-ld")):
        _case(f"export-{_part}-{_fmt}", ["export", "--part", _part, "--format", _fmt], _rdf)
_case("export-all-inferred", ["export", "--inferred", "--format", "nt"], "nt")

#: Standard input for the cases that read a query from it.
STDIN = {
    "query-count-inferred": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "query-service": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
}

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CAREERKG_UPDATE_GOLDEN") == "1"


def _run(careerkg_exe: str, repo_root: Path, name: str, args: list[str], cwd: Path | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in {"CAREERKG_DEBUG", "CAREERKG_JOBS"}}
    done = subprocess.run(
        [careerkg_exe, *args], input=STDIN.get(name, ""), capture_output=True, text=True,
        cwd=cwd or repo_root, env=env, timeout=300,
    )  # fmt: skip
    return {"args": args, "exit": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def _same_graph(expected: str, actual: str, fmt: str) -> bool:
    try:
        return isomorphic(Graph().parse(data=expected, format=fmt), Graph().parse(data=actual, format=fmt))
    except Exception:  # noqa: BLE001 - output that does not parse is simply not the same
        return False


def _sections_in_order(text: str) -> str:
    """``text`` with every run of article sections joined by "; " put in sorted order."""
    from careerkg.knowledge.graphs import knowledge_graph
    from careerkg.vocab import CK

    names = sorted({str(s) for s in knowledge_graph(axioms=False).objects(None, CK.articleSection)}, key=len)
    one = "|".join(re.escape(n) for n in reversed(names))
    run = re.compile(f"(?:{one})(?:; (?:{one}))+")
    return run.sub(lambda m: "; ".join(sorted(m.group(0).split("; "))), text)


def _check(name: str, compare: str, got: dict[str, object]) -> None:
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    assert path.is_file(), f"no recorded output for {name}: run with CAREERKG_UPDATE_GOLDEN=1"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert (got["exit"], got["stderr"]) == (want["exit"], want["stderr"]), name
    if compare == "text":
        assert got["stdout"] == want["stdout"], name
    elif compare == "sections":
        assert _sections_in_order(str(got["stdout"])) == _sections_in_order(str(want["stdout"])), name
    else:
        assert _same_graph(str(want["stdout"]), str(got["stdout"]), compare), f"{name}: not the same RDF graph"


@pytest.mark.parametrize(("name", "args", "compare"), CASES, ids=[c[0] for c in CASES])
def test_golden_output(careerkg_exe: str, repo_root: Path, name: str, args: list[str], compare: str) -> None:
    _check(name, compare, _run(careerkg_exe, repo_root, name, args))


def test_golden_store_session(careerkg_exe: str, repo_root: Path, tmp_path: Path) -> None:
    """A store filled by one command and read by the next: the answers, and what each command prints."""
    (tmp_path / "examples").symlink_to(repo_root / "examples")
    steps = [
        ("store-eligible-team", ["eligible", "--store", "kgstore", "--format", "json", f"{EX}/team.jsonl"]),
        ("store-eligible-all", ["eligible", "--store", "kgstore", "--explain", "--format", "json"]),
        ("store-eligible-ada", ["eligible", "--store", "kgstore", "--format", "jsonl", f"{EX}/ada.ttl"]),
        ("store-eligible-all-again", ["eligible", "--store", "kgstore", "--format", "csv"]),
        ("store-query-eligible", ["query", "eligible", "--store", "kgstore", "--format", "csv"]),
        ("store-query-roles-json", ["query", "roles", "--store", "kgstore", "--format", "json"]),
    ]
    for name, args in steps:
        _check(name, "text", _run(careerkg_exe, repo_root, name, args, cwd=tmp_path))

"""careerkg's benchmark: eligibility for N profiles, three ways, side by side in one run.

    python -m benchmarks.run                      # from the repository root: N = 1, 1k, 10k, 100k, 1M
    python -m benchmarks.run --sizes 1,1000 --runs 1 --results /tmp/r.md      # a quick look

(a) naive:      rdflib parses the exported ontology and the profiles (Turtle), rdflib runs careerkg's SPARQL
                rule, owlrl's DeductiveClosure(OWLRL_Semantics) closes the whole graph.
(b) reasonable: the Rust reasoner loads the same files itself, plus the rule's output (computed by Oxigraph),
                and reasons over the whole graph.
(c) careerkg:   `careerkg eligible --format jsonl --jobs J profiles.jsonl` — validation, inference, and one
                JSON answer per profile with labels and transitions.

Each measurement runs in a fresh process (wall time, and peak RSS from the kernel); a value is the median of
--runs runs. A peer that takes longer than --limit seconds at one size is not run at larger sizes, nor one
whose memory at the next size (extrapolated linearly from 10k up) would pass three quarters of the
machine's; a run still going after
--kill-after seconds is stopped. Every
method's eligible (profile, role) pairs are compared: the answers must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate

#: Where the sections written by other scripts begin in RESULTS.md (run.py keeps everything from here on).
SECTIONS_MARKER = "<!-- sections below are written by other benchmark scripts -->"


def write_section(results: Path, start: str, end: str, section: str) -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) into the results file, in place of
    the section it replaces, or after the sections written by other scripts; the rest of the file is kept."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    if SECTIONS_MARKER not in text:
        text = text.rstrip("\n") + "\n\n" + SECTIONS_MARKER + "\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section.rstrip("\n") + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    results.write_text(text, encoding="utf-8")


CK = "https://w3id.org/careerkg#"
ELIGIBLE = CK + "eligibleFor"


# --------------------------------------------------------------------------------------------------------------
# The peers, run as child processes: each writes the eligible (profile, role) pairs it found, one per line.
# --------------------------------------------------------------------------------------------------------------


def peer_naive(ontology: str, profiles: str, out: str) -> None:
    import owlrl
    from careerkg.knowledge import bundled
    from rdflib import Graph, URIRef

    graph = Graph()
    graph.parse(ontology, format="turtle")
    graph.parse(profiles, format="turtle")
    for name in bundled.data_files("careerkg.rules"):
        for triple in list(graph.query(bundled.read_text("careerkg.rules", name))):
            graph.add(triple)  # type: ignore[arg-type]
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    with open(out, "w", encoding="utf-8") as handle:
        for s, o in graph.subject_objects(URIRef(ELIGIBLE)):
            handle.write(f"{s} {o}\n")


def peer_reasonable(ontology: str, profiles: str, out: str) -> None:
    import pyoxigraph as ox
    import reasonable
    from careerkg.knowledge import bundled

    store = ox.Store()
    store.bulk_load(path=ontology, format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=profiles, format=ox.RdfFormat.TURTLE)
    with tempfile.NamedTemporaryFile("w", suffix=".ttl", delete=False, encoding="utf-8") as rules_out:
        for name in bundled.data_files("careerkg.rules"):
            for t in store.query(bundled.read_text("careerkg.rules", name)):
                rules_out.write(f"{t.subject} {t.predicate} {t.object} .\n")
    reasoner = reasonable.PyReasoner()
    reasoner.load_file(ontology)
    reasoner.load_file(profiles)
    reasoner.load_file(rules_out.name)
    with open(out, "w", encoding="utf-8") as handle:
        for s, p, o in reasoner.reason():
            if str(p) == ELIGIBLE:
                handle.write(f"{s} {o}\n")
    os.unlink(rules_out.name)


PEERS = {"naive": peer_naive, "reasonable": peer_reasonable}


# --------------------------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------------------------


class OverLimit(Exception):
    """A run took longer than the time limit and was stopped."""


def measure(command: list[str], stdout: str | None = None, limit: float | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of the process); :class:`OverLimit` if it runs past ``limit``."""
    start = time.perf_counter()
    with open(stdout or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if limit is not None and time.perf_counter() - start > limit:
                process.kill()
                os.wait4(process.pid, 0)
                raise OverLimit(f"{' '.join(command)} ran past {limit:g} s")
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}): {stderr[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def _digest(pairs: set[tuple[str, str]]) -> tuple[int, str]:
    """(count, hash) of a set of (profile, role) pairs: all the driver keeps. Holding a million pairs here
    would inflate the next measurement: a forked child's ru_maxrss counts the parent's pages before exec."""
    import hashlib

    digest = hashlib.sha256()
    for profile, role in sorted(pairs):
        digest.update(f"{profile} {role}\n".encode())
    return len(pairs), digest.hexdigest()


def careerkg_pairs(path: str) -> tuple[int, str]:
    pairs = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            answer = json.loads(line)
            pairs.update((answer["profile"], e["role"]) for e in answer["eligible"])
    return _digest(pairs)


def peer_pairs(path: str) -> tuple[int, str]:
    with open(path, encoding="utf-8") as handle:
        return _digest({tuple(line.split()) for line in handle if line.strip()})  # type: ignore[misc]


def median_run(
    command: list[str], runs: int, out: str | None = None, limit: float | None = None
) -> tuple[float, float]:
    results = [measure(command, out, limit) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    from importlib.metadata import version

    versions = ", ".join(
        f"{p} {version(p)}" for p in ("careerkg", "rdflib", "owlrl", "pyshacl", "pyoxigraph", "reasonable")
    )
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores{memory}; "
            f"Python {platform.python_version()}; {versions}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="careerkg benchmark (see the module docstring)")
    parser.add_argument("--sizes", default="1,1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median); 1M uses one run")
    parser.add_argument(
        "--limit",
        type=float,
        default=120.0,
        help="seconds; a peer slower than this at one size is not run at larger sizes",
    )
    parser.add_argument(
        "--kill-after", type=float, default=900.0, help="seconds; a peer run still going after this is stopped"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data", type=Path, default=Path("benchmarks/data"))
    parser.add_argument("--results", type=Path, default=Path("benchmarks/RESULTS.md"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--peer", nargs=3, metavar=("NAME", "PROFILES", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the report from the saved RESULTS.json; measure nothing"
    )
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads(args.results.with_suffix(".json").read_text(encoding="utf-8"))
        for key in ("sizes", "runs", "limit", "kill_after", "jobs", "seed"):
            setattr(args, key, type(getattr(args, key))(saved["args"][key]))
        rows = [
            {k: tuple(v) if isinstance(v, list) and k != "compared" else v for k, v in r.items()} for r in saved["rows"]
        ]
        write_results(args, rows, tuple(saved["startup"]), tuple(saved["baseline"]), saved["date"],  # type: ignore[arg-type]
                      saved.get("note", ""))  # fmt: skip
        return
    if args.peer:
        name, profiles, out = args.peer
        PEERS[name](str(args.data / "ontology.ttl"), profiles, out)
        return

    exe = str(Path(sys.executable).with_name("careerkg"))
    args.data.mkdir(parents=True, exist_ok=True)
    ontology = args.data / "ontology.ttl"
    subprocess.run([exe, "export", "--format", "turtle", "-o", str(ontology)], check=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict[str, object]] = []
    slow: dict[str, str] = {}  # peer -> why it is not run at the larger sizes
    total_mib = memory_mib()
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    for n in sizes:
        ttl, jsonl = generate(n, args.seed, args.data)
        runs = 1 if n >= 1_000_000 else args.runs
        row: dict[str, object] = {"n": n}
        pairs: dict[str, tuple[int, str]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            out = f"{tmp}/careerkg.jsonl"
            command = [exe, "eligible", "--format", "jsonl", "--jobs", str(args.jobs), str(jsonl)]
            row["careerkg"] = median_run(command, runs, out)
            pairs["careerkg"] = careerkg_pairs(out)
            log(f"n={n} careerkg jobs={args.jobs}: {row['careerkg']}")
            if n >= 10_000 and args.jobs > 1:
                one = [exe, "eligible", "--format", "jsonl", "--jobs", "1", str(jsonl)]
                row["careerkg-1job"] = median_run(one, runs, out)
                log(f"n={n} careerkg jobs=1: {row['careerkg-1job']}")
            for peer in PEERS:
                if peer in slow:
                    row[peer] = slow[peer]
                    continue
                peer_out = f"{tmp}/{peer}.txt"
                command = [sys.executable, "-m", "benchmarks.run", "--data", str(args.data), "--peer", peer, str(ttl),
                           peer_out]  # fmt: skip
                try:
                    row[peer] = median_run(command, runs if n < 10_000 else 1, None, args.kill_after)
                except OverLimit:
                    row[peer] = f"stopped after {args.kill_after:g} s"
                    slow[peer] = "skipped (stopped at a smaller N)"
                    log(f"n={n} {peer}: stopped after {args.kill_after:g} s")
                    continue
                pairs[peer] = peer_pairs(peer_out)
                log(f"n={n} {peer}: {row[peer]}")
                seconds, mib = row[peer]  # type: ignore[misc]
                if seconds > args.limit:
                    slow[peer] = f"skipped ({seconds:.0f} s at {n:,}, over the {args.limit:g} s limit)"
                following = [m for m in sizes if m > n]
                # from 10k up the profiles dominate memory, so it grows about linearly with N
                if following and n >= 10_000 and mib * following[0] / n > 0.75 * total_mib:
                    slow.setdefault(peer, f"skipped (would need about {mib * following[0] / n / 1024:.0f} GiB; "
                                          f"{mib:,.0f} MiB at {n:,})")  # fmt: skip
        row["identical"] = all(p == pairs["careerkg"] for p in pairs.values())
        row["eligible"] = pairs["careerkg"][0]
        row["compared"] = sorted(pairs)
        rows.append(row)

    startup = median_run([exe, "eligible", "examples/ada.json"], 7)
    baseline = median_run([sys.executable, "-c", "import rdflib, click"], 7)
    measured = {"args": {k: str(v) for k, v in vars(args).items()}, "rows": rows, "startup": startup,
                "baseline": baseline, "date": time.strftime("%Y-%m-%d")}  # fmt: skip
    args.results.with_suffix(".json").write_text(json.dumps(measured, indent=1), encoding="utf-8")
    write_results(args, rows, startup, baseline)


def memory_mib() -> float:
    try:
        return int(Path("/proc/meminfo").read_text().split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return float("inf")


def fmt_cell(value: object) -> str:
    if isinstance(value, str):
        return value
    seconds, mib = value  # type: ignore[misc]
    return f"{seconds:.2f} s, {mib:.0f} MiB"


def write_results(args: argparse.Namespace, rows: list[dict[str, object]], startup: tuple[float, float],
                  baseline: tuple[float, float], date: str | None = None, saved_note: str = "") -> None:  # fmt: skip
    by_n = {r["n"]: r for r in rows}
    lines = [
        "# careerkg benchmark results",
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `python -m benchmarks.run --sizes {args.sizes} --runs {args.runs} --limit {args.limit:g} "
        f"--kill-after {args.kill_after:g} --jobs {args.jobs}` (run on {date or time.strftime('%Y-%m-%d')}).",
        "",
        f"Times are medians of {args.runs} runs (one run at 1M, and one for the peers from 10k up: they are "
        "slow). Memory is the peak RSS of the measured process; with several jobs, of the parent process "
        "only, so the 1-job column shows careerkg's whole footprint. Profiles come from "
        f"`benchmarks/generate.py` (seed {args.seed}): Turtle for the peers, JSON Lines for careerkg, the "
        "same people.",
        *(["", f"Note: {saved_note}"] if saved_note else []),
        "",
        f"| N | (a) naive owlrl closure | (b) reasonable, whole graph | (c) careerkg, {args.jobs} jobs | "
        "careerkg, 1 job | eligible pairs | identical answers |",
        "| ---: | --- | --- | --- | --- | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {fmt_cell(r.get('naive'))} | {fmt_cell(r.get('reasonable'))} | "
            f"{fmt_cell(r['careerkg'])} | {fmt_cell(r.get('careerkg-1job')) if r.get('careerkg-1job') else '-'} | "
            f"{r['eligible']:,} | {'yes' if r['identical'] else 'NO'} ({', '.join(r['compared'])}) |"  # type: ignore[arg-type]
        )
    lines += ["", "## Targets", "", "| Target | Measured | Met |", "| --- | --- | --- |"]

    def ratio(n: int, slow_key: str, fast_key: str) -> float | None:
        r = by_n.get(n)
        if not r or not isinstance(r.get(slow_key), tuple) or not isinstance(r.get(fast_key), tuple):
            return None
        return r[slow_key][0] / r[fast_key][0]  # type: ignore[index]

    def target(text: str, value: float | None, goal: float, higher: bool = True, unit: str = "×") -> None:
        if value is None:
            lines.append(f"| {text} | not measured | - |")
            return
        met = value >= goal if higher else value <= goal
        lines.append(f"| {text} | {value:.2f}{unit} | {'yes' if met else 'NO'} |")

    target("careerkg ≥ 50× faster than the naive closure at 10k", ratio(10_000, "naive", "careerkg"), 50)
    target("careerkg ≥ 3× faster than reasonable over the whole graph at 100k",
           ratio(100_000, "reasonable", "careerkg"), 3)  # fmt: skip
    target("one profile through the CLI ≤ 2× `python -c \"import rdflib, click\"` "
           f"({startup[0]:.3f} s vs {baseline[0]:.3f} s)", startup[0] / baseline[0], 2, higher=False)  # fmt: skip
    mem = None
    memory_key = "careerkg-1job" if by_n.get(1_000_000, {}).get("careerkg-1job") else "careerkg"
    if by_n.get(1_000_000) and by_n.get(100_000) and by_n[100_000].get(memory_key):
        mem = by_n[1_000_000][memory_key][1] / by_n[100_000][memory_key][1]  # type: ignore[index]
    target("peak memory for 1M JSONL profiles ≤ 1.3× that for 100k (1 job: the whole process)", mem, 1.3, higher=False)
    throughput = None
    biggest = max((n for n in by_n if by_n[n].get("careerkg-1job")), default=None)
    if biggest:
        throughput = by_n[biggest]["careerkg-1job"][0] / by_n[biggest]["careerkg"][0]  # type: ignore[index]
    target(f"≥ 1.7× throughput from 1 to {args.jobs} jobs (at {biggest or 0:,})", throughput, 1.7)
    lines.append("")
    # Sections written by other benchmark scripts (benchmarks/load.py) are kept.
    kept = ""
    if args.results.exists():
        old = args.results.read_text(encoding="utf-8")
        if SECTIONS_MARKER in old:
            kept = old[old.index(SECTIONS_MARKER) :]
    args.results.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")
    print(args.results)


if __name__ == "__main__":
    main()

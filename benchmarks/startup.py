"""Start-up: what a command costs when its answer is already at hand, against `python -c "import rdflib, click"`.

    python -m benchmarks.startup                 # from the repository root; writes its section of RESULTS.md

The baseline is the cheapest a careerkg command could be: the interpreter with the two libraries every
command's machinery rests on. Each measured command and the baseline run alternately (so that a busy
machine slows both alike), each in a fresh process; a figure is the median wall time of --runs runs, and
the ratio compares the medians. The prepared-knowledge cache is warm, as it is after a first run.

Measured:
- ``eligible --store S`` on a store already filled, with no PROFILE: every profile the store holds, answered
  inside it (the knowledge's OWL 2 RL closure must not be computed again: the target is 2× the baseline);
- ``eligible --store S`` on a new store (what filling it costs, for comparison);
- ``eligible examples/ada.json``: one profile end to end, in memory.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import write_section

START, END = "<!-- startup:start -->", "<!-- startup:end -->"


def _careerkg() -> str:
    found = Path(sys.executable).with_name("careerkg")
    return str(found) if found.exists() else shutil.which("careerkg") or "careerkg"


def _time(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (the median is kept)")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/RESULTS.md"))
    args = parser.parse_args()
    exe = _careerkg()
    baseline = [sys.executable, "-c", "import rdflib, click"]
    examples = Path("examples").resolve()
    with tempfile.TemporaryDirectory(prefix="careerkg-startup-") as folder:
        work = Path(folder)
        subprocess.run([exe, "eligible", str(examples / "ada.json")], check=True, stdout=subprocess.DEVNULL)  # cache
        filled = [exe, "eligible", "--store", "filled", "--format", "jsonl"]
        subprocess.run([*filled, str(examples / "team.jsonl")], cwd=work, check=True, stdout=subprocess.DEVNULL)
        commands = {
            "eligible --store S (filled store, no PROFILE)": filled,
            "eligible examples/ada.json (one profile, in memory)": [exe, "eligible", str(examples / "ada.json")],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        times["baseline"] = []
        fresh: list[float] = []
        for run in range(args.runs):
            times["baseline"].append(_time(baseline, work))
            for name, command in commands.items():
                times[name].append(_time(command, work))
            if run < 5:  # filling a store is slow: a few runs tell its cost
                fresh.append(_time([*filled[:3], f"new-{run}", "--format", "jsonl"], work))
    base = statistics.median(times["baseline"])
    rows = [(name, statistics.median(values)) for name, values in times.items() if name != "baseline"]
    rows.append(("eligible --store S (a new store: filled first)", statistics.median(fresh)))
    store_ratio = rows[0][1] / base
    import careerkg

    lines = [
        START,
        "## Start-up",
        "",
        f"Command: `python -m benchmarks.startup --runs {args.runs}` (run on {time.strftime('%Y-%m-%d')}; careerkg "
        f"{careerkg.__version__}, Python {platform.python_version()}). Medians of {args.runs} runs, each in a fresh "
        "process, the commands and the baseline alternating; prepared-knowledge cache warm.",
        "",
        "| command | median | × baseline |",
        "| --- | ---: | ---: |",
        f'| baseline: `python -c "import rdflib, click"` | {base:.3f} s | 1.00× |',
    ]
    lines += [f"| `careerkg {name}` | {value:.3f} s | {value / base:.2f}× |" for name, value in rows]
    met = "met" if store_ratio <= 2 else "NOT met"
    lines += [
        "",
        f"Target: `eligible --store S` on a filled store ≤ 2× the baseline: {store_ratio:.2f}×, {met}.",
        END,
        "",
    ]
    write_section(args.results, START, END, "\n".join(lines))
    measured = {"baseline": base, "rows": dict(rows), "runs": args.runs, "storeRatio": store_ratio}
    args.results.with_name("STARTUP.json").write_text(json.dumps(measured, indent=1) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

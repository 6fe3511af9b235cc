"""Eligibility inside real SPARQL servers: N profiles pushed to Oxigraph and to Virtuoso and answered there by
`careerkg eligible --endpoint`, against the same profiles answered in memory, in one run.

    python -m benchmarks.endpoints                                  # from the repository root: 100,000 profiles
    python -m benchmarks.endpoints --profiles 10000,30000,100000    # how it grows
    python -m benchmarks.endpoints --profiles 2000 --results /tmp/r.md      # a quick look

Baseline: ``careerkg eligible --format jsonl PROFILES`` (in memory, its default --jobs: every core), and for
reference the same with ``--jobs 1``; the baseline is measured again after the servers, to show how much the
machine drifted in the meantime. For each server, a fresh one with a scratch database
(benchmarks/servers.py: loopback, the server's default limits, so Virtuoso cuts every answer at 10,000 rows
and careerkg pages): ``careerkg push`` of the profiles (Virtuoso: its graph-CRUD endpoint with --graph, as
the README's recipe does), then ``careerkg eligible --endpoint URL [--graph IRI] --format jsonl``.

Every command runs in a fresh process. Measured: wall time; careerkg's peak RSS (the kernel's ru_maxrss, which
is that of the largest process of its tree, and the peak of the sum over the tree, sampled every --interval
s); careerkg's CPU seconds (user + system, its children included); the server's peak RSS during the
command (its VmHWM, reset just before by /proc/PID/clear_refs; else the sampled peak) and the server's CPU
seconds in that time, which say whose work the wall time was; and the CPU seconds the rest of the machine
used meanwhile (others' work on the same cores, which inflates wall times). Ratios are against the baseline
of the same size. The answers are compared per profile, as parsed JSON objects (roles, transitions, scores,
labels): they must be equal. A command still going after --kill-after seconds is stopped (what it used until
then is kept), and a server stopped at one size is not asked at larger ones.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.generate import generate
from benchmarks.run import machine, write_section
from benchmarks.servers import RunningServer, VirtuosoServer, find_oxigraph, find_virtuoso, start_oxigraph

START, END = "<!-- endpoints:start -->", "<!-- endpoints:end -->"
GRAPH = "https://example.org/benchmark-profiles"
BASELINE = "local, default jobs"
MIB = 1024 * 1024


# -- what the kernel says about a process ---------------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int | None:
    """A ``kB`` field of /proc/PID/status (VmRSS, VmHWM), or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    todo.extend(int(child) for child in children.read().split())
            except OSError:
                pass
    return found


def _tree_rss_kib(pid: int) -> int:
    return sum(_status_kib(p, "VmRSS") or 0 for p in _descendants(pid))


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a live process has used (/proc/PID/stat), its threads included."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat: all but idle and iowait)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _reset_peak(pid: int) -> bool:
    """Reset a process's VmHWM to its current RSS (Linux 4.0+, a process of our own); whether it worked."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


# -- measuring one command ------------------------------------------------------------------------------------


def measure(
    command: list[str], out: Path | None, server: int | None, limit: float, interval: float, may_fail: bool = False
) -> dict[str, Any]:
    """Run ``command`` (standard output to ``out``) while ``server`` (a pid) serves it; what it cost. A command
    still going after ``limit`` seconds is killed: then ``stopped`` is the limit, and the rest is what it
    used until then. A command that fails raises, unless ``may_fail``: then ``failed`` says how."""
    exact = server is not None and _reset_peak(server)
    server_cpu = _cpu_seconds(server) if server is not None else None
    peaks = {"tree": 0, "server": 0}
    busy, own = _machine_busy_seconds(), time.process_time()
    start = time.perf_counter()
    with open(out or os.devnull, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peaks["tree"] = max(peaks["tree"], _tree_rss_kib(process.pid))
                if server is not None:
                    peaks["server"] = max(peaks["server"], _status_kib(server, "VmRSS") or 0)
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stopped = False
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - start > limit:  # stopped: what it used until then is kept
                    process.kill()
                    _, status, usage = os.wait4(process.pid, 0)
                    stopped = True
                    break
                time.sleep(0.01)
        except BaseException:  # the driver interrupted: the command goes too
            process.kill()
            os.wait4(process.pid, 0)
            raise
        finally:
            done.set()
            sampler.join()
        elapsed = time.perf_counter() - start
        busy, own = _machine_busy_seconds() - busy, time.process_time() - own
        process.returncode = code = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    failed = None
    if code != 0 and not stopped:
        failed = f"exit code {code}: " + " ".join(errors.strip().splitlines()[-1:])[:500]
        if not may_fail:
            raise RuntimeError(f"{' '.join(command)} failed ({code}): {errors[-3000:]}")
    result: dict[str, Any] = {
        "seconds": elapsed,
        "maxrssMiB": usage.ru_maxrss / 1024,
        "treeMiB": max(peaks["tree"] / 1024, usage.ru_maxrss / 1024),  # a sample may miss a short peak
        "cpuSeconds": usage.ru_utime + usage.ru_stime,
        "serverMiB": None,
        "serverCpuSeconds": None,
        "otherCpuSeconds": None,
        "stopped": limit if stopped else None,
        "failed": failed,
    }
    if server is not None:
        hwm = _status_kib(server, "VmHWM") if exact else None
        result["serverMiB"] = (hwm if hwm is not None else peaks["server"]) / 1024
        after = _cpu_seconds(server)
        result["serverCpuSeconds"] = after - server_cpu if after is not None and server_cpu is not None else None
    # what the rest of the machine (other users' work) took meanwhile: a sign of contention for the cores
    theirs = busy - own - (result["cpuSeconds"] or 0.0) - (result["serverCpuSeconds"] or 0.0)
    result["otherCpuSeconds"] = max(0.0, theirs)
    return result


def measure_runs(
    command: list[str], out: Path | None, server: int | None, args: argparse.Namespace, may_fail: bool = False
) -> dict[str, Any]:
    """The median wall and CPU time of --runs runs, the highest memory (one run if it is stopped or fails)."""
    runs = [measure(command, out, server, args.kill_after, args.interval, may_fail)]
    while len(runs) < args.runs and not runs[-1]["stopped"] and not runs[-1]["failed"]:
        runs.append(measure(command, out, server, args.kill_after, args.interval, may_fail))
    merged: dict[str, Any] = {}
    for key in runs[0]:
        values = [r[key] for r in runs if r[key] is not None]
        if not values or key in ("stopped", "failed"):
            merged[key] = values[-1] if values else None
        elif key.endswith("MiB"):
            merged[key] = max(values)
        else:
            merged[key] = statistics.median(values)
    return merged


# -- comparing answers ----------------------------------------------------------------------------------------


def answers(path: Path) -> tuple[dict[str, str], int]:
    """Each profile's answer (a digest of the parsed JSON object, keys sorted) and the eligible pairs in all.
    Digests only: the driver stays small, so its size never shows in a measured process."""
    digests: dict[str, str] = {}
    pairs = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            answer = json.loads(line)
            pairs += len(answer["eligible"])
            canonical = json.dumps(answer, sort_keys=True, ensure_ascii=False).encode()
            digests[answer["profile"]] = hashlib.sha256(canonical).hexdigest()
    return digests, pairs


def compare(baseline: dict[str, str], other: dict[str, str]) -> dict[str, Any]:
    differing = sorted(p for p in baseline.keys() & other.keys() if baseline[p] != other[p])
    missing, extra = sorted(baseline.keys() - other.keys()), sorted(other.keys() - baseline.keys())
    return {
        "equal": not (differing or missing or extra),
        "profiles": len(other),
        "differing": len(differing),
        "missing": len(missing),
        "extra": len(extra),
        "examples": (differing + missing + extra)[:5],
    }


# -- the servers ----------------------------------------------------------------------------------------------


@contextmanager
def oxigraph(scratch: Path) -> Iterator[tuple[RunningServer, list[str], list[str]]]:
    """A fresh Oxigraph server: (server, push arguments, eligible arguments)."""
    server = start_oxigraph(scratch / "oxigraph")
    try:
        yield server, ["--endpoint", f"{server.base}/store"], ["--endpoint", f"{server.base}/query"]
    finally:
        server.stop()


@contextmanager
def virtuoso(scratch: Path) -> Iterator[tuple[RunningServer, list[str], list[str]]]:
    """A fresh Virtuoso server with the README's grant; the profiles in a named graph."""
    server = VirtuosoServer(scratch / "virtuoso")
    graph = ["--graph", GRAPH]
    try:
        yield server, ["--endpoint", f"{server.base}/sparql-graph-crud", *graph], [
            "--endpoint", f"{server.base}/sparql", *graph,
        ]  # fmt: skip
    finally:
        server.stop()


SERVERS: dict[str, Callable[[Path], Any]] = {"Oxigraph": oxigraph, "Virtuoso": virtuoso}


def _disk_mib(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / MIB


def _version(command: list[str], name: str) -> str:
    """``name`` and the first version number the command prints (``oxigraph 0.5.13``, ``Virtuoso 7.2.5``)."""
    import re

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return f"{name} (unknown version)"
    found = re.search(r"\d+\.\d+[\d.]*", done.stdout + done.stderr)
    return f"{name} {found.group(0) if found else '(unknown version)'}"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--profiles",
        default="100000",
        help="profiles generated and answered; several sizes "
        "comma-separated (a server stopped at one size is not asked at larger ones)",
    )
    parser.add_argument("--servers", default="Oxigraph,Virtuoso", help="comma-separated: Oxigraph, Virtuoso")
    parser.add_argument("--runs", type=int, default=1, help="runs of each eligible command (median time)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between memory samples")
    parser.add_argument("--kill-after", type=float, default=2400.0, help="seconds; a command still going is stopped")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=Path("benchmarks/data"))
    parser.add_argument("--results", type=Path, default=Path("benchmarks/RESULTS.md"))
    parser.add_argument("--note", default="", help="a remark put into the report (and the JSON)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the section from the saved JSON")
    parser.add_argument("--breakdown", nargs=3, metavar=("URL", "PID", "GRAPH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.breakdown:
        url, pid, graph = args.breakdown
        print(json.dumps(breakdown(url, graph or None, int(pid))))
        return
    sizes = [int(s) for s in str(args.profiles).split(",")]
    saved_json = args.results.with_name("ENDPOINTS.json")
    if args.report_only:
        saved = json.loads(saved_json.read_text(encoding="utf-8"))
        saved["note"] = args.note or saved.get("note", "")
        saved_json.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
        write(args.results, saved)
        return

    exe = str(Path(sys.executable).with_name("careerkg"))
    subprocess.run([exe, "roles"], stdout=subprocess.DEVNULL, check=True)  # the prepared knowledge cached
    rows: list[dict[str, Any]] = []
    pairs: dict[int, int] = {}
    stopped: dict[str, tuple[int, str]] = {}  # server -> (size, step) it was stopped at: skipped at larger sizes
    for n in sizes:
        _, profiles = generate(n, args.seed, args.data)
        with tempfile.TemporaryDirectory(prefix="careerkg-endpoints-") as folder:
            pairs[n] = one_size(args, exe, n, profiles, Path(folder), rows, stopped)
    import careerkg

    versions = {
        "careerkg": careerkg.__version__,
        "oxigraph": _version([find_oxigraph() or "oxigraph", "--version"], "Oxigraph"),
        "virtuoso": _version([(find_virtuoso() or ("virtuoso-t", ""))[0], "-?"], "Virtuoso"),
    }
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "kg", "cli"],
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    saved = {
        "args": {"profiles": args.profiles, "servers": args.servers, "runs": args.runs, "interval": args.interval,
                 "kill_after": args.kill_after, "seed": args.seed},
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "versions": versions,
        "commit": commit + (" (with uncommitted changes in kg/ or cli/)" if dirty else ""),
        "baseline": BASELINE,
        "eligiblePairs": {str(n): p for n, p in pairs.items()},
        "rows": rows,
        "note": args.note,
    }  # fmt: skip
    args.results.parent.mkdir(parents=True, exist_ok=True)
    saved_json.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    write(args.results, saved)
    print(args.results)


#: The batch the breakdown times: the profiles after this key (halfway through benchmarks/generate.py's IRIs).
MIDDLE = "https://example.org/people/p5"


def breakdown(url: str, graph: str | None, server: int) -> dict[str, dict[str, float]]:
    """One round of the queries `eligible --endpoint` asks per batch of profiles (careerkg's own texts), for the
    batch halfway through: each query's wall seconds, the server's CPU seconds and the answer's size. Run in
    a process of its own (``--breakdown``), so that the driver never holds careerkg."""
    from careerkg.eligibility import _PROFILE_STATEMENTS, _PROFILES_AFTER, BATCH, for_profiles
    from careerkg.knowledge import bundled
    from careerkg.sparql.endpoint import SparqlEndpoint
    from rdflib import Literal, URIRef

    endpoint = SparqlEndpoint(url, graph)
    timings: dict[str, dict[str, float]] = {}

    def timed(kind: str, query: str) -> list[dict[str, Any]]:
        cpu, start = _cpu_seconds(server) or 0.0, time.perf_counter()
        rows = endpoint.select(query)
        took, used = time.perf_counter() - start, (_cpu_seconds(server) or 0.0) - cpu
        timings[kind] = {"seconds": took, "serverCpuSeconds": used, "rows": len(rows)}
        return rows

    listed = timed("listing the batch", _PROFILES_AFTER.format(after=Literal(MIDDLE).n3(), limit=BATCH))
    batch = [p for row in listed if isinstance(p := row.get("profile"), URIRef)]
    timed("statements of its profiles", for_profiles(_PROFILE_STATEMENTS, batch))
    timed("eligible", for_profiles(bundled.query_text("eligible"), batch))
    timed("met requirements", for_profiles(bundled.query_text("met-requirements"), batch))
    return timings


def _wait_idle(server: int, limit: float = 300.0) -> None:
    """Until the server stops working (a stopped command's last query may still run there), or ``limit`` s."""
    deadline = time.monotonic() + limit
    last = _cpu_seconds(server) or 0.0
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _cpu_seconds(server) or 0.0
        if now - last < 0.05:
            return
        last = now


def _breakdown_in_child(eligible_args: list[str], server: int) -> dict[str, Any]:
    _wait_idle(server)
    url = eligible_args[eligible_args.index("--endpoint") + 1]
    graph = eligible_args[eligible_args.index("--graph") + 1] if "--graph" in eligible_args else ""
    done = subprocess.run([sys.executable, "-m", "benchmarks.endpoints", "--breakdown", url, str(server), graph],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        return {"failed": " ".join(done.stderr.strip().splitlines()[-1:])[:500]}
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def one_size(
    args: argparse.Namespace,
    exe: str,
    n: int,
    profiles: Path,
    work: Path,
    rows: list[dict[str, Any]],
    stopped: dict[str, tuple[int, str]],
) -> int:
    """Measure every command at one size (rows appended); the eligible pairs of the baseline's answers."""
    outputs: dict[str, Path] = {}
    first = len(rows)

    def local(name: str, *extra: str) -> None:
        out = outputs[name] = work / f"{len(outputs)}.jsonl"
        command = [exe, "eligible", *extra, "--format", "jsonl", str(profiles)]
        rows.append({"n": n, "name": name, "step": "eligible", "command": _shown(command),
                     **measure_runs(command, out, None, args)})  # fmt: skip
        log(f"{n} {name}: {rows[-1]}")

    local(BASELINE)
    local("local, --jobs 1", "--jobs", "1")
    for name in args.servers.split(","):
        if stopped.get(name, (0, ""))[1] == "push":  # it could not even be loaded at a smaller size
            for step in ("push", "eligible"):
                rows.append({"n": n, "name": name, "step": step,
                             "skipped": f"push stopped or failed at {stopped[name][0]:,}"})  # fmt: skip
            continue
        scratch = work / name
        scratch.mkdir()
        with SERVERS[name](scratch) as (server, push_args, eligible_args):
            push = [exe, "push", *push_args, str(profiles)]
            row: dict[str, Any] = {"n": n, "name": name, "step": "push", "command": _shown(push, server)}
            row.update(measure(push, None, server.pid, args.kill_after, args.interval, may_fail=True))
            row["serverRssAfterMiB"] = (_status_kib(server.pid, "VmRSS") or 0) / 1024
            row["diskMiB"] = _disk_mib(scratch)
            rows.append(row)
            log(f"{n} {name} push: {row}")
            if row["stopped"] or row["failed"]:
                stopped[name] = (n, "push")
            eligible = [exe, "eligible", *eligible_args, "--format", "jsonl"]
            row = {"n": n, "name": name, "step": "eligible", "command": _shown(eligible, server)}
            if name in stopped:
                row["skipped"] = f"{stopped[name][1]} stopped or failed at {stopped[name][0]:,}"
            else:
                out = outputs[name] = work / f"{len(outputs)}.jsonl"
                row.update(measure_runs(eligible, out, server.pid, args, may_fail=True))
                if row["stopped"] or row["failed"]:
                    stopped[name] = (n, "eligible")
                    outputs.pop(name)
            if not (name in stopped and stopped[name][1] == "push"):
                row["breakdown"] = _breakdown_in_child(eligible_args, server.pid)
            rows.append(row)
            log(f"{n} {name} eligible: {row}")
    local(f"{BASELINE}, again after the servers")  # how much the machine drifted during the run

    baseline, pairs = answers(outputs[BASELINE])
    for row in rows[first:]:
        if row["step"] == "eligible" and row["name"] in outputs and row["name"] != BASELINE:
            theirs, their_pairs = answers(outputs[row["name"]])
            row["compared"] = {**compare(baseline, theirs), "eligiblePairs": their_pairs}
            log(f"{n} {row['name']} compared: {row['compared']}")
    return pairs


def _shown(command: list[str], server: RunningServer | None = None) -> str:
    """The command as a reader would type it: `careerkg` by name, the server's port as PORT."""
    text = " ".join(["careerkg", *command[1:]])
    return text.replace(f":{server.port}/", ":PORT/") if server else text


def _wall(row: dict[str, Any]) -> str:
    if row.get("failed"):
        return f"failed after {row['seconds']:,.1f} s ({row['failed']})"
    if row.get("stopped"):
        return f"stopped at {row['stopped']:g} s"
    return f"{row['seconds']:,.1f} s"


def write(results: Path, saved: dict[str, Any]) -> None:
    args = saved["args"]
    rows: list[dict[str, Any]] = saved["rows"]
    sizes = sorted({int(r["n"]) for r in rows})
    bases = {n: next(r for r in rows if r["n"] == n and r["name"] == saved["baseline"]) for n in sizes}

    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:,.1f} s"

    def mib(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f} MiB"

    def ratio(value: float | None, against: float | None) -> str:
        return "-" if value is None or not against else f"{value / against:.2f}×"

    def equal(row: dict[str, Any]) -> str:
        found = row.get("compared")
        if row is bases[row["n"]]:
            return f"(the reference: {saved['eligiblePairs'][str(row['n'])]:,} eligible pairs)"
        if not found:
            return "-"
        if found["equal"]:
            return f"yes ({found['profiles']:,} profiles, {found['eligiblePairs']:,} eligible pairs)"
        return (f"NO: {found['differing']:,} differ, {found['missing']:,} missing, {found['extra']:,} extra "
                f"(e.g. {', '.join(found['examples'][:2])})")  # fmt: skip

    lines = [
        START,
        "## Eligibility inside SPARQL servers",
        "",
        f"Command: `python -m benchmarks.endpoints --profiles {args['profiles']} --servers {args['servers']} "
        f"--runs {args['runs']} --interval {args['interval']:g} --kill-after {args['kill_after']:g}` (run on "
        f"{saved['date']}, commit {saved['commit']}; careerkg {saved['versions']['careerkg']}, "
        f"{saved['versions']['oxigraph']}, {saved['versions']['virtuoso']}).",
        "",
        f"Machine: {saved['machine']}.",
        "",
        f"Profiles from `benchmarks/generate.py` (seed {args['seed']}, JSON Lines). Baseline, in the same run and "
        "at each size: the same profiles answered in memory, `careerkg eligible --format jsonl PROFILES` (its "
        "default --jobs, every core), measured first and again at the end of the size (the drift of the "
        "machine). Each server is fresh, on loopback with a scratch database and its default limits (Virtuoso "
        "cuts every answer at 10,000 rows, so careerkg pages); the profiles are pushed with `careerkg push` (to "
        "Virtuoso by its graph-CRUD endpoint into a named graph), then answered by `careerkg eligible --endpoint "
        "URL [--graph IRI] --format jsonl`, the same output format as the baseline. Every command runs in a "
        f"fresh process, stopped after {args['kill_after']:g} s. careerkg's memory is the kernel's peak RSS "
        "(ru_maxrss: the largest single process of the command) and, after the slash, the peak of the sum over "
        f"its process tree sampled every {args['interval']:g} s; the server's is its VmHWM during the command "
        "(reset just before it). CPU seconds say whose work the wall time was; others' CPU is what the rest of "
        "the machine used meanwhile (other people's work on the same cores: wall times are inflated by it, CPU "
        "seconds much less). Answers are compared with the baseline's per profile, as parsed JSON objects "
        "(roles, transitions, labels and scores).",
        "",
        "| N | eligible | wall time | × local | careerkg peak RSS | × local | careerkg CPU | server peak RSS "
        "| server CPU | others' CPU | answers equal to local |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in (r for r in rows if r["step"] == "eligible"):
        base = bases[r["n"]]
        if r.get("skipped"):
            lines.append(f"| {r['n']:,} | {r['name']} | skipped ({r['skipped']}) | - | - | - | - | - | - | - | - |")
            continue
        wall = _wall(r)
        lines.append(
            f"| {r['n']:,} | {r['name']}{' (baseline)' if r is base else ''} | {wall} | "
            f"{'over ' if r.get('stopped') else ''}{ratio(r['seconds'], base['seconds'])} | "
            f"{mib(r['maxrssMiB'])} / {mib(r['treeMiB'])} | "
            f"{ratio(r['maxrssMiB'], base['maxrssMiB'])} / {ratio(r['treeMiB'], base['treeMiB'])} | "
            f"{seconds(r['cpuSeconds'])} | {mib(r['serverMiB'])} | {seconds(r['serverCpuSeconds'])} | "
            f"{seconds(r.get('otherCpuSeconds'))} | {equal(r)} |"
        )
    pushes = [r for r in rows if r["step"] == "push"]
    if pushes:
        lines += [
            "",
            "| N | push | wall time | × local eligible | careerkg peak RSS | careerkg CPU | server peak RSS "
            "| server CPU | others' CPU | server RSS after | on disk |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in pushes:
            if r.get("skipped"):
                lines.append(f"| {r['n']:,} | {r['name']} | skipped ({r['skipped']}) | - | - | - | - | - | - | - | - |")
                continue
            wall = _wall(r)
            lines.append(
                f"| {r['n']:,} | {r['name']} | {wall} | {ratio(r['seconds'], bases[r['n']]['seconds'])} | "
                f"{mib(r['maxrssMiB'])} / {mib(r['treeMiB'])} | {seconds(r['cpuSeconds'])} | {mib(r['serverMiB'])} | "
                f"{seconds(r['serverCpuSeconds'])} | {seconds(r.get('otherCpuSeconds'))} | "
                f"{mib(r['serverRssAfterMiB'])} | {mib(r['diskMiB'])} |"
            )
    timed = [r for r in rows if r.get("breakdown") and "failed" not in r["breakdown"]]
    if timed:
        kinds = list(timed[0]["breakdown"])
        lines += [
            "",
            "Where the time goes: `careerkg eligible --endpoint` lists the profiles a batch of 500 at a time (by "
            "key, after the last one), then asks for their statements, their eligible moves and the requirements "
            "they meet. One such round, for a batch in the middle of the order, timed alone after the run (wall "
            "seconds, and the server's CPU seconds in brackets):",
            "",
            "| N | server | " + " | ".join(kinds) + " | a round | rounds |",
            "| ---: | --- |" + " ---: |" * (len(kinds) + 2),
        ]
        for r in timed:
            parts = r["breakdown"]
            total = sum(parts[k]["seconds"] for k in kinds)
            lines.append(
                f"| {r['n']:,} | {r['name']} | "
                + " | ".join(f"{parts[k]['seconds']:.2f} s ({parts[k]['serverCpuSeconds']:.2f} s)" for k in kinds)
                + f" | {total:.2f} s | {-(-r['n'] // 500):,} |"
            )
    for r in (r for r in rows if r.get("breakdown") and "failed" in r["breakdown"]):
        lines += ["", f"The round timed alone at {r['n']:,} in {r['name']} failed: {r['breakdown']['failed']}"]
    shown = {(r["name"], r["step"]): r["command"] for r in rows if "command" in r}  # the last size's
    lines += ["", f"Commands, as run at {sizes[-1]:,} (PORT: the server's free port):", ""]
    lines += [f"- {name}, {step}: `{command}`" for (name, step), command in shown.items()]
    if saved.get("note"):
        lines += ["", saved["note"]]
    lines += ["", END, ""]
    write_section(results, START, END, "\n".join(lines))


if __name__ == "__main__":
    main()

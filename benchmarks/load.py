"""A bounded load test of `careerkg serve`, on loopback only: concurrent clients for a fixed time.

    python -m benchmarks.load                        # from the repository root; about a minute
    python -m benchmarks.load --seconds 5 --clients 4 --results /tmp/r.md      # a quick look

The script starts `careerkg serve` on a free loopback port with the examples' team loaded, then runs
--clients threads for --seconds against each of three mixes: SPARQL SELECT queries on /sparql, POST
/eligible with one profile, and both at once. Every answer is checked (status 200 and the expected content):
any other outcome counts as an error. It records throughput and the 50th and 99th percentile latency, stops
the server, and writes a section of benchmarks/RESULTS.md (the rest of the file is kept). It never stops
on its own later than --seconds per mix plus the server's start-up.

Baseline: the same /sparql query mix sent straight to Oxigraph's own server (`oxigraph serve`, PyPI package
oxigraph) holding the same data, when that command is installed: the ratio shows what careerkg's checks,
time limit and worker processes cost over a bare SPARQL server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.run import write_section

CK = "https://w3id.org/careerkg#"
QUERIES = [
    f"SELECT ?role ?label WHERE {{ ?role a <{CK}Role> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
    f"SELECT ?p ?role WHERE {{ ?p <{CK}eligibleFor> ?role }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ ?t a <{CK}Transition> ; <{CK}fromRole> <{CK}ProductManager> }}",
]
START = "<!-- load:start -->"
END = "<!-- load:end -->"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_up(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{url} did not answer within {timeout} s")


@dataclass
class Mix:
    name: str
    requests: list[Callable[[], bool]]
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    #: what went wrong, by kind (an HTTP status or an exception's name), for the report
    problems: dict[str, int] = field(default_factory=dict)


def sparql_request(base: str, query: str, expect: str) -> Callable[[], bool]:
    data = urllib.parse.urlencode({"query": query}).encode()

    def send() -> bool:
        request = urllib.request.Request(
            base, data=data, headers={"Accept": "application/sparql-results+json",
                                      "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status == 200 and expect in body.decode("utf-8")

    return send


def eligible_request(base: str, profile: bytes, expect: str) -> Callable[[], bool]:
    def send() -> bool:
        request = urllib.request.Request(base + "/eligible", data=profile, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200 and expect in response.read().decode("utf-8")

    return send


def run_mix(mix: Mix, clients: int, seconds: float) -> None:
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < stop:
            send = mix.requests[i % len(mix.requests)]
            i += 1
            began = time.perf_counter()
            problem = None
            try:
                if not send():
                    problem = "unexpected content"
            except urllib.error.HTTPError as error:
                problem = f"HTTP {error.code}: {error.read()[:120].decode('utf-8', 'replace').strip()}"
            except OSError as error:
                problem = type(error).__name__
            took = time.perf_counter() - began
            with lock:
                mix.latencies.append(took)
                if problem:
                    mix.errors += 1
                    mix.problems[problem] = mix.problems.get(problem, 0) + 1

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mix.seconds = time.monotonic() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(mix: Mix) -> dict[str, float | int | str]:
    return {
        "mix": mix.name,
        "requests": len(mix.latencies),
        "errors": mix.errors,
        "throughput": len(mix.latencies) / mix.seconds,
        "p50_ms": 1000 * statistics.median(mix.latencies),
        "p99_ms": 1000 * percentile(mix.latencies, 99),
        "problems": json.dumps(mix.problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each mix")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="careerkg serve --workers")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/RESULTS.md"))
    args = parser.parse_args()

    exe = shutil.which("careerkg") or str(Path(sys.executable).with_name("careerkg"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--profiles", "examples/team.jsonl", "--workers", str(args.workers),
         "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    results = []
    baseline: dict[str, float | int | str] | None = None
    try:
        wait_up(base + "/health", server)
        profile = Path("examples/ada.json").read_bytes()
        sparql = [sparql_request(base + "/sparql", q, '"bindings"') for q in QUERIES]
        eligible = [eligible_request(base, profile, f"{CK}ITManager")]
        for mix in (Mix("/sparql (3 SELECT queries in turn)", sparql), Mix("/eligible (one JSON profile)", eligible),
                    Mix("/sparql and /eligible together", sparql + eligible)):  # fmt: skip
            run_mix(mix, args.clients, args.seconds)
            results.append(summary(mix))
            print(results[-1], flush=True)
        baseline = oxigraph_baseline(base, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(30)
    write(args, results, baseline)


def oxigraph_baseline(careerkg: str, clients: int, seconds: float) -> dict[str, float | int | str] | None:
    """The /sparql mix against Oxigraph's own server, holding what careerkg's server holds."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        return None
    dump = urllib.request.Request(
        careerkg + "/sparql",
        data=urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }"}).encode(),
        headers={"Accept": "application/n-triples", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(dump, timeout=60) as response:
        data = response.read()
    port = free_port()
    with tempfile.TemporaryDirectory() as location:
        server = subprocess.Popen(
            [exe, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_up(base + "/query?query=ASK%7B%7D", server)
            load = urllib.request.Request(
                base + "/store?default", data=data, headers={"Content-Type": "application/n-triples"}
            )
            urllib.request.urlopen(load, timeout=60).close()
            mix = Mix(
                "baseline: the /sparql mix on `oxigraph serve`",
                [sparql_request(base + "/query", q, '"bindings"') for q in QUERIES],
            )
            run_mix(mix, clients, seconds)
            print(summary(mix), flush=True)
            return summary(mix)
        finally:
            server.terminate()
            server.wait(30)


def write(
    args: argparse.Namespace, results: list[dict[str, float | int | str]], baseline: dict[str, float | int | str] | None
) -> None:
    import careerkg

    lines = [
        START,
        "## Serving: bounded load test",
        "",
        f"Command: `python -m benchmarks.load --seconds {args.seconds:g} --clients {args.clients} "
        f"--workers {args.workers}` "
        f"(run on {time.strftime('%Y-%m-%d')}; careerkg {careerkg.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores). `careerkg serve` on loopback with examples/team.jsonl loaded; {args.clients} client "
        f"threads for {args.seconds:g} s per mix, each answer checked (status and content).",
        "",
        "| mix | requests | errors | throughput | p50 | p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = results + ([baseline] if baseline else [])
    for r in rows:
        lines.append(
            f"| {r['mix']} | {r['requests']:,} | {r['errors']} | {float(r['throughput']):,.0f}/s | "
            f"{float(r['p50_ms']):.1f} ms | {float(r['p99_ms']):.1f} ms |"
        )
    if baseline:
        ratio = float(results[0]["throughput"]) / float(baseline["throughput"])
        lines += [
            "",
            f"careerkg's /sparql throughput is {ratio:.2f}× that of `oxigraph serve` on the same queries and data "
            "(the price of rdflib's check of every query and the hand-off to a worker process that can be stopped). "
            "The clients run on the same cores as the server, so these are lower bounds.",
        ]
    lines += ["", f"Errors in all: {sum(int(r['errors']) for r in rows)}.", END, ""]
    write_section(args.results, START, END, "\n".join(lines))
    (args.results.with_name("LOAD.json")).write_text(
        json.dumps({"results": results, "baseline": baseline}, indent=1), encoding="utf-8"
    )
    print(args.results)


if __name__ == "__main__":
    main()

"""Scale of knowledge: a generated knowledge pack the size of a fraction of ESCO, against the article alone.

    python -m benchmarks.knowledge                          # from the repository root; writes its section of RESULTS.md
    python -m benchmarks.knowledge --fractions 0.001,0.01   # a quick look

ESCO has about 3,000 occupations and 14,000 skills; a framework of that size with 30,000 moves is the target
(prepared in under a minute, then cached; batch eligibility within 2x the throughput with the article's
knowledge alone). For each fraction of that size the pack is generated (seeded: the same pack every time),
then measured in fresh processes, each timing the best of --repeat runs:

- preparing: ``careerkg --knowledge PACK roles`` with an empty cache (the pack is read, checked, compiled),
  stopped after --limit seconds;
- answering: ``careerkg [--knowledge PACK] eligible --format jsonl --jobs 1`` with the cache warm, over one
  profile (the start-up: the prepared knowledge loaded) and over --profiles profiles. Without the pack the
  profiles are the article's people of benchmarks/generate.py; with it, half of them are replaced by people
  in the pack's roles, with skills its moves ask for. The throughput is profiles per second beyond the
  start-up, ``(n - 1) / (t(n) - t(1))``; the ratio is the throughput alone over the throughput with the pack.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.run import write_section

START, END = "<!-- knowledge:start -->", "<!-- knowledge:end -->"
ESCO = {"roles": 3000, "skills": 14000, "transitions": 30000}
CATEGORIES = ["TechnicalSkill", "BusinessSkill", "CustomerSkill", "ProductSkill", "MarketingSkill"]
GENERATED = "https://example.org/generated#"


def _pack(fraction: float, seed: int) -> tuple[str, dict[str, int], dict[int, list[list[int]]]]:
    """The pack's Turtle, its counts, and each role's moves out (as the skills each asks for)."""
    rng = random.Random(seed)
    roles, skills = max(2, int(ESCO["roles"] * fraction)), max(1, int(ESCO["skills"] * fraction))
    wanted = min(int(ESCO["transitions"] * fraction), roles * (roles - 1))
    lines = [
        "@prefix ck: <https://w3id.org/careerkg#> .",
        f"@prefix g: <{GENERATED}> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        'g: a owl:Ontology ; dcterms:title "generated framework"@en .',
        'g:Source dcterms:title "generated source" .',
    ]
    for r in range(roles):
        lines.append(f'g:R{r} a ck:Role ; rdfs:label "role {r}"@en ; skos:definition "Role number {r}."@en .')
    for s in range(skills):
        lines.append(f'g:S{s} a ck:{CATEGORIES[s % len(CATEGORIES)]} ; rdfs:label "skill {s}"@en ; '
                     f'skos:definition "Skill number {s}."@en .')  # fmt: skip
        lines.append(f'g:Q{s} a ck:SkillRequirement ; rdfs:label "skill: skill {s}"@en ; '
                     f'skos:definition "Met by skill {s}."@en ; ck:requiredSkill g:S{s} .')  # fmt: skip
    seen: set[tuple[int, int]] = set()
    moves: dict[int, list[list[int]]] = {}
    while len(seen) < wanted:
        move = (rng.randrange(roles), rng.randrange(roles))
        if move[0] == move[1] or move in seen:
            continue
        seen.add(move)
        asks = sorted({rng.randrange(skills) for _ in range(rng.randint(1, 3))})
        moves.setdefault(move[0], []).append(asks)
        needs = ", ".join(f"g:Q{q}" for q in asks)
        t = len(seen)
        lines.append(f'g:T{t} a ck:Transition ; rdfs:label "move {t}"@en ; skos:definition "Move {t}."@en ; '
                     f"ck:fromRole g:R{move[0]} ; ck:toRole g:R{move[1]} ; ck:essentialRequirement {needs} ; "
                     "dcterms:source g:Source ; "
                     'ck:articleSection "generated"@en ; ck:justification "generated"@en .')  # fmt: skip
    return "\n".join(lines) + "\n", {"roles": roles, "skills": skills, "transitions": len(seen)}, moves


def pack_text(fraction: float, seed: int = 42) -> tuple[str, dict[str, int]]:
    """A valid knowledge pack of ``fraction`` of ESCO's size, in Turtle, and its counts."""
    text, counts, _ = _pack(fraction, seed)
    return text, counts


def pack_profiles(fraction: float, n: int, seed: int = 42) -> list[dict[str, object]]:
    """``n`` profiles of people in the roles of :func:`pack_text`'s pack (same ``fraction``): most have the
    skills one of their role's moves asks for, some a skill or two at random."""
    _, counts, moves = _pack(fraction, seed)
    rng = random.Random(seed + 1)
    people: list[dict[str, object]] = []
    for i in range(n):
        role = rng.randrange(counts["roles"])
        skills = {rng.randrange(counts["skills"]) for _ in range(rng.randint(0, 2))}
        if role in moves and rng.random() < 0.7:
            skills |= set(rng.choice(moves[role]))
        people.append({"@id": f"https://example.org/pack-people/p{i}", "currentRole": f"{GENERATED}R{role}",
                       "yearsInRole": round(rng.uniform(0, 10), 1),
                       "skills": [f"{GENERATED}S{s}" for s in sorted(skills)]})  # fmt: skip
    return people


def _careerkg() -> str:
    return str(Path(sys.executable).with_name("careerkg"))


def _timed(command: list[str], env: dict[str, str], limit: float | None = None, repeat: int = 1) -> float | None:
    """The best wall seconds of ``repeat`` runs of ``command``, or None when one ran past ``limit`` (stopped)."""
    best: float | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            subprocess.run(command, env=env, check=True, timeout=limit, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)  # fmt: skip
        except subprocess.TimeoutExpired:
            return None
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def _mixed(article: Path, fraction: float, n: int, out: Path) -> Path:
    """``article``'s first n - n // 2 people and n // 2 people in the pack's roles, interleaved, as JSON Lines."""
    theirs = [line for line in article.read_text(encoding="utf-8").splitlines()[: n - n // 2]]
    ours = [json.dumps(p) for p in pack_profiles(fraction, n // 2)]
    lines = [line for pair in zip(theirs, ours, strict=False) for line in pair] + theirs[len(ours) :]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _throughput(one: float | None, many: float | None, n: int) -> float | None:
    return (n - 1) / (many - one) if one is not None and many is not None and many > one else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", default="0.01,0.1,1.0", help="fractions of ESCO's size, comma-separated")
    parser.add_argument("--profiles", type=int, default=20000, help="profiles answered for the throughput")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each answering command (the best counts)")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds a preparation may take")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/RESULTS.md"))
    args = parser.parse_args()
    exe, rows = _careerkg(), []
    with tempfile.TemporaryDirectory(prefix="careerkg-knowledge-") as folder:
        work = Path(folder)
        _, article = generate(args.profiles, 42, work)
        _, single = generate(1, 42, work)
        base_env = {**os.environ, "CAREERKG_CACHE_DIR": str(work / "cache")}
        answer = [exe, "eligible", "--format", "jsonl", "--jobs", "1"]
        subprocess.run([*answer, str(single)], env=base_env, stdout=subprocess.DEVNULL, check=False)  # warm
        alone_one = _timed([*answer, str(single)], base_env, repeat=args.repeat)
        alone = _timed([*answer, str(article)], base_env, repeat=args.repeat)
        for fraction in (float(f) for f in args.fractions.split(",")):
            text, counts = pack_text(fraction)
            pack = work / f"pack-{fraction}.ttl"
            pack.write_text(text, encoding="utf-8")
            mixed = _mixed(article, fraction, args.profiles, work / f"mixed-{fraction}.jsonl")
            env = {**base_env, "CAREERKG_CACHE_DIR": str(work / f"cache-{fraction}")}
            prepared = _timed([exe, "--knowledge", str(pack), "roles"], env, args.limit)
            with_pack = [exe, "--knowledge", str(pack), *answer[1:]]
            one = _timed([*with_pack, str(single)], env, repeat=args.repeat) if prepared is not None else None
            many = _timed([*with_pack, str(mixed)], env, repeat=args.repeat) if prepared is not None else None
            rows.append({"fraction": fraction, **counts, "prepareSeconds": prepared, "startSeconds": one,
                         "answerSeconds": many, "aloneStartSeconds": alone_one, "aloneSeconds": alone,
                         "profiles": args.profiles,
                         "throughput": _throughput(one, many, args.profiles),
                         "aloneThroughput": _throughput(alone_one, alone, args.profiles)})  # fmt: skip
            print(rows[-1], flush=True)
    write(args, rows)


def write(args: argparse.Namespace, rows: list[dict[str, object]]) -> None:
    import careerkg

    def seconds(value: object) -> str:
        return f"{float(value):.1f} s" if isinstance(value, (int, float)) else "-"  # noqa: UP038

    lines = [
        START,
        "## Scale of knowledge",
        "",
        f"Command: `python -m benchmarks.knowledge --fractions {args.fractions} --profiles {args.profiles} "
        f"--repeat {args.repeat} --limit {args.limit:g}` (run on {time.strftime('%Y-%m-%d')}; careerkg "
        f"{careerkg.__version__}). A generated pack of a fraction of ESCO's size (3,000 roles, 14,000 skills, "
        "30,000 moves), prepared with an empty cache; then, with the cache warm and one job, one profile (the "
        f"start-up) and {args.profiles:,} profiles answered, with the pack (half of the people in its roles) and "
        "without it (the best of the runs). Throughput is profiles a second beyond the start-up; the ratio is "
        "the throughput alone over the throughput with the pack (target: 2× or less).",
        "",
        "| fraction | roles | skills | moves | prepare (< 60 s at 1.0) | start-up with pack / alone "
        "| profiles/s with pack | profiles/s alone | ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        prepare = seconds(r["prepareSeconds"]) if r["prepareSeconds"] is not None else f"over {args.limit:g} s"
        ours, theirs = r["throughput"], r["aloneThroughput"]
        ratio = f"{float(theirs) / float(ours):.2f}×" if ours and theirs else "-"  # type: ignore[arg-type]
        rate = "{:,.0f}".format
        lines.append(
            f"| {r['fraction']} | {r['roles']:,} | {r['skills']:,} | {r['transitions']:,} | {prepare} | "
            f"{seconds(r['startSeconds'])} / {seconds(r['aloneStartSeconds'])} | "
            f"{rate(ours) if ours else '-'} | {rate(theirs) if theirs else '-'} | {ratio} |"
        )
    lines += ["", END, ""]
    write_section(args.results, START, END, "\n".join(lines))
    args.results.with_name("KNOWLEDGE.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

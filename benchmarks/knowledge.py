"""Scale of knowledge: a generated knowledge pack the size of a fraction of ESCO, against the article alone.

    python -m benchmarks.knowledge                          # from the repository root; writes its section of RESULTS.md
    python -m benchmarks.knowledge --fractions 0.001,0.01   # a quick look

ESCO has about 3,000 occupations and 14,000 skills; a framework of that size with 30,000 moves is the target
(prepared in under a minute, then cached; batch eligibility within 2x the throughput with the article's
knowledge alone). For each fraction of that size the pack is generated (seeded: the same pack every time),
then measured in fresh processes:

- preparing: ``careerkg --knowledge PACK roles`` with an empty cache (the pack is read, checked, compiled),
  stopped after --limit seconds;
- answering: ``careerkg [--knowledge PACK] eligible --format jsonl --jobs 1`` over --profiles generated
  profiles (article roles, as in benchmarks/generate.py), with the cache warm, with and without the pack.
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


def pack_text(fraction: float, seed: int = 42) -> tuple[str, dict[str, int]]:
    """A valid knowledge pack of ``fraction`` of ESCO's size, in Turtle, and its counts."""
    rng = random.Random(seed)
    roles, skills = max(2, int(ESCO["roles"] * fraction)), max(1, int(ESCO["skills"] * fraction))
    wanted = min(int(ESCO["transitions"] * fraction), roles * (roles - 1))
    lines = [
        "@prefix ck: <https://w3id.org/careerkg#> .",
        "@prefix g: <https://example.org/generated#> .",
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
    while len(seen) < wanted:
        move = (rng.randrange(roles), rng.randrange(roles))
        if move[0] == move[1] or move in seen:
            continue
        seen.add(move)
        needs = ", ".join(sorted({f"g:Q{rng.randrange(skills)}" for _ in range(rng.randint(1, 3))}))
        t = len(seen)
        lines.append(f'g:T{t} a ck:Transition ; rdfs:label "move {t}"@en ; skos:definition "Move {t}."@en ; '
                     f"ck:fromRole g:R{move[0]} ; ck:toRole g:R{move[1]} ; ck:essentialRequirement {needs} ; "
                     "dcterms:source g:Source ; "
                     'ck:articleSection "generated"@en ; ck:justification "generated"@en .')  # fmt: skip
    return "\n".join(lines) + "\n", {"roles": roles, "skills": skills, "transitions": len(seen)}


def _careerkg() -> str:
    return str(Path(sys.executable).with_name("careerkg"))


def _timed(command: list[str], env: dict[str, str], limit: float | None = None) -> float | None:
    """Wall seconds of ``command``, or None when it ran past ``limit`` (it is stopped)."""
    start = time.perf_counter()
    try:
        subprocess.run(command, env=env, check=True, timeout=limit, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", default="0.001,0.003,0.01", help="fractions of ESCO's size, comma-separated")
    parser.add_argument("--profiles", type=int, default=5000, help="profiles answered for the throughput")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds a preparation may take")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/RESULTS.md"))
    args = parser.parse_args()
    exe, rows = _careerkg(), []
    with tempfile.TemporaryDirectory(prefix="careerkg-knowledge-") as folder:
        work = Path(folder)
        _, profiles = generate(args.profiles, 42, work)
        base_env = {**os.environ, "CAREERKG_CACHE_DIR": str(work / "cache")}
        answer = [exe, "eligible", "--format", "jsonl", "--jobs", "1", str(profiles)]
        subprocess.run(answer, env=base_env, stdout=subprocess.DEVNULL, check=False)  # warm the cache
        alone = _timed(answer, base_env)
        for fraction in (float(f) for f in args.fractions.split(",")):
            text, counts = pack_text(fraction)
            pack = work / f"pack-{fraction}.ttl"
            pack.write_text(text, encoding="utf-8")
            env = {**base_env, "CAREERKG_CACHE_DIR": str(work / f"cache-{fraction}")}
            prepared = _timed([exe, "--knowledge", str(pack), "roles"], env, args.limit)
            with_pack = _timed([exe, "--knowledge", str(pack), *answer[1:]], env) if prepared is not None else None
            rows.append({"fraction": fraction, **counts, "prepareSeconds": prepared, "answerSeconds": with_pack,
                         "aloneSeconds": alone})  # fmt: skip
            print(rows[-1], flush=True)
    write(args, rows)


def write(args: argparse.Namespace, rows: list[dict[str, object]]) -> None:
    import careerkg

    lines = [
        START,
        "## Scale of knowledge",
        "",
        f"Command: `python -m benchmarks.knowledge --fractions {args.fractions} --profiles {args.profiles} "
        f"--limit {args.limit:g}` (run on {time.strftime('%Y-%m-%d')}; careerkg {careerkg.__version__}). A generated "
        "pack of a fraction of ESCO's size (3,000 roles, 14,000 skills, 30,000 moves); preparing it with an empty "
        f"cache, then {args.profiles:,} profiles answered with one job, with the pack and without it.",
        "",
        "| fraction | roles | skills | moves | prepare (< 60 s at 1.0) | answer with pack | answer alone | ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        prepare = f"{r['prepareSeconds']:.1f} s" if r["prepareSeconds"] is not None else f"over {args.limit:g} s"
        answer = f"{r['answerSeconds']:.1f} s" if r["answerSeconds"] is not None else "-"
        ratio = f"{float(r['answerSeconds']) / float(r['aloneSeconds']):.2f}×" if r["answerSeconds"] else "-"  # type: ignore[arg-type]
        lines.append(f"| {r['fraction']} | {r['roles']:,} | {r['skills']:,} | {r['transitions']:,} | {prepare} | "
                     f"{answer} | {float(r['aloneSeconds']):.1f} s | {ratio} |")  # type: ignore[arg-type]  # fmt: skip
    lines += ["", END, ""]
    write_section(args.results, START, END, "\n".join(lines))
    args.results.with_name("KNOWLEDGE.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

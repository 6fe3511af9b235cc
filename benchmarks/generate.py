"""Seeded generator of realistic, valid careerkg profiles, in Turtle and JSON Lines (the same people).

    python -m benchmarks.generate 10000 --seed 42 --out benchmarks/data

Roles are weighted as a product organisation would be (mostly product managers, fewer seniors, directors
and VPs, a few people in other roles); years in role, products managed and skills follow the role, so that
a realistic share of people is eligible for a realistic number of moves.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

CK = "https://w3id.org/careerkg#"
ROLES = {
    "ProductManager": 50, "SeniorProductManager": 20, "DirectorOfProduct": 8, "VPOfProduct": 4,
    "ProductMarketingManager": 4, "SoftwareEngineer": 5, "ITManager": 2, "ChiefOperatingOfficer": 1,
    "ChiefExecutiveOfficer": 1, "Founder": 2, "VentureCapitalist": 1, "SalesManager": 1,
    "BusinessDevelopmentManager": 1,
}  # fmt: skip
COMMON = ["CustomerNeeds", "ValueProposition", "ProductKnowledge", "CustomerInteraction", "Research",
          "CustomerInsight", "ProductLaunch", "GoToMarket", "Coding", "TechnicalExpertise", "Mentoring"]  # fmt: skip
SENIOR = ["ComplexProductManagement", "CrossFunctionalLeadership", "ProductStrategy", "StrategicThinking",
          "MarketTrendAnalysis", "BusinessAcumen", "OperationsAtScale", "MarketingStrategy"]  # fmt: skip


def profile(rng: random.Random, index: int) -> dict[str, object]:
    role = rng.choices(list(ROLES), weights=list(ROLES.values()))[0]
    senior = role not in {"ProductManager", "SoftwareEngineer"}
    pool = COMMON + (SENIOR if senior else SENIOR[:3])
    skills = sorted(rng.sample(pool, rng.randint(1, 6 if senior else 4)))
    record: dict[str, object] = {"@id": f"https://example.org/people/p{index}", "currentRole": role}
    if rng.random() < 0.95:
        record["yearsInRole"] = round(rng.uniform(0, 10), 1)
    if rng.random() < 0.9:
        record["productsManaged"] = rng.randint(0, 6)
    record["skills"] = skills
    return record


def turtle(record: dict[str, object]) -> str:
    parts = [f"<{record['@id']}> a ck:Profile", f"ck:currentRole ck:{record['currentRole']}"]
    if "yearsInRole" in record:
        parts.append(f"ck:yearsInRole {record['yearsInRole']}")
    if "productsManaged" in record:
        parts.append(f"ck:productsManaged {record['productsManaged']}")
    skills = record["skills"]
    assert isinstance(skills, list)
    if skills:
        parts.append("ck:hasSkill " + " , ".join(f"ck:{s}" for s in skills))
    return " ;\n    ".join(parts) + " .\n"


def generate(n: int, seed: int, out: Path) -> tuple[Path, Path]:
    """Write n profiles (unless already there) and return (Turtle path, JSON Lines path)."""
    out.mkdir(parents=True, exist_ok=True)
    ttl, jsonl = out / f"profiles-{n}-{seed}.ttl", out / f"profiles-{n}-{seed}.jsonl"
    if ttl.exists() and jsonl.exists():
        return ttl, jsonl
    rng = random.Random(seed)
    with ttl.open("w", encoding="utf-8") as t, jsonl.open("w", encoding="utf-8") as j:
        t.write(f"@prefix ck: <{CK}> .\n")
        for i in range(n):
            record = profile(rng, i)
            t.write(turtle(record))
            j.write(json.dumps(record) + "\n")
    return ttl, jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/data"))
    args = parser.parse_args()
    for path in generate(args.n, args.seed, args.out):
        print(path)


if __name__ == "__main__":
    main()

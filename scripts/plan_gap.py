"""How far the greedy plan is from the exact one, on real postings and a real catalog index.

    python scripts/plan_gap.py --model-dir models/edx \\
        --postings ../shared/data/postings/wuzzuf/job_postings_with_id.csv --n 40 --out plan_gap.json

For ``--n`` postings drawn with a fixed seed, each role is built once and planned under each
budget of ``BUDGETS`` with both solvers on the same instance. Reported per budget: how often
greedy finds the optimal coverage, the mean and worst ratio greedy/exact coverage, and the
median solve times. The exact solver's second pass (the cheapest plan of optimal coverage) does
not change coverage, so it is switched off here to time the optimisation itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from recommender import open_index
from recommender.planning.pathway import prepare_plan
from recommender.planning.results import Budget
from recommender.planning.solver import solve_exact, solve_greedy

BUDGETS = {
    "3 credentials": Budget(max_credentials=3),
    "120 h, 500, 5 credentials": Budget(max_hours=120, max_cost=500, max_credentials=5),
    "40 h, 150": Budget(max_hours=40, max_cost=150),
    "10 credentials": Budget(max_credentials=10),
}


def postings(path: Path, n: int, seed: int) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if (r["job_description"] + r["job_requirements"]).strip()]
    chosen = random.Random(seed).sample(rows, min(n, len(rows)))
    return [(r["job_id"], r["job_title"], f"{r['job_title']}\n\n{r['job_description']}\n\n{r['job_requirements']}")
            for r in chosen]  # fmt: skip


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ratios = [r["greedy"] / r["exact"] for r in rows if r["exact"] > 0]
    return {
        "instances": len(rows),
        "candidates_median": statistics.median(r["candidates"] for r in rows),
        "greedy_optimal_share": sum(r["greedy"] >= r["exact"] - 1e-9 for r in rows) / len(rows),
        "ratio_mean": statistics.fmean(ratios) if ratios else None,
        "ratio_min": min(ratios) if ratios else None,
        "coverage_exact_mean": statistics.fmean(r["exact"] for r in rows),
        "coverage_greedy_mean": statistics.fmean(r["greedy"] for r in rows),
        "exact_proven_optimal": sum(r["optimal"] for r in rows),
        "exact_seconds_median": statistics.median(r["exact_seconds"] for r in rows),
        "exact_seconds_max": max(r["exact_seconds"] for r in rows),
        "greedy_seconds_median": statistics.median(r["greedy_seconds"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--postings", type=Path, required=True, help="Wuzzuf job_postings_with_id.csv")
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    model = open_index(args.model_dir)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in BUDGETS}
    for number, (job_id, title, text) in enumerate(postings(args.postings, args.n, args.seed), start=1):
        role, vectors = model.role_builder_.build(text)
        for name, budget in BUDGETS.items():
            problem = prepare_plan(model, role, vectors, budget=budget)
            instance = replace(problem.instance, secondary=None)
            started = time.perf_counter()
            exact = solve_exact(instance, time_limit=args.time_limit)
            exact_seconds = time.perf_counter() - started
            greedy = solve_greedy(instance)
            if exact is None:
                print(f"  {job_id}: exact solver found no plan in time ({name})", file=sys.stderr)
                continue
            row = {
                "job_id": job_id, "title": title, "candidates": instance.n, "skills": len(role.skills),
                "exact": exact.coverage, "greedy": greedy.coverage, "optimal": exact.optimal,
                "exact_seconds": exact_seconds, "greedy_seconds": greedy.seconds,
            }  # fmt: skip
            rows[name].append(row)
            print(json.dumps({"budget": name, **row}), file=sys.stderr, flush=True)
        print(f"{number}/{args.n} {job_id} {title[:50]}", file=sys.stderr, flush=True)
    report = {
        "model_dir": args.model_dir,
        "postings": str(args.postings),
        "n": args.n,
        "seed": args.seed,
        "budgets": {name: {**summarise(r), "budget": BUDGETS[name].to_dict()} for name, r in rows.items() if r},
        "instances": rows,
    }
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(json.dumps(report["budgets"], indent=2))


if __name__ == "__main__":
    main()

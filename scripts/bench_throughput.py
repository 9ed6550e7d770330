"""Batch-scoring throughput per core, lever by lever, old code and new side by side in one run.

    python scripts/bench_throughput.py levers --model-dir models/edx [--postings 300] [--rounds 1]
        [--baseline-ref d4b8950] [--levers before now int8] [--quality] [--out throughput.json]

Every lever scores the same first ``--postings`` Wuzzuf postings in a fresh process on ONE core (one ONNX
thread, one BLAS thread), so postings per CPU second is postings per second per core; the levers
alternate inside each round. ``before`` is the starting engine's code (``git archive`` of
``--baseline-ref`` run with PYTHONPATH on the same index); the others are this checkout:

- ``now``: this code (exact search; each segment's nearest surface forms picked among the forms above a
  cosine floor, claims' structure relations remembered across postings, occupation rows read once);
- ``int8``: and postings encoded with the index's int8 twin of its ONNX encoder
  (``RECOMMENDER_ENCODER_PRECISION=int8``; the index's own vectors stay float32).

``--quality`` adds each lever's judged figures (``evaluate ranking`` nDCG@5 on the judged Wuzzuf × edX
pairs, ``evaluate explanations`` claim precision; unjudged pairs in the top 5 and unjudged claims are
counted as 0 and reported).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

ONE_CORE = {"RECOMMENDER_ONNX_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1"}  # fmt: skip
LEVERS: dict[str, dict[str, str]] = {
    "before": {},
    "now": {},
    "int8": {"RECOMMENDER_ENCODER_PRECISION": "int8"},
}

# One lever's run, in a fresh process: load, warm up on one posting, score the postings, time it.
RUN = """
import sys, time, resource
import recommender
from recommender import open_index
from recommender.inputs.postings import iter_postings
from recommender.inputs.datasets import WUZZUF
from recommender.matching.batch import ScoreSummary, score_postings
model = open_index(sys.argv[1])
rows = list(iter_postings(WUZZUF.file(), mapping=WUZZUF.fields(), stop=int(sys.argv[2])))
list(score_postings(model, rows[:1], k=10))
summary = ScoreSummary()
cpu, wall = time.process_time(), time.perf_counter()
answers = list(score_postings(model, rows, k=10, summary=summary))
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
top = {a['id']: [r['id'] for r in a.get('recommendations', [])[:5]] for a in answers}
result = {'package': recommender.__file__, 'cpu': cpu, 'wall': wall, 'postings': len(rows), 'segments': summary.segments,
          'encoded': summary.segments_encoded, 'top5': top}
"""

def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def baseline_tree(ref: str) -> Path:
    """The package at ``ref`` (``git archive``), to run the starting engine's code on the same index."""
    folder = Path(tempfile.mkdtemp(prefix="recommender-before-"))
    archive = subprocess.run(["git", "archive", ref, "recommender"], cwd=benchlib.REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def lever_env(lever: str, before: Path | None) -> dict[str, str]:
    env = {**ONE_CORE, **LEVERS[lever]}
    if lever == "before" and before is not None:
        env["PYTHONPATH"] = str(before)
    return env


def quality(model_dir: str, env: dict[str, str], work: Path) -> dict[str, Any]:
    """The judged figures (issue 21's gates) of the engine under ``env``."""
    root, shared = benchlib.REPO, benchlib.SHARED
    cli = [benchlib.python(), "-P", "-m", "recommender.cli"]  # -P: PYTHONPATH's package, not the checkout's
    ranking = [
        *cli, "evaluate", "ranking",
        "--data", str(shared / "benchmarks/judged_recommendations/wuzzuf_x_edx_judged.csv"),
        "--data", str(root / "data/judged/wuzzuf_x_edx_pairs_judged_new.csv"),
        "--catalog", str(benchlib.EDX), *[a for m in benchlib.EDX_MAP if not m.startswith(("hours", "cost", "field",
        "url")) for a in ("--catalog-map", m)], "--postings", str(benchlib.WUZZUF), "--model-dir", model_dir,
        "--system", "engine", "--format", "json",
    ]  # fmt: skip
    pending = work / "pending.jsonl"
    claims = [
        *cli, "evaluate", "explanations",
        "--data", str(shared / "benchmarks/judged_explanations/wuzzuf_x_edx_claims_judged.jsonl"),
        "--data", str(root / "data/judged/wuzzuf_x_edx_claims_judged_new.jsonl"),
        "--postings", str(benchlib.WUZZUF), "--model-dir", model_dir, "--pending", str(pending), "--format", "json",
    ]  # fmt: skip
    full_env = {**os.environ, **env}
    out: dict[str, Any] = {}
    done = subprocess.run(ranking, env=full_env, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    out["ranking"] = json.loads(done.stdout)
    done = subprocess.run(claims, env=full_env, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    out["claims"] = json.loads(done.stdout)
    out["pending_claims"] = sum(1 for _ in pending.open(encoding="utf-8")) if pending.exists() else 0
    return out


def _figures(judged: dict[str, Any]) -> dict[str, Any]:
    """nDCG@5 and unjudged@5 on the new pairs file; claim precision (both ≥ 1, both = 2) and claims counted."""
    ranking = _evaluation(judged["ranking"], "pairs_judged_new")
    claim = _evaluation(judged["claims"], "claims_judged_new")
    return {"ndcg@5": round(100 * ranking["ndcg@5"], 1), "unjudged@5": ranking["details"].get("unjudged@5"),
            "both>=1": round(100 * claim["both>=1"], 1), "both=2": round(100 * claim["both=2"], 1),
            "claims": claim["n"], "pending_claims": judged["pending_claims"]}  # fmt: skip


def _evaluation(envelope: dict[str, Any], data: str) -> dict[str, Any]:
    """The evaluation of ``evaluate --format json``'s envelope that read the data file named ``data``."""
    return next(r for r in envelope["evaluations"] if data in r["data"])


def levers(args: argparse.Namespace) -> dict[str, Any]:
    before = baseline_tree(args.baseline_ref) if "before" in args.levers else None
    work = Path(tempfile.mkdtemp(prefix="recommender-throughput-"))
    say(
        f"{len(args.levers)} levers × {args.rounds} round(s), {args.postings} postings, one core each; "
        f"{benchlib.load_note()}"
    )
    runs: dict[str, list[dict[str, Any]]] = {lever: [] for lever in args.levers}
    loads: list[float] = []
    for round_ in range(args.rounds):
        order = args.levers[round_ % len(args.levers) :] + args.levers[: round_ % len(args.levers)]
        for lever in order:
            loads.append(os.getloadavg()[0])
            result = benchlib.run_measured(RUN, args.model_dir, str(args.postings), env=lever_env(lever, before))
            loads.append(os.getloadavg()[0])
            runs[lever].append(result)
            say(f"  {lever} ({Path(result['package']).parent.parent}): {result['cpu']:.1f} CPU s, {result['wall']:.1f} s wall, "
                f"{args.postings / result['cpu']:.2f} postings per CPU second; {benchlib.load_note()}")  # fmt: skip
    base = args.levers[0]
    table: dict[str, Any] = {}
    for lever, results in runs.items():
        cpu = min(r["cpu"] for r in results)  # the least contended run: CPU time inflates under load
        wall = benchlib.median([r["wall"] for r in results])
        same = sum(a == b for a, b in zip(
            results[0]["top5"].values(), runs[base][0]["top5"].values(), strict=True))  # fmt: skip
        table[lever] = {
            "cpu_s": round(cpu, 1), "wall_s": round(wall, 1), "per_core": round(args.postings / cpu, 2),
            "ratio": round(min(r["cpu"] for r in runs[base]) / cpu, 2),
            "cpu_all": [round(r["cpu"], 1) for r in results],
            "same_top5_as_first": f"{same}/{len(results[0]['top5'])}", "segments": results[0]["segments"],
            "encoded": results[0]["encoded"], "peak_mb": round(benchlib.median([r["peak_mb"] for r in results])),
        }  # fmt: skip
    if args.quality:
        for lever in args.levers:
            say(f"  judged quality: {lever}")
            env = lever_env(lever, before)
            env.pop("RECOMMENDER_ONNX_THREADS")  # the evaluation's speed does not matter: both cores
            table[lever]["judged"] = _figures(quality(args.model_dir, env, work / lever.replace("+", "-")))
    return {"postings": args.postings, "rounds": args.rounds, "load_1min": [min(loads), max(loads)],
            "levers": table, "note": benchlib.load_note()}  # fmt: skip


def print_table(report: dict[str, Any]) -> None:
    print(f"\n{report['postings']} Wuzzuf postings, edX + ESCO index, one core per run; load average (1 min) "
          f"{report['load_1min'][0]:.1f}–{report['load_1min'][1]:.1f} on 2 cores")  # fmt: skip
    print(
        "| lever | CPU s | postings/s per core | × first | same top 5 | segments (encoded) | peak MB | nDCG@5 | "
        "unjudged@5 | claims ≥1 / =2 | pending claims |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lever, row in report["levers"].items():
        j = row.get("judged", {})
        judged = (f"{j['ndcg@5']} | {j['unjudged@5']} | {j['both>=1']} / {j['both=2']} ({j['claims']} claims) | "
                  f"{j['pending_claims']}") if j else " | | | "  # fmt: skip
        print(f"| {lever} | {row['cpu_s']} | {row['per_core']} | {row['ratio']} | {row['same_top5_as_first']} | "
              f"{row['segments']} ({row['encoded']}) | {row['peak_mb']} | {judged} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lv = sub.add_parser("levers")
    lv.add_argument("--model-dir", required=True)
    lv.add_argument("--postings", type=int, default=300)
    lv.add_argument("--rounds", type=int, default=1)
    lv.add_argument("--baseline-ref", default="d4b8950")
    lv.add_argument("--levers", nargs="+", default=list(LEVERS), choices=list(LEVERS))
    lv.add_argument("--quality", action="store_true")
    lv.add_argument("--out")
    args = parser.parse_args()
    started = time.perf_counter()
    report = levers(args)
    report["seconds"] = round(time.perf_counter() - started)
    print_table(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

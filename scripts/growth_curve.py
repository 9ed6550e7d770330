"""Growth curve: build time, index size, load time, peak memory and warm query latency by catalog size.

Catalogs of 1k, 10k and 100k credentials are built from the shared edX and Coursera catalogs
(real rows first, then rows combining the fields of two real rows: scripts/benchlib.py) and
indexed against the embedded skill vocabulary (374 skills) in a fresh process each, with a fresh
embedding cache so that every build encodes its texts. The hashing encoder ("hash:384") fills
every column; the real encoders fill what they can afford (``--real-max``).

    python scripts/growth_curve.py --sizes 1000 10000 100000 --encoders hash:384 static default \\
        --real-max 10000 --work /tmp/growth --out /tmp/growth/growth.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

WARM = """
import time, numpy as np, sys
sys.path.insert(0, 'scripts')
from benchlib import wuzzuf_texts, JOB_DESCRIPTION
started = time.perf_counter()
from recommender import open_index
model = open_index(sys.argv[1])
load = time.perf_counter() - started
texts = wuzzuf_texts(int(sys.argv[2]))
for text in texts[:5]:
    model.recommend(text, k=10)
def timed(items):
    out = []
    for text in items:
        t = time.perf_counter(); model.recommend(text, k=10); out.append(1000 * (time.perf_counter() - t))
    return out
postings = timed(texts + texts)
jd = timed([JOB_DESCRIPTION] * 40)
skill_list = []
for names in ('SQL, Python, Apache Spark', 'project management, budgeting', 'Excel, data analysis, communication'):
    for _ in range(20):
        t = time.perf_counter(); model.recommend(skills=names, k=10)
        skill_list.append(1000 * (time.perf_counter() - t))
result = {'load_s': load, 'postings_ms': postings, 'jd_ms': jd, 'skills_ms': skill_list,
          'encoder': type(model.encoder).__name__}
"""


def build(n: int, encoder: str, work: Path) -> dict[str, Any]:
    catalog = benchlib.write_catalog(n, work / f"catalog-{n}.jsonl")
    tag = encoder.replace(":", "")
    model_dir, cache = work / f"index-{tag}-{n}", work / f"cache-{tag}-{n}"
    shutil.rmtree(model_dir, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    command = [
        benchlib.python(), "-m", "recommender.cli", "index", "--catalog", str(catalog),
        "--taxonomy", str(benchlib.REPO / "data" / "skills.csv"), "--encoder", encoder,
        "--model-dir", str(model_dir), "--format", "json",
    ]  # fmt: skip
    if encoder == "static":  # distilled once, outside the timed build (reported in bench.py)
        static_cache = work / "cache-static-model"
        benchlib.run_measured(
            "from recommender.encoders.load import load_encoder\nload_encoder('static').fingerprint()\nresult = {}",
            env={"RECOMMENDER_CACHE_DIR": str(static_cache)},
        )
        (cache / "static").parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(static_cache / "static", cache / "static")
    outcome = benchlib.run(command, env={"RECOMMENDER_CACHE_DIR": str(cache)})
    if outcome["rc"] != 0:
        raise RuntimeError(outcome["stderr"])
    version = next(p for p in model_dir.iterdir() if p.name.startswith("index-"))
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "build_s": outcome["wall"],
        "build_peak_mb": outcome["peak_mb"],
        "index_mb": benchlib.folder_mb(version, exclude="encoder"),
        "encoder_mb": benchlib.folder_mb(version / "encoder") if (version / "encoder").exists() else 0.0,
        "model_dir": str(model_dir),
    }


def warm(model_dir: str, queries: int) -> dict[str, Any]:
    measured = benchlib.run_measured(WARM, model_dir, str(queries))
    summary = {"load_s": measured["load_s"], "query_peak_mb": measured["peak_mb"], "query_encoder": measured["encoder"]}
    for key in ("postings_ms", "jd_ms", "skills_ms"):
        values = measured[key]
        summary[key.replace("_ms", "_p50_ms")] = benchlib.median(values)
        summary[key.replace("_ms", "_p99_ms")] = benchlib.percentile(values, 99)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--encoders", nargs="+", default=["hash:384", "static", "default"])
    parser.add_argument("--real-max", type=int, default=10000, help="Largest catalog built with a real encoder.")
    parser.add_argument("--queries", type=int, default=100, help="Distinct Wuzzuf postings timed (twice each).")
    parser.add_argument("--work", type=Path, default=Path("/tmp/recommender-growth"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for encoder in args.encoders:
        for n in args.sizes:
            if not encoder.startswith("hash") and n > args.real_max:
                continue
            print(f"[{benchlib.load_note()}] building {n} credentials with {encoder} ...", file=sys.stderr)
            row = {"credentials": n, "encoder": encoder, **build(n, encoder, args.work)}
            row.update(warm(row["model_dir"], args.queries))
            row["load"] = benchlib.load_note()
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
            if args.out:
                args.out.write_text(json.dumps(rows, indent=2))
    print(f"{'n':>7} {'encoder':>9} {'build s':>8} {'index MB':>9} {'load s':>7} {'peak MB':>8} "
          f"{'posting p50/p99 ms':>19} {'150-word p50 ms':>16} {'skills p50 ms':>14}")  # fmt: skip
    for r in rows:
        print(
            f"{r['credentials']:>7} {r['encoder']:>9} {r['build_s']:>8.1f} {r['index_mb']:>9.1f} {r['load_s']:>7.2f} "
            f"{r['query_peak_mb']:>8.0f} {r['postings_p50_ms']:>9.1f}/{r['postings_p99_ms']:<9.1f} "
            f"{r['jd_p50_ms']:>16.1f} {r['skills_p50_ms']:>14.1f}"
        )


if __name__ == "__main__":
    main()

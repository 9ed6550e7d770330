"""Registry-scale catalogs: the candidate stage (``matching/candidates.py``) against the full scan, side by side.

    python scripts/bench_registry.py growth --sizes 1000 10000 100000 1000000 [--build-max 100000]
        [--queries 100] [--score 200] [--work /tmp/recommender-registry] [--out registry.json]
    python scripts/bench_registry.py edx --model-dir models/edx [--postings 300]

``growth``: catalogs of each size, **synthetic** past the real rows (``benchlib.synthetic_catalog``: the
shared edX and Coursera rows, then rows recombining two real rows), indexed with the static encoder against
the embedded 374-skill vocabulary in a fresh process (build time, peak memory, size on disk). Sizes above
``--build-max`` are not built but **assembled** from the largest built index: ``n / build-max`` copies of
its credentials with fresh ids, each copy's document vectors moved by a small seeded noise (so the graph sees
distinct points); its build time is not measured. Each index is then queried in one process, the full scan
(``RECOMMENDER_CANDIDATES=exact``) and the candidate stage alternating per posting: warm query p50/p99 over
``--queries`` Wuzzuf postings, ``score`` postings/s over ``--score`` postings, the process's RSS, and the
stage's recall@10 against the full scan.

``edx``: on the real edX + ESCO index, the stage (default depths, then small ones) against the full scan:
identical top 10s and recall@10 over the first ``--postings`` Wuzzuf postings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

QUERY = """
import os, resource, sys, time
import numpy as np
from recommender import open_index
from recommender.inputs.datasets import WUZZUF
from recommender.inputs.postings import iter_postings
from recommender.matching import candidates
from recommender.matching.batch import score_postings
from recommender.skills import ann
from recommender.skills.neighbors import unit_rows
started = time.perf_counter()
model = open_index(sys.argv[1])
load_s = time.perf_counter() - started
if model.candidate_stage_ is None:  # below ann.MIN_ROWS no graph is saved: build it here to measure the stage
    model.candidate_stage_ = candidates.CandidateStage(ann.HnswNeighbors.build(unit_rows(model.profiles_.documents)))
rows = list(iter_postings(WUZZUF.file(), mapping=WUZZUF.fields(), stop=max(int(sys.argv[2]), int(sys.argv[3]))))
texts = [(p.text, p.title) for p in rows[: int(sys.argv[2])]]
def top(text, title):
    return [r.id for r in model.recommend(text, title=title, k=10).recommendations]
times = {'exact': [], 'stage': []}
answers = {'exact': [], 'stage': []}
for text, title in texts[:3]:
    top(text, title)
for i, (text, title) in enumerate(texts):
    for kind in (('exact', 'stage') if i % 2 == 0 else ('stage', 'exact')):
        os.environ[candidates.CANDIDATES_ENV] = 'exact' if kind == 'exact' else 'on'
        t = time.perf_counter(); answers[kind].append(top(text, title)); times[kind].append(1000 * (time.perf_counter() - t))
score = {}
for kind in ('exact', 'stage'):
    os.environ[candidates.CANDIDATES_ENV] = 'exact' if kind == 'exact' else 'on'
    t = time.perf_counter(); list(score_postings(model, rows[: int(sys.argv[3])], k=10))
    score[kind] = int(sys.argv[3]) / (time.perf_counter() - t)
recall = [len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(answers['stage'], answers['exact'])]
rss_mb = int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1e6
result = {'load_s': load_s, 'times': times, 'score': score, 'recall_at_10': sum(recall) / len(recall),
          'identical_top10': sum(a == b for a, b in zip(answers['stage'], answers['exact'])), 'queries': len(texts),
          'rss_mb': rss_mb}
"""

# n / base copies of a built index, fresh ids, document vectors moved by seeded noise, no document graph yet.
ASSEMBLE = """
import json, os, sys
import numpy as np
from recommender.store.index_io import load_index, save_index
from recommender.inputs.catalog import Credential
from recommender.matching.profiles import Profiles
import scipy.sparse as sp
from dataclasses import replace
base = load_index(sys.argv[1]); copies = int(sys.argv[3])
rng = np.random.default_rng(0)
p = base.profiles_
docs = [p.documents]
for c in range(1, copies):
    moved = p.documents + rng.normal(scale=0.02, size=p.documents.shape).astype(np.float32)
    docs.append(moved / np.linalg.norm(moved, axis=1, keepdims=True))
credentials = tuple(replace(cr, id=f"{cr.id}~{c}") if c else cr for c in range(copies) for cr in base.credentials_)
nnz = p.matrix.nnz
matrix = sp.vstack([p.matrix] * copies).tocsr()
requires = sp.vstack([p.requires] * copies).tocsr()
entries = {name: np.concatenate([getattr(p, name)] * copies) for name in Profiles.ENTRY_ARRAYS}
profiles = Profiles(matrix=matrix, strings=p.strings, documents=np.vstack(docs), evidence_embeddings=p.evidence_embeddings,
                    requires=requires, **entries)
lexical = base.lexical_
if lexical is not None:  # the same terms, each credential's column entries repeated per copy
    import copy
    lex = copy.copy(lexical)
    m = sp.csc_matrix((lexical.data_, lexical.indices_, lexical.indptr_), shape=(len(base.credentials_), len(lexical.idf_)))
    m = sp.vstack([m] * copies).tocsc()
    lex.data_, lex.indices_, lex.indptr_ = m.data.astype(np.float32), m.indices.astype(np.int32), m.indptr.astype(np.int64)
    lex.n_documents_ = m.shape[0]
    lexical = lex
base.set_state(base.encoder, base.extractor_, credentials, profiles, lexical=lexical, reference=False,
               structure=base.structure_, descriptions=base.description_embeddings_,
               skill_embeddings=base.skill_embeddings_)  # no occupations in the embedded vocabulary
save_index(base, sys.argv[2])
result = {'credentials': len(credentials)}
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def static_cache(work: Path) -> Path:
    """A cache holding the distilled static encoder (distilled once, outside the timed builds)."""
    cache = work / "cache-static-model"
    from recommender.encoders.cache import default_cache_dir

    if (default_cache_dir() / "static").exists() and not (cache / "static").exists():  # distilled already here
        shutil.copytree(default_cache_dir() / "static", cache / "static")
    benchlib.run_measured(
        "from recommender.encoders.load import load_encoder\nload_encoder('static').fingerprint()\nresult = {}",
        env={"RECOMMENDER_CACHE_DIR": str(cache)},
    )
    return cache


def build(n: int, work: Path, model_cache: Path) -> dict[str, Any]:
    catalog = benchlib.write_catalog(n, work / f"catalog-{n}.jsonl")
    model_dir, cache = work / f"index-{n}", work / f"cache-{n}"
    shutil.rmtree(model_dir, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(model_cache / "static", cache / "static")
    command = [
        benchlib.python(), "-m", "recommender.cli", "index", "--catalog", str(catalog),
        "--taxonomy", str(benchlib.REPO / "data" / "skills.csv"), "--encoder", "static",
        "--model-dir", str(model_dir),
    ]  # fmt: skip
    outcome = benchlib.run(command, env={"RECOMMENDER_CACHE_DIR": str(cache)})
    if outcome["rc"] != 0:
        raise RuntimeError(outcome["stderr"])
    shutil.rmtree(cache, ignore_errors=True)
    return {"build_s": round(outcome["wall"], 1), "build_peak_mb": round(outcome["peak_mb"]), "model_dir": str(model_dir),
            "catalog": "synthetic (real rows, then recombined)" if n > len(benchlib.real_credentials()) else "real rows"}  # fmt: skip


def assemble(n: int, base: dict[str, Any], work: Path) -> dict[str, Any]:
    model_dir = work / f"index-{n}"
    shutil.rmtree(model_dir, ignore_errors=True)
    copies = n // base["credentials"]
    started = time.perf_counter()
    benchlib.run_measured(ASSEMBLE, base["model_dir"], str(model_dir), str(copies))
    return {"build_s": None, "assemble_s": round(time.perf_counter() - started, 1), "build_peak_mb": None,
            "model_dir": str(model_dir),
            "catalog": f"synthetic, assembled from {copies} copies of the {base['credentials']:,} index"}  # fmt: skip


def measure(row: dict[str, Any], queries: int, scored: int) -> None:
    from recommender.store.artifacts import resolve_version

    version = resolve_version(row["model_dir"])
    row["disk_mb"] = round(benchlib.folder_mb(version, exclude="encoder"), 1)
    measured = benchlib.run_measured(QUERY, row["model_dir"], str(queries), str(scored))
    for kind in ("exact", "stage"):
        values = measured["times"][kind]
        row[f"{kind}_p50_ms"] = round(benchlib.median(values), 1)
        row[f"{kind}_p99_ms"] = round(benchlib.percentile(values, 99), 1)
        row[f"{kind}_score_per_s"] = round(measured["score"][kind], 2)
    row.update(recall_at_10=round(measured["recall_at_10"], 4), identical_top10=measured["identical_top10"],
               queries=measured["queries"], rss_mb=round(measured["rss_mb"]), peak_mb=round(measured["peak_mb"]),
               load_s=round(measured["load_s"], 2), load=benchlib.load_note())  # fmt: skip


def growth(args: argparse.Namespace) -> list[dict[str, Any]]:
    args.work.mkdir(parents=True, exist_ok=True)
    model_cache = static_cache(args.work)
    rows: list[dict[str, Any]] = []
    built: dict[str, Any] | None = None
    earlier = {r["credentials"]: r for r in json.loads(args.out.read_text())} if args.reuse and args.out and args.out.exists() else {}
    for n in args.sizes:
        say(f"[{benchlib.load_note()}] {n:,} credentials ...")
        if args.reuse and (args.work / f"index-{n}").exists():  # measured again; built as the earlier run said
            kept = ("catalog", "build_s", "build_peak_mb", "assemble_s")
            row = {"credentials": n, "model_dir": str(args.work / f"index-{n}"),
                   **{key: earlier.get(n, {}).get(key) for key in kept}}  # fmt: skip
        elif n <= args.build_max:
            row = {"credentials": n, **build(n, args.work, model_cache)}
            built = row
        else:
            if built is None:
                raise SystemExit("--sizes must list a size up to --build-max before larger ones")
            row = {"credentials": n, **assemble(n, built, args.work)}
        measure(row, args.queries, args.score)
        rows.append(row)
        say(json.dumps(row))
        if args.out:
            args.out.write_text(json.dumps(rows, indent=2))
    print("| credentials | catalog | build s | build peak MB | disk MB | load s | RSS MB | warm query p50 / p99 ms, "
          "full scan | … with the candidate stage | score postings/s, full scan / stage | recall@10 (identical top 10) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['credentials']:,} | {r['catalog']} | {r['build_s'] if r['build_s'] is not None else '—'} | "
              f"{r['build_peak_mb'] or '—'} | {r['disk_mb']} | {r['load_s']} | {r['rss_mb']} | "
              f"{r['exact_p50_ms']} / {r['exact_p99_ms']} | {r['stage_p50_ms']} / {r['stage_p99_ms']} | "
              f"{r['exact_score_per_s']} / {r['stage_score_per_s']} | {r['recall_at_10']} ({r['identical_top10']}/"
              f"{r['queries']}) |")  # fmt: skip
    return rows


EDX = """
import os, sys
from recommender import open_index
from recommender.inputs.datasets import WUZZUF
from recommender.inputs.postings import iter_postings
from recommender.matching import candidates
from recommender.skills import ann
from recommender.skills.neighbors import unit_rows
model = open_index(sys.argv[1])
graph = ann.HnswNeighbors.build(unit_rows(model.profiles_.documents))
rows = list(iter_postings(WUZZUF.file(), mapping=WUZZUF.fields(), stop=int(sys.argv[2])))
def tops():
    return [[r.id for r in model.recommend(p.text, title=p.title, k=10).recommendations] for p in rows]
os.environ[candidates.CANDIDATES_ENV] = 'exact'
exact = tops()
os.environ[candidates.CANDIDATES_ENV] = 'on'
result = {'credentials': len(model.credentials_), 'postings': len(rows), 'depths': []}
default = (candidates.DENSE_DEPTH, candidates.LEXICAL_DEPTH, candidates.PER_SKILL)
for dense, lexical, per_skill in (default, (100, 100, 100), (50, 50, 50), (20, 20, 20)):
    model.candidate_stage_ = candidates.CandidateStage(graph, dense_depth=dense, lexical_depth=lexical,
                                                       per_skill=per_skill)
    got = tops()
    recall = sum(len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(got, exact)) / len(rows)
    result['depths'].append({'dense_depth': dense, 'lexical_depth': lexical, 'per_skill': per_skill,
                             'recall_at_10': recall,
                             'identical_top10': sum(a == b for a, b in zip(got, exact))})
"""


def edx(args: argparse.Namespace) -> dict[str, Any]:
    result = benchlib.run_measured(EDX, args.model_dir, str(args.postings))
    print(f"real edX + ESCO index ({result['credentials']} credentials), {result['postings']} Wuzzuf postings, "
          f"candidate stage against the full scan; {benchlib.load_note()}")  # fmt: skip
    print("| dense depth | TF-IDF depth | per skill | recall@10 | identical top 10 |\n|---:|---:|---:|---:|---:|")
    for d in result["depths"]:
        print(f"| {d['dense_depth']} | {d['lexical_depth']} | {d['per_skill']} | {d['recall_at_10']:.4f} | "
              f"{d['identical_top10']}/"
              f"{result['postings']} |")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gr = sub.add_parser("growth")
    gr.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    gr.add_argument("--build-max", type=int, default=100000)
    gr.add_argument("--queries", type=int, default=100)
    gr.add_argument("--score", type=int, default=100)
    gr.add_argument("--work", type=Path, default=Path("/tmp/recommender-registry"))
    gr.add_argument("--out", type=Path)
    gr.add_argument("--reuse", action="store_true", help="measure the indexes already in --work again (build "
                    "figures from the earlier --out file)")
    ed = sub.add_parser("edx")
    ed.add_argument("--model-dir", required=True)
    ed.add_argument("--postings", type=int, default=300)
    ed.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = growth(args) if args.command == "growth" else edx(args)
    if args.command == "edx" and args.out:
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

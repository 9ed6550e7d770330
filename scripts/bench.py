"""Speed and scale figures, each beside its baseline, measured side by side in one run.

    python scripts/bench.py all --out bench.json            # every section below, in order
    python scripts/bench.py cold [--model-dir models/default] [--runs 7] [--esco-dir models/edx [--esco-baseline DIR]]
    python scripts/bench.py batch [--model-dir models/default]
    python scripts/bench.py incremental [--cold-seconds S]
    python scripts/bench.py static --cache-dir DIR           # DIR: an embedding cache holding ESCO's forms

Warm-query latency and the growth curve are in scripts/growth_curve.py. Every figure is a
median of repeated runs in fresh processes, baseline and candidate alternating; the machine's
load is printed beside each section because the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

CLI = str(Path(sys.executable).parent / "recommender")
PLAIN = {"RECOMMENDER_BACKEND": "reference", "RECOMMENDER_REFERENCE_NEIGHBORS": "1"}
WORK = Path("/tmp/recommender-bench")


def _maps(mapping: list[str]) -> list[str]:
    return [arg for item in mapping for arg in ("--map", item)]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- 1. cold query
REBUILT = """
import sys
from recommender.store import index_io
load_extractor = index_io.load_extractor
# As an index without saved query tables loads: every table rebuilt from the vocabulary.
index_io.load_extractor = lambda version, manifest, *rest: load_extractor(
    version, {key: value for key, value in manifest.items() if key != 'query_tables'}, *rest)
model = index_io.load_index(sys.argv[1])
result = {'answer': model.recommend(sys.argv[2], k=10).to_dict()}
"""


def cold(model_dir: str, runs: int, esco_dir: str | None = None, esco_baseline: str | None = None) -> dict[str, Any]:
    """`recommender query "<150 words>" -k 10` in fresh processes: fast path vs the plain path
    (sentence-transformers, scikit-learn, every checksum re-hashed); with ``esco_dir``, also the same
    query on an ESCO index, beside ``esco_baseline`` (an index of the embedded catalog built with the
    ESCO index's encoder; default ``model_dir``), every kind alternating in each round."""
    from recommender.store.artifacts import STAMP, resolve_version

    WORK.mkdir(parents=True, exist_ok=True)

    def command(folder: str) -> list[str]:
        return [CLI, "query", benchlib.JOB_DESCRIPTION, "-k", "10", "--model-dir", folder]

    assert benchlib.run(command(model_dir))["rc"] == 0  # builds the default index on first use
    stamp = resolve_version(model_dir) / STAMP
    folders = {"fast": model_dir, "plain": model_dir}
    if esco_dir:
        folders["esco"] = esco_dir
        if esco_baseline:
            folders["baseline"] = esco_baseline
    times: dict[str, list[dict[str, Any]]] = {kind: [] for kind in folders}
    kinds = list(folders)
    for i in range(runs):
        for kind in kinds[i % len(kinds) :] + kinds[: i % len(kinds)]:
            if kind == "plain":
                stamp.unlink(missing_ok=True)  # the plain path re-hashes every file
            outcome = benchlib.run(command(folders[kind]), env=PLAIN if kind == "plain" else None)
            assert outcome["rc"] == 0, outcome["stderr"]
            times[kind].append(outcome)
        say(f"[{benchlib.load_note()}] cold: round {i + 1} of {runs}")
    fast, plain = times["fast"], times["plain"]
    ratios = [f["wall"] / p["wall"] for f, p in zip(fast, plain, strict=True)]
    answers = []
    for env in (None, PLAIN):
        answers.append(_answer(command(model_dir), env))
    fast_answer, plain_answer = ([(r["id"], r["score"]) for r in a["recommendations"]] for a in answers)
    result = {
        "same_ranking_as_plain": [i for i, _ in fast_answer] == [i for i, _ in plain_answer],
        "max_score_difference": max(abs(a[1] - b[1]) for a, b in zip(fast_answer, plain_answer, strict=True)),
        "model_dir": model_dir,
        "fast_median_s": benchlib.median([r["wall"] for r in fast]),
        "plain_median_s": benchlib.median([r["wall"] for r in plain]),
        "fast_runs_s": [round(r["wall"], 3) for r in fast],
        "plain_runs_s": [round(r["wall"], 3) for r in plain],
        "ratio_of_medians": benchlib.median([r["wall"] for r in fast]) / benchlib.median([r["wall"] for r in plain]),
        "median_pair_ratio": benchlib.median(ratios),
        "fast_cpu_median_s": benchlib.median([r["cpu"] for r in fast]),
        "plain_cpu_median_s": benchlib.median([r["cpu"] for r in plain]),
        "cpu_ratio_of_medians": benchlib.median([r["cpu"] for r in fast]) / benchlib.median([r["cpu"] for r in plain]),
        "fast_peak_mb": benchlib.median([r["peak_mb"] for r in fast]),
        "plain_peak_mb": benchlib.median([r["peak_mb"] for r in plain]),
    }
    if esco_dir:
        result["esco"] = _esco_versus_embedded(times, command(esco_dir), esco_dir, esco_baseline or model_dir)
    result["load"] = benchlib.load_note()
    return result


def _answer(command: list[str], env: dict[str, str] | None) -> dict[str, Any]:
    with (WORK / "answer.json").open("w+") as handle:
        benchlib.run([*command, "--format", "json"], env=env, stdout=handle)
        handle.seek(0)
        return json.load(handle)  # type: ignore[no-any-return]


def _without_score_range(answer: dict[str, Any]) -> dict[str, Any]:
    """The CLI's JSON answer as ``QueryResult.to_dict()`` gives it (the CLI adds the score's range)."""
    return {key: value for key, value in answer.items() if key != "score_max"}


def _esco_versus_embedded(
    times: dict[str, list[dict[str, Any]]], command: list[str], esco_dir: str, baseline_dir: str
) -> dict[str, Any]:
    """The ESCO index's cold query over the embedded one's, and its answer against tables rebuilt from scratch."""
    esco, baseline = times["esco"], times.get("baseline", times["fast"])
    wall = {kind: benchlib.median([r["wall"] for r in runs]) for kind, runs in (("esco", esco), ("base", baseline))}
    cpu = {kind: benchlib.median([r["cpu"] for r in runs]) for kind, runs in (("esco", esco), ("base", baseline))}
    rebuilt = benchlib.run_measured(REBUILT, esco_dir, benchlib.JOB_DESCRIPTION)["answer"]
    return {
        "esco_dir": esco_dir,
        "baseline_dir": baseline_dir,
        "esco_median_s": wall["esco"],
        "baseline_median_s": wall["base"],
        "esco_runs_s": [round(r["wall"], 3) for r in esco],
        "baseline_runs_s": [round(r["wall"], 3) for r in baseline],
        "esco_over_baseline": wall["esco"] / wall["base"],
        "median_pair_ratio": benchlib.median([e["wall"] / b["wall"] for e, b in zip(esco, baseline, strict=True)]),
        "esco_cpu_median_s": cpu["esco"],
        "baseline_cpu_median_s": cpu["base"],
        "cpu_esco_over_baseline": cpu["esco"] / cpu["base"],
        "esco_peak_mb": benchlib.median([r["peak_mb"] for r in esco]),
        "same_answer_as_tables_rebuilt": _without_score_range(_answer(command, None)) == rebuilt,
    }


# ---------------------------------------------------------------- 3. batch scoring
FLOOR = """
import time, sys
sys.path.insert(0, 'scripts')
from recommender.inputs.postings import iter_postings
from recommender.inputs.tabular import parse_mapping
from recommender.skills.segment import split_segments
from recommender.store.index_io import load_index
from benchlib import WUZZUF, WUZZUF_MAP
model = load_index(sys.argv[1])
rows = iter_postings(WUZZUF, mapping=parse_mapping(WUZZUF_MAP, known_fields=('id', 'title', 'text')))
segments = [s for p in rows if hasattr(p, 'text') for s in split_segments(p.text)]
unique = list(dict.fromkeys(segments))
model.encoder.encode(unique[:32])  # session warm-up, as score's first chunk has
started = time.perf_counter()
model.encoder.encode(unique)
result = {'floor_s': time.perf_counter() - started, 'segments': len(segments), 'unique': len(unique),
          'encoder': type(model.encoder).__name__}
"""

SINGLE = """
import json, time, sys
sys.path.insert(0, 'scripts')
from recommender.inputs.postings import iter_postings
from recommender.inputs.tabular import parse_mapping
from recommender.store.index_io import load_index
from benchlib import WUZZUF, WUZZUF_MAP
model = load_index(sys.argv[1])
step = int(sys.argv[3])
rows = [p for p in iter_postings(WUZZUF, mapping=parse_mapping(WUZZUF_MAP, known_fields=('id', 'title', 'text')))
        if hasattr(p, 'text')]
scored = {}
for line in open(sys.argv[2], encoding='utf-8'):
    item = json.loads(line)
    scored[item['id']] = item
sample = rows[::step]
same = close = 0
started = time.perf_counter()
for posting in sample:
    answer = model.recommend(posting.text, k=10).to_dict()
    batch = scored[posting.id]
    same += [r['id'] for r in answer['recommendations']] == [r['id'] for r in batch['recommendations']]
    close += answer['role'] == batch['role']
elapsed = time.perf_counter() - started
result = {'sample': len(sample), 'per_posting_s': elapsed / len(sample), 'postings': len(rows),
          'same_ranking': same, 'same_role': close}
"""


def batch(model_dir: str, runs: int, step: int, memory: bool) -> dict[str, Any]:
    """`recommender score` over the 1,947 Wuzzuf postings vs encoding their unique segments once."""
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / "scores.jsonl"
    command = [CLI, "score", str(benchlib.WUZZUF), *_maps(benchlib.WUZZUF_MAP)]
    command += ["--model-dir", model_dir, "-k", "10", "--out", str(out)]
    floors, scores = [], []
    for i in range(runs):
        for kind in ("floor", "score") if i % 2 == 0 else ("score", "floor"):
            say(f"[{benchlib.load_note()}] batch: {kind} run {i + 1}")
            if kind == "floor":
                floors.append(benchlib.run_measured(FLOOR, model_dir))
            else:
                outcome = benchlib.run(command)
                assert outcome["rc"] == 0, outcome["stderr"]
                scores.append(outcome)
    big = {"peak_mb": None, "wall": None}
    if memory:
        tripled = _tripled_postings(WORK / "postings-x3.jsonl")
        x3 = [CLI, "score", str(tripled), "--model-dir", model_dir, "-k", "10", "--out", str(WORK / "x3.jsonl")]
        big = benchlib.run(x3)
    single = benchlib.run_measured(SINGLE, model_dir, str(out), str(step))
    floor_s = benchlib.median([f["floor_s"] for f in floors])
    score_s = benchlib.median([s["wall"] for s in scores])
    single_total = single["per_posting_s"] * single["postings"]
    return {
        "model_dir": model_dir,
        "segments": floors[0]["segments"],
        "unique_segments": floors[0]["unique"],
        "encoder": floors[0]["encoder"],
        "floor_median_s": floor_s,
        "score_median_s": score_s,
        "floor_runs_s": [round(f["floor_s"], 1) for f in floors],
        "score_runs_s": [round(s["wall"], 1) for s in scores],
        "score_over_floor": score_s / floor_s,
        "single_query_path_s_estimated": single_total,
        "single_sample": single["sample"],
        "speedup_vs_single": single_total / score_s,
        "sample_same_ranking": f"{single['same_ranking']}/{single['sample']}",
        "sample_same_role": f"{single['same_role']}/{single['sample']}",
        "peak_mb_1x": benchlib.median([s["peak_mb"] for s in scores]),
        "peak_mb_3x": big["peak_mb"],
        "wall_3x_s": big["wall"],
        "load": benchlib.load_note(),
    }


def _tripled_postings(path: Path) -> Path:
    """The Wuzzuf postings three times over (new ids), as JSONL: 3x the input for the memory check."""
    with benchlib.WUZZUF.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8") as out:
        for copy in range(3):
            for r in rows:
                text = f"{r['job_description']}\n{r['job_requirements']}"
                out.write(json.dumps({"id": f"{r['job_id']}-{copy}", "title": r["job_title"], "text": text}) + "\n")
    return path


# ---------------------------------------------------------------- 4. incremental re-indexing
def _edx_index(catalog: Path, model_dir: Path, cache: Path | None) -> dict[str, Any]:
    command = [CLI, "index", "--catalog", str(catalog), *_maps(benchlib.EDX_MAP)]
    command += ["--taxonomy", str(benchlib.SHARED / "esco"), "--encoder", "default", "--model-dir", str(model_dir)]
    command += ["--format", "json"]
    env = {"RECOMMENDER_CACHE_DIR": str(cache)} if cache else None
    outcome = benchlib.run(command, env=env)
    assert outcome["rc"] == 0, outcome["stderr"]
    return outcome


def _edited_edx(path: Path, n: int = 10) -> Path:
    """The edX catalog with ``n`` courses' descriptions changed (a sentence appended)."""
    with benchlib.EDX.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    for i in range(n):
        row = rows[50 + 37 * i]
        row["course_description"] += f" New in this edition: a capstone project on topic {i} with peer review."
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def compare_indexes(a: Path, b: Path) -> dict[str, Any]:
    """Per array: identical, or the largest absolute difference; JSON documents compared exactly."""
    import numpy as np

    from recommender.store.artifacts import resolve_version

    va, vb = resolve_version(a), resolve_version(b)
    report: dict[str, Any] = {}
    for path in sorted(va.glob("*.npy")):
        x, y = np.load(path), np.load(vb / path.name)
        same = x.shape == y.shape and np.array_equal(x, y)
        report[path.stem] = "identical" if same else (float(np.abs(x - y).max()) if x.shape == y.shape else "shape")
    for path in sorted(va.glob("*.json")):
        if path.name != "manifest.json" and not path.name.startswith("."):
            report[path.stem] = "identical" if path.read_bytes() == (vb / path.name).read_bytes() else "differs"
    return report


def incremental(
    cold_seconds: float | None, cold_cpu: float | None, warm_cache: str | None, verify: bool
) -> dict[str, Any]:
    """Re-index edX after editing 10 courses, with the embedding cache, vs a cold build."""
    work = WORK / "incremental"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    result: dict[str, Any] = {}
    if cold_seconds is None or warm_cache is None:
        say(f"[{benchlib.load_note()}] incremental: cold build of edX (empty cache)")
        cold = _edx_index(benchlib.EDX, work / "index", work / "cache")
        cold_seconds, cold_cpu = cold["wall"], cold["cpu"]
    else:  # a cold build measured earlier, and the cache it left
        shutil.copytree(warm_cache, work / "cache")
        _edx_index(benchlib.EDX, work / "index", work / "cache")
    edited = _edited_edx(work / "edx_edited.csv")
    say(f"[{benchlib.load_note()}] incremental: re-index after editing 10 courses")
    again = _edx_index(edited, work / "index", work / "cache")
    result.update(cold_build_s=cold_seconds, incremental_s=again["wall"], share=again["wall"] / cold_seconds)
    result.update(incremental_cpu_s=again["cpu"])
    if cold_cpu is not None:
        result.update(cold_build_cpu_s=cold_cpu, cpu_share=again["cpu"] / cold_cpu)
    if verify:
        say(f"[{benchlib.load_note()}] incremental: full rebuild of the edited catalog (empty cache)")
        full = _edx_index(edited, work / "full", work / "cache-full")
        result["full_rebuild_s"] = full["wall"]
        result["versus_full_rebuild"] = compare_indexes(work / "index", work / "full")
    result["load"] = benchlib.load_note()
    return result


def incremental_embedded() -> dict[str, Any]:
    """The same on the embedded catalog with the real encoder, plus a full rebuild to compare with."""
    from recommender.defaults import CATALOG_FILE, SKILLS_FILE, embedded_data_dir

    work = WORK / "incremental-embedded"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = embedded_data_dir()
    lines = (data / CATALOG_FILE).read_text(encoding="utf-8").splitlines()
    edited = []
    for i, line in enumerate(lines):
        row = json.loads(line)
        if i % 20 == 3 and len(edited) < 10:
            row["text"] = row.get("text", "") + " New in this edition: a capstone project with peer review."
            edited.append(row["id"])
        lines[i] = json.dumps(row, ensure_ascii=False)
    catalog = work / "catalog.jsonl"
    taxonomy = data / SKILLS_FILE
    shutil.copyfile(data / CATALOG_FILE, catalog)
    timed: dict[str, float] = {}
    for step, cache in (("cold", work / "cache"), ("incremental", work / "cache"), ("full", work / "cache-full")):
        if step == "incremental":
            catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
        model_dir = work / ("full" if step == "full" else "index")
        say(f"[{benchlib.load_note()}] incremental (embedded catalog): {step}")
        command = [CLI, "index", "--catalog", str(catalog), "--taxonomy", str(taxonomy), "--model-dir", str(model_dir)]
        outcome = benchlib.run(command, env={"RECOMMENDER_CACHE_DIR": str(cache)})
        assert outcome["rc"] == 0, outcome["stderr"]
        timed[step], timed[f"{step}_cpu"] = outcome["wall"], outcome["cpu"]
    return {
        "edited": len(edited),
        "cold_build_s": timed["cold"],
        "incremental_s": timed["incremental"],
        "share": timed["incremental"] / timed["cold"],
        "cpu_s": {step: timed[f"{step}_cpu"] for step in ("cold", "incremental", "full")},
        "cpu_share": timed["incremental_cpu"] / timed["cold_cpu"],
        "full_rebuild_s": timed["full"],
        "versus_full_rebuild": compare_indexes(work / "index", work / "full"),
        "load": benchlib.load_note(),
    }


# ---------------------------------------------------------------- 6. static encoder
def static(cache_dir: str, texts: int) -> dict[str, Any]:
    """Distillation time, encoding speed and TECH/HOUSE quality of --encoder static vs the default."""
    from static_quality import QUALITY, SPEED

    distill = benchlib.run_measured(
        "import time\nfrom recommender.encoders.static import distill_default\nfrom pathlib import Path\n"
        "t = time.perf_counter(); distill_default(Path(sys.argv[1]))\nresult = {'s': time.perf_counter() - t}",
        str(WORK / "distilled"),
    )
    shutil.rmtree(WORK / "distilled", ignore_errors=True)
    speed = {spec: benchlib.run_measured(SPEED, spec, str(texts)) for spec in ("static", "default", "onnx")}
    quality = {spec: benchlib.run_measured(QUALITY, spec, cache_dir) for spec in ("static", "default")}
    return {
        "distill_s": distill["s"],
        "texts_per_s": {spec: s["per_s"] for spec, s in speed.items()},
        "static_speedup_vs_default": speed["static"]["per_s"] / speed["default"]["per_s"],
        "static_speedup_vs_onnx": speed["static"]["per_s"] / speed["onnx"]["per_s"],
        "quality": quality,
        "load": benchlib.load_note(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=["all", "cold", "batch", "incremental", "incremental-embedded", "static"])
    parser.add_argument("--model-dir", default="models/default")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--esco-dir", default=None, help="cold: also query this ESCO index, beside the embedded one.")
    parser.add_argument(
        "--esco-baseline", default=None, help="cold: the embedded catalog indexed with the ESCO index's encoder."
    )
    parser.add_argument("--batch-runs", type=int, default=2)
    parser.add_argument("--single-step", type=int, default=10, help="Time the single-query path on every Nth posting.")
    parser.add_argument("--memory", action="store_true", help="Also score the postings three times over.")
    parser.add_argument("--cold-seconds", type=float, default=None, help="A measured cold edX build (skips one).")
    parser.add_argument("--cold-cpu", type=float, default=None, help="CPU seconds of that cold build.")
    parser.add_argument("--warm-cache", default=None, help="The embedding cache the --cold-seconds build left.")
    parser.add_argument("--verify", action="store_true", help="Also rebuild the edited edX catalog from scratch.")
    parser.add_argument("--cache-dir", default="models/.embedding-cache")
    parser.add_argument("--texts", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out and args.out.exists() else {}
    everything = ["cold", "batch", "incremental", "incremental-embedded", "static"]
    sections = everything if args.section == "all" else [args.section]
    for section in sections:
        say(f"[{benchlib.load_note()}] {section} ...")
        if section == "cold":
            value = cold(args.model_dir, args.runs, args.esco_dir, args.esco_baseline)
        elif section == "batch":
            value = batch(args.model_dir, args.batch_runs, args.single_step, args.memory)
        elif section == "incremental":
            value = incremental(args.cold_seconds, args.cold_cpu, args.warm_cache, args.verify)
        elif section == "incremental-embedded":
            value = incremental_embedded()
        else:
            value = static(args.cache_dir, args.texts)
        results[f"{section}:{args.model_dir}" if section in {"cold", "batch"} else section] = value
        print(json.dumps({section: value}, indent=2))
        if args.out:
            args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Scale-out benchmark: one process vs a local Dask cluster of 1 and 2 workers, bytes per posting, a kill test.

Makes an input of the Wuzzuf postings repeated to ``--rows`` rows (each copy's text varied: a line
of its own and its sentences rotated, so copies do not share every segment), runs
``recommender score INPUT --out DIR`` as a subprocess for each configuration, and prints one table:
postings/s, speedup over one process, the scheduler's overhead per partition, peak memory per
worker process, and bytes per posting. Then it measures output size (compact vs --explain, Parquet
vs JSONL, and today's JSONL stream) on the first ``--size-rows`` rows, and kills a 2-worker run with
SIGKILL part-way, resumes it and counts postings in/out, duplicates and recomputed partitions.

    python scripts/bench_scale.py --model-dir /tmp/edx-hash --rows 20000 --partition-size 500

Nothing here is a timed assertion: it prints ratios measured in one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
import pyarrow.parquet as pq

from recommender.inputs.datasets import WUZZUF

ROOT = Path(__file__).resolve().parent.parent
POSTINGS = WUZZUF.file()


def make_input(source: Path, rows: int, target: Path) -> Path:
    """The postings repeated to ``rows`` rows, each copy varied, as one Parquet file."""
    base = pd.read_csv(source, dtype=str, keep_default_na=False)
    frames = []
    for copy in range(-(-rows // len(base))):
        frame = base.copy()
        frame["job_id"] = frame["job_id"] + f"-{copy}"
        if copy:
            lines = frame["job_requirements"].str.split("\n")
            frame["job_requirements"] = [
                "\n".join(parts[copy % len(parts) :] + parts[: copy % len(parts)]) for parts in lines
            ]
            frame["job_description"] = frame["job_description"] + f"\nPosting reference {copy}, round {copy % 7}."
        frames.append(frame)
    pd.concat(frames, ignore_index=True).iloc[:rows].to_parquet(target, row_group_size=1000)
    return target


def run(command: list[str], watch: bool = True) -> dict:
    """Run a command; return wall seconds and the peak RSS of each process of its tree (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    peaks: dict[int, tuple[str, float]] = {}
    while process.poll() is None:
        if watch:
            try:
                tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
                for member in tree:
                    rss = member.memory_info().rss / 2**20
                    kind = "worker" if "spawn_main" in " ".join(member.cmdline()) else "main"
                    if rss > peaks.get(member.pid, ("", 0.0))[1]:
                        peaks[member.pid] = (kind, rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        time.sleep(0.5)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return {"seconds": time.perf_counter() - started, "peaks": peaks, "stderr": stderr}


def score_command(model_dir: str, inputs: Path, out: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "recommender.cli", "score", str(inputs), "--out", str(out), "--model-dir",
               model_dir, "-k", "10", *extra]  # fmt: skip
    for option in WUZZUF.mapping:
        command += ["--map", option]
    return command


def manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text())


def throughput(args: argparse.Namespace, work: Path, data: Path) -> list[dict]:
    rows = []
    for label, extra, workers in (("one process", [], 1), ("--workers 1", ["--workers", "1"], 1),
                                  ("--workers 2", ["--workers", "2"], 2)):  # fmt: skip
        if label.replace(" ", "") not in args.configs.replace(" ", "") and args.configs != "all":
            continue
        out = work / label.replace(" ", "-").strip("-")
        result = run(score_command(args.model_dir, data, out, "--partition-size", str(args.partition_size), *extra))
        found = manifest(out)
        parts = found["partitions"]
        busy = sum(p["seconds"] for p in parts)
        worker_peaks = [rss for kind, rss in result["peaks"].values() if kind == ("worker" if extra else "main")]
        rows.append({
            "run": label, "postings": found["totals"]["rows_out"], "seconds": result["seconds"],
            "postings_per_s": found["totals"]["rows_out"] / result["seconds"],
            # wall time the workers were not inside a partition (cluster start, index loads, scheduling), per partition
            "overhead_per_partition_s": (result["seconds"] * workers - busy) / len(parts),
            "in_partition_s": busy, "partitions": len(parts),
            "peak_mb_per_worker": max(worker_peaks) if worker_peaks else float("nan"),
            "bytes_per_posting": found["totals"]["bytes"] / found["totals"]["rows_out"],
        })  # fmt: skip
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def sizes(args: argparse.Namespace, work: Path, data: Path) -> list[dict]:
    subset = work / "subset.parquet"
    pq.write_table(pq.read_table(data).slice(0, args.size_rows), subset)
    rows = []
    variants = (
        ("compact Parquet", []), ("compact JSONL", ["--format", "jsonl"]), ("--explain Parquet", ["--explain"]),
        ("--explain JSONL", ["--explain", "--format", "jsonl"]),
    )  # fmt: skip
    for label, extra in variants:
        out = work / ("size-" + label.replace(" ", "-").replace("--", ""))
        run(score_command(args.model_dir, subset, out, "--partition-size", str(args.partition_size), *extra), False)
        totals = manifest(out)["totals"]
        rows.append({"output": label, "bytes_per_posting": totals["bytes"] / totals["rows_out"]})
    stream = work / "stream.jsonl"
    run(score_command(args.model_dir, subset, stream), False)
    rows.append({"output": "today's stream (JSONL, full)", "bytes_per_posting": stream.stat().st_size / args.size_rows})
    return rows


def kill_test(args: argparse.Namespace, work: Path, data: Path) -> dict:
    subset = work / "kill.parquet"
    pq.write_table(pq.read_table(data).slice(0, args.kill_rows), subset)
    out = work / "kill"
    command = score_command(args.model_dir, subset, out, "--workers", "2", "--partition-size", str(args.kill_partition))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    total = -(-args.kill_rows // args.kill_partition)
    done: list[dict] = []
    while process.poll() is None and len(done) < total // 3:
        time.sleep(0.1)
        with contextlib.suppress(OSError, ValueError):  # not written yet
            done = [p for p in manifest(out)["partitions"] if p["status"] == "done"]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done = [p for p in manifest(out)["partitions"] if p["status"] == "done"]
    stamps = {p["file"]: (out / p["file"]).stat().st_mtime_ns for p in done}
    resumed = run([*command, "--resume"], False)
    keys: list[tuple[int, int]] = []
    for part in manifest(out)["partitions"]:
        table = pq.read_table(out / part["file"], columns=["input", "row"])
        keys += list(zip(table["input"].to_pylist(), table["row"].to_pylist(), strict=True))
    recomputed = sum((out / f).stat().st_mtime_ns != stamp for f, stamp in stamps.items())
    return {
        "postings_in": args.kill_rows, "partitions": total, "done_at_kill": len(done),
        "postings_out": len(keys), "duplicates": len(keys) - len(set(keys)),
        "missing": args.kill_rows - len(set(keys)), "done_partitions_recomputed": recomputed,
        "resume_seconds": round(resumed["seconds"], 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--postings", type=Path, default=POSTINGS)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--partition-size", type=int, default=500)
    parser.add_argument("--configs", default="all", help="all, or a comma list of: oneprocess,--workers1,--workers2")
    parser.add_argument("--size-rows", type=int, default=1000)
    parser.add_argument("--kill-rows", type=int, default=3000)
    parser.add_argument("--kill-partition", type=int, default=100)
    parser.add_argument("--skip", default="", help="comma list of parts to skip: throughput, sizes, kill")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    data = make_input(args.postings, args.rows, work / "postings.parquet")
    print(f"input: {args.rows} postings ({data.stat().st_size / 2**20:.1f} MB Parquet) in {work}", flush=True)
    if "throughput" not in args.skip:
        table = throughput(args, work, data)
        base = next((r for r in table if r["run"] == "one process"), None)
        print("\n| run | postings | seconds | postings/s | speedup | overhead/partition (s) | peak MB/worker |"
              " bytes/posting |\n|---|---:|---:|---:|---:|---:|---:|---:|")  # fmt: skip
        for r in table:
            speedup = r["postings_per_s"] / base["postings_per_s"] if base else float("nan")
            print(f"| {r['run']} | {r['postings']} | {r['seconds']:.1f} | {r['postings_per_s']:.1f} | {speedup:.2f}x"
                  f" | {r['overhead_per_partition_s']:.2f} | {r['peak_mb_per_worker']:.0f}"
                  f" | {r['bytes_per_posting']:.0f} |", flush=True)  # fmt: skip
    if "sizes" not in args.skip:
        print(f"\n| output ({args.size_rows} postings, k = 10) | bytes/posting |\n|---|---:|")
        for r in sizes(args, work, data):
            print(f"| {r['output']} | {r['bytes_per_posting']:,.0f} |", flush=True)
    if "kill" not in args.skip:
        print("\nkill -9 of a --workers 2 run, then --resume:", json.dumps(kill_test(args, work, data)), flush=True)


if __name__ == "__main__":
    main()

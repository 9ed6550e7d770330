"""``index`` in one process vs ``--jobs N`` (joblib, loky processes) with a cold embedding cache each.

Builds the same index twice from a bounded slice of a real catalog and vocabulary (the first
``--courses`` edX courses against the first ``--skills`` ESCO skills), each time with a fresh,
empty ``RECOMMENDER_CACHE_DIR`` so every text is encoded, and prints wall times, their ratio, and
how close the two indexes are (cosine of every stored embedding row; byte-identical with the
hashing encoder). The real encoder by default.

    python scripts/bench_parallel_index.py --jobs 2 --courses 300 --skills 2000
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from recommender.inputs.datasets import EDX, ESCO

ROOT = Path(__file__).resolve().parent.parent


def head_csv(source: Path, target: Path, rows: int) -> Path:
    csv.field_size_limit(2**31 - 1)
    with source.open(newline="", encoding="utf-8") as handle, target.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(handle), csv.writer(out)
        writer.writerow(next(reader))
        for _, row in zip(range(rows), reader, strict=False):
            writer.writerow(row)
    return target


def build(work: Path, name: str, catalog: Path, taxonomy: Path, encoder: str, jobs: int) -> float:
    cache = work / f"cache-{name}"  # fresh and empty: a cold build
    command = [sys.executable, "-m", "recommender.cli", "index", "--catalog", str(catalog), "--taxonomy",
               str(taxonomy), "--model-dir", str(work / name), "--encoder", encoder, "--jobs", str(jobs),
               "--no-occupations"]  # fmt: skip
    for option in EDX.mapping:
        command += ["--map", option]
    started = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "RECOMMENDER_CACHE_DIR": str(cache)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def compare(one: Path, other: Path) -> tuple[float, bool]:
    """The lowest cosine between matching rows of every 2-D float array of the two indexes; byte-identical?"""
    from recommender.store.artifacts import resolve_version

    first, second = resolve_version(one), resolve_version(other)
    lowest, identical = 1.0, True
    for path in sorted(first.glob("*.npy")):
        a, b = np.load(path), np.load(second / path.name)
        identical &= a.tobytes() == b.tobytes()
        if a.dtype.kind == "f" and a.ndim == 2 and len(a):
            norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
            keep = norms > 0
            cosines = (a * b).sum(axis=1)[keep] / norms[keep]
            lowest = min(lowest, float(cosines.min()) if len(cosines) else 1.0)
    return lowest, identical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--courses", type=int, default=300)
    parser.add_argument("--skills", type=int, default=2000)
    parser.add_argument("--encoder", default="default")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-parallel-index-"))
    catalog = head_csv(EDX.file(), work / "edx.csv", args.courses)
    (work / "esco").mkdir()
    taxonomy = head_csv(ESCO.file() / "skills_en.csv", work / "esco" / "skills_en.csv", args.skills)
    one = build(work, "one", catalog, taxonomy, args.encoder, 1)
    many = build(work, "many", catalog, taxonomy, args.encoder, args.jobs)
    lowest, identical = compare(work / "one", work / "many")
    print(f"| build ({args.courses} edX courses x {args.skills} ESCO skills, {args.encoder}, cold cache) | seconds |")
    print("|---|---:|")
    print(f"| one process | {one:.1f} |")
    print(f"| --jobs {args.jobs} | {many:.1f} |")
    print(f"\nratio (one process / --jobs {args.jobs}): {one / many:.2f}x; lowest row cosine between the two indexes "
          f"{lowest:.6f}; byte-identical arrays: {identical}")  # fmt: skip


if __name__ == "__main__":
    main()

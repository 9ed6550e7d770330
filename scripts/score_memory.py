"""Peak memory of ``recommender score`` as its input grows, and for one 50 MB posting.

    python scripts/score_memory.py [--sizes 20000 100000 400000] [--work /tmp/recommender-memory]
    python scripts/score_memory.py --sample 100000      # one run, its memory sampled as it goes

Builds an index of the embedded catalog with the hashing encoder (so the runs are bounded in time
and the figures are about the scoring loop, not a model), generates postings files of the given
sizes from a seeded pool of sentences (new sentences keep appearing, as in real postings, so the
segment cache fills), and runs ``score --out`` on each in a fresh process, reading its peak RSS
from the kernel (``wait4``). Prints one row per size, each beside the smallest size's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommender.defaults import CATALOG_FILE, SKILLS_FILE, embedded_data_dir  # noqa: E402

CLI = [sys.executable, "-m", "recommender.cli"]
TOOLS = ["SQL", "Python", "Tableau", "Power BI", "Excel", "Airflow", "dbt", "Spark", "Kafka", "Docker", "Kubernetes",
         "AWS", "Azure", "Scrum", "Jira", "Figma", "React", "Java", "Go", "pandas", "PostgreSQL", "Snowflake"]
VERBS = ["build", "maintain", "design", "test", "document", "monitor", "automate", "migrate", "optimise", "review"]
THINGS = ["data pipelines", "dashboards", "reports", "APIs", "models", "sprints", "budgets", "infrastructure",
          "customer journeys", "training plans", "supplier contracts", "financial statements"]
BOILERPLATE = ["We are an equal opportunity employer.", "Hybrid work, two days a week in the office.",
               "Competitive salary and 30 days of holiday."]  # fmt: skip


def posting(rng: random.Random, number: int) -> dict[str, str]:
    sentences = [
        f"You will {rng.choice(VERBS)} {rng.choice(THINGS)} with {rng.choice(TOOLS)} and {rng.choice(TOOLS)}."
        for _ in range(rng.randint(3, 8))
    ]
    # One sentence in four is new (a number in it), so distinct segments grow with the input.
    if rng.random() < 0.25:
        sentences.append(f"The team serves {rng.randint(1, 10**6)} customers in {rng.choice(THINGS)}.")
    sentences.append(rng.choice(BOILERPLATE))
    return {"id": f"p{number}", "title": f"{rng.choice(TOOLS)} specialist", "text": " ".join(sentences)}


def write_postings(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps(posting(rng, number)) + "\n")


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run the CLI; its wall seconds, peak RSS (MB, from the kernel) and stderr."""
    started = time.monotonic()
    process = subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr}")
    return time.monotonic() - started, usage.ru_maxrss / 1024, stderr


def sampled_run(args: list[str], env: dict[str, str], out: Path, every: float) -> list[tuple[int, float, float]]:
    """Run the CLI once and sample its resident memory every ``every`` seconds beside the postings written
    so far (lines in ``out``): [(postings written, RSS MB, seconds)]; the last sample is the peak (wait4)."""
    started = time.monotonic()
    sink = out.open("wb")  # the answers stream to stdout, into ``out`` as they come (--out renames at the end)
    process = subprocess.Popen([*CLI, *args], env=env, stdout=sink, stderr=subprocess.DEVNULL)
    sink.close()
    samples: list[tuple[int, float, float]] = []
    while True:
        pid, status_code, usage = os.wait4(process.pid, os.WNOHANG)  # reaps it once done (peak RSS in usage)
        if pid:
            break
        time.sleep(every)
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        rss = next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), None)
        if rss is not None:  # None: exited, not yet reaped
            samples.append((_lines(out), rss, time.monotonic() - started))
    if os.waitstatus_to_exitcode(status_code) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    samples.append((_lines(out), usage.ru_maxrss / 1024, time.monotonic() - started))
    return samples


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 400_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/recommender-memory"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--sample", type=int, metavar="N",
        help="instead: ONE run of N postings, its RSS sampled as it goes (printed at each tenth of N)",
    )  # fmt: skip
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RECOMMENDER_CACHE_DIR": str(args.work / "cache")}
    data = embedded_data_dir()
    model_dir = args.work / "index"
    run(["index", "--catalog", str(data / CATALOG_FILE), "--taxonomy", str(data / SKILLS_FILE), "--encoder", "hash",
         "--model-dir", str(model_dir)], env)  # fmt: skip
    print(f"index: embedded catalog, hashing encoder, in {model_dir}; load {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")  # fmt: skip
    if args.sample:
        postings = args.work / f"postings-{args.sample}.jsonl"
        if not postings.exists():
            write_postings(postings, args.sample, args.seed)
        out = args.work / "scores-sampled.jsonl"
        out.unlink(missing_ok=True)
        samples = sampled_run(["score", str(postings), "--model-dir", str(model_dir), "-k", "5"], env, out, every=2.0)
        print(f"one run of {args.sample} postings ({postings.stat().st_size / 2**20:.1f} MB); RSS as it went:")
        print(f"{'postings':>9} {'RSS MB':>8} {'seconds':>8}")
        marks = iter([args.sample * k // 10 for k in range(1, 11)])
        mark = next(marks)
        for written, rss, seconds in samples[:-1]:
            if written >= mark:
                print(f"{written:>9} {rss:>8.0f} {seconds:>8.0f}", flush=True)
                mark = next(marks, args.sample + 1)
        written, peak, seconds = samples[-1]
        print(f"peak RSS over the run {peak:.0f} MB (kernel); {written} postings in {seconds:.0f} s "
              f"({written / seconds:.0f}/s)")  # fmt: skip
        return
    print(f"{'postings':>9} {'file MB':>8} {'peak RSS MB':>12} {'x smallest':>11} {'seconds':>8} {'postings/s':>11}")
    first = None
    for size in sorted(args.sizes):
        postings = args.work / f"postings-{size}.jsonl"
        if not postings.exists():
            write_postings(postings, size, args.seed)
        seconds, rss, _ = run(["score", str(postings), "--model-dir", str(model_dir), "--out",
                               str(args.work / "scores.jsonl"), "-k", "5"], env)  # fmt: skip
        first = first or rss
        megabytes = postings.stat().st_size / 2**20
        print(f"{size:>9} {megabytes:>8.1f} {rss:>12.0f} {rss / first:>11.2f} {seconds:>8.0f} {size / seconds:>11.0f}",
              flush=True)  # fmt: skip

    huge = args.work / "huge-posting.jsonl"
    text = "Build data pipelines with Airflow and dbt, and dashboards in Tableau. " * (50 * 2**20 // 70)
    huge.write_text(json.dumps({"id": "huge", "title": "Data engineer", "text": text}) + "\n", encoding="utf-8")
    seconds, rss, stderr = run(["score", str(huge), "--model-dir", str(model_dir), "--out",
                                str(args.work / "huge-scores.jsonl"), "-k", "5"], env)  # fmt: skip
    warned = [line for line in stderr.splitlines() if "truncated" in line]
    print(f"one {len(text) / 2**20:.0f} MB posting: peak RSS {rss:.0f} MB, {seconds:.0f} s; "
          f"warning: {warned[0].strip() if warned else 'NONE'}")  # fmt: skip


if __name__ == "__main__":
    main()

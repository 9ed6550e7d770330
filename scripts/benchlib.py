"""Helpers shared by scripts/bench.py and scripts/growth_curve.py: real-data inputs, catalogs of any
size built from the shared catalogs, and timing of fresh processes (wall time and peak memory)."""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from recommender.inputs.datasets import COURSERA_2024, COURSERA_CERTS, shared_data_root
from recommender.inputs.datasets import EDX as EDX_COURSES
from recommender.inputs.datasets import WUZZUF as WUZZUF_POSTINGS

REPO = Path(__file__).resolve().parent.parent
SHARED = shared_data_root()
WUZZUF = WUZZUF_POSTINGS.file(SHARED)
WUZZUF_MAP = list(WUZZUF_POSTINGS.mapping)
EDX = EDX_COURSES.file(SHARED)
EDX_MAP = list(EDX_COURSES.mapping)
JOB_DESCRIPTION = (
    "We are looking for a Data Engineer to join our analytics platform team. You will design, build and "
    "maintain batch and streaming data pipelines that move data from operational systems into our cloud data "
    "warehouse. Responsibilities include writing production-quality Python and SQL, modelling data for analytics "
    "with dbt, orchestrating workflows with Apache Airflow, and processing large datasets with Apache Spark. You "
    "will monitor data quality, tune query performance and document data lineage. You will work closely with data "
    "analysts and data scientists to understand their needs, and with software engineers to integrate new sources "
    "through REST APIs and Kafka topics. Requirements: a degree in computer science or a related field; three "
    "years of experience in data engineering; strong knowledge of relational databases such as PostgreSQL; "
    "experience with AWS services including S3, Redshift and Lambda; familiarity with Docker, Git and continuous "
    "integration; good communication skills in English and the ability to work in an agile team."
)  # 150 words


def python() -> str:
    return sys.executable


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"


def wuzzuf_texts(limit: int | None = None) -> list[str]:
    """Job description + requirements of the shared Wuzzuf postings, in file order."""
    with WUZZUF.open(encoding="utf-8", newline="") as handle:
        rows = [f"{r['job_description']}\n{r['job_requirements']}" for r in csv.DictReader(handle)]
    return rows[:limit]


def run(command: Sequence[str], env: dict[str, str] | None = None, stdout: Any = subprocess.DEVNULL) -> dict[str, Any]:
    """Run a fresh process; its wall time (s), peak resident memory (MB), exit code and stderr tail."""
    import tempfile

    with tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), env={**os.environ, **(env or {})}, stdout=stdout, stderr=err, cwd=REPO
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:]
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "rc": process.returncode, "stderr": tail, "peak_mb": usage.ru_maxrss / 1024}


def run_measured(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -P -c code args`` in a fresh process that prints one JSON line; add its peak memory.

    ``-P``: the working folder (the repository) is not put first on ``sys.path``, so a ``PYTHONPATH`` given
    in ``env`` (an older tree of the package, to compare against) is the package the process imports."""
    wrapper = (
        "import json, resource, sys\n" + code + "\n"
        "result['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    process = subprocess.run(
        [python(), "-P", "-c", wrapper, *args], env={**os.environ, **(env or {})}, cwd=REPO,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if process.returncode != 0:
        raise RuntimeError(f"measurement failed:\n{process.stderr[-3000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------- catalogs of any size from real rows
def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def real_credentials() -> list[dict[str, Any]]:
    """The shared edX and Coursera rows as catalog records (title, provider, level, text, skills)."""
    rows: list[dict[str, Any]] = []
    for r in _read(EDX):
        text = "\n".join(
            r[c]
            for c in ("summary", "course_description", "course_syllabus")
            if r.get(c, "NA").strip() not in ("", "NA")
        )
        rows.append({"title": r["title"], "provider": r["institution"], "level": r["Level"], "text": text})
    for r in _read(COURSERA_2024.file(SHARED)):
        skills = [s.strip() for s in r["Gained Skills"].split(",") if s.strip()]
        rows.append({"title": r["Title"], "provider": r["Institution"], "level": r["Level"], "skills": skills})
    for r in _read(COURSERA_CERTS.file(SHARED)):
        skills = [s.strip(" '\"") for s in r["skills"].strip("{}").split(",") if s.strip(" '\"")]
        rows.append({"title": r["course"], "provider": r["partner"], "level": r["level"].strip(), "skills": skills})
    # Rows with neither text nor skills would be skipped by `index`: every row of a catalog must count.
    return [r for r in rows if r["title"] and (r.get("text") or r.get("skills"))]


def synthetic_catalog(n: int) -> Iterator[dict[str, Any]]:
    """``n`` credentials: the real rows first, then rows combining the fields of two real rows
    (title of one + title of another, text and skills of the first + a line naming the second), so
    every row is new while all its text is real."""
    pool = real_credentials()
    for i in range(n):
        a = pool[i % len(pool)]
        record = {"id": f"c{i:06d}", **a}
        if i >= len(pool):
            b = pool[(i * 7919 + i // len(pool)) % len(pool)]
            record["title"] = f"{a['title']}: {b['title']}"
            record["text"] = (a.get("text") or "") + f"\nCapstone: {b['title']}."
            record["skills"] = list(dict.fromkeys([*a.get("skills", []), *b.get("skills", [])[:3]]))
        yield record


def write_catalog(n: int, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in synthetic_catalog(n):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def folder_mb(path: Path, exclude: str | None = None) -> float:
    """Size on disk of the files under ``path`` in MB (files under a part named ``exclude`` left out)."""
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and (exclude is None or exclude not in p.parts))
        / 1e6
    )

"""Kill tests: a real ``recommender score --workers 2`` killed with SIGKILL, then resumed; a worker killed mid-run.

Each run is a subprocess in its own session (its Dask worker processes included), watched through
its ``_manifest.json``; nothing is timed, the tests wait for states.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from recommender.scale.manifest import MANIFEST_FILE, read_manifest

from ..helpers import head_csv
from .conftest import POSTING_MAP

ROWS = 400
PARTITION = 20
PARTITIONS = ROWS // PARTITION


@pytest.fixture(scope="module")
def postings(wuzzuf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return head_csv(wuzzuf, tmp_path_factory.mktemp("kill-postings") / "wuzzuf.csv", ROWS)


def score_command(index: Path, postings: Path, out: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "recommender.cli", "score", str(postings), "--out", str(out),
               "--model-dir", str(index), "-k", "5", "--workers", "2", "--partition-size", str(PARTITION), *extra]
    for option in POSTING_MAP:
        command += ["--map", option]
    return command


def start_score(index: Path, postings: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = score_command(index, postings, out, *extra)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def done_partitions(out: Path) -> list[dict]:
    try:
        return [p for p in read_manifest(out)["partitions"] if p["status"] == "done"]
    except Exception:  # not written yet, or being replaced right now
        return []


def wait_for(condition, process: subprocess.Popen[bytes], what: str, limit: float = 240.0) -> None:
    deadline = time.monotonic() + limit  # a bound against a hung test, not a performance assertion
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the run ended before {what}: {process.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no {what} after {limit:.0f} s")
        time.sleep(0.05)


def read_rows(out: Path) -> list[tuple[int, int]]:
    manifest = read_manifest(out)
    keys: list[tuple[int, int]] = []
    for partition in manifest["partitions"]:
        table = pq.read_table(out / partition["file"], columns=["input", "row"])
        keys += list(zip(table["input"].to_pylist(), table["row"].to_pylist(), strict=True))
    return keys


def test_a_run_killed_with_sigkill_resumes_without_losing_or_repeating_a_posting(
    scale_index: Path, postings: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = start_score(scale_index, postings, out)
    wait_for(lambda: len(done_partitions(out)) >= 3, first, "3 partitions done")
    os.killpg(first.pid, signal.SIGKILL)  # the client, the scheduler and the workers at once
    first.wait()
    done = done_partitions(out)
    assert 3 <= len(done) < PARTITIONS, "the run finished before it could be killed: make it longer"
    stamps = {p["file"]: ((out / p["file"]).stat().st_ino, (out / p["file"]).stat().st_mtime_ns) for p in done}

    refused = subprocess.run(score_command(scale_index, postings, out), capture_output=True, text=True)
    assert refused.returncode == 1 and "already exists; pass --resume" in refused.stderr

    second = start_score(scale_index, postings, out, "--resume")
    _, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr.decode()[-2000:]
    keys = read_rows(out)
    assert len(keys) == len(set(keys)) == ROWS  # none missing, none twice
    assert sorted(keys) == [(0, row) for row in range(1, ROWS + 1)]
    after = {f: ((out / f).stat().st_ino, (out / f).stat().st_mtime_ns) for f in stamps}
    assert after == stamps  # partitions done before the kill were verified, not recomputed
    manifest = read_manifest(out)
    assert manifest["totals"]["rows_out"] == ROWS and manifest["totals"]["partitions_done"] == PARTITIONS
    assert not list(out.glob(".part-*"))  # no temporary file left behind


def test_a_worker_killed_mid_run_is_replaced_and_the_run_completes(
    scale_index: Path, postings: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = start_score(scale_index, postings, out)
    wait_for(lambda: len(done_partitions(out)) >= 2, run, "2 partitions done")
    workers = [
        child for child in psutil.Process(run.pid).children(recursive=True)
        if "spawn_main" in " ".join(child.cmdline()) and "resource_tracker" not in " ".join(child.cmdline())
    ]  # fmt: skip
    assert len(workers) >= 2, [c.cmdline() for c in psutil.Process(run.pid).children(recursive=True)]
    killed_after = len(done_partitions(out))
    workers[0].send_signal(signal.SIGKILL)
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr.decode()[-2000:]
    assert killed_after < PARTITIONS, "the run finished before a worker could be killed"
    keys = read_rows(out)
    assert len(keys) == len(set(keys)) == ROWS
    assert (out / MANIFEST_FILE).exists() and read_manifest(out)["totals"]["rows_out"] == ROWS

"""A full disk: ``index`` and ``score --out`` fail with an error saying so and where; nothing is lost.

The disk is a tmpfs of a few megabytes mounted for the test, which needs root (CI runs as root);
elsewhere the tests skip with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .faults import cli_env, index_args, live_state, query_answer, run_cli, write_catalog


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True,
                          text=True, check=False)  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte with one file; returns it."""
    filler = disk / f"filler-{uuid.uuid4().hex[:6]}"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 16))
                handle.flush()
        except OSError:
            pass
    return filler


def _assert_disk_full_error(result: subprocess.CompletedProcess[str], where: Path) -> None:
    assert result.returncode == 1, result.stderr
    # score's progress bar may have started before the disk filled up: the error is the last line
    assert result.stderr.splitlines()[-1].startswith("Error: the disk is full"), result.stderr
    assert str(where) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
def test_index_on_a_full_disk_says_so_and_keeps_the_previous_index(small_disk: Path, tmp_path: Path) -> None:
    env = cli_env(tmp_path)  # the embedding cache lies outside the small disk
    catalog = write_catalog(tmp_path / "catalog.jsonl")
    model_dir = small_disk / "index"
    assert run_cli(env, *index_args(catalog, model_dir)).returncode == 0
    before = live_state(model_dir)
    answer = query_answer(env, model_dir)
    _fill(small_disk)
    failed = run_cli(env, *index_args(catalog, model_dir))
    _assert_disk_full_error(failed, model_dir)
    assert "the previous index is intact" in failed.stderr
    after = live_state(model_dir)
    assert after == {**before, "temporary": []}
    assert query_answer(env, model_dir) == answer


@pytest.mark.slow
def test_score_out_on_a_full_disk_says_so_and_leaves_no_file(small_disk: Path, tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    catalog = write_catalog(tmp_path / "catalog.jsonl")
    model_dir = tmp_path / "index"
    assert run_cli(env, *index_args(catalog, model_dir)).returncode == 0
    postings = tmp_path / "postings.jsonl"
    row = '{"id": "p%d", "title": "Analyst", "text": "SQL and Tableau dashboards for sales data, Python scripts."}\n'
    postings.write_text("".join(row % i for i in range(400)), encoding="utf-8")
    filler = _fill(small_disk)
    filler.write_bytes(b"\0" * (filler.stat().st_size - 8192))  # leave room for part of the output only
    out = small_disk / "scores.jsonl"
    failed = run_cli(env, "score", postings, "--model-dir", model_dir, "--out", out, "-k", "4")
    _assert_disk_full_error(failed, small_disk)
    assert sorted(p.name for p in small_disk.iterdir()) == [filler.name]  # no scores.jsonl, no partial file

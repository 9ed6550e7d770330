"""Two writers of one model dir: the second waits (and says so) or, with ``--no-wait``, fails at once."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from recommender.store.locking import index_lock

from .faults import cli_env, command, index_args, live_state, query_answer, run_cli, write_catalog


def _wait_for(predicate, what: str, limit: float = 120) -> None:  # type: ignore[no-untyped-def]
    """Poll until ``predicate()`` holds; the limit only stops a broken test from hanging."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_the_lock_is_reentrant_and_refuses_a_second_holder_without_waiting(tmp_path: Path) -> None:
    with index_lock(tmp_path / "m") as path, index_lock(tmp_path / "m"):
        assert path == tmp_path / "m" / ".lock"
        probe = subprocess.run(
            [*command()[:1], "-c", "import sys; from recommender.store.locking import index_lock\n"
             f"with index_lock({str(tmp_path / 'm')!r}, wait=False): pass"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert probe.returncode == 1 and "another `recommender index` is writing to" in probe.stderr
    with index_lock(tmp_path / "m", wait=False):  # released by both blocks
        pass


@pytest.mark.slow
def test_a_second_index_waits_for_the_first_and_no_wait_fails_at_once(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    catalog = write_catalog(tmp_path / "catalog.jsonl")
    model_dir = tmp_path / "index"
    stderr_path = tmp_path / "waiting.stderr"
    with index_lock(model_dir):  # this test process plays the first writer
        with stderr_path.open("w") as stderr:
            waiting = subprocess.Popen(
                command(*index_args(catalog, model_dir)), env=env, stdout=subprocess.PIPE, stderr=stderr
            )
        _wait_for(lambda: "waiting for another" in stderr_path.read_text(), "the second run to report waiting")
        assert waiting.poll() is None
        refused = run_cli(env, *index_args(catalog, model_dir, "--no-wait"))
        assert refused.returncode == 1
        assert refused.stderr.startswith("Error: another `recommender index` is writing to"), refused.stderr
        assert "Traceback" not in refused.stderr
        assert not list(model_dir.glob("index-*"))
    waiting.communicate(timeout=300)
    assert waiting.returncode == 0, stderr_path.read_text()
    assert f"waiting for another `recommender index` writing to {model_dir}" in stderr_path.read_text()
    state = live_state(model_dir)
    assert state["temporary"] == [] and state["versions"] == [state["version"]]


@pytest.mark.slow
def test_two_index_runs_started_together_end_in_one_complete_index(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    catalog = write_catalog(tmp_path / "catalog.jsonl")
    model_dir = tmp_path / "index"
    runs = [
        subprocess.Popen(command(*index_args(catalog, model_dir)), env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    state = live_state(model_dir)
    assert state["temporary"] == [] and len(state["versions"]) == 2
    assert query_answer(env, model_dir)["recommendations"]

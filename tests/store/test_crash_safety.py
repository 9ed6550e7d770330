"""``index`` killed at any moment, and ``query`` processes reading while the index is rebuilt.

Real processes (the hashing encoder, so a run takes a second or two): the state on disk after
``kill -9`` is what a crash, an OOM kill or a pulled plug leave behind. The killed runs are forked
from the test process, so the kill points spread over the indexing itself rather than over the
interpreter's start-up; the first and the last run, and every query, are fresh ``python -m
recommender.cli`` processes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import signal
import time
from pathlib import Path

import pytest

from recommender import api
from recommender.defaults import CATALOG_FILE, SKILLS_FILE, embedded_data_dir

from ..helpers import TINY_CATALOG
from .faults import (
    SKILL_QUERY,
    cli_env,
    exit_status,
    fork_cli,
    index_args,
    live_state,
    query_answer,
    run_cli,
    write_catalog,
)

KILL_TRIALS = 32
QUERY_PROCESSES = 10
SEED = 13


def _answer(model_dir: Path) -> dict:
    return api.query(skills="SQL, Python, dashboards, Scrum", model_dir=model_dir, k=4).to_dict()


@pytest.mark.slow
def test_kill_9_at_any_moment_of_index_leaves_the_previous_index_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = cli_env(tmp_path)
    for key, value in env.items():  # the in-process checks read the same cache
        monkeypatch.setenv(key, value)
    data = embedded_data_dir()
    args = index_args(data / CATALOG_FILE, tmp_path / "index", "--taxonomy", str(data / SKILLS_FILE))
    model_dir = tmp_path / "index"
    assert run_cli(env, *args).returncode == 0  # the real command, from a fresh interpreter
    expected, expected_cli = _answer(model_dir), query_answer(env, model_dir)
    started = time.monotonic()
    assert exit_status(fork_cli(env, *args)) == 0
    run_seconds = time.monotonic() - started  # sets the kill window only; nothing asserts on it

    rng = random.Random(SEED)
    outcomes = {"killed": 0, "completed": 0, "left a temporary": 0}
    for trial in range(KILL_TRIALS):
        # Stratified over the whole run (and a little past it, so that some runs complete).
        delay = run_seconds * 1.1 * (trial + rng.random()) / KILL_TRIALS
        pid = fork_cli(env, *args)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):  # already finished (and not yet reaped)
            os.kill(pid, signal.SIGKILL)
        status = exit_status(pid)
        assert status in (0, -signal.SIGKILL), f"trial {trial}: exit status {status}"
        outcomes["completed" if status == 0 else "killed"] += 1
        state = live_state(model_dir)  # verifies every file of the live version
        outcomes["left a temporary"] += bool(state["temporary"])
        assert len(state["temporary"]) <= 1, state  # at most the killed run's own: earlier ones were cleaned
        assert len(state["versions"]) <= 3, state  # live, previous, and at most one a killed run never published
        assert _answer(model_dir) == expected, f"trial {trial}: killed after {delay:.2f} s"

    final = run_cli(env, *args)
    assert final.returncode == 0, final.stderr
    state = live_state(model_dir)
    assert state["temporary"] == [] and len(state["versions"]) <= 2, state
    assert query_answer(env, model_dir) == expected_cli
    assert outcomes["killed"] >= KILL_TRIALS // 2, outcomes
    print(f"kill trials: {KILL_TRIALS}, {outcomes}")


def _rebuild_until(stop: Path, env: dict[str, str], catalogs: tuple[Path, Path], model_dir: Path) -> int:
    """Fork a child that rebuilds the index from each catalog in turn until ``stop`` exists."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.environ.update(env)
            logging.disable(logging.CRITICAL)
            rounds = 0
            while not stop.exists() or rounds < 4:
                api.build_index(catalogs[rounds % 2], model_dir, api.IndexOptions(encoder="hash"))
                rounds += 1
            stop.write_text(str(rounds))
            code = 0
        finally:
            os._exit(code)
    return pid


@pytest.mark.slow
def test_queries_during_repeated_rebuilds_all_answer_from_one_complete_index(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    # Two catalogs with different answers: every query must give exactly one of the two.
    first = write_catalog(tmp_path / "a.jsonl")
    second = write_catalog(tmp_path / "b.jsonl", [{**row, "title": row["title"] + " (B)"} for row in TINY_CATALOG])
    model_dir = tmp_path / "index"
    answers = []
    for catalog in (second, first):
        assert run_cli(env, *index_args(catalog, model_dir)).returncode == 0
        answers.append(query_answer(env, model_dir))
    assert answers[0] != answers[1]

    stop = tmp_path / "stop"
    writer = _rebuild_until(stop, env, (first, second), model_dir)
    try:
        queried = []
        while len(queried) < QUERY_PROCESSES:
            result = run_cli(env, "query", "--model-dir", model_dir, "--format", "json", *SKILL_QUERY)
            assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
            queried.append(json.loads(result.stdout))
    finally:
        stop.touch()
        status = exit_status(writer)
    assert status == 0
    rebuilds = int(stop.read_text())
    assert rebuilds >= 4
    assert all(answer in answers for answer in queried)
    assert live_state(model_dir)["temporary"] == []
    print(f"{QUERY_PROCESSES} query processes during {rebuilds} rebuilds: 0 failures")


@pytest.mark.parametrize("phase", ["arrays", "manifest", "rename", "pointer"])
def test_a_failure_in_each_phase_of_the_write_leaves_the_old_index_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, phase: str
) -> None:
    """The kill trials land by chance; this walks each step of ``write_index`` on purpose."""
    import numpy as np

    from recommender.store import artifacts

    model_dir = tmp_path / "m"
    old = artifacts.write_index(model_dir, {"a": np.ones(3)}, {"doc": {"x": 1}}, {"counts": {}})
    targets = {"arrays": (np, "save"), "manifest": (artifacts, "_write_stamp"), "rename": (Path, "rename"),
               "pointer": (artifacts, "_live_version_name")}  # fmt: skip
    owner, name = targets[phase]

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # like a signal: not an error the writer could handle

    monkeypatch.setattr(owner, name, crash)
    with pytest.raises(KeyboardInterrupt):
        artifacts.write_index(model_dir, {"a": np.zeros(3)}, {"doc": {"x": 2}}, {"counts": {}})
    monkeypatch.undo()
    assert artifacts.resolve_version(model_dir) == old
    assert artifacts.load_document(old, "doc") == {"x": 1}
    new = artifacts.write_index(model_dir, {"a": np.zeros(3)}, {"doc": {"x": 3}}, {"counts": {}})
    assert artifacts.load_document(artifacts.resolve_version(model_dir), "doc") == {"x": 3}
    assert sorted(p.name for p in model_dir.iterdir() if p.name != ".lock") == sorted(["CURRENT", old.name, new.name])


@pytest.mark.slow
def test_a_killed_score_leaves_only_a_file_marked_incomplete(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    model_dir = tmp_path / "index"
    assert run_cli(env, *index_args(write_catalog(tmp_path / "catalog.jsonl"), model_dir)).returncode == 0
    postings = tmp_path / "postings.jsonl"
    rows = (json.dumps({"id": f"p{i}", "title": "Analyst", "text": f"SQL report {i}. Tableau dashboard {i}."})
            for i in range(200_000))  # fmt: skip
    postings.write_text("\n".join(rows), encoding="utf-8")
    out = tmp_path / "out" / "scores.jsonl"
    pid = fork_cli(env, "score", postings, "--model-dir", model_dir, "--out", out, "-k", "2")
    deadline = time.monotonic() + 300  # only stops a broken test from hanging
    while not any(p.stat().st_size > 0 for p in out.parent.glob(".scores.jsonl.*.incomplete")):
        assert time.monotonic() < deadline, "score never started writing"
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    assert exit_status(pid) == -signal.SIGKILL
    left = [p.name for p in out.parent.iterdir()]
    assert len(left) == 1 and left[0].startswith(".scores.jsonl.") and left[0].endswith(".incomplete"), left

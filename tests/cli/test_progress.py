"""Progress: one rich display on stderr with labelled stages when stderr is a terminal, nothing at all
otherwise (a log never fills with bars and carriage returns), nothing with --quiet."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import TINY_CATALOG


def _catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in TINY_CATALOG), encoding="utf-8")
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "RECOMMENDER_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "120", "TERM": "xterm"}


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``recommender ARGS`` with stderr (and stdout) on a pseudo-terminal; its exit code and what it drew."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "recommender.cli", *args], stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower, env=env)  # fmt: skip
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_index_draws_labelled_stages_on_a_terminal(tmp_path: Path) -> None:
    code, drawn = _on_a_terminal(
        ["index", "--catalog", str(_catalog(tmp_path)), "--encoder", "hash", "-m", str(tmp_path / "index")],
        _env(tmp_path),
    )
    assert code == 0, drawn
    for label in ("reading the catalog catalog.jsonl", "profiling 4 credentials", "writing the index"):
        assert label in drawn, drawn
    assert "Batches" not in drawn  # no tqdm bar from sentence-transformers


def test_index_draws_nothing_when_stderr_is_a_pipe_or_quiet(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "recommender.cli", "index", "--catalog", str(_catalog(tmp_path)), "--encoder",
            "hash", "-m", str(tmp_path / "index")]  # fmt: skip
    piped = subprocess.run(args, capture_output=True, text=True, env=_env(tmp_path), check=False)
    assert piped.returncode == 0 and piped.stderr == ""
    assert "\r" not in piped.stdout and "Indexed 4 credentials" in piped.stdout
    code, drawn = _on_a_terminal([*args[3:], "--quiet"], _env(tmp_path))
    assert code == 0 and "profiling" not in drawn and "Indexed 4 credentials" in drawn

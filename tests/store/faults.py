"""Helpers for the fault tests: the CLI as a real process, a model dir's state, answers to compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from recommender.store.artifacts import read_manifest, resolve_version, verify_files

from ..helpers import TINY_CATALOG

SKILL_QUERY = ("--skills", "SQL, Python, dashboards, Scrum", "-k", "4")


def cli_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: the embedding cache and default index inside ``tmp_path``, one thread."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECOMMENDER_")}
    env.update(
        RECOMMENDER_CACHE_DIR=str(tmp_path / "cache"),
        RECOMMENDER_MODEL_DIR=str(tmp_path / "default-index-never-built"),
        OMP_NUM_THREADS="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "recommender.cli", *map(str, args)]


def run_cli(env: dict[str, str], *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, env=env, timeout=timeout, check=False)


def index_args(catalog: Path, model_dir: Path, *extra: str) -> list[str | Path]:
    return ["index", "--catalog", catalog, "--encoder", "hash", "--model-dir", model_dir, "--format", "json", *extra]


def write_catalog(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows or TINY_CATALOG), encoding="utf-8")
    return path


def query_answer(env: dict[str, str], model_dir: Path) -> dict[str, Any]:
    """``query --format json`` as a real process; fails the test on a non-zero exit."""
    result = run_cli(env, "query", "--model-dir", model_dir, "--format", "json", *SKILL_QUERY)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def live_state(model_dir: Path) -> dict[str, Any]:
    """The live version (verified in full) and what lies beside it."""
    version = resolve_version(model_dir)
    verify_files(version, read_manifest(version))
    return {
        "version": version.name,
        "versions": sorted(p.name for p in model_dir.glob("index-*")),
        "temporary": sorted(p.name for pattern in (".tmp-*", ".CURRENT.*") for p in model_dir.glob(pattern)),
    }


def fork_cli(env: dict[str, str], *args: str | Path) -> int:
    """Run the CLI in a forked child of this (already importing) process; returns its pid.

    A real process, killed for real, but without the interpreter start-up (seconds on a busy machine),
    so that kill points spread over the command's own work.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.environ.clear()
            os.environ.update(env)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            from recommender.cli import app

            app([str(a) for a in args], prog_name="recommender")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    return pid


def exit_status(pid: int) -> int:
    """Wait for ``pid``; its exit code, or minus the signal that killed it."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)

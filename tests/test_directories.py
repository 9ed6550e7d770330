"""Files go where users expect them: indexes and the trained encoder in the user's data folder, the embedding
cache in the user's cache folder (platformdirs), each overridable; the default index ships in the package,
so a query from any folder builds nothing and writes nothing there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.defaults import (
    ENVIRONMENT,
    default_cache_dir,
    default_model_dir,
    default_trained_dir,
    packaged_index_dir,
)
from recommender.store.live import is_stale_default, locate_index

REPO = Path(__file__).resolve().parent.parent


def test_defaults_are_the_users_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("RECOMMENDER_MODEL_DIR", "RECOMMENDER_CACHE_DIR", "RECOMMENDER_TRAINED_ENCODER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path / ".." if (tmp_path / "..").is_dir() else tmp_path)
    if sys.platform.startswith("linux"):
        assert default_model_dir() == tmp_path / "data" / "recommender" / "default"
        assert default_trained_dir() == tmp_path / "data" / "recommender" / "encoder-esco"
        assert default_cache_dir() == tmp_path / "cache" / "recommender" / "embeddings"
    for path in (default_model_dir(), default_cache_dir(), default_trained_dir()):
        assert path.is_absolute()  # never relative to where a command runs


def test_each_default_has_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RECOMMENDER_MODEL_DIR", str(tmp_path / "m"))
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("RECOMMENDER_TRAINED_ENCODER", str(tmp_path / "t"))
    assert (default_model_dir(), default_cache_dir(), default_trained_dir()) == (
        tmp_path / "m", tmp_path / "c", tmp_path / "t"
    )  # fmt: skip


def test_every_variable_the_package_reads_is_documented() -> None:
    """Each RECOMMENDER_* name in the code is in defaults.ENVIRONMENT and in docs/environment.md's table."""
    import re

    found = set()
    for path in (REPO / "recommender").rglob("*.py"):
        found |= set(re.findall(r"\bRECOMMENDER_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    found |= set(re.findall(r"\bRECOMMENDER_[A-Z_]+\b", (REPO / "hatch_build.py").read_text(encoding="utf-8")))
    documented = set(ENVIRONMENT) | {"RECOMMENDER_SERVE_MAX_BODY", "RECOMMENDER_SERVE_MAX_TEXT",
                                     "RECOMMENDER_SERVE_MAX_UPLOAD"}  # fmt: skip
    assert found <= documented, sorted(found - documented)
    table = (REPO / "docs" / "environment.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in table for name in ENVIRONMENT)


@pytest.mark.real_model
def test_a_query_from_two_folders_builds_the_default_index_once_and_writes_nowhere(tmp_path: Path) -> None:
    """The README's first command, run from two folders: the same answer, and nothing written in either folder
    (the index shipped in the package, or else one built once in the user's data folder)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECOMMENDER_")}
    env |= {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    if os.environ.get("RECOMMENDER_CACHE_DIR") and packaged_index_dir() is None:
        env["RECOMMENDER_CACHE_DIR"] = os.environ["RECOMMENDER_CACHE_DIR"]  # a warm cache, if the run has one
    answers = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "recommender.cli", "query", "We need SQL and Power BI dashboards", "-k", "3",
             "--format", "json"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout)
        assert list(folder.iterdir()) == []  # nothing written where the command ran
    assert answers[0] == answers[1]
    built = tmp_path / "data" / "recommender" / "default"
    packaged = packaged_index_dir()
    if packaged is not None and not is_stale_default(packaged):
        assert not built.exists()  # the shipped index answered: nothing built, nothing written
    else:
        assert len([p for p in built.iterdir() if p.name.startswith("index-")]) == 1  # built once


def test_a_stale_or_missing_packaged_index_is_not_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With $RECOMMENDER_MODEL_DIR set, that folder is the default model dir (the shipped index is not used)."""
    own = tmp_path / "own"
    (own / "index-x").mkdir(parents=True)
    (own / "CURRENT").write_text("index-x", encoding="utf-8")
    (own / "index-x" / "manifest.json").write_text('{"inputs": {"embedded": false}}', encoding="utf-8")
    monkeypatch.setenv("RECOMMENDER_MODEL_DIR", str(own))
    assert locate_index() == own  # the user's own index there: never replaced, never bypassed
    assert locate_index(tmp_path / "elsewhere") == tmp_path / "elsewhere"

"""Every file of an index flipped, truncated or removed in turn: one ``Error:`` naming the file and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.store.artifacts import CURRENT, STAMP, resolve_version
from recommender.store.index_io import save_index

DAMAGES = ("flip", "truncate", "remove")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from recommender.encoders.hashing import HashingEncoder
    from recommender.formats.readers import load_catalog
    from recommender.matching.engine import Recommender

    from ..helpers import HASH_SETTINGS
    from .faults import write_catalog

    folder = tmp_path_factory.mktemp("damage")
    model = Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load_catalog(write_catalog(folder / "c.jsonl")))
    save_index(model, folder / "index")
    return folder / "index"


def _index_files(model_dir: Path) -> list[str]:
    """Every file a reader depends on, relative to the model dir (the verification stamp aside)."""
    version = resolve_version(model_dir)
    files = [p.relative_to(model_dir).as_posix() for p in version.rglob("*") if p.is_file() and p.name != STAMP]
    return [CURRENT, *sorted(files)]


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    elif how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.unlink()


def _query(model_dir: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["query", "--model-dir", str(model_dir), "--skills", "SQL, Python", "-k", "2"])


def test_every_file_of_the_index_damaged_in_every_way_is_named_with_the_fix(built: Path, tmp_path: Path) -> None:
    files = _index_files(built)
    assert len(files) >= 10
    tried = 0
    for name in files:
        for how in DAMAGES:
            model_dir = tmp_path / f"{how}-{name.replace('/', '_')}"
            shutil.copytree(built, model_dir)
            _damage(model_dir / name, how)
            result = _query(model_dir)
            where = f"{name} {how}: {result.output}"
            assert isinstance(result.exception, SystemExit) and result.exit_code == 1, where
            assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, where
            assert "Traceback" not in result.output, where
            assert Path(name).name in result.stderr, where
            assert "recommender index" in result.stderr, where
            tried += 1
    assert tried == 3 * len(files)


def test_a_damaged_verification_stamp_only_means_a_full_check(built: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "index"
    shutil.copytree(built, model_dir)
    expected = _query(model_dir).stdout
    stamp = resolve_version(model_dir) / STAMP
    for how in DAMAGES:
        if stamp.exists():
            _damage(stamp, how)
        result = _query(model_dir)
        assert result.exit_code == 0 and result.stdout == expected, result.output

import json
from pathlib import Path

import numpy as np
import pytest

from recommender.errors import ArtifactError
from recommender.matching.engine import Recommender
from recommender.store import artifacts
from recommender.store.artifacts import (
    load_array,
    load_document,
    read_manifest,
    resolve_version,
    verify_files,
    write_index,
)
from recommender.store.index_io import load_index, save_index


def _write(model_dir: Path, value: float = 1.0) -> Path:
    return write_index(model_dir, {"a": np.full(3, value, dtype=np.float32)}, {"doc": {"x": value}}, {"counts": {}})


def test_written_index_round_trips_and_verifies(tmp_path: Path) -> None:
    version = _write(tmp_path / "m")
    assert resolve_version(tmp_path / "m") == version
    manifest = read_manifest(version)
    assert manifest["format_version"] == artifacts.FORMAT_VERSION
    assert set(manifest["files"]) == {"a.npy", "doc.json"}
    verify_files(version, manifest)
    np.testing.assert_array_equal(load_array(version, "a"), [1.0, 1.0, 1.0])
    assert load_document(version, "doc") == {"x": 1.0}


def test_rewriting_switches_atomically_and_keeps_one_previous_version(tmp_path: Path) -> None:
    first = _write(tmp_path / "m", 1.0)
    second = _write(tmp_path / "m", 2.0)
    third = _write(tmp_path / "m", 3.0)
    assert resolve_version(tmp_path / "m") == third
    assert not first.exists() and second.exists()
    assert load_document(third, "doc") == {"x": 3.0}


def test_a_crash_while_writing_leaves_the_old_index_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _write(tmp_path / "m", 1.0)

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(artifacts, "_write_file", explode)
    with pytest.raises(OSError, match="disk full"):
        _write(tmp_path / "m", 2.0)
    assert resolve_version(tmp_path / "m") == old
    assert load_document(old, "doc") == {"x": 1.0}
    assert not list((tmp_path / "m").glob(".tmp-*"))


def test_corrupt_and_missing_files_are_reported(tmp_path: Path) -> None:
    version = _write(tmp_path / "m")
    (version / "a.npy").write_bytes(b"garbage")
    with pytest.raises(ArtifactError, match="corrupt"):
        verify_files(version, read_manifest(version))
    (version / "a.npy").unlink()
    with pytest.raises(ArtifactError, match="missing"):
        verify_files(version, read_manifest(version))


def test_incompatible_format_version_is_refused(tmp_path: Path) -> None:
    version = _write(tmp_path / "m")
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["format_version"] = 999
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="format version 999"):
        read_manifest(version)


def test_folders_that_are_not_indexes_are_named(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="no index at"):
        resolve_version(tmp_path / "absent")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("hello")
    with pytest.raises(ArtifactError, match="not a recommender index"):
        resolve_version(tmp_path / "other")
    with pytest.raises(ArtifactError, match="not a recommender index"):
        load_index(tmp_path / "other")


def test_loading_a_tampered_engine_index_fails_cleanly(tiny_model: Recommender, tmp_path: Path) -> None:
    version = save_index(tiny_model, tmp_path / "idx")
    with (version / "documents.npy").open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\x00\x01\x02\x03")
    with pytest.raises(ArtifactError, match=r"documents\.npy is corrupt"):
        load_index(tmp_path / "idx")

"""An index saved and loaded answers as the fitted one; the verification stamp skips re-hashing only while
files are untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.errors import ArtifactError
from recommender.matching.engine import Recommender
from recommender.skills.neighbors import CosineNeighbors
from recommender.store import artifacts
from recommender.store.index_io import load_index, save_index

from ..helpers import answers


def test_loaded_index_ranks_exactly_as_the_fitted_one(tiny_model: Recommender, tmp_path: Path) -> None:
    save_index(tiny_model, tmp_path / "index")
    loaded = load_index(tmp_path / "index")
    assert isinstance(loaded.extractor_.index_, CosineNeighbors)  # the numpy path answers queries
    assert not isinstance(tiny_model.extractor_.index_, CosineNeighbors)  # scikit-learn built the index
    assert answers(loaded) == answers(tiny_model)


def test_verification_stamp_skips_rehashing_until_a_file_changes(
    tiny_model: Recommender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = save_index(tiny_model, tmp_path / "index")
    assert (version / artifacts.STAMP).exists()
    hashed: list[str] = []
    real_sha256 = artifacts.file_sha256
    monkeypatch.setattr(artifacts, "file_sha256", lambda path: hashed.append(path.name) or real_sha256(path))
    load_index(tmp_path / "index")
    assert hashed == ["manifest.json"]  # only the small manifest: the stamp vouches for the rest

    documents = version / "documents.npy"
    content = bytearray(documents.read_bytes())
    content[-1] ^= 0xFF  # same size, one flipped byte
    documents.write_bytes(bytes(content))
    with pytest.raises(ArtifactError, match=r"documents\.npy is corrupt"):
        load_index(tmp_path / "index")


def test_a_missing_stamp_means_a_full_check_then_a_new_stamp(tiny_model: Recommender, tmp_path: Path) -> None:
    version = save_index(tiny_model, tmp_path / "index")
    (version / artifacts.STAMP).unlink()
    load_index(tmp_path / "index")
    stamp = json.loads((version / artifacts.STAMP).read_text())
    assert set(stamp["files"]) == set(json.loads((version / "manifest.json").read_text())["files"])



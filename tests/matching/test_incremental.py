"""Incremental re-indexing: after editing a few credentials only their new texts are encoded,
and the index equals, file for file, the one a full rebuild without the cache writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from recommender import IndexOptions, build_index
from recommender.encoders.hashing import HashingEncoder
from recommender.skills.extractor import SkillExtractor
from recommender.store.artifacts import resolve_version

from ..helpers import HASH_SETTINGS, TINY_CATALOG

TOPICS = ["SQL", "Python", "Tableau", "Scrum", "Excel", "Spark", "Docker", "statistics"]


def _catalog(edited: Sequence[int] = ()) -> list[dict]:
    """The tiny catalog plus 16 generated credentials; the ``edited`` ones get a new text."""
    rows = [dict(row) for row in TINY_CATALOG]
    for i in range(16):
        topic, other = TOPICS[i % len(TOPICS)], TOPICS[(i * 3 + 1) % len(TOPICS)]
        rows.append(
            {
                "id": f"gen-{i}",
                "title": f"{topic} and {other} in practice {i}",
                "skills": [topic, other],
                "text": f"Use {topic} every day. Combine {topic} with {other} on projects. Week {i} covers review.",
            }
        )
    for i in edited:
        rows[i] = {**rows[i], "text": rows[i]["text"] + f" New module {i}: automate reports with {TOPICS[i % 8]}."}
    return rows


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _files(model_dir: Path) -> dict[str, bytes]:
    version = resolve_version(model_dir)
    return {p.name: p.read_bytes() for p in sorted(version.iterdir()) if not p.name.startswith(".")}


@pytest.fixture()
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the hashing encoder is asked to encode."""
    texts: list[str] = []
    real = HashingEncoder.encode

    def spy(self: HashingEncoder, batch: Sequence[str], **kwargs: object) -> np.ndarray:
        texts.extend(batch)
        return real(self, batch, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HashingEncoder, "encode", spy)
    return texts


def test_reindexing_after_edits_encodes_only_new_texts_and_equals_a_full_rebuild(
    tmp_path: Path, encoded: list[str], matched: list[int]
) -> None:
    catalog = tmp_path / "catalog.jsonl"
    options = IndexOptions(encoder="hash:256", settings=HASH_SETTINGS, cache_dir=tmp_path / "cache")
    build_index(_write(catalog, _catalog()), tmp_path / "incremental", options)
    cold = len(encoded)
    encoded.clear()
    matched.clear()

    _write(catalog, _catalog(edited=[1, 5, 9]))
    build_index(catalog, tmp_path / "incremental", options)
    new_texts = set(encoded)
    assert new_texts and all("New module" in text for text in new_texts)
    # Only the new segments are matched against the forms; the 3 edited credentials' whole documents
    # (their document embeddings) are the other new texts.
    assert sum(matched) == len(new_texts) - 3
    assert len(encoded) < cold / 10

    build_index(catalog, tmp_path / "full", replace(options, cache_dir=None, use_cache=False))
    incremental, full = _files(tmp_path / "incremental"), _files(tmp_path / "full")
    assert incremental.keys() == full.keys()
    for name in incremental:
        if name != "manifest.json":
            assert incremental[name] == full[name], name
    manifests = [json.loads(files["manifest.json"]) for files in (incremental, full)]
    assert manifests[0]["files"] == manifests[1]["files"]
    assert manifests[0]["counts"] == manifests[1]["counts"]
    assert manifests[0]["inputs"] == manifests[1]["inputs"]


@pytest.fixture()
def matched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of every call matching embeddings against the surface forms."""
    rows: list[int] = []
    real = SkillExtractor.nearest_forms

    def spy(self: SkillExtractor, embeddings: np.ndarray, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
        rows.append(len(embeddings))
        return real(self, embeddings, n_neighbors)

    monkeypatch.setattr(SkillExtractor, "nearest_forms", spy)
    return rows


def test_an_unchanged_catalog_reindexes_without_encoding_or_matching(
    tmp_path: Path, encoded: list[str], matched: list[int]
) -> None:
    catalog = _write(tmp_path / "catalog.jsonl", _catalog())
    options = IndexOptions(encoder="hash:256", settings=HASH_SETTINGS, cache_dir=tmp_path / "cache")
    build_index(catalog, tmp_path / "a", options)
    assert sum(matched) > 0
    encoded.clear()
    matched.clear()
    build_index(catalog, tmp_path / "b", options)
    assert encoded == []
    assert matched == []  # every segment's nearest forms come from the cache
    assert _files(tmp_path / "a").keys() == _files(tmp_path / "b").keys()


def test_the_cache_is_keyed_by_encoder_fingerprint(tmp_path: Path, encoded: list[str]) -> None:
    catalog = _write(tmp_path / "catalog.jsonl", _catalog())
    options = IndexOptions(encoder="hash:256", settings=HASH_SETTINGS, cache_dir=tmp_path / "c")
    build_index(catalog, tmp_path / "a", options)
    encoded.clear()
    build_index(catalog, tmp_path / "b", replace(options, encoder="hash:128"))
    assert encoded  # another encoder: nothing reused
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == sorted(
        [HashingEncoder(256).fingerprint(), HashingEncoder(128).fingerprint()]
    )

"""An index saved and loaded answers as the fitted one; the verification stamp skips re-hashing only while
files are untouched."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

from recommender import IndexOptions, api
from recommender.errors import ArtifactError
from recommender.inputs import taxonomy as taxonomy_module
from recommender.matching.engine import Recommender
from recommender.skills.lexical import FormMatcher
from recommender.skills.neighbors import CosineNeighbors
from recommender.store import artifacts, index_io
from recommender.store.index_io import load_index, save_index

from ..esco_fixture import write_esco
from ..helpers import HASH_SETTINGS, QUERIES, answers


def test_loaded_index_ranks_exactly_as_the_fitted_one(tiny_model: Recommender, tmp_path: Path) -> None:
    save_index(tiny_model, tmp_path / "index")
    loaded = load_index(tmp_path / "index")
    assert isinstance(loaded.extractor_.index_, CosineNeighbors)  # the numpy path answers queries
    assert not isinstance(tiny_model.extractor_.index_, CosineNeighbors)  # scikit-learn built the index
    assert answers(loaded) == answers(tiny_model)


def test_saved_skill_embeddings_and_vocabulary_load_as_fitted(
    tiny_model: Recommender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = save_index(tiny_model, tmp_path / "index")
    assert (version / "skill_embeddings.npy").exists()
    loaded = load_index(tmp_path / "index")
    np.testing.assert_array_equal(loaded.skill_embeddings_, tiny_model.skill_embeddings_)
    assert loaded.vocabulary_.skills == tiny_model.vocabulary_.skills

    # An index saved before the skill embeddings were (its manifest does not list them): the same rows,
    # taken from the label forms.
    read_manifest = index_io.read_manifest

    def without_skill_embeddings(folder: Path) -> dict:
        manifest = read_manifest(folder)
        return {**manifest, "files": {k: v for k, v in manifest["files"].items() if k != "skill_embeddings.npy"}}

    monkeypatch.setattr(index_io, "read_manifest", without_skill_embeddings)
    older = load_index(tmp_path / "index")
    np.testing.assert_array_equal(older.skill_embeddings_, tiny_model.skill_embeddings_)
    assert answers(older) == answers(tiny_model)


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


def _without_query_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make save_index write an index as before the query tables were saved."""
    monkeypatch.setattr(index_io, "_query_tables", lambda model, arrays, documents: None)


@pytest.mark.parametrize("esco", [False, True], ids=["catalog-vocabulary", "esco-with-occupations"])
def test_saved_query_tables_answer_exactly_as_tables_rebuilt_from_scratch(
    esco: bool, tiny_catalog_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if esco:
        taxonomy = write_esco(tmp_path / "esco")
        options = IndexOptions(taxonomy=taxonomy, encoder="hash:256", settings=HASH_SETTINGS, use_cache=False)
    else:
        options = IndexOptions(encoder="hash:256", settings=HASH_SETTINGS, use_cache=False)
    build = functools.partial(api.build_index, tiny_catalog_path, options=options)
    build(model_dir=tmp_path / "tables")
    with monkeypatch.context() as patch:
        _without_query_tables(patch)
        build(model_dir=tmp_path / "rebuilt")
    assert "query_tables" in artifacts.read_manifest(artifacts.resolve_version(tmp_path / "tables"))
    assert artifacts.read_manifest(artifacts.resolve_version(tmp_path / "rebuilt")).get("query_tables") is None

    # Loading the index with tables must not rebuild them: no form normalised, no matcher built.
    with monkeypatch.context() as patch:
        patch.setattr(FormMatcher, "__init__", lambda *args, **kwargs: pytest.fail("FormMatcher rebuilt"))
        with monkeypatch.context() as loading:
            loading.setattr(taxonomy_module, "normalize_label", _no_normalising)
            fast = load_index(tmp_path / "tables")
        fast_answers = answers(fast)
    slow = load_index(tmp_path / "rebuilt")
    assert (fast.role_builder_.blender is not None) == esco == (slow.role_builder_.blender is not None)
    assert fast_answers == answers(slow)
    assert [m.to_dict() for m in fast.skills(QUERIES[1])] == [m.to_dict() for m in slow.skills(QUERIES[1])]
    # The tables themselves are the rebuilt ones, bit for bit.
    assert fast.extractor_.form_matcher().tables() == slow.extractor_.form_matcher().tables()
    assert np.array_equal(fast.extractor_.index_.unit_rows_, slow.extractor_.index_.unit_rows_)  # type: ignore[attr-defined]
    fast_forms, fast_positions, fast_names = fast.vocabulary_.surface_form_tables()
    slow_forms, slow_positions, slow_names = slow.vocabulary_.surface_form_tables()
    assert (fast_forms, fast_positions.tolist(), fast_names) == (slow_forms, slow_positions.tolist(), slow_names)


def _no_normalising(text: str) -> str:
    raise AssertionError(f"normalize_label({text!r}) called while loading an index with saved tables")


def test_saved_query_tables_are_listed_in_the_manifest_and_checked(tiny_model: Recommender, tmp_path: Path) -> None:
    version = save_index(tiny_model, tmp_path / "index")
    manifest = json.loads((version / "manifest.json").read_text())
    for name in manifest["query_tables"].values():
        assert any(f == f"{name}.npy" or f == f"{name}.json" for f in manifest["files"])
    matcher = version / "form_matcher.json"
    matcher.write_text(matcher.read_text().replace("}", " }", 1))  # an edit after the index was written
    with pytest.raises(ArtifactError, match=r"form_matcher\.json"):
        load_index(tmp_path / "index")


def test_an_index_with_segment_mean_document_vectors_is_refused_with_a_rebuild_hint(
    tiny_model: Recommender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_io, "DOCUMENT_VECTORS", "segment-mean")  # what an earlier version wrote
    save_index(tiny_model, tmp_path / "index")
    monkeypatch.undo()
    with pytest.raises(ArtifactError, match=r"built by an earlier version.*rebuild it with `recommender index`"):
        load_index(tmp_path / "index")

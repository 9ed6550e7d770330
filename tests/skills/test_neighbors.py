"""``CosineNeighbors`` (numpy) returns scikit-learn's ``NearestNeighbors`` neighbours and distances bit for bit,
so a loaded index ranks exactly as the fitted one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from recommender.skills.neighbors import CosineNeighbors, cosine_index, unit_rows


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(400, 16)).astype(np.float32)
    data[7] = data[3]  # exact ties
    data[11] = 0.0  # a zero row
    queries = rng.normal(size=(9, 16)).astype(np.float32)
    queries[0] = data[3]
    return data, queries


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_queries", [1, 2, 9])
def test_kneighbors_is_bit_identical_to_sklearn(dtype: type, n_queries: int) -> None:
    data, queries = _data()
    queries = queries[:n_queries].astype(dtype)
    reference = NearestNeighbors(metric="cosine", algorithm="brute").fit(data)
    fast = CosineNeighbors().fit(data)
    for k in (1, 5, 32, 400):
        expected_distance, expected_index = reference.kneighbors(queries, n_neighbors=k)
        distance, index = fast.kneighbors(queries, n_neighbors=k)
        np.testing.assert_array_equal(index, expected_index)
        np.testing.assert_array_equal(distance, expected_distance)
        assert distance.dtype == expected_distance.dtype
    np.testing.assert_array_equal(
        fast.kneighbors(queries, n_neighbors=3, return_distance=False),
        reference.kneighbors(queries, n_neighbors=3, return_distance=False),
    )


@pytest.mark.parametrize("radius", [0.0, 0.5, 1.0 - 0.5 + 1e-6, 2.0])
def test_radius_neighbors_is_bit_identical_to_sklearn(radius: float) -> None:
    data, queries = _data(1)
    reference = NearestNeighbors(metric="cosine", algorithm="brute").fit(data)
    fast = CosineNeighbors().fit(data)
    expected_distance, expected_index = reference.radius_neighbors(queries, radius=radius, sort_results=True)
    distance, index = fast.radius_neighbors(queries, radius=radius, sort_results=True)
    for got, want in zip([*distance, *index], [*expected_distance, *expected_index], strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nearest_is_kneighbors_ordered_by_distance_then_row(dtype: type) -> None:
    """Rows near the queries (many above the floors), far ones (the whole-row fallback), and exact ties."""
    data, queries = _data(2)
    data[20:60] = queries[1] + np.random.default_rng(3).normal(scale=0.3, size=(40, 16))  # above 0.5
    data[61] = data[60] = data[20]  # three rows tied, inside the 32 nearest of query 1
    fast = CosineNeighbors().fit(data)
    queries = queries.astype(dtype)
    every = fast.kneighbors(queries, n_neighbors=len(data))  # each row's distances to all rows
    rows = np.broadcast_to(np.arange(len(data)), every[1].shape)
    all_distance = np.take_along_axis(every[0], np.argsort(every[1], axis=-1), -1)
    by_distance_then_row = np.lexsort((rows, all_distance), axis=-1)
    for k in (1, 5, 32, 400):
        got_distance, got_index = fast.nearest(queries, k)
        np.testing.assert_array_equal(got_index, by_distance_then_row[:, :k])
        np.testing.assert_array_equal(got_distance, np.take_along_axis(all_distance, got_index, -1))
        # the same distances as kneighbors (which picks among rows tied at the cut as its sort falls)
        np.testing.assert_array_equal(got_distance, np.sort(fast.kneighbors(queries, n_neighbors=k)[0], axis=-1))
    assert (all_distance[1] <= 0.5).sum() >= 32  # query 1 has 32 rows above the first floor: the candidate path


def test_nearest_breaks_ties_at_the_cut_by_row() -> None:
    data = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    distance, index = CosineNeighbors().fit(data).nearest(np.array([[0.0, 1.0]], dtype=np.float32), 2)
    assert index.tolist() == [[1, 2]]
    assert distance.tolist() == [[0.0, 0.0]]


def test_kneighbors_rejects_more_neighbours_than_rows() -> None:
    with pytest.raises(ValueError, match="n_neighbors"):
        CosineNeighbors().fit(np.eye(3, dtype=np.float32)).kneighbors(np.eye(3, dtype=np.float32), n_neighbors=4)


def test_reference_switch_gives_sklearn(monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = _data()
    assert isinstance(cosine_index(data), CosineNeighbors)
    assert isinstance(cosine_index(data, reference=True), NearestNeighbors)
    monkeypatch.setenv("RECOMMENDER_REFERENCE_NEIGHBORS", "1")
    assert isinstance(cosine_index(data), NearestNeighbors)


@pytest.mark.parametrize("reference", [True, False])
def test_identical_surface_forms_tie_in_form_order(reference: bool) -> None:
    from recommender.encoders.hashing import HashingEncoder
    from recommender.inputs.taxonomy import Skill, Vocabulary
    from recommender.skills.extractor import SkillExtractor

    skills = [Skill(id=f"s{i}", label=f"skill number {i}", aliases=("data pipelines",)) for i in range(12)]
    extractor = SkillExtractor().fit(Vocabulary(tuple(skills), "generic"), HashingEncoder(64), reference=reference)
    indices, similarities = extractor.nearest_forms(HashingEncoder(64).encode(["data pipelines", "pipelines"]), 24)
    for row_indices, row_similarities in zip(indices, similarities, strict=True):
        keys = list(zip(-row_similarities, row_indices, strict=True))
        assert keys == sorted(keys)  # best first; exact ties by form index, whichever index answered


def test_unit_rows_saved_earlier_give_the_same_neighbours(tmp_path: Path) -> None:
    """An index saves ``unit_rows`` once; a memory map of them indexes exactly as normalising at fit."""
    data, queries = _data(3)
    np.save(tmp_path / "unit.npy", unit_rows(data))
    saved = np.load(tmp_path / "unit.npy", mmap_mode="r")
    fresh, loaded = CosineNeighbors().fit(data), CosineNeighbors().fit(data, unit=saved)
    knn = loaded.kneighbors(queries, n_neighbors=20), fresh.kneighbors(queries, n_neighbors=20)
    for got, want in zip(*knn, strict=True):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(
        loaded.radius_neighbors(queries, radius=0.9, sort_results=True),
        fresh.radius_neighbors(queries, radius=0.9, sort_results=True),
        strict=True,
    ):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="unit rows of shape"):
        CosineNeighbors().fit(data, unit=saved[:-1])

"""The HNSW graph (``skills/ann.py``): neighbours as the exact search finds them on small data, closest first,
and saved as an array it reads back."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.skills import ann
from recommender.skills.neighbors import CosineNeighbors, unit_rows

pytest.importorskip("faiss")


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    return unit_rows(np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32))


def test_graph_finds_the_exact_neighbours_on_small_data() -> None:
    data, queries = _unit(500), _unit(20, seed=1)
    graph = ann.HnswNeighbors.build(data)
    distances, indices = graph.kneighbors(queries, n_neighbors=10)
    exact_distances, exact_indices = CosineNeighbors().fit(data).kneighbors(queries, n_neighbors=10)
    assert ann.recall(indices, exact_indices) == 1.0  # 500 rows: the graph reaches every one
    np.testing.assert_allclose(distances, exact_distances, atol=1e-5)
    assert (np.diff(distances, axis=1) >= -1e-6).all()  # closest first


def test_graph_searches_only_the_allowed_rows() -> None:
    data, queries = _unit(400), _unit(10, seed=3)
    allowed = np.random.default_rng(4).random(400) < 0.3
    graph = ann.HnswNeighbors.build(data)
    indices = graph.kneighbors(queries, n_neighbors=8, return_distance=False, allowed=allowed)
    assert allowed[indices].all()
    rows = np.flatnonzero(allowed)
    exact = rows[CosineNeighbors().fit(data[rows]).kneighbors(queries, n_neighbors=8, return_distance=False)]
    assert ann.recall(indices, exact) == 1.0


def test_graph_round_trips_through_an_array() -> None:
    data, queries = _unit(300), _unit(5, seed=2)
    graph = ann.HnswNeighbors.build(data)
    again = ann.HnswNeighbors.from_array(graph.to_array())
    assert graph.to_array().dtype == np.uint8
    np.testing.assert_array_equal(again.kneighbors(queries, 7)[1], graph.kneighbors(queries, 7)[1])


def test_graph_rejects_more_neighbours_than_rows() -> None:
    with pytest.raises(ValueError, match="n_neighbors"):
        ann.HnswNeighbors.build(_unit(3)).kneighbors(_unit(1), n_neighbors=4)


def test_recall_counts_shared_neighbours_per_row() -> None:
    assert ann.recall(np.array([[1, 2], [3, 4]]), np.array([[2, 1], [3, 5]])) == pytest.approx((1.0 + 0.5) / 2)

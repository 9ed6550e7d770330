"""Brute-force cosine neighbours: scikit-learn as the reference, a numpy twin for the query path.

Indexing builds scikit-learn ``NearestNeighbors(metric="cosine", algorithm="brute")`` indexes.
Importing ``sklearn.neighbors`` costs about 2 s, and its cosine path re-normalises every indexed
row on every query. ``CosineNeighbors`` performs the very same numpy operations in the same order
(``normalize`` → ``X @ Y.T`` → ``1 - S`` clipped to [0, 2] → ``argpartition`` + ``argsort`` for
k-nearest, ``where(d <= radius)`` + stable sort for radius queries), with the indexed rows
normalised once at fit time (or at index time: ``unit_rows`` is saved beside an index and passed
back to ``fit``), so its neighbours and distances are bit-for-bit the ones
scikit-learn returns (``tests/test_backends.py`` checks this against scikit-learn itself).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Protocol

import numpy as np

from ..extras import import_extra

REFERENCE_ENV = "RECOMMENDER_REFERENCE_NEIGHBORS"


# Products smaller than this many multiply-adds run on one BLAS thread. The result is the same
# (OpenBLAS splits rows and columns between threads, never the sum), but on 2 busy cores a
# threaded 40 x 1,200 x 384 product measured 40 ms against 0.4 ms on one thread.
_SMALL_PRODUCT = 50_000_000
_controller: Any = None


def _one_blas_thread() -> Any:
    """A context limiting BLAS to one thread (a no-op without threadpoolctl)."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

            _controller = ThreadpoolController()
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            _controller = False
    if _controller is False:
        return contextlib.nullcontext()
    return _controller.limit(limits=1, user_api="blas")


# Cosine floors tried in turn by ``CosineNeighbors.nearest``: of 2,000 Wuzzuf segments, 55 % have their
# 32 nearest ESCO forms above 0.5, 99.4 % above 0.3 (the rest sort their whole row).
_CANDIDATE_FLOORS = (0.5, 0.3)


class NeighborIndex(Protocol):
    """The part of scikit-learn's ``NearestNeighbors`` API the engine uses."""

    def kneighbors(self, X: Any, n_neighbors: int | None = ..., return_distance: bool = ...) -> Any: ...

    def radius_neighbors(
        self, X: Any, radius: float | None = ..., return_distance: bool = ..., sort_results: bool = ...
    ) -> Any: ...


def _normalize(rows: np.ndarray) -> np.ndarray:
    """``sklearn.preprocessing.normalize(rows, copy=True)`` for dense float rows, same operations."""
    rows = np.array(rows, dtype=rows.dtype if rows.dtype in (np.float32, np.float64) else np.float64, order="C")
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
    norms[norms < 10 * np.finfo(norms.dtype).eps] = 1.0
    rows /= norms[:, None]
    return rows


def unit_rows(data: np.ndarray) -> np.ndarray:
    """The normalised rows ``CosineNeighbors.fit(data)`` computes (to save once and pass as ``unit``)."""
    data = np.asarray(data)
    return _normalize(data.astype(_float_dtype(data), copy=False))


def _float_dtype(data: np.ndarray) -> np.dtype:
    return data.dtype if data.dtype in (np.float32, np.float64) else np.dtype(np.float64)


class CosineNeighbors:
    """Exact cosine nearest neighbours over the rows of a matrix, in numpy only."""

    def fit(self, data: np.ndarray, *, unit: np.ndarray | None = None) -> CosineNeighbors:
        """Index the rows of ``data``; ``unit``: ``unit_rows(data)`` computed earlier (e.g. memory-mapped
        from an index), which skips normalising every row again."""
        data = np.asarray(data)
        if data.ndim != 2:
            raise ValueError(f"expected a 2-D array of rows, got shape {data.shape}")
        self.n_samples_fit_ = len(data)
        self._dtype = _float_dtype(data)
        self._data = data  # kept (a memory map costs nothing) for float64 queries
        if unit is not None and (unit.shape != data.shape or unit.dtype != self._dtype):
            raise ValueError(f"unit rows of shape {unit.shape} ({unit.dtype}) for data {data.shape} ({data.dtype})")
        self.unit_rows_ = unit if unit is not None else unit_rows(data)
        self._unit64: np.ndarray | None = None
        return self

    def _distances(self, queries: np.ndarray) -> np.ndarray:
        similarity = self._similarity(queries)
        similarity *= -1
        similarity += 1
        return np.clip(similarity, 0.0, 2.0)

    def _similarity(self, queries: np.ndarray) -> np.ndarray:
        queries = np.asarray(queries)
        dtype = np.result_type(queries.dtype, self._dtype)
        if dtype not in (np.float32, np.float64):
            dtype = np.dtype(np.float64)
        unit = self.unit_rows_
        if dtype != self._dtype:  # scikit-learn upcasts both sides when the query is float64
            if self._unit64 is None:
                self._unit64 = _normalize(self._data.astype(np.float64))
            unit = self._unit64
        normalized = _normalize(queries.astype(dtype, copy=False))
        if normalized.shape[0] * unit.size < _SMALL_PRODUCT:
            with _one_blas_thread():  # threads cost more than they save here (and much more under load)
                similarity = normalized @ unit.T
        else:
            similarity = normalized @ unit.T
        return similarity

    def kneighbors(
        self, X: np.ndarray, n_neighbors: int | None = None, return_distance: bool = True
    ) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """The ``n_neighbors`` closest rows of each query, closest first (as scikit-learn orders them)."""
        n_neighbors = 5 if n_neighbors is None else n_neighbors
        if n_neighbors > self.n_samples_fit_:
            raise ValueError(f"n_neighbors = {n_neighbors} > {self.n_samples_fit_} indexed rows")
        dist = self._distances(X)
        sample_range = np.arange(dist.shape[0])[:, None]
        neigh_ind = np.argpartition(dist, n_neighbors - 1, axis=1)[:, :n_neighbors]
        neigh_ind = neigh_ind[sample_range, np.argsort(dist[sample_range, neigh_ind])]
        if return_distance:
            return dist[sample_range, neigh_ind], neigh_ind
        return neigh_ind

    def nearest(self, X: np.ndarray, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
        """``kneighbors`` ordered by (distance, row index): the same distances, without sorting whole rows.

        ``argpartition`` over every indexed row is what made a segment's nearest surface forms costly
        (99k ESCO forms: 1 ms a segment). A row's ``n_neighbors`` nearest are all among the rows whose
        cosine reaches a floor it has at least ``n_neighbors`` of, so each query row picks the highest
        floor in ``_CANDIDATE_FLOORS`` that keeps enough rows and sorts only those (rows with too few
        fall back to the whole row). Distances are computed by the same float operations as
        ``kneighbors`` on the same products, so they are the same bits; ties are broken by row index.
        """
        if n_neighbors > self.n_samples_fit_:
            raise ValueError(f"n_neighbors = {n_neighbors} > {self.n_samples_fit_} indexed rows")
        similarity = self._similarity(X)
        rows = similarity.shape[0]
        indices = np.empty((rows, n_neighbors), dtype=np.int64)
        distances = np.empty((rows, n_neighbors), dtype=similarity.dtype)
        pending = list(range(rows))
        for floor in _CANDIDATE_FLOORS:
            left = []
            for row in pending:
                candidates = np.flatnonzero(similarity[row] >= floor)
                if len(candidates) >= n_neighbors:
                    self._pick(similarity[row, candidates], candidates, n_neighbors, indices[row], distances[row])
                else:
                    left.append(row)
            pending = left
        for row in pending:
            self._pick(similarity[row], np.arange(similarity.shape[1]), n_neighbors, indices[row], distances[row])
        return distances, indices

    @staticmethod
    def _pick(
        similarity: np.ndarray, candidates: np.ndarray, k: int, indices: np.ndarray, distances: np.ndarray
    ) -> None:
        """The ``k`` nearest of ``candidates`` into ``indices`` / ``distances``, by (distance, index)."""
        distance = np.clip(similarity * -1 + 1, 0.0, 2.0)  # kneighbors' operations, same rounding
        if len(candidates) > k:
            keep = np.argpartition(distance, k - 1)[:k]
            cut = distance[keep].max()
            keep = np.flatnonzero(distance <= cut)  # every row tied at the cut, so ties go by index
            distance, candidates = distance[keep], candidates[keep]
        order = np.lexsort((candidates, distance))[:k]
        indices[:] = candidates[order]
        distances[:] = distance[order]

    def radius_neighbors(
        self, X: np.ndarray, radius: float | None = None, return_distance: bool = True, sort_results: bool = False
    ) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """Rows within ``radius`` (cosine distance) of each query, as object arrays like scikit-learn's."""
        if radius is None:
            raise ValueError("radius_neighbors needs a radius")
        dist = self._distances(X)
        neigh_ind = [np.where(d <= radius)[0] for d in dist]
        neigh_dist = [d[i] for d, i in zip(dist, neigh_ind, strict=True)]
        if sort_results:
            for row, distances in enumerate(neigh_dist):
                order = np.argsort(distances, kind="mergesort")
                neigh_ind[row], neigh_dist[row] = neigh_ind[row][order], distances[order]
        indices = _object_array(neigh_ind)
        return (_object_array(neigh_dist), indices) if return_distance else indices


def _object_array(rows: list[np.ndarray]) -> np.ndarray:
    result = np.empty(len(rows), dtype=object)
    result[:] = rows
    return result


def cosine_index(data: np.ndarray, *, reference: bool = False, unit: np.ndarray | None = None) -> NeighborIndex:
    """A fitted cosine index: scikit-learn's when ``reference`` (or ``$RECOMMENDER_REFERENCE_NEIGHBORS=1``);
    ``unit``: the numpy index's ``unit_rows(data)``, precomputed."""
    if reference or os.environ.get(REFERENCE_ENV) == "1":
        NearestNeighbors = import_extra("sklearn.neighbors", "embed").NearestNeighbors
        index: NeighborIndex = NearestNeighbors(metric="cosine", algorithm="brute").fit(data)
        return index
    return CosineNeighbors().fit(data, unit=unit)

"""Approximate cosine neighbours: a faiss HNSW graph over unit rows, answering as ``CosineNeighbors`` does.

Used by the candidate stage of large catalogs (``matching/candidates.py``): at a million credentials an exact
scan of every credential's document vector (1M × 384 floats) is most of a query. An HNSW graph (Malkov &
Yashunin 2018; faiss's ``IndexHNSWFlat``) visits a few thousand rows instead. It is approximate: ``recall``
reports how many of the exact ``k`` nearest it returns, and ``scripts/bench_registry.py`` measures the
stage's recall@10 against the full scan.

The graph is built once at index time and saved in the index as a ``uint8`` array
(``faiss.serialize_index``), so it is checksummed like every other file. faiss is the optional ``ann``
extra; without it an index answers with the exact scan.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..extras import import_extra

EF_ENV = "RECOMMENDER_ANN_EF"
DEFAULT_EF = 128  # candidates kept while searching (efSearch): raised to k when more are asked for
GRAPH_M = 32  # links per node
BUILD_EF = 40  # efConstruction (faiss's default): a million rows in minutes, not the half hour 128 takes
MIN_ROWS = 20_000  # below this the exact scan takes under a few milliseconds: no graph is built


def available() -> bool:
    """Whether faiss (the ``ann`` extra) can be imported."""
    import importlib.util

    return importlib.util.find_spec("faiss") is not None


class HnswNeighbors:
    """Approximate cosine neighbours over unit rows (``kneighbors`` as ``CosineNeighbors`` answers it)."""

    def __init__(self, index: Any, ef: int | None = None) -> None:
        self.index_ = index
        self.n_samples_fit_ = int(index.ntotal)
        self.ef = ef if ef is not None else int(os.environ.get(EF_ENV) or DEFAULT_EF)

    @classmethod
    def build(cls, unit: np.ndarray, *, m: int = GRAPH_M, ef_construction: int = BUILD_EF) -> HnswNeighbors:
        """A graph over ``unit`` (rows already normalised: inner product = cosine)."""
        faiss = import_extra("faiss", "ann")
        rows = np.ascontiguousarray(unit, dtype=np.float32)
        index = faiss.IndexHNSWFlat(rows.shape[1], m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        index.add(rows)
        return cls(index)

    def to_array(self) -> np.ndarray:
        """The graph and its rows as bytes (``from_array`` reads them back)."""
        faiss = import_extra("faiss", "ann")
        return np.asarray(faiss.serialize_index(self.index_), dtype=np.uint8)

    @classmethod
    def from_array(cls, data: np.ndarray) -> HnswNeighbors:
        faiss = import_extra("faiss", "ann")
        return cls(faiss.deserialize_index(np.ascontiguousarray(data, dtype=np.uint8)))

    def kneighbors(
        self,
        X: np.ndarray,
        n_neighbors: int | None = None,
        return_distance: bool = True,
        *,
        allowed: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """About the ``n_neighbors`` closest rows of each query, closest first, as cosine distances;
        ``allowed`` (a mask over the rows): only those rows, searched in the graph (faiss's ID selector)
        rather than found by asking for more neighbours and dropping the others."""
        n_neighbors = 5 if n_neighbors is None else n_neighbors
        if n_neighbors > self.n_samples_fit_:
            raise ValueError(f"n_neighbors = {n_neighbors} > {self.n_samples_fit_} indexed rows")
        queries = np.ascontiguousarray(X, dtype=np.float32)
        norms = np.linalg.norm(queries, axis=1, keepdims=True)
        queries = queries / np.where(norms < 1e-12, 1.0, norms)
        faiss = import_extra("faiss", "ann")
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(self.ef, n_neighbors)
        if allowed is not None:
            bits = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bits))
            params.sel = selector  # bits and selector stay referenced until the search returns
        similarities, indices = self.index_.search(queries, n_neighbors, params=params)
        missing = indices < 0  # fewer reachable rows than asked (tiny graphs): filled with the farthest distance
        distances = np.clip(1.0 - similarities, 0.0, 2.0)
        if missing.any():
            indices, distances = np.where(missing, 0, indices), np.where(missing, 2.0, distances)
        if return_distance:
            return distances, indices.astype(np.int64)
        return indices.astype(np.int64)


def recall(approximate: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each row's exact neighbours the approximate search returned."""
    if not len(exact):
        return 1.0
    shares = [len(set(a.tolist()) & set(e.tolist())) / len(e) for a, e in zip(approximate, exact, strict=True)]
    return float(np.mean(shares))

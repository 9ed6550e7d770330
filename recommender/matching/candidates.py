"""The candidate stage of large catalogs: the credentials worth scoring, found without scanning the catalog.

Ranking scores every credential that any evidence names: the ones with a credited skill, and the ``k``
nearest by document embedding and by TF-IDF. Two of those steps read the whole catalog: the document
neighbours (a scan of n × 384 floats) and the skill candidates (every credential that holds a skill near a
role skill: at a million credentials a common skill is held by tens of thousands). ``CandidateStage``
replaces them, for catalogs from ``ann.MIN_ROWS`` credentials, by

- an HNSW graph over the credentials' document embeddings (``skills.ann``): the ``dense_depth`` nearest;
- an inverted index of credential skills: per vocabulary skill its credentials ordered by profile weight,
  strongest first, of which the first ``per_skill`` are taken for each skill near a role skill.

The credentials they return are then scored exactly as before (claims, coverage, TF-IDF, document cosine),
so what the stage changes is only which credentials are considered: ``scripts/bench_registry.py`` reports
recall@10 of the stage against the exact path. ``$RECOMMENDER_CANDIDATES=exact`` turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from ..skills import ann

CANDIDATES_ENV = "RECOMMENDER_CANDIDATES"
DENSE_DEPTH = 500  # credentials taken from the document graph (at least k + excluded)
PER_SKILL = 500  # credentials taken per vocabulary skill near a role skill, strongest profile weight first


def wanted() -> bool:
    """Whether an index's candidate stage should be used (not when ``$RECOMMENDER_CANDIDATES`` is ``exact``)."""
    return os.environ.get(CANDIDATES_ENV, "on").strip().lower() != "exact"


class CandidateStage:
    """Candidates for one role: the document graph's nearest and the strongest holders of its near skills."""

    def __init__(
        self,
        graph: ann.HnswNeighbors | Callable[[], ann.HnswNeighbors],
        *,
        dense_depth: int = DENSE_DEPTH,
        per_skill: int = PER_SKILL,
    ) -> None:
        self._graph = graph
        self.dense_depth = dense_depth
        self.per_skill = per_skill

    @property
    def graph(self) -> ann.HnswNeighbors:
        """The document graph (read from the index on first use)."""
        if not isinstance(self._graph, ann.HnswNeighbors):
            self._graph = self._graph()
        return self._graph

    def nearest(self, query: np.ndarray, depth: int) -> np.ndarray:
        """About the ``max(depth, dense_depth)`` credentials whose documents are nearest ``query``."""
        n = min(self.graph.n_samples_fit_, max(depth, self.dense_depth))
        return np.asarray(self.graph.kneighbors(query[None, :], n_neighbors=n, return_distance=False)[0])


def strongest_first(profile_csc: sp.csc_matrix) -> np.ndarray:
    """A permutation of ``profile_csc``'s entries putting each column's (skill's) credentials in order of
    profile weight, strongest first (ties by credential): the inverted index ``CoverageIndex`` cuts."""
    columns = np.repeat(np.arange(profile_csc.shape[1]), np.diff(profile_csc.indptr))
    return np.lexsort((profile_csc.indices, -profile_csc.data, columns))

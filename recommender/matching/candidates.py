"""The candidate stage of large catalogs: the credentials worth scoring, found without scanning the catalog.

Ranking scores every credential that any evidence names: the ones with a credited skill, and the ``k``
nearest by document embedding and by TF-IDF. Two of those steps read the whole catalog: the document
neighbours (a scan of n × 384 floats) and the skill candidates (every credential holding a skill near a role
skill, each checked claim by claim: at 100,000 credentials of the embedded vocabulary that is ~600,000
profile entries a query, 90 % of the catalog). ``CandidateStage`` replaces them, for catalogs from
``ann.MIN_ROWS`` credentials, by

- an HNSW graph over the credentials' document embeddings (``skills.ann``): the ``dense_depth`` nearest
  among the credentials the filters allow;
- an inverted index of credential skills: per vocabulary skill its credentials strongest first (profile
  weight, then the share of the credential's profile the skill holds: a course about the skill before one
  that lists it among forty), of which the first ``per_skill`` are read for each skill near a role skill.
  (A coarse coverage of what was read, summed without claim checks, kept the wrong ones: at 100,000
  credentials the full scan's top 10 ranked in the thousands by it; recall@10 fell to 0.84.)

Only these candidates are then credited and scored, each exactly as the full scan scores it (claims,
coverage, TF-IDF, document cosine), so the stage changes which credentials are considered, never how one is
scored: ``scripts/bench_registry.py`` reports recall@10 against the full scan. ``$RECOMMENDER_CANDIDATES=exact``
turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from ..skills import ann

CANDIDATES_ENV = "RECOMMENDER_CANDIDATES"
DENSE_DEPTH = 500  # credentials taken from the document graph (at least k + excluded)
# Holders read per vocabulary skill near a role skill, strongest first. At 100,000 credentials (30 Wuzzuf
# postings, against the full scan): 100 → recall@10 0.92, 200 → 0.98 (by weight alone, without the share
# tie-break: 100 → 0.82, 500 → 0.98).
PER_SKILL = 200


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

    def nearest(self, query: np.ndarray, depth: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """About the ``max(depth, dense_depth)`` credentials whose documents are nearest ``query`` (among the
        ``allowed`` ones: the filters' mask, searched in the graph)."""
        if allowed is not None and allowed.all():
            allowed = None
        available = self.graph.n_samples_fit_ if allowed is None else int(allowed.sum())
        n = min(available, max(depth, self.dense_depth))
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        near = self.graph.kneighbors(query[None, :], n_neighbors=n, return_distance=False, allowed=allowed)[0]
        return np.asarray(near if allowed is None else near[allowed[near]])  # rows it could not fill come back as 0


def strongest_first(profile_csc: sp.csc_matrix, totals: np.ndarray | None = None) -> np.ndarray:
    """A permutation of ``profile_csc``'s entries putting each column's (skill's) credentials strongest first:
    by profile weight, then by the share of the credential's whole profile weight (``totals``) the skill
    holds, then by credential. The inverted index ``CoverageIndex`` cuts at ``per_skill``."""
    columns = np.repeat(np.arange(profile_csc.shape[1]), np.diff(profile_csc.indptr))
    share = np.zeros(len(profile_csc.data))
    if totals is not None:
        share = profile_csc.data / np.maximum(totals, 1e-12)[profile_csc.indices]
    return np.lexsort((profile_csc.indices, -share, -profile_csc.data, columns))

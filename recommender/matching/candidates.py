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
- the ``lexical_depth`` best by TF-IDF. Where the full scan's top 10 sit in each list (100,000 credentials,
  100 Wuzzuf postings, 1,000 top-10 members): the members the other two lists miss are mostly near the top
  by TF-IDF (the 68 of 1,000 that 500 by document, 10 by TF-IDF and 200 per skill missed ranked 13–612 by
  TF-IDF, 211–3,724 among their skill's holders). Reading 500 by TF-IDF lets the skill lists be short: 500 /
  500 / 50 hold 99.6 % of them, 500 / 10 / 200 93.2 %, with a quarter of the skill candidates.

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
from .claims import Pairs

CANDIDATES_ENV = "RECOMMENDER_CANDIDATES"
DENSE_DEPTH = 500  # credentials taken from the document graph (at least k + excluded)
LEXICAL_DEPTH = 500  # credentials taken by TF-IDF (at least k + excluded)
# Holders read per vocabulary skill near a role skill, strongest first. At 100,000 credentials (100 Wuzzuf
# postings, the full scan's top 10s found among the candidates, with the two depths above): 20 → 0.994,
# 50 → 0.996, 200 → 0.998 (with 10 by TF-IDF instead of 500: 50 → 0.79, 200 → 0.93).
PER_SKILL = 50
# The credential the full scan scales coverage by (its best coverage × focus) must be among the candidates, or
# every candidate's coverage part is scaled by a smaller one and the order moves: with the three lists above
# it was missing on 18 of 100 postings at 100,000 credentials, and 18 of the 22 top-10 members the stage lost
# were candidates outranked that way. Its credit comes from the role's own skills (and near-identical ones),
# so ``likely_focused`` reads FOCUS_READ holders of each skill at least FOCUS_SIMILARITY alike to a role skill
# (a few columns, read deep) and adds the FOCUS_DEPTH best by a claim-free coverage × focus (where that score
# ranked the missing credential on 40 postings: 0–27, against 53–5,464 counting every near skill).
FOCUS_SIMILARITY = 0.9
FOCUS_READ = 2000
FOCUS_DEPTH = 200


def wanted() -> bool:
    """Whether an index's candidate stage should be used (not when ``$RECOMMENDER_CANDIDATES`` is ``exact``)."""
    return os.environ.get(CANDIDATES_ENV, "on").strip().lower() != "exact"


class CandidateStage:
    """Candidates for one role: the document graph's nearest, the TF-IDF best and the strongest holders of its
    near skills."""

    def __init__(
        self,
        graph: ann.HnswNeighbors | Callable[[], ann.HnswNeighbors],
        *,
        dense_depth: int = DENSE_DEPTH,
        lexical_depth: int = LEXICAL_DEPTH,
        per_skill: int = PER_SKILL,
        focus_similarity: float = FOCUS_SIMILARITY,
        focus_read: int = FOCUS_READ,
        focus_depth: int = FOCUS_DEPTH,
    ) -> None:
        self._graph = graph
        self.dense_depth = dense_depth
        self.lexical_depth = lexical_depth
        self.per_skill = per_skill
        self.focus_similarity = focus_similarity
        self.focus_read = focus_read
        self.focus_depth = focus_depth

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


def likely_focused(
    pairs: Pairs,
    role_weights: np.ndarray,
    profile_weights: np.ndarray,
    totals: np.ndarray,
    *,
    precision_power: float,
    depth: int,
) -> np.ndarray:
    """The ``depth`` credentials of ``pairs`` (strong holders of skills nearly the role's own) with the best
    coverage × focus as the pairs alone suggest: per (role skill, credential) the best similarity × profile
    weight, summed with the role's weights, times the share of the credential's profile those skills hold to
    ``precision_power`` (``scoring.combine``'s shape, without the claim checks that decide the real credit)."""
    if not len(pairs.credential) or depth <= 0:
        return np.zeros(0, dtype=np.int64)
    credentials, owner = np.unique(pairs.credential, return_inverse=True)
    weight = np.asarray(profile_weights[pairs.entry], dtype=np.float64)
    best = np.zeros((len(credentials), len(role_weights)))
    np.maximum.at(best, (owner, pairs.role), pairs.similarity * weight)
    coverage = best @ role_weights
    if precision_power:
        width = int(pairs.skill.max()) + 1
        _, first = np.unique(owner.astype(np.int64) * width + pairs.skill, return_index=True)
        used = np.bincount(owner[first], weights=weight[first], minlength=len(credentials))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(totals[credentials] > 0, used / totals[credentials], 0.0)
        coverage = coverage * np.power(share, precision_power)
    if depth >= len(credentials):
        return credentials.astype(np.int64)
    return credentials[np.argpartition(-coverage, depth - 1)[:depth]].astype(np.int64)

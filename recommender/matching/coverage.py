"""Role × credentials → scores: weighted soft coverage of the role's skills, plus document similarity.

A credential covers a role skill ``r`` through its own skill ``s`` with credit
``sim(r, s) * profile_weight(c, s)``, where ``sim`` is the cosine of the two skills' label
embeddings (1 for the same skill, 0 below ``skill_similarity``), so "PostgreSQL" partly covers
"SQL". A credential's coverage is the role-weighted mean of its best credit per role skill.
Candidates come from a nearest-neighbour index over the skills that appear in any profile,
then from the profile's columns, so the work grows with the matches, not with catalog size ×
role skills.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import NotFittedError
from ..skills.neighbors import NeighborIndex, cosine_index


@dataclass(frozen=True)
class Credits:
    """Best credit of each (role skill, credential) pair with any credit, as parallel arrays."""

    role: np.ndarray  # role skill position
    credential: np.ndarray  # credential position
    skill: np.ndarray  # vocabulary position of the credential skill that gave the credit
    similarity: np.ndarray  # sim(role skill, credential skill)
    credit: np.ndarray  # similarity * profile weight


class CoverageIndex:
    """Soft skill-coverage lookups over a credential × skill profile matrix."""

    def __init__(self, skill_similarity: float = 0.5) -> None:
        self.skill_similarity = skill_similarity

    def fit(self, profile: sp.csr_matrix, skill_embeddings: np.ndarray, *, reference: bool = True) -> CoverageIndex:
        """Index the skills used by any credential (``profile`` is credentials × vocabulary).

        ``reference`` indexes with scikit-learn, else with its identical numpy twin (see skills/neighbors.py).
        """
        self.profile_csc_ = sp.csc_matrix(profile, dtype=np.float32)
        self.profile_csc_.sort_indices()
        counts = np.diff(self.profile_csc_.indptr)
        self.used_skills_ = np.flatnonzero(counts).astype(np.int32)
        self.index_: NeighborIndex | None = None
        if len(self.used_skills_):
            self.index_ = cosine_index(skill_embeddings[self.used_skills_], reference=reference)
        return self

    def credits(self, role_embeddings: np.ndarray) -> Credits:
        """The best credit each credential gives each role skill (pairs without credit omitted)."""
        if not hasattr(self, "profile_csc_"):
            raise NotFittedError("CoverageIndex is not fitted: call fit() first")
        empty = Credits(*(np.zeros(0, dtype=t) for t in (np.int32, np.int32, np.int32, np.float32, np.float32)))
        if self.index_ is None or len(role_embeddings) == 0:
            return empty
        # A small tolerance keeps a skill that is exactly at the threshold.
        distances, neighbours = self.index_.radius_neighbors(
            role_embeddings, radius=1.0 - self.skill_similarity + 1e-6, sort_results=True
        )
        # Every (role skill, near vocabulary skill) pair, in role order then nearness order...
        counts = np.array([len(near) for near in neighbours], dtype=np.int64)
        if not counts.sum():
            return empty
        pair_role = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        pair_skill = self.used_skills_[np.concatenate(neighbours)].astype(np.int32)
        pair_similarity = np.minimum(1.0, 1.0 - np.concatenate(distances).astype(np.float64)).astype(np.float32)
        # ... expanded into every credential that has the near skill (its column of the profile).
        indptr, indices, data = self.profile_csc_.indptr, self.profile_csc_.indices, self.profile_csc_.data
        starts, lengths = indptr[pair_skill], indptr[pair_skill + 1] - indptr[pair_skill]
        if not lengths.sum():
            return empty
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)  # column start minus output start
        entries = np.arange(lengths.sum()) + offsets
        role_ids, skills = np.repeat(pair_role, lengths), np.repeat(pair_skill, lengths)
        sims = np.repeat(pair_similarity, lengths)
        creds, credit = indices[entries].astype(np.int32), (data[entries] * sims).astype(np.float32)
        # Keep the best credit per (role skill, credential); ties go to the more similar skill.
        order = np.lexsort((-sims, -credit, creds, role_ids))
        role_ids, creds = role_ids[order], creds[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (role_ids[1:] != role_ids[:-1]) | (creds[1:] != creds[:-1])
        keep = order[first]
        return Credits(role_ids[first], creds[first], skills[keep], sims[keep], credit[keep])


def coverage_by_credential(
    credits: Credits, role_weights: np.ndarray, n_credentials: int, skill_weights: np.ndarray | None = None
) -> np.ndarray:
    """Role-weighted mean credit per credential (0 where a credential gives no credit); ``skill_weights``
    (per vocabulary skill, e.g. ``scoring.specificity``) scale each credit by the credential skill giving it."""
    total = float(np.sum(role_weights))
    coverage = np.zeros(n_credentials, dtype=np.float64)
    if total <= 0 or len(credits.credit) == 0:
        return coverage
    credit = credits.credit if skill_weights is None else credits.credit * skill_weights[credits.skill]
    np.add.at(coverage, credits.credential, role_weights[credits.role] * credit)
    return coverage / total


def rank_order(scores: np.ndarray, coverage: np.ndarray, id_rank: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Candidates sorted by score, then coverage, then id: deterministic whatever the input order."""
    order = np.lexsort((id_rank[candidates], -coverage[candidates], -np.round(scores[candidates], 9)))
    return candidates[order]

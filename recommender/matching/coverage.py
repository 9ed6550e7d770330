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

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import NotFittedError
from ..skills.neighbors import NeighborIndex, cosine_index
from .candidates import strongest_first
from .claims import Claims, Pairs


@dataclass(frozen=True)
class Credits:
    """Best credit of each (role skill, credential) pair with any credit, as parallel arrays."""

    role: np.ndarray  # role skill position
    credential: np.ndarray  # credential position
    skill: np.ndarray  # vocabulary position of the credential skill that gave the credit
    similarity: np.ndarray  # sim(role skill, credential skill)
    credit: np.ndarray  # what the match is worth (claims.py: type weight × profile weight)
    entry: np.ndarray | None = None  # the profile entry (CSR position) that holds the credential skill
    type: np.ndarray | None = None  # claims.MATCH_TYPES index
    sense: np.ndarray | None = None
    focus: np.ndarray | None = None

    @classmethod
    def empty(cls) -> Credits:
        ints, floats = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return cls(ints, ints, ints, floats, floats, ints, np.zeros(0, dtype=np.int8), floats, floats)


class CoverageIndex:
    """Candidate (role skill, credential skill) matches over a credential × skill profile matrix."""

    def __init__(self, skill_similarity: float = 0.5) -> None:
        self.skill_similarity = skill_similarity

    def fit(self, profile: sp.csr_matrix, skill_embeddings: np.ndarray, *, reference: bool = True) -> CoverageIndex:
        """Index the skills used by any credential (``profile`` is credentials × vocabulary).

        ``reference`` indexes with scikit-learn, else with its identical numpy twin (see skills/neighbors.py).
        """
        # Each CSC entry's CSR position, so a match can name the profile entry (its evidence) that gave it.
        positions = sp.csr_matrix(
            (np.arange(1, profile.nnz + 1, dtype=np.int64), profile.indices, profile.indptr), shape=profile.shape
        ).tocsc()
        positions.sort_indices()
        self.profile_csc_ = sp.csc_matrix(profile, dtype=np.float32)
        self.profile_csc_.sort_indices()
        self.csr_entry_ = (positions.data - 1).astype(np.int64)
        self.row_indptr_, self.row_skills_ = profile.indptr, profile.indices  # each credential's skills (CSR)
        counts = np.diff(self.profile_csc_.indptr)
        self.used_skills_ = np.flatnonzero(counts).astype(np.int32)
        self.index_: NeighborIndex | None = None
        if len(self.used_skills_):
            self.index_ = cosine_index(skill_embeddings[self.used_skills_], reference=reference)
        return self

    def candidates(
        self,
        role_embeddings: np.ndarray,
        *,
        per_skill: int | None = None,
        within: np.ndarray | None = None,
        min_similarity: float | None = None,
        matchable: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
    ) -> Pairs:
        """Every (role skill, credential, credential skill) whose skills' labels are at least
        ``skill_similarity`` alike (or ``min_similarity``, when higher), with the profile entry that holds the
        credential skill; with ``per_skill``, only the ``per_skill`` credentials holding each near skill with
        the most weight, with ``within`` (a mask over credentials) only those credentials (the candidate
        stage, ``candidates.py``). ``matchable(role, skill, similarity)``: which (role skill, near skill) pairs
        to keep before they are spread over the credentials holding the skill (``claims.can_match``)."""
        if not hasattr(self, "profile_csc_"):
            raise NotFittedError("CoverageIndex is not fitted: call fit() first")
        ints = np.zeros(0, dtype=np.int32)
        empty = Pairs(ints, ints, ints, np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64))
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
        near = np.ones(len(pair_role), dtype=bool)
        if min_similarity is not None:
            near &= pair_similarity >= min_similarity
        if matchable is not None:
            near &= matchable(pair_role, pair_skill, pair_similarity)
        if not near.all():
            pair_role, pair_skill, pair_similarity = pair_role[near], pair_skill[near], pair_similarity[near]
        if within is not None:  # a few candidates of a large catalog: read their rows, not the skills' columns
            return self._pairs_of(np.flatnonzero(within), pair_role, pair_skill, pair_similarity) or empty
        # ... expanded into every credential that has the near skill (its column of the profile).
        indptr, indices = self.profile_csc_.indptr, self.profile_csc_.indices
        starts, lengths = indptr[pair_skill], indptr[pair_skill + 1] - indptr[pair_skill]
        if per_skill is not None:
            lengths = np.minimum(lengths, per_skill)
        if not lengths.sum():
            return empty
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)  # column start minus output start
        entries = np.arange(lengths.sum()) + offsets
        if per_skill is not None:  # the column's first per_skill entries in weight order, not storage order
            entries = self.strongest_first_[entries]
        pair_index = np.repeat(np.arange(len(lengths)), lengths)
        return Pairs(
            pair_role[pair_index],
            indices[entries].astype(np.int32),
            pair_skill[pair_index],
            pair_similarity[pair_index],
            self.csr_entry_[entries],
        )

    def _pairs_of(
        self, credentials: np.ndarray, pair_role: np.ndarray, pair_skill: np.ndarray, pair_similarity: np.ndarray
    ) -> Pairs | None:
        """The (role skill, near skill) pairs joined with the profile rows of ``credentials``: the same pairs the
        columns give for them (in another order, which no later step depends on), at a cost that grows with
        the candidates, not with how many credentials of the whole catalog hold each near skill."""
        starts = self.row_indptr_[credentials]
        lengths = self.row_indptr_[credentials + 1] - starts
        entry = np.arange(lengths.sum()) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        owner = np.repeat(credentials, lengths)
        by_skill = np.argsort(pair_skill, kind="stable")
        # per vocabulary skill, its (role skill, near skill) pairs' run in by_skill: a lookup, not a search
        per_skill = np.bincount(pair_skill, minlength=self.profile_csc_.shape[1])
        run_start = np.cumsum(per_skill) - per_skill
        skill = self.row_skills_[entry]
        held = per_skill[skill] > 0  # entries holding no near skill are dropped first
        entry, owner, skill = entry[held], owner[held], skill[held]
        first, count = run_start[skill], per_skill[skill]
        if not count.sum():
            return None
        pair = by_skill[np.repeat(first - (np.cumsum(count) - count), count) + np.arange(count.sum())]
        return Pairs(
            pair_role[pair],
            np.repeat(owner, count).astype(np.int32),
            pair_skill[pair],
            pair_similarity[pair],
            np.repeat(entry, count).astype(np.int64),
        )

    @functools.cached_property
    def strongest_first_(self) -> np.ndarray:
        """The profile's entries with each skill's credentials strongest first (``candidates.strongest_first``)."""
        totals = np.asarray(self.profile_csc_.sum(axis=1)).ravel()
        return strongest_first(self.profile_csc_, totals)


def best_credits(claims: Claims) -> Credits:
    """The best claim per (role skill, credential); ties go to the more similar skill, then the lower entry."""
    pairs = claims.pairs
    if not len(pairs.role):
        return Credits.empty()
    order = np.lexsort((pairs.entry, -pairs.similarity, -claims.credit, pairs.credential, pairs.role))
    role_ids, creds = pairs.role[order], pairs.credential[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (role_ids[1:] != role_ids[:-1]) | (creds[1:] != creds[:-1])
    keep = order[first]
    return Credits(
        pairs.role[keep], pairs.credential[keep], pairs.skill[keep], pairs.similarity[keep], claims.credit[keep],
        pairs.entry[keep], claims.type[keep], claims.sense[keep], claims.focus[keep],
    )  # fmt: skip


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

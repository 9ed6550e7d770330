"""One relevance score per credential from three kinds of evidence, each explained elsewhere.

- **Skill coverage** (``coverage.py``): how much of the role's weighted skills the credential
  teaches. Two corrections make it judge like a person: *specificity* weighs a credit by how rare the
  credential skill that gives it is across the catalog (an IDF: a skill in every course's profile,
  such as "communication", says little about any one course), and *precision* discounts a broad,
  shallow profile — the share of the credential's own profile weight that serves the role.
- **Lexical match** (``documents.LexicalIndex``): TF-IDF cosine of the job text against the
  credential's title, text and declared skills.
- **Dense match**: cosine of the job's and the credential's document embeddings (each whole text
  encoded as one: ``profiles.py``).

Each is divided by its best value among the candidates (their scales vary from one query to the
next; the best candidate scores 1), and the score is their weighted sum. A credential that covers
none of the role's skills keeps only ``uncovered`` of its score, so it ranks above one that covers
some only when its document evidence is clearly stronger.
The weights were chosen on the judged Wuzzuf × edX set by cross-validation over postings
(``scripts/relevance_levers.py``; docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..skills.results import RoleSkill
from .coverage import Credits


@dataclass(frozen=True)
class Relevance:
    """The parts of each candidate's score (arrays over all credentials; 0 outside the candidates)."""

    score: np.ndarray
    coverage: np.ndarray  # recall of the role's skills (specificity-weighted when on)
    precision: np.ndarray  # share of the credential's profile weight that serves the role
    lexical: np.ndarray  # TF-IDF cosine / the best among the candidates
    dense: np.ndarray  # cosine of the document embeddings (as it is; the score uses it over the best)


@dataclass(frozen=True)
class RankingEvidence:
    """What a role's ranking is computed from, before weighing (``Recommender.evidence`` returns it)."""

    credits: Credits
    coverage: np.ndarray  # plain coverage of the role's skills, per credential
    specific_coverage: np.ndarray | None  # coverage with each credit weighted by ``specificity``
    precision: np.ndarray | None
    lexical: np.ndarray  # TF-IDF cosine (zeros when not computed)
    dense: np.ndarray  # document cosine for the candidates (zeros elsewhere)
    candidates: np.ndarray  # credentials that pass the filters and have any evidence
    has_skills: bool


def ranking_weights(skills: Sequence[RoleSkill], transversal_weight: float) -> np.ndarray:
    """Each role skill's weight in coverage: its profile weight, times ``transversal_weight`` for a skill ESCO
    calls transversal (communication, teamwork: asked of every job, they say little about which credential
    fits this one)."""
    return np.array(
        [s.weight * (transversal_weight if s.reuse_level == "transversal" else 1.0) for s in skills], dtype=np.float64
    )


def specificity(profile: sp.csc_matrix) -> np.ndarray:
    """Per vocabulary skill, ``log((n + 1) / (df + 1)) / log(n + 1)`` in (0, 1], ``df`` the number of
    credentials whose profile holds it (1 for skills no credential holds)."""
    n = profile.shape[0]
    df = np.diff(profile.indptr).astype(np.float64)
    return (np.log((n + 1) / (df + 1)) / np.log(n + 1)).clip(1e-3, 1.0)


def precision(credits: Credits, profile: sp.csr_matrix, n: int, totals: np.ndarray | None = None) -> np.ndarray:
    """Per credential: its profile weight on skills that credit some role skill, over its whole profile weight
    (``totals``: each credential's whole profile weight, when already summed)."""
    totals = np.asarray(profile.sum(axis=1)).ravel() if totals is None else totals
    result = np.zeros(n, dtype=np.float64)
    if len(credits.credential):
        # distinct (credential, skill) in (credential, skill) order: one int64 key each (a sort of plain
        # integers, not np.unique(axis=1)'s row sort, which took 40 ms a query at 100,000 credentials)
        width = int(profile.shape[1])
        keys = np.unique(credits.credential.astype(np.int64) * width + credits.skill)
        credential, skill = np.divmod(keys, width)
        weights = np.asarray(profile[credential, skill]).ravel()
        # summed per credited credential in key order, divided only there (not over the whole catalog)
        held, owner = np.unique(credential, return_inverse=True)
        used = np.bincount(owner, weights=weights, minlength=len(held))
        with np.errstate(invalid="ignore", divide="ignore"):
            result[held] = np.where(totals[held] > 0, used / totals[held], 0.0)
    return result


def _scaled(values: np.ndarray) -> np.ndarray:
    best = float(values.max()) if len(values) else 0.0
    return values / best if best > 0 else np.zeros_like(values)


def combine(
    coverage: np.ndarray,
    precision_: np.ndarray,
    lexical: np.ndarray,
    dense: np.ndarray,
    candidates: np.ndarray,
    *,
    coverage_weight: float,
    lexical_weight: float,
    dense_weight: float,
    precision_power: float,
    uncovered: float,
    has_skills: bool,
) -> Relevance:
    """Weigh the evidence into one score per candidate (see the module docstring); computed over the candidates
    only (at a million credentials the catalog-wide arrays cost more than the candidates' evidence)."""
    covered = coverage[candidates]
    focused = covered * np.power(precision_[candidates], precision_power) if precision_power else covered
    lexical_part = _scaled(lexical[candidates])
    part = (
        coverage_weight * _scaled(focused)
        + lexical_weight * lexical_part
        + dense_weight * _scaled(np.clip(dense[candidates], 0.0, None))
    )
    if has_skills:
        part = np.where(covered > 0, part, uncovered * part)
    score, lexical_scaled = np.zeros(len(coverage)), np.zeros(len(coverage))
    score[candidates], lexical_scaled[candidates] = part, lexical_part
    return Relevance(score, coverage, precision_, lexical_scaled, dense)

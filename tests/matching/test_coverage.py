import numpy as np
import pytest
import scipy.sparse as sp

from recommender.errors import NotFittedError
from recommender.matching.coverage import CoverageIndex, coverage_by_credential, rank_order

# Three skills on the unit circle: A and B are 60° apart (cosine 0.5), C is orthogonal to A.
SKILLS = np.array([[1.0, 0.0], [0.5, np.sqrt(0.75)], [0.0, 1.0]], dtype=np.float32)
# Credential 0 teaches A (weight 1); credential 1 teaches B (weight 0.5); credential 2 teaches C.
PROFILE = sp.csr_matrix(np.array([[1.0, 0, 0], [0, 0.5, 0], [0, 0, 1.0]], dtype=np.float32))


def test_credits_are_similarity_times_profile_weight() -> None:
    index = CoverageIndex(skill_similarity=0.5).fit(PROFILE, SKILLS)
    credits = index.credits(SKILLS[[0]])  # the role needs skill A only
    got = {
        int(c): (int(s), round(float(x), 4))
        for c, s, x in zip(credits.credential, credits.skill, credits.credit, strict=True)
    }
    # Credential 0: same skill → 1 × 1; credential 1: cos(A, B) 0.5 × weight 0.5; credential 2: cos 0 → nothing.
    assert got == {0: (0, 1.0), 1: (1, 0.25)}


def test_a_stricter_skill_similarity_drops_partial_matches() -> None:
    index = CoverageIndex(skill_similarity=0.6).fit(PROFILE, SKILLS)
    assert index.credits(SKILLS[[0]]).credential.tolist() == [0]


def test_coverage_is_the_role_weighted_mean_of_best_credits() -> None:
    index = CoverageIndex(skill_similarity=0.5).fit(PROFILE, SKILLS)
    credits = index.credits(SKILLS[[0, 2]])  # role: A (weight 3), C (weight 1)
    coverage = coverage_by_credential(credits, np.array([3.0, 1.0]), 3)
    # Credential 1 (skill B, weight 0.5) covers A at cos 0.5 and C at cos √0.75.
    expected_1 = (3 * 0.5 * 0.5 + 1 * np.sqrt(0.75) * 0.5) / 4
    np.testing.assert_allclose(coverage, [3 * 1.0 / 4, expected_1, 1 * 1.0 / 4], rtol=1e-6)


def test_best_credit_per_pair_wins() -> None:
    profile = sp.csr_matrix(np.array([[1.0, 1.0, 0]], dtype=np.float32))  # one credential teaches A and B
    credits = CoverageIndex(0.5).fit(profile, SKILLS).credits(SKILLS[[1]])  # role needs B
    assert credits.skill.tolist() == [1] and credits.credit.tolist() == [1.0]


def test_rank_order_breaks_ties_by_coverage_then_id() -> None:
    scores = np.array([0.5, 0.5, 0.5, 0.9])
    coverage = np.array([0.2, 0.4, 0.4, 0.0])
    id_rank = np.array([0, 2, 1, 3])  # ids sort as 0, 2, 1, 3
    assert rank_order(scores, coverage, id_rank, np.arange(4)).tolist() == [3, 2, 1, 0]


def test_unfitted_index_raises() -> None:
    with pytest.raises(NotFittedError):
        CoverageIndex().credits(SKILLS)

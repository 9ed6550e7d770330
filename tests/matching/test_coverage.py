import numpy as np
import pytest
import scipy.sparse as sp

from recommender.errors import NotFittedError
from recommender.matching.claims import EXACT, SEMANTIC, Claims
from recommender.matching.coverage import CoverageIndex, Credits, best_credits, coverage_by_credential, rank_order

# Three skills on the unit circle: A and B are 60° apart (cosine 0.5), C is orthogonal to A.
SKILLS = np.array([[1.0, 0.0], [0.5, np.sqrt(0.75)], [0.0, 1.0]], dtype=np.float32)
# Credential 0 teaches A (weight 1); credential 1 teaches B (weight 0.5); credential 2 teaches C.
PROFILE = sp.csr_matrix(np.array([[1.0, 0, 0], [0, 0.5, 0], [0, 0, 1.0]], dtype=np.float32))


def test_candidates_are_the_near_skills_of_each_profile_with_their_entries() -> None:
    index = CoverageIndex(skill_similarity=0.5).fit(PROFILE, SKILLS)
    pairs = index.candidates(SKILLS[[0]])  # the role needs skill A only
    got = {int(c): (int(s), round(float(x), 4), int(e)) for c, s, x, e in
           zip(pairs.credential, pairs.skill, pairs.similarity, pairs.entry, strict=True)}  # fmt: skip
    # Credential 0 holds A itself (entry 0); credential 1 holds B at cos 0.5 (entry 1); C is too far.
    assert got == {0: (0, 1.0, 0), 1: (1, 0.5, 1)}


def test_a_stricter_skill_similarity_drops_partial_matches() -> None:
    index = CoverageIndex(skill_similarity=0.6).fit(PROFILE, SKILLS)
    assert index.candidates(SKILLS[[0]]).credential.tolist() == [0]


def test_entries_name_the_csr_position_whatever_the_column_order() -> None:
    profile = sp.csr_matrix(np.array([[0, 1.0, 1.0], [1.0, 0, 1.0]], dtype=np.float32))  # entries 0,1 | 2,3
    pairs = CoverageIndex(0.99).fit(profile, SKILLS).candidates(SKILLS[[2]])  # role needs C
    assert sorted(zip(pairs.credential.tolist(), pairs.entry.tolist(), strict=True)) == [(0, 1), (1, 3)]


def _claims(role, credential, skill, similarity, credit, kind) -> Claims:  # type: ignore[no-untyped-def]
    from recommender.matching.claims import Pairs

    n = len(role)
    pairs = Pairs(np.array(role, np.int32), np.array(credential, np.int32), np.array(skill, np.int32),
                  np.array(similarity, np.float32), np.arange(n, dtype=np.int64))  # fmt: skip
    zeros = np.zeros(n, np.float32)
    return Claims(pairs, np.array(kind, np.int8), zeros, zeros, np.array(credit, np.float32))


def test_the_best_claim_per_role_skill_and_credential_wins() -> None:
    claims = _claims([0, 0, 0], [5, 5, 6], [1, 2, 1], [0.9, 1.0, 0.9], [0.4, 0.8, 0.2], [SEMANTIC, EXACT, SEMANTIC])
    credits = best_credits(claims)
    assert list(zip(credits.credential.tolist(), credits.skill.tolist(), credits.credit.tolist(), strict=True)) == [
        (5, 2, pytest.approx(0.8)),
        (6, 1, pytest.approx(0.2)),
    ]
    assert credits.type is not None and credits.type.tolist() == [EXACT, SEMANTIC]


def test_coverage_is_the_role_weighted_mean_of_best_credits() -> None:
    claims = _claims([0, 1, 1], [0, 0, 1], [0, 2, 2], [1.0, 1.0, 1.0], [1.0, 0.5, 1.0], [EXACT] * 3)
    coverage = coverage_by_credential(best_credits(claims), np.array([3.0, 1.0]), 3)
    np.testing.assert_allclose(coverage, [(3 * 1.0 + 1 * 0.5) / 4, 1 * 1.0 / 4, 0.0], rtol=1e-6)


def test_no_claims_no_credits() -> None:
    assert len(best_credits(_claims([], [], [], [], [], [])).credential) == 0
    assert len(Credits.empty().credit) == 0


def test_rank_order_breaks_ties_by_coverage_then_id() -> None:
    scores = np.array([0.5, 0.5, 0.5, 0.9])
    coverage = np.array([0.2, 0.4, 0.4, 0.0])
    id_rank = np.array([0, 2, 1, 3])  # ids sort as 0, 2, 1, 3
    assert rank_order(scores, coverage, id_rank, np.arange(4)).tolist() == [3, 2, 1, 0]


def test_unfitted_index_raises() -> None:
    with pytest.raises(NotFittedError):
        CoverageIndex().candidates(SKILLS)

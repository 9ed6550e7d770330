import pytest

from recommender.evaluation.metrics import mean_reciprocal_rank, rp_at_k

GOLD = [{"a", "b"}, {"c"}, set()]
RANKED = [["x", "a", "y", "b"], ["c", "z"], ["a"]]


def test_rp_at_k_divides_by_the_smaller_of_k_and_gold_size() -> None:
    # item 1: top-2 has a → 1/2; item 2: top-2 has c → 1/1; the unlabelled item is not averaged.
    assert rp_at_k(GOLD, RANKED, 2) == pytest.approx((1 / 2 + 1) / 2)
    # top-1: item 1 has nothing (0/1); item 2 has c (1/1).
    assert rp_at_k(GOLD, RANKED, 1) == pytest.approx(0.5)
    assert rp_at_k(GOLD, RANKED, 4) == pytest.approx(1.0)


def test_mrr_uses_the_first_gold_hit() -> None:
    assert mean_reciprocal_rank(GOLD, RANKED) == pytest.approx((1 / 2 + 1) / 2)
    assert mean_reciprocal_rank([{"q"}], [["a", "b"]]) == 0.0


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="gold sets"):
        rp_at_k([{"a"}], [], 5)

"""Ranking metrics as pure functions over gold sets and ranked lists (fractions in [0, 1]).

RP@K is the skill-extraction literature's metric (Decorte et al. 2022):
``|gold ∩ top-K| / min(K, |gold|)`` averaged over items with at least one gold label. It is not
in the IR libraries, so it is written here; MRR is written beside it because it is needed on
the same inputs.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence, Set


def _labelled(gold: Sequence[Set[Hashable]], ranked: Sequence[Sequence[Hashable]]) -> list[int]:
    if len(gold) != len(ranked):
        raise ValueError(f"{len(gold)} gold sets for {len(ranked)} rankings")
    return [i for i, labels in enumerate(gold) if labels]


def rp_at_k(gold: Sequence[Set[Hashable]], ranked: Sequence[Sequence[Hashable]], k: int) -> float:
    """Mean of ``|gold ∩ top-k| / min(k, |gold|)`` over items with at least one gold label."""
    items = _labelled(gold, ranked)
    if not items:
        return 0.0
    return sum(len(set(ranked[i][:k]) & set(gold[i])) / min(k, len(gold[i])) for i in items) / len(items)


def mean_reciprocal_rank(gold: Sequence[Set[Hashable]], ranked: Sequence[Sequence[Hashable]]) -> float:
    """Mean of 1 / rank of the first gold item (0 when none is ranked), over labelled items."""
    items = _labelled(gold, ranked)
    if not items:
        return 0.0
    total = 0.0
    for i in items:
        total += next((1.0 / rank for rank, item in enumerate(ranked[i], start=1) if item in gold[i]), 0.0)
    return total / len(items)

"""Ranking metrics as pure functions over gold sets and ranked lists (fractions in [0, 1]).

RP@K is the skill-extraction literature's metric (Decorte et al. 2022):
``|gold ∩ top-K| / min(K, |gold|)`` averaged over items with at least one gold label. It is not
in the IR libraries, so it is written here; MRR is written beside it because it is needed on
the same inputs.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence, Set
from typing import Any

from ..extras import import_extra


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


# ---------------------------------------------------------------- trec_eval measures (ir-measures)
# Gold is a set of relevant items (grade 1 each) or a mapping {item: grade}; only grades > 0 are
# relevant. Each ranked list is scored in its given order (duplicates keep their first rank);
# items without a relevant gold entry are left out of the mean, and a labelled item whose list is
# empty or finds nothing scores 0.
Grades = Set[Hashable] | Mapping[Any, float]


def _grades(gold: Grades) -> dict[Hashable, int]:
    if isinstance(gold, Mapping):
        return {item: int(grade) for item, grade in gold.items() if grade > 0}
    return dict.fromkeys(gold, 1)


def _trec_eval(measure: str, gold: Sequence[Grades], ranked: Sequence[Sequence[Hashable]]) -> float:
    ir_measures = import_extra("ir_measures", "eval")

    if len(gold) != len(ranked):
        raise ValueError(f"{len(gold)} gold sets for {len(ranked)} rankings")
    grades = [_grades(g) for g in gold]
    items = [i for i, g in enumerate(grades) if g]
    if not items:
        return 0.0
    qrels = [ir_measures.Qrel(str(i), repr(item), grade) for i in items for item, grade in grades[i].items()]
    run = [
        ir_measures.ScoredDoc(str(i), repr(item), float(-rank))  # scores fall with rank: no ties to break
        for i in items
        for rank, item in enumerate(dict.fromkeys(ranked[i]))
    ]
    values = {m.query_id: m.value for m in ir_measures.iter_calc([ir_measures.parse_measure(measure)], qrels, run)}
    return sum(values.get(str(i), 0.0) for i in items) / len(items)


def ndcg_at_k(gold: Sequence[Grades], ranked: Sequence[Sequence[Hashable]], k: int) -> float:
    """Mean nDCG@k with linear gains (the grade) and log2 discounts, as trec_eval computes it."""
    return _trec_eval(f"nDCG@{k}", gold, ranked)


def recall_at_k(gold: Sequence[Grades], ranked: Sequence[Sequence[Hashable]], k: int) -> float:
    """Mean of ``|relevant ∩ top-k| / |relevant|``."""
    return _trec_eval(f"R@{k}", gold, ranked)


def success_at_k(gold: Sequence[Grades], ranked: Sequence[Sequence[Hashable]], k: int) -> float:
    """Share of items with a relevant entry in the top k (accuracy@k when each item has one answer)."""
    return _trec_eval(f"Success@{k}", gold, ranked)


def mean_average_precision(gold: Sequence[Grades], ranked: Sequence[Sequence[Hashable]]) -> float:
    """MAP: mean over items of the precision at each relevant hit, divided by ``|relevant|``."""
    return _trec_eval("AP", gold, ranked)


# ---------------------------------------------------------------- graded judgments (judged sets)
# Judgments map an item to its grade, 0 included (judged, not relevant); an item a ranking returns
# that has no judgment is *unjudged*: it scores 0, and the condensed figures leave it out of the list.
Judgments = Mapping[Any, int]  # item → grade (any hashable item; Mapping's key type is invariant)


def graded_ndcg(judgments: Judgments, ranked: Sequence[Hashable], k: int, *, condensed: bool = False) -> float:
    """nDCG@k with exponential gain ``2**grade - 1`` and ``log2(rank + 1)`` discounts; the ideal list is
    the judged items by grade. ``condensed``: unjudged items are removed from ``ranked`` first."""
    ranked = list(dict.fromkeys(ranked))
    if condensed:
        ranked = [item for item in ranked if item in judgments]
    gains = [2 ** judgments.get(item, 0) - 1 for item in ranked[:k]]
    ideal = sorted((2**grade - 1 for grade in judgments.values()), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains)) / idcg if idcg else 0.0


def graded_precision(judgments: Judgments, ranked: Sequence[Hashable], k: int, *, min_grade: int = 2) -> float:
    """Share of the top k with a grade of at least ``min_grade`` (unjudged items count as not relevant)."""
    top = list(dict.fromkeys(ranked))[:k]
    return sum(1 for item in top if judgments.get(item, 0) >= min_grade) / k


def unjudged(judgments: Judgments, ranked: Sequence[Hashable], k: int) -> int:
    """How many of the top k have no judgment."""
    return sum(1 for item in list(dict.fromkeys(ranked))[:k] if item not in judgments)

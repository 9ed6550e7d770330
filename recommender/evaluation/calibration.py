"""Choose the skill-presence settings of an encoder on labelled *validation* sentences.

Every sentence goes through the extractor as in production: segments → each segment's candidate
skills (nearest labels and aliases, plus ``exact_boost`` for forms named word for word) → at most
``per_segment`` per segment at or above the threshold (``threshold + SHORT_MARGIN`` for segments of
one or two words). The extracted skill set of each sentence is compared with its gold skills;
sentences without a gold skill count too (what is found there is a false positive). Micro precision,
recall and F1 are pooled over the files, for every threshold × per-segment cap × boost; the best F1
wins (ties: the higher threshold, then the smaller boost).

``tune_weights`` chooses the hybrid skill ranking's weights (``skills.ranker.SkillRanker``) on the same
validation sentences, by mean RP@5.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..encoders.base import Encoder
from ..inputs.tabular import PathLike
from ..inputs.taxonomy import Vocabulary
from ..skills.extractor import (
    DEFAULT_EXACT_BOOST,
    DEFAULT_PER_SEGMENT,
    DEFAULT_SHORT_THRESHOLD,
    DEFAULT_THRESHOLD,
    SHORT_SEGMENT_WORDS,
    SkillExtractor,
)
from ..skills.ranker import SkillRanker
from ..skills.segment import split_segments
from .metrics import rp_at_k

THRESHOLDS = tuple(round(0.40 + 0.025 * i, 3) for i in range(21))  # 0.40 … 0.90
PER_SEGMENT = (1, 2, 3)
EXACT_BOOSTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)  # also the hybrid ranking's exact-form boosts
LEXICAL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)  # the hybrid ranking's char n-gram weights
SHORT_MARGIN = round(DEFAULT_SHORT_THRESHOLD - DEFAULT_THRESHOLD, 3)  # short segments need this much more


def _f1(counts: np.ndarray) -> tuple[float, float, float]:
    tp, predicted, gold = counts
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def sweep(
    encoder: Encoder, vocabulary: Vocabulary, paths: Sequence[PathLike], *, boosts: Sequence[float] = EXACT_BOOSTS
) -> dict[tuple[float, int, float], tuple[float, float, float]]:
    """``(threshold, per_segment, exact_boost) → (precision, recall, F1)`` pooled over ``paths``."""
    from .evaluate import read_skill_benchmark

    extractor = SkillExtractor(exact_boost=0.0).fit(vocabulary, encoder, reference=False)
    counts = {(t, n, b): np.zeros(3) for t in THRESHOLDS for n in PER_SEGMENT for b in boosts}
    for path in paths:
        texts, gold, _ = read_skill_benchmark(path, vocabulary)
        segments = [split_segments(text) or [text] for text in texts]
        flat = [segment for group in segments for segment in group]
        embeddings = encoder.encode(flat)
        neighbours = extractor.nearest_forms(embeddings, extractor.n_neighbors)
        for boost in boosts:
            extractor.exact_boost = boost
            ranked = iter(extractor.segment_candidates(embeddings, flat, neighbours))
            sentences = [[(len(s.split()), next(ranked)[: max(PER_SEGMENT)]) for s in group] for group in segments]
            for g, sentence in zip(gold, sentences, strict=True):
                for t in THRESHOLDS:
                    short = round(t + SHORT_MARGIN, 3)
                    for n in PER_SEGMENT:
                        found = {
                            skill
                            for words, candidates in sentence
                            for skill, score, _ in candidates[:n]
                            if score >= (short if words <= SHORT_SEGMENT_WORDS else t)
                        }
                        counts[(t, n, boost)] += (len(found & g), len(found), len(g))
    return {key: _f1(value) for key, value in counts.items()}


def calibrate(
    encoder: Encoder, vocabulary: Vocabulary, paths: Sequence[PathLike], *, boosts: Sequence[float] = EXACT_BOOSTS
) -> dict[str, Any]:
    """The best settings of ``sweep`` and their figures, with the F1 of the packaged defaults beside them."""
    return best_settings(sweep(encoder, vocabulary, paths, boosts=boosts))


def best_settings(scores: dict[tuple[float, int, float], tuple[float, float, float]]) -> dict[str, Any]:
    """The settings of a ``sweep`` with the best F1 (ties: the higher threshold, then the smaller boost)."""
    (t, n, b), (p, r, f) = max(scores.items(), key=lambda item: (item[1][2], item[0][0], -item[0][2]))
    return {
        "threshold": t,
        "per_segment": n,
        "short_threshold": round(t + SHORT_MARGIN, 3),
        "exact_boost": b,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "default_settings_f1": round(
            scores.get((DEFAULT_THRESHOLD, DEFAULT_PER_SEGMENT, DEFAULT_EXACT_BOOST), (0, 0, 0))[2], 4
        ),
    }


# ---------------------------------------------------------------- the hybrid skill ranking's weights
LEXICAL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


def tune_weights(ranker: SkillRanker, sets: Sequence[tuple[Sequence[str], Sequence[set[int]]]]) -> dict[str, float]:
    """The hybrid ranking's ``exact_boost`` and ``lexical_weight`` (of ``EXACT_BOOSTS`` × ``LEXICAL_WEIGHTS``)
    with the best mean RP@5 over ``sets`` of (texts, gold skill positions): validation data only."""
    parts = []
    for texts, gold in sets:
        keep = [i for i, g in enumerate(gold) if g]
        dense, exact, lexical = ranker.components([texts[i] for i in keep])
        parts.append((dense, exact, lexical, [gold[i] for i in keep]))

    def mean_rp5(boost: float, weight: float) -> float:
        values = []
        for dense, exact, lexical, gold in parts:
            scores = dense + boost * exact + weight * lexical
            top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
            values.append(rp_at_k(gold, top.tolist(), 5))
        return float(np.mean(values))

    grid = [(b, w) for b in EXACT_BOOSTS for w in LEXICAL_WEIGHTS]
    scored = {(b, w): mean_rp5(b, w) for b, w in grid}
    (boost, weight), best = max(scored.items(), key=lambda item: (item[1], -item[0][0] - item[0][1]))
    return {"exact_boost": boost, "lexical_weight": weight, "validation_rp@5": best,
            "plain_validation_rp@5": scored[(0.0, 0.0)]}  # fmt: skip

"""Rank every skill of a vocabulary for a text: dense cosines plus lexical evidence.

A skill's score for a text is

    max over its forms of cos(text, form)                 (dense, "alias max-pooling")
    + exact_boost    × [a label or alias occurs word for word in the text]
    + lexical_weight × max over its forms of char-n-gram TF-IDF cosine(text, form)

The weights were chosen on the TECH + HOUSE *validation* sets (scripts/skill_levers.py; the figures
and what did not help are in docs/benchmarks.md). ``lexical_weight=exact_boost=0`` is the plain
dense ranking the extractor uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..encoders.base import Encoder
from ..errors import NotFittedError
from ..inputs.taxonomy import Vocabulary
from .lexical import CharNgramIndex, FormMatcher

# Chosen for the packaged all-MiniLM-L6-v2 on TECH + HOUSE validation (mean RP@5; scripts/skill_levers.py).
# An encoder trained by `recommender train` carries its own, tuned the same way (encoders/trained.py).
DEFAULT_EXACT_BOOST = 0.3
DEFAULT_LEXICAL_WEIGHT = 0.5
_BLOCK = 64  # texts scored at once: bounds the (texts × forms) matrices


class SkillRanker:
    """Score all skills of a vocabulary for texts (see the module docstring)."""

    def __init__(self, exact_boost: float = DEFAULT_EXACT_BOOST, lexical_weight: float = DEFAULT_LEXICAL_WEIGHT):
        self.exact_boost = exact_boost
        self.lexical_weight = lexical_weight

    def fit(
        self, vocabulary: Vocabulary, encoder: Encoder, *, form_embeddings: np.ndarray | None = None
    ) -> SkillRanker:
        forms, form_skill = vocabulary.surface_forms()
        embeddings = encoder.encode(forms) if form_embeddings is None else form_embeddings
        self.vocabulary_ = vocabulary
        self.encoder_ = encoder
        skills = np.asarray(form_skill, dtype=np.int64)
        # Forms grouped by skill, so np.maximum.reduceat takes each skill's best form.
        self.order_ = np.argsort(skills, kind="stable")
        self.starts_ = np.searchsorted(skills[self.order_], np.arange(len(vocabulary)))
        self.form_embeddings_ = np.ascontiguousarray(np.asarray(embeddings, dtype=np.float32)[self.order_])
        self.matcher_ = FormMatcher(vocabulary) if self.exact_boost else None
        self.lexical_ = CharNgramIndex().fit([forms[i] for i in self.order_]) if self.lexical_weight else None
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "order_"):
            raise NotFittedError("SkillRanker is not fitted: call fit() first")

    def components(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """``(dense, exact, lexical)``, each ``(texts, skills)``: the parts ``scores`` weighs."""
        self._check_fitted()
        embeddings = self.encoder_.encode(list(texts)) if embeddings is None else embeddings
        shape = (len(texts), len(self.vocabulary_))
        dense, exact, lexical = np.empty(shape, np.float32), np.zeros(shape, np.float32), np.zeros(shape, np.float32)
        for start in range(0, len(texts), _BLOCK):
            block = list(texts[start : start + _BLOCK])
            rows = slice(start, start + len(block))
            dense[rows] = np.maximum.reduceat(embeddings[rows] @ self.form_embeddings_.T, self.starts_, axis=1)
            if self.lexical_ is not None:
                lexical[rows] = np.maximum.reduceat(self.lexical_.similarities(block), self.starts_, axis=1)
            if self.matcher_ is not None:
                for row, text in enumerate(block, start):
                    exact[row, [skill for skill, _ in self.matcher_.find(text)]] = 1.0
        return dense, exact, lexical

    def scores(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """``(texts, skills)`` scores; ``embeddings`` of the texts when already computed."""
        dense, exact, lexical = self.components(texts, embeddings)
        return dense + self.exact_boost * exact + self.lexical_weight * lexical

    def rank(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None, top_n: int = 100
    ) -> list[list[tuple[int, float]]]:
        """For each text, the ``top_n`` skills by score: ``(skill position, score)``, best first."""
        scores = self.scores(texts, embeddings)
        top_n = min(top_n, scores.shape[1])
        ranked = []
        for row in scores:
            top = np.argpartition(-row, top_n - 1)[:top_n]
            top = top[np.lexsort((top, -row[top]))]
            ranked.append([(int(s), float(row[s])) for s in top])
        return ranked

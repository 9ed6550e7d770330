"""A deterministic character n-gram hashing encoder: no model, no torch, reproducible.

Texts sharing character n-grams are similar ("PostgreSQL" is close to "SQL"), which is enough for
unit tests and for runs where speed matters more than meaning (``--encoder hash`` or ``hash:DIM``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidInputError
from .base import normalize_rows


class HashingEncoder:
    """Deterministic character n-gram hashing encoder.

    Needs no model and no torch: fast, reproducible, and lexical (texts sharing character
    n-grams are similar, so "PostgreSQL" is close to "SQL"). Used by unit tests and selectable
    with ``--encoder hash`` or ``hash:DIM`` where speed matters more than meaning.
    """

    def __init__(self, dim: int = 256, ngram: int = 3) -> None:
        if dim < 8:
            raise InvalidInputError(f"hash encoder dimension must be at least 8, got {dim}")
        self._dim = dim
        self.ngram = ngram

    @property
    def spec(self) -> str:
        return f"hash:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def fingerprint(self) -> str:
        return f"hash-v1-{self._dim}-{self.ngram}"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            padded = f" {word} "
            grams = [padded[i : i + self.ngram] for i in range(max(1, len(padded) - self.ngram + 1))]
            for gram in [*grams, f"<{word}>"]:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                sign = 1.0 if digest[4] & 1 else -1.0
                vector[bucket] += sign
        return vector

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(text) for text in texts]))



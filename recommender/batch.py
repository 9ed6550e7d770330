"""Batch scoring: many postings, each distinct segment encoded once, output streamed.

Postings are read and written one chunk at a time, so memory stays flat however long the
input is. Boilerplate sentences that recur across postings ("We are an equal opportunity
employer") are encoded once and then served from a bounded cache.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from .engine import Recommender
from .filters import Filters
from .postings import Posting, PostingError
from .segment import split_segments


@dataclass
class ScoreSummary:
    """What a batch run did: rows scored, rows that could not be scored and why."""

    rows: int = 0
    scored: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    segments: int = 0
    segments_encoded: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "scored": self.scored,
            "skipped": sum(self.errors.values()),
            "skipped_reasons": dict(self.errors),
            "segments": self.segments,
            "segments_encoded": self.segments_encoded,
        }


class SegmentCache:
    """Least-recently-used map from segment text to its embedding."""

    def __init__(self, max_items: int = 100_000) -> None:
        self.max_items = max_items
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed(self, model: Recommender, segments: list[str]) -> tuple[dict[str, np.ndarray], int]:
        """Embeddings for ``segments``, encoding only the ones not cached; returns (map, encoded)."""
        missing = [s for s in dict.fromkeys(segments) if s not in self._items]
        found = {s: self._items[s] for s in segments if s in self._items}
        if missing:
            vectors = model.encoder.encode(missing)  # type: ignore[union-attr]
            found.update(zip(missing, vectors, strict=True))
        for segment, vector in found.items():
            self._items[segment] = vector
            self._items.move_to_end(segment)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        return found, len(missing)


def score_postings(
    model: Recommender,
    postings: Iterable[Posting | PostingError],
    *,
    k: int = 10,
    filters: Filters | None = None,
    chunk_size: int = 256,
    summary: ScoreSummary | None = None,
    on_row: Callable[[], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield one JSON-ready dict per posting: ``{id, title, role, recommendations}`` or ``{id, error}``."""
    summary = summary if summary is not None else ScoreSummary()
    filters = filters or Filters()
    cache = SegmentCache()
    iterator = iter(postings)
    while chunk := list(islice(iterator, chunk_size)):
        segment_lists = [split_segments(p.text) if isinstance(p, Posting) else [] for p in chunk]
        embedded, encoded = cache.embed(model, [s for segments in segment_lists for s in segments])
        summary.segments += sum(len(s) for s in segment_lists)
        summary.segments_encoded += encoded
        for posting, segments in zip(chunk, segment_lists, strict=True):
            summary.rows += 1
            if isinstance(posting, PostingError) or not segments:
                reason = posting.error if isinstance(posting, PostingError) else "no text to score"
                summary.errors[reason] += 1
                yield {"id": posting.id, "row": posting.row, "error": reason}
            else:
                embeddings = np.stack([embedded[s] for s in segments])
                result = model.recommend_embedded(segments, embeddings, k=k, filters=filters)
                summary.scored += 1
                yield {"id": posting.id, "title": posting.title, **result.to_dict()}
            if on_row is not None:
                on_row()

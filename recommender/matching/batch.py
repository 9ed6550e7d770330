"""Batch scoring: many postings, each distinct segment encoded once, output streamed.

Postings are read and written one chunk at a time, so memory stays flat however long the
input is. Boilerplate sentences that recur across postings ("We are an equal opportunity
employer") are encoded once and then served from a bounded cache.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from itertools import islice
from typing import Any

import numpy as np

from ..inputs.postings import Posting, PostingError
from ..skills.extractor import SegmentMatch
from ..skills.statements import stated_text
from .engine import Recommender, role_document
from .filters import Filters


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


# A segment's skill matches: (skill, similarity, form) per match, best first.
SegmentSkills = tuple[tuple[int, float, int], ...]
_MATCH_ROWS = 512  # segments matched against the surface forms at once (bounds the distance matrix)


# Segments remembered while scoring: about 2 KB each (a 384-float embedding, its matches, the text), so
# 20,000 cost ~40 MB. Recurring boilerplate stays (it is recent); a segment seen once long ago is
# encoded again. (100,000 held ~200 MB, and a long run's memory grew until they were all taken.)
SEGMENT_CACHE_ITEMS = 20_000


class SegmentCache:
    """Least-recently-used map from segment text to its embedding and its skill matches."""

    def __init__(self, max_items: int = SEGMENT_CACHE_ITEMS) -> None:
        self.max_items = max_items
        self._items: OrderedDict[str, tuple[np.ndarray, SegmentSkills]] = OrderedDict()

    def __len__(self) -> int:
        """How many segments are cached (at most ``max_items``)."""
        return len(self._items)

    def embed(self, model: Recommender, segments: list[str]) -> tuple[dict[str, np.ndarray], int]:
        """Embeddings for ``segments``, encoding only the ones not cached; returns (map, encoded)."""
        found, encoded = self.lookup(model, segments)
        return {segment: vector for segment, (vector, _) in found.items()}, encoded

    def lookup(
        self, model: Recommender, segments: list[str]
    ) -> tuple[dict[str, tuple[np.ndarray, SegmentSkills]], int]:
        """Embedding and matches of each of ``segments``, computing only new ones; returns (map, encoded).

        New segments are encoded in one call and matched against the vocabulary's surface forms
        in blocks of rows (one matrix product each), so each distinct segment costs one encoding
        and one nearest-neighbour row however many postings repeat it.
        """
        missing = [s for s in dict.fromkeys(segments) if s not in self._items]
        found = {s: self._items[s] for s in segments if s in self._items}
        if missing:
            vectors = model.role_builder_.encoder.encode(missing)
            # Each row copied: a view would keep its whole batch's matrix alive until every row is evicted.
            rows = [np.array(vector) for vector in vectors]
            found.update(zip(missing, zip(rows, _segment_skills(model, missing, vectors), strict=True), strict=True))
        for segment, item in found.items():
            self._items[segment] = item
            self._items.move_to_end(segment)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        return found, len(missing)


def _segment_skills(model: Recommender, texts: list[str], vectors: np.ndarray) -> list[SegmentSkills]:
    """``extractor_.match_embeddings`` for many segments, grouped per segment."""
    found: list[list[tuple[int, float, int]]] = [[] for _ in texts]
    for start in range(0, len(texts), _MATCH_ROWS):
        block, rows = texts[start : start + _MATCH_ROWS], vectors[start : start + _MATCH_ROWS]
        if len(rows) == 1:  # numpy multiplies a single row by another routine (last-bit differences)
            block, rows = block * 2, np.vstack([rows, rows])
        for match in model.extractor_.match_embeddings(rows, block):
            if match.segment < len(texts) - start:
                found[start + match.segment].append((match.skill, match.similarity, match.form))
    return [tuple(items) for items in found]


def _posting_matches(segments: list[str], embedded: dict[str, tuple[np.ndarray, SegmentSkills]]) -> list[SegmentMatch]:
    return [
        SegmentMatch(i, skill, similarity, form)
        for i, segment in enumerate(segments)
        for skill, similarity, form in embedded[segment][1]
    ]


def as_plain(value: Any) -> Any:
    """``value.to_dict()`` for the result dataclasses, without ``asdict``'s deep copies (4x faster).

    Same output: dataclasses become dicts, tuples lists, floats are rounded to 4 places
    (tests/test_streaming.py compares the two).
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    if isinstance(value, float):
        return round(value, 4)
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value):
        names = _FIELDS.setdefault(kind, tuple(f.name for f in fields(value)))
    if names is not None:
        return {name: as_plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [as_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: as_plain(item) for key, item in value.items()}
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}
_ATOMS = frozenset({str, int, bool, type(None)})


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
        cuts = [stated_text(p.text) if isinstance(p, Posting) else None for p in chunk]
        segment_lists = [cut.segments if cut is not None else [] for cut in cuts]
        embedded, encoded = cache.lookup(model, [s for segments in segment_lists for s in segments])
        summary.segments += sum(len(s) for s in segment_lists)
        summary.segments_encoded += encoded
        scored = [p for p, segments in zip(chunk, segment_lists, strict=True) if isinstance(p, Posting) and segments]
        wholes = [role_document(p.text, p.title) for p in scored]  # each posting's document embedding
        documents = iter(model.role_builder_.encoder.encode(wholes) if wholes else [])
        for posting, segments, cut in zip(chunk, segment_lists, cuts, strict=True):
            summary.rows += 1
            if isinstance(posting, PostingError) or not segments:
                reason = posting.error if isinstance(posting, PostingError) else "no text to score"
                summary.errors[reason] += 1
                yield {"id": posting.id, "row": posting.row, "error": reason}
            else:
                embeddings = np.stack([embedded[s][0] for s in segments])
                matches = _posting_matches(segments, embedded)
                result = model.recommend_embedded(
                    cut,  # type: ignore[arg-type]
                    embeddings,
                    k=k,
                    filters=filters,
                    matches=matches,
                    title=posting.title or None,
                    document=next(documents),
                )
                summary.scored += 1
                yield {"id": posting.id, "title": posting.title, **as_plain(result)}
            if on_row is not None:
                on_row()

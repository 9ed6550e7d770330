"""Batch scoring: parity with ``recommend``, each distinct segment encoded once, and streaming."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import count, islice

import numpy as np
import pytest

from recommender.errors import InvalidInputError
from recommender.inputs.postings import Posting, PostingError
from recommender.matching.batch import ScoreSummary, SegmentCache, score_postings
from recommender.matching.engine import Recommender, role_document
from recommender.matching.filters import Filters
from recommender.skills.segment import split_segments
from recommender.skills.statements import stated_text

# Requirements every posting repeats (stated, so matched: the cache serves them after the first posting) ...
BOILERPLATE = "Strong communication skills and fluent English.\nAttention to detail."
# ... and sentences that state nothing the job needs (never encoded for skills).
NOT_STATED = "We are an equal opportunity employer.\nSend your CV and a short cover letter to our team."
ROLES = [
    "Requirements: SQL, Tableau, Python",
    "Requirements: Python, unit testing",
    "Plan sprints, run Scrum ceremonies and manage project risks.",
    "Build dashboards in Tableau for the sales team.",
    "Write SQL queries against PostgreSQL databases.",
]


def postings() -> list[Posting]:
    """Five postings that share two boilerplate sentences."""
    return [
        Posting(id=f"p{i}", title=f"Posting {i}", text=f"{role}\n{BOILERPLATE}\n{NOT_STATED}", row=i + 1)
        for i, role in enumerate(ROLES)
    ]


class SpyEncoder:
    """Wrap an encoder and record every text it is asked to encode."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], **kwargs: object) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts, **kwargs)  # type: ignore[attr-defined]


@pytest.mark.parametrize("chunk_size", [1, 2, 256])
@pytest.mark.parametrize(
    "filters", [None, Filters(max_hours=15), Filters(level="beginner,intermediate", language="en")], ids=str
)
def test_results_match_recommend_for_each_posting(
    tiny_model: Recommender, chunk_size: int, filters: Filters | None
) -> None:
    items = postings()
    lines = list(score_postings(tiny_model, items, k=2, filters=filters, chunk_size=chunk_size))
    assert len(lines) == len(items)
    for posting, line in zip(items, lines, strict=True):
        expected = tiny_model.recommend(posting.text, title=posting.title, k=2, filters=filters).to_dict()
        assert line == {"id": posting.id, "title": posting.title, **expected}


def test_each_distinct_segment_is_encoded_once_across_chunks(tiny_model: Recommender) -> None:
    items = postings()
    per_posting = [stated_text(p.text).segments for p in items]
    distinct = {s for segments in per_posting for s in segments}
    spy = SpyEncoder(tiny_model.role_builder_.encoder)
    tiny_model.role_builder_.encoder = spy  # type: ignore[assignment]
    summary = ScoreSummary()
    list(score_postings(tiny_model, items, k=2, chunk_size=2, summary=summary))

    assert summary.segments == sum(len(segments) for segments in per_posting)
    assert summary.segments_encoded == len(distinct)
    assert summary.segments_encoded < summary.segments
    # The boilerplate's segments recur in all five postings: four of every five come from the cache.
    assert summary.segments - summary.segments_encoded >= len(split_segments(BOILERPLATE)) * (len(items) - 1)
    # What states nothing the job needs is not encoded for skills at all (only inside each whole text).
    assert not set(split_segments(NOT_STATED)) & set(spy.texts)
    # Every distinct segment exactly once, and each posting's whole text once (its document embedding).
    assert Counter(spy.texts) == Counter(distinct) + Counter(role_document(p.text, p.title) for p in items)
    assert (summary.rows, summary.scored, sum(summary.errors.values())) == (5, 5, 0)


def test_posting_errors_and_empty_postings_yield_error_lines(tiny_model: Recommender) -> None:
    good = postings()[:2]
    items: list[Posting | PostingError] = [
        good[0],
        PostingError(id="bad-1", row=2, error="no text"),
        Posting(id="filler", title="Only filler", text="Requirements:", row=3),
        good[1],
    ]
    rows: list[int] = []
    summary = ScoreSummary()
    lines = list(score_postings(tiny_model, items, k=2, summary=summary, on_row=lambda: rows.append(1)))

    assert [line["id"] for line in lines] == ["p0", "bad-1", "filler", "p1"]
    assert lines[1] == {"id": "bad-1", "row": 2, "error": "no text"}
    assert lines[2] == {"id": "filler", "row": 3, "error": "no text to score"}
    assert "recommendations" in lines[0] and "recommendations" in lines[3]
    assert len(rows) == 4
    assert summary.to_dict() == {
        "rows": 4,
        "scored": 2,
        "skipped": 2,
        "skipped_reasons": {"no text": 1, "no text to score": 1},
        "segments": summary.segments,
        "segments_encoded": summary.segments_encoded,
    }


def test_results_stream_before_the_input_is_exhausted(tiny_model: Recommender) -> None:
    items = postings()
    consumed = 0

    def source() -> Iterator[Posting]:
        nonlocal consumed
        for posting in items:
            consumed += 1
            yield posting

    stream = score_postings(tiny_model, source(), k=2, chunk_size=2)
    assert consumed == 0  # nothing is read before the first result is asked for
    first = next(stream)
    assert (first["id"], consumed) == ("p0", 2)
    assert (next(stream)["id"], consumed) == ("p1", 2)
    assert (next(stream)["id"], consumed) == ("p2", 4)
    assert [line["id"] for line in stream] == ["p3", "p4"]
    assert consumed == len(items)


def test_an_endless_input_can_be_scored_a_slice_at_a_time(tiny_model: Recommender) -> None:
    endless = (
        Posting(id=f"p{i}", title="", text=f"{ROLES[i % len(ROLES)]}\n{BOILERPLATE}", row=i + 1) for i in count()
    )
    lines = list(islice(score_postings(tiny_model, endless, k=1, chunk_size=3), 7))
    assert [line["id"] for line in lines] == [f"p{i}" for i in range(7)]


def test_k_out_of_range_is_an_error(tiny_model: Recommender) -> None:
    with pytest.raises(InvalidInputError, match="-k"):
        list(score_postings(tiny_model, postings(), k=0))
    with pytest.raises(InvalidInputError, match="larger than the catalog"):
        list(score_postings(tiny_model, postings(), k=5))


# ---------------------------------------------------------------------------- SegmentCache
def test_segment_cache_encodes_only_unseen_segments(tiny_model: Recommender) -> None:
    cache = SegmentCache()
    vectors, encoded = cache.embed(tiny_model, ["SQL", "Python", "SQL"])
    assert encoded == 2
    assert set(vectors) == {"SQL", "Python"}
    expected = tiny_model.encoder.encode(["SQL", "Python", "Tableau"])  # type: ignore[union-attr]
    np.testing.assert_array_equal(vectors["SQL"], expected[0])
    np.testing.assert_array_equal(vectors["Python"], expected[1])

    again, encoded = cache.embed(tiny_model, ["Python", "Tableau"])
    assert encoded == 1
    np.testing.assert_array_equal(again["Python"], expected[1])
    np.testing.assert_array_equal(again["Tableau"], expected[2])
    assert cache.embed(tiny_model, []) == ({}, 0)


def test_segment_cache_evicts_the_least_recently_used(tiny_model: Recommender) -> None:
    cache = SegmentCache(max_items=2)
    assert cache.embed(tiny_model, ["a1", "b1"])[1] == 2
    assert cache.embed(tiny_model, ["a1"])[1] == 0  # a1 is now the most recently used
    assert cache.embed(tiny_model, ["c1"])[1] == 1  # evicts b1, not a1
    assert cache.embed(tiny_model, ["a1", "c1"])[1] == 0
    assert cache.embed(tiny_model, ["b1"])[1] == 1


def test_segment_cache_returns_every_segment_even_beyond_its_size(tiny_model: Recommender) -> None:
    cache = SegmentCache(max_items=1)
    vectors, encoded = cache.embed(tiny_model, ["x1", "y1", "z1"])
    assert (set(vectors), encoded) == ({"x1", "y1", "z1"}, 3)
    assert cache.embed(tiny_model, ["z1"])[1] == 0
    assert cache.embed(tiny_model, ["x1"])[1] == 1


def test_segment_cache_rows_own_their_memory(tiny_model: Recommender) -> None:
    """An evicted segment frees its embedding: no cached row keeps its batch's whole matrix alive."""
    vectors, _ = SegmentCache().embed(tiny_model, ["SQL", "Python", "Tableau"])
    assert all(vector.base is None and vector.flags.owndata for vector in vectors.values())

"""Streaming batch scoring writes exactly what scoring everything in memory gives, reading its
input lazily (one chunk ahead at most) and holding a bounded segment cache."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender.api import score_file
from recommender.inputs.postings import Posting, PostingError
from recommender.matching.batch import SegmentCache, score_postings
from recommender.matching.engine import Recommender
from recommender.store.index_io import save_index

BOILERPLATE = [
    "We are an equal opportunity employer.",
    "Send your CV and a cover letter.",
    "Benefits: medical insurance, flexible hours and training.",
]
NEEDS = [
    "Write SQL queries against PostgreSQL databases",
    "Build dashboards in Tableau for the sales team",
    "Test Python scripts with pytest",
    "Plan sprints and run Scrum ceremonies",
    "Manage project risks with the team",
    "Aggregate results for monthly reports",
]


def _postings(n: int) -> list[Posting | PostingError]:
    """``n`` postings mixing role sentences with shared boilerplate; every 17th row is unreadable."""
    rows: list[Posting | PostingError] = []
    for i in range(n):
        if i % 17 == 16:
            rows.append(PostingError(id=f"p{i}", row=i + 1, error="no text column"))
            continue
        needs = [NEEDS[(i * j + j) % len(NEEDS)] for j in range(1, 2 + i % 4)]
        text = ". ".join(needs) + ".\n" + "\n".join(BOILERPLATE[: 1 + i % 3])
        rows.append(Posting(id=f"p{i}", title=f"Role {i}", text=text, row=i + 1))
    return rows


def _in_memory(model: Recommender, rows: list[Posting | PostingError], k: int) -> list[dict]:
    """The reference: every posting scored on its own, through the single-query path."""
    expected = []
    for row in rows:
        if isinstance(row, PostingError):
            expected.append({"id": row.id, "row": row.row, "error": row.error})
        else:
            result = model.recommend(row.text, title=row.title, k=k)
            expected.append({"id": row.id, "title": row.title, **result.to_dict()})
    return expected


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 10_000])
def test_streamed_output_equals_in_memory_output(tiny_model: Recommender, chunk_size: int) -> None:
    rows = _postings(120)
    streamed = list(score_postings(tiny_model, iter(rows), k=3, chunk_size=chunk_size))
    assert streamed == _in_memory(tiny_model, rows, k=3)


def test_score_file_lines_equal_in_memory_results(tiny_model: Recommender, tmp_path: Path) -> None:
    rows = [row for row in _postings(60) if isinstance(row, Posting)]
    source = tmp_path / "postings.jsonl"
    source.write_text("".join(json.dumps({"id": r.id, "title": r.title, "text": r.text}) + "\n" for r in rows))
    save_index(tiny_model, tmp_path / "index")
    out = io.StringIO()
    summary = score_file(source, out, model_dir=tmp_path / "index", k=2)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == _in_memory(tiny_model, rows, k=2)  # type: ignore[arg-type]
    assert summary.scored == len(rows)
    assert summary.segments_encoded < summary.segments / 3  # the boilerplate was encoded once


def test_input_is_read_at_most_one_chunk_ahead(tiny_model: Recommender) -> None:
    rows = _postings(50)
    taken: list[int] = []

    def source() -> Iterator[Posting | PostingError]:
        for i, row in enumerate(rows):
            taken.append(i)
            yield row

    output = score_postings(tiny_model, source(), k=2, chunk_size=8)
    for produced, _ in enumerate(output, start=1):
        assert len(taken) <= produced + 8  # never more than one chunk of input held
    assert len(taken) == len(rows)


def test_the_segment_cache_stays_bounded(tiny_model: Recommender) -> None:
    cache = SegmentCache(max_items=5)
    for i in range(40):
        found, _ = cache.lookup(tiny_model, [f"segment {i} about SQL", BOILERPLATE[0]])
        assert set(found) == {f"segment {i} about SQL", BOILERPLATE[0]}
        assert len(cache) <= 5


def test_fast_serialisation_equals_to_dict(tiny_model: Recommender) -> None:
    from recommender.matching.batch import as_plain

    for text in ("SQL dashboards in Tableau", "Python, pytest and Scrum sprints", "cooking"):
        result = tiny_model.recommend(text, k=4, have="SQL")
        assert as_plain(result) == result.to_dict()
        assert json.dumps(as_plain(result)) == json.dumps(result.to_dict())

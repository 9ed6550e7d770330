"""Streaming job postings for batch scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.errors import InvalidInputError
from recommender.inputs.datasets import GOOGLE_JOBS, WUZZUF
from recommender.inputs.postings import Posting, PostingError, iter_postings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_postings_and_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", 'id,title,text\nj1,Analyst,"Write SQL\nand reports"\n,Clerk,Filing\nj3,Empty,\n')
    assert list(iter_postings(path)) == [
        Posting(id="j1", title="Analyst", text="Write SQL\nand reports", row=1),
        Posting(id="2", title="Clerk", text="Filing", row=2),
        PostingError(id="j3", row=3, error="no text"),
    ]


def test_mapping_joins_text_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "job_id,job_title,desc,reqs\n7,Dev,Build APIs.,Python\n8,Ops,,Linux\n")
    mapping = {"id": ["job_id"], "title": ["job_title"], "text": ["desc", "reqs"]}
    assert list(iter_postings(path, mapping=mapping)) == [
        Posting(id="7", title="Dev", text="Build APIs.\n\nPython", row=1),
        Posting(id="8", title="Ops", text="Linux", row=2),
    ]


def test_title_is_optional_and_jsonl_rows_are_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "p.jsonl", json.dumps({"text": "a"}) + "\n\n" + json.dumps({"id": 9, "text": "b"}) + "\n")
    assert list(iter_postings(path)) == [Posting("1", "", "a", 1), Posting("9", "", "b", 3)]


def test_long_text_is_truncated(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "id,text\n1,alpha beta gamma delta\n")
    assert next(iter_postings(path, max_text_chars=13)).text == "alpha beta"  # type: ignore[union-attr]


def test_column_errors_raise_before_anything_is_yielded(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "job_id,description\n1,x\n")
    with pytest.raises(
        InvalidInputError,
        match=r"no 'text' column; the file has columns: job_id, description; "
        r".*--map text=COLUMN",
    ):
        iter_postings(path)
    with pytest.raises(InvalidInputError, match=r"'body' \(for text\); the file has columns: job_id, description"):
        iter_postings(path, mapping={"text": ["body"]})
    with pytest.raises(InvalidInputError, match=r"unknown posting field.*known fields: id, title, text"):
        iter_postings(path, mapping={"body": ["description"]})


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"postings file not found"):
        iter_postings(tmp_path / "none.csv")
    with pytest.raises(InvalidInputError, match=r"has no data rows"):
        iter_postings(write(tmp_path / "h.csv", "id,text\n"))


def test_streaming_reports_late_errors_after_earlier_postings(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,text\n" + b"".join(b"%d,fine\n" % i for i in range(1, 201)) + b"201,caf\xe9\n")
    postings = iter_postings(path)  # the first 100 rows are read ahead to check the columns
    assert next(postings) == Posting("1", "", "fine", 1)
    with pytest.raises(InvalidInputError, match=r"line 202 is not valid UTF-8"):
        list(postings)
    early = tmp_path / "early.csv"
    early.write_bytes(b"id,text\n1,fine\n2,caf\xe9\n")
    with pytest.raises(InvalidInputError, match=r"line 3 is not valid UTF-8"):
        iter_postings(early)  # a bad line among the first rows raises at call time


@pytest.mark.shared_data
def test_shared_wuzzuf_postings(shared_data: Path) -> None:
    items = list(iter_postings(WUZZUF.file(shared_data), mapping=WUZZUF.fields()))
    postings = [p for p in items if isinstance(p, Posting)]
    errors = [p for p in items if isinstance(p, PostingError)]
    assert len(items) == 1947 and len(postings) == 1944
    assert [(e.id, e.error) for e in errors] == [("786", "no text"), ("1295", "no text"), ("1503", "no text")]
    assert postings[0].id == "0" and postings[0].title == "DLP Engineer (Symantec)"


@pytest.mark.shared_data
def test_shared_google_jobs_semicolons(shared_data: Path) -> None:
    path = GOOGLE_JOBS.file(shared_data)
    mapping = {"title": ["Title"], "text": ["Responsibilities", "Minimum Qualifications", "Preferred Qualifications"]}
    postings = [p for p in iter_postings(path, mapping=mapping) if isinstance(p, Posting)]
    assert len(postings) > 1000
    assert postings[0].title == "Google Cloud Program Manager"


def test_parquet_postings_and_row_slices_match_csv(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"job_id": [f"j{i}" for i in range(25)], "body": [f"Posting {i} text." for i in range(25)]})
    frame.loc[7, "body"] = ""
    frame.to_csv(tmp_path / "p.csv", index=False)
    frame.to_parquet(tmp_path / "p.parquet", row_group_size=4)
    mapping = {"id": ["job_id"], "text": ["body"]}
    whole = list(iter_postings(tmp_path / "p.csv", mapping=mapping))
    assert list(iter_postings(tmp_path / "p.parquet", mapping=mapping)) == whole
    for start, stop in ((0, 5), (5, 13), (13, 25), (22, 30)):
        expected = whole[start:stop]
        assert list(iter_postings(tmp_path / "p.csv", mapping=mapping, start=start, stop=stop)) == expected
        assert list(iter_postings(tmp_path / "p.parquet", mapping=mapping, start=start, stop=stop)) == expected
    assert whole[7] == PostingError(id="j7", row=8, error="no text")
    with pytest.raises(InvalidInputError, match="fewer than 31 data rows; did the file change"):
        iter_postings(tmp_path / "p.csv", mapping=mapping, start=30)

"""score_partition: a DataFrame of postings in, a DataFrame of compact answers out (the engine-free core)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from recommender.inputs.postings import iter_postings
from recommender.matching.engine import Recommender
from recommender.scale.output import SCHEMA
from recommender.scale.partition import score_partition, score_rows

from ..helpers import QUERIES


def test_a_dataframe_scores_like_the_file_reader(tiny_model: Recommender, tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c", "d", "e"], "title": ["A", "B", "C", "D", "E"],
                          "text": [*QUERIES, ""]})  # fmt: skip
    path = tmp_path / "postings.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in frame.to_dict("records")), encoding="utf-8")
    out = score_partition(frame, tiny_model, k=3)
    expected = score_rows(tiny_model, iter_postings(path), k=3)
    assert out.to_dict("records") == expected
    assert list(out["error"]) == [None, None, None, None, "no text"]
    assert out["recommendations"].iloc[0][0]["rank"] == 1 and len(out["recommendations"].iloc[0]) == 3
    assert pa.Table.from_pandas(out, schema=SCHEMA, preserve_index=False).num_rows == 5  # fits the Parquet schema


def test_explain_adds_the_full_answer_and_rows_can_be_given(tiny_model: Recommender) -> None:
    frame = pd.DataFrame({"text": QUERIES[:2], "row": [10, 11], "input": [3, 3]})
    out = score_partition(frame, tiny_model, k=2, explain=True)
    assert list(out["row"]) == [10, 11] and list(out["input"]) == [3, 3]
    assert list(out["id"]) == ["10", "11"]  # no id column: the row number, as the file readers do
    assert out["explanation"].iloc[0]["recommendations"][0]["id"] == out["recommendations"].iloc[0][0]["id"]

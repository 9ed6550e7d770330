"""Runs into a folder: one process vs a real LocalCluster, the manifest, resume, and bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from threadpoolctl import threadpool_limits

from recommender import IndexOptions, api
from recommender.errors import InvalidInputError
from recommender.inputs.datasets import COURSERA_2024
from recommender.scale.cluster import open_client
from recommender.scale.manifest import MANIFEST_FILE, read_manifest
from recommender.scale.run import RunOptions, score_to_folder

from ..helpers import head_csv
from .conftest import POSTING_MAP

ROWS = 120
FEW = 40


def read_folder(folder: Path) -> pd.DataFrame:
    """Every partition file of a run, read back with pyarrow, as one pandas DataFrame in input order."""
    manifest = read_manifest(folder)
    tables = [pq.read_table(folder / p["file"]) for p in manifest["partitions"]]
    return pd.concat([t.to_pandas() for t in tables], ignore_index=True)


def plain(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (numpy arrays of structs → lists of dicts) to compare two runs."""
    return json.loads(frame.to_json(orient="records"))


@pytest.fixture(scope="module")
def postings(wuzzuf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return head_csv(wuzzuf, tmp_path_factory.mktemp("postings") / "wuzzuf.csv", ROWS)


@pytest.fixture(scope="module")
def few(wuzzuf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return head_csv(wuzzuf, tmp_path_factory.mktemp("few") / "wuzzuf.csv", FEW)


def test_a_local_cluster_gives_the_single_process_answers(scale_index: Path, postings: Path, tmp_path: Path) -> None:
    common = dict(model_dir=scale_index, mapping=POSTING_MAP, k=5, partition_size=25)
    single = api.score_folder([postings], tmp_path / "single", **common)
    spread = api.score_folder([postings], tmp_path / "dask", workers=2, **common)
    assert single == spread
    assert single.rows_planned == single.rows_in == single.rows_out == ROWS
    assert single.scored + single.skipped == ROWS and single.partitions_done == single.partitions == 5
    manifest = read_manifest(tmp_path / "dask")
    assert sum(p["rows_out"] for p in manifest["partitions"]) == ROWS
    one, other = read_folder(tmp_path / "single"), read_folder(tmp_path / "dask")
    assert plain(one) == plain(other)
    assert list(one["row"]) == list(range(1, ROWS + 1))  # every posting once, in input order

    # And they are today's `score` answers: same ids, ranks and scores. (Partitions as large as the
    # stream's chunk and one BLAS thread, as partitions run: the same matrix products to the last bit;
    # other sizes group segments into other products, whose last bits may break a near-tie otherwise.)
    stream = tmp_path / "stream.jsonl"
    with threadpool_limits(limits=1):
        api.score_file(postings, stream, model_dir=scale_index, mapping=POSTING_MAP, k=5)
    whole = api.score_folder([postings], tmp_path / "whole", **{**common, "partition_size": ROWS})
    assert whole.partitions == 1
    lines = [json.loads(line) for line in stream.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == list(one["id"])
    for line, row in zip(lines, plain(read_folder(tmp_path / "whole")), strict=True):
        expected = [(r["rank"], r["id"], r["score"], r["coverage"]) for r in line.get("recommendations", [])]
        found = [(r["rank"], r["id"], r["score"], r["coverage"]) for r in row["recommendations"]]
        assert [e[:2] for e in expected] == [f[:2] for f in found]
        assert all(abs(e[2] - f[2]) < 1e-6 and abs(e[3] - f[3]) < 1e-6 for e, f in zip(expected, found, strict=True))


def test_compact_output_is_smaller_and_explain_adds_the_full_answer(
    scale_index: Path, few: Path, tmp_path: Path
) -> None:
    common = dict(model_dir=scale_index, mapping=POSTING_MAP, k=10, partition_size=20)
    compact = api.score_folder([few], tmp_path / "compact", **common)
    full = api.score_folder([few], tmp_path / "full", explain=True, **common)
    jsonl = api.score_folder([few], tmp_path / "jsonl", file_format="jsonl", **common)
    assert compact.bytes < full.bytes and compact.bytes < jsonl.bytes
    explained = read_folder(tmp_path / "full")
    scored = explained[explained["error"].isna()]
    answer = json.loads(scored["explanation"].iloc[0])
    assert answer["recommendations"][0]["id"] == scored["recommendations"].iloc[0][0]["id"]
    lines = (tmp_path / "jsonl" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["id"] == read_folder(tmp_path / "compact")["id"].iloc[0]


def test_parquet_inputs_and_globs_give_the_same_answers(scale_index: Path, few: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(few, dtype=str, keep_default_na=False)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    frame.iloc[:20].to_parquet(inputs / "a.parquet", row_group_size=6)  # partitions cross row groups
    frame.iloc[20:].to_parquet(inputs / "b.parquet", row_group_size=6)
    common = dict(model_dir=scale_index, mapping=POSTING_MAP, k=5, partition_size=10)
    api.score_folder([few], tmp_path / "csv", **common)
    api.score_folder([str(inputs / "*.parquet")], tmp_path / "parquet", **common)
    from_csv, from_parquet = plain(read_folder(tmp_path / "csv")), plain(read_folder(tmp_path / "parquet"))
    for row in from_parquet:
        row["row"] += 20 * row.pop("input")  # b.parquet's rows restart at 1
    for row in from_csv:
        row.pop("input")
    assert from_csv == from_parquet
    planned = [(p["input"], p["start"], p["stop"]) for p in read_manifest(tmp_path / "parquet")["partitions"]]
    assert planned == [(0, 0, 10), (0, 10, 20), (1, 0, 10), (1, 10, 20)]


def test_an_existing_folder_needs_resume_or_overwrite(scale_index: Path, few: Path, tmp_path: Path) -> None:
    common = dict(model_dir=scale_index, mapping=POSTING_MAP, k=3, partition_size=20)
    api.score_folder([few], tmp_path / "out", **common)
    with pytest.raises(InvalidInputError, match="already exists; pass --resume"):
        api.score_folder([few], tmp_path / "out", **common)
    before = (tmp_path / "out" / "part-00000.parquet").stat().st_mtime_ns
    again = api.score_folder([few], tmp_path / "out", resume=True, **common)
    assert again.rows_out == FEW
    assert (tmp_path / "out" / "part-00000.parquet").stat().st_mtime_ns == before  # verified, not redone
    (tmp_path / "out" / "part-00001.parquet").write_bytes(b"damaged")
    assert api.score_folder([few], tmp_path / "out", resume=True, **common).rows_out == FEW  # redone
    assert pq.read_table(tmp_path / "out" / "part-00001.parquet").num_rows == 20
    with pytest.raises(InvalidInputError, match="settings differ"):
        api.score_folder([few], tmp_path / "out", resume=True, **{**common, "k": 4})
    assert api.score_folder([few], tmp_path / "out", overwrite=True, **common).rows_out == FEW


def test_a_file_that_vanishes_after_planning_fails_its_partitions_and_resume_finishes(
    scale_index: Path, few: Path, tmp_path: Path
) -> None:
    second = tmp_path / "second.csv"
    second.write_bytes(few.read_bytes())
    hidden = tmp_path / "hidden.csv"

    def vanish(event: str, partitions: int, rows: int) -> None:
        if event == "plan":
            second.rename(hidden)

    options = RunOptions(k=3, partition_size=20, mapping={"id": ["job_id"], "text": ["job_description"]})
    with pytest.raises(InvalidInputError, match=r"2 of 4 partitions failed .*file not found"):
        score_to_folder([few, second], tmp_path / "out", model_dir=scale_index, options=options, on_progress=vanish)
    manifest = read_manifest(tmp_path / "out")
    assert [p["status"] for p in manifest["partitions"]] == ["done", "done", "failed", "failed"]
    assert manifest["totals"]["rows_out"] == FEW
    hidden.rename(second)
    totals = score_to_folder([few, second], tmp_path / "out", model_dir=scale_index, options=options, resume=True)
    assert totals.rows_out == 2 * FEW and totals.partitions_failed == 0
    keys = [(r["input"], r["row"]) for r in plain(read_folder(tmp_path / "out"))]
    assert len(keys) == len(set(keys)) == 2 * FEW


def test_a_partition_of_only_bad_rows_is_written_with_every_row_reported(scale_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "postings.jsonl"
    rows = [{"id": f"good-{i}", "text": "Write SQL queries and Python scripts."} for i in range(5)]
    rows += [{"id": f"bad-{i}", "text": ""} for i in range(5)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    totals = score_to_folder([path], tmp_path / "out", model_dir=scale_index, options=RunOptions(partition_size=5))
    assert totals.rows_out == 10 and totals.scored == 5 and totals.skipped == 5
    assert totals.skipped_reasons == {"no text": 5}
    bad = pq.read_table(tmp_path / "out" / "part-00001.parquet").to_pylist()
    assert [(r["id"], r["error"], r["recommendations"]) for r in bad] == [(f"bad-{i}", "no text", []) for i in range(5)]


def test_an_unreadable_parquet_input_is_a_clear_error(scale_index: Path, tmp_path: Path) -> None:
    broken = tmp_path / "postings.parquet"
    broken.write_bytes(b"PAR1 this is not really parquet PAR1")
    with pytest.raises(InvalidInputError, match=r"postings\.parquet is not a readable Parquet file"):
        score_to_folder([broken], tmp_path / "out", model_dir=scale_index)
    assert not (tmp_path / "out" / MANIFEST_FILE).exists()


def test_a_scheduler_that_does_not_answer_is_a_clear_error() -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(InvalidInputError, match=f"no Dask scheduler answers at {address} within 2 s"):  # noqa: SIM117
        with open_client(scheduler=address, timeout=2):
            pass


def test_inputs_that_name_nothing_are_errors(scale_index: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="matches no file"):
        score_to_folder([str(tmp_path / "*.csv")], tmp_path / "out", model_dir=scale_index)
    with pytest.raises(InvalidInputError, match="holds no postings file"):
        score_to_folder([tmp_path], tmp_path / "out", model_dir=scale_index)


@pytest.mark.real_model
def test_with_the_real_encoder_a_local_cluster_gives_the_single_process_answers(
    shared_data: Path, few: Path, tmp_path: Path
) -> None:
    from .conftest import CATALOG_MAP

    catalog = head_csv(COURSERA_2024.file(shared_data), tmp_path / "courses.csv", 60)
    api.build_index(catalog, tmp_path / "index", IndexOptions(mapping=CATALOG_MAP, encoder="default"))
    postings = head_csv(few, tmp_path / "postings.csv", 20)
    common = dict(model_dir=tmp_path / "index", mapping=POSTING_MAP, k=10, partition_size=5)
    single = api.score_folder([postings], tmp_path / "single", **common)
    spread = api.score_folder([postings], tmp_path / "dask", workers=2, **common)
    assert single.rows_out == spread.rows_out == 20 and single.scored > 10
    one, other = plain(read_folder(tmp_path / "single")), plain(read_folder(tmp_path / "dask"))
    assert [r["id"] for r in one] == [r["id"] for r in other]
    for a, b in zip(one, other, strict=True):
        pairs = list(zip(a["recommendations"], b["recommendations"], strict=True))
        assert all(r["rank"] == s["rank"] and r["id"] == s["id"] for r, s in pairs)
        assert all(abs(r["score"] - s["score"]) <= 1e-6 for r, s in pairs)
        assert all(abs(r["coverage"] - s["coverage"]) <= 1e-6 for r, s in pairs)

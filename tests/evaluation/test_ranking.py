"""Graded end-to-end evaluation: hand-computed metrics, and the engine beside the baselines in one run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.evaluation.metrics import graded_ndcg, graded_precision, unjudged
from recommender.evaluation.ranking import evaluate_ranking

from ..helpers import TINY_CATALOG

JUDGED = {"a": 3, "b": 0, "c": 1}


def test_graded_ndcg_by_hand() -> None:
    # gains 2**g - 1: a=7, b=0, c=1; ideal order a, c, b.
    ideal = 7 + 1 / math.log2(3)
    assert graded_ndcg(JUDGED, ["a", "c", "b"], 5) == pytest.approx(1.0)
    assert graded_ndcg(JUDGED, ["c", "a"], 5) == pytest.approx((1 + 7 / math.log2(3)) / ideal)
    # an unjudged result scores 0 and pushes the rest down; condensed drops it first
    assert graded_ndcg(JUDGED, ["x", "a"], 5) == pytest.approx((7 / math.log2(3)) / ideal)
    assert graded_ndcg(JUDGED, ["x", "a"], 5, condensed=True) == pytest.approx(7 / ideal)
    assert graded_ndcg({"a": 0}, ["a"], 5) == 0.0  # nothing relevant: no ideal gain


def test_precision_and_unjudged_counts() -> None:
    assert graded_precision(JUDGED, ["a", "c", "x", "b", "a"], 5, min_grade=1) == pytest.approx(2 / 5)
    assert graded_precision(JUDGED, ["a"], 5) == pytest.approx(1 / 5)
    assert unjudged(JUDGED, ["x", "a", "y", "b", "z", "w"], 5) == 3


@pytest.fixture()
def judged_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text("".join(json.dumps(row) + "\n" for row in TINY_CATALOG), encoding="utf-8")
    postings = tmp_path / "postings.csv"
    postings.write_text(
        "job_id,job_title,job_description,job_requirements\n"
        "1,SQL analyst,You will write SQL queries against PostgreSQL databases and build the reports for the team.,\n"
        "2,Python developer,You will write Python scripts and test them with pytest before the packaging of tools.,\n",
        encoding="utf-8",
    )
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("query_id,doc_id,grade\n1,0,3\n1,1,0\n2,1,3\n2,0,1\n", encoding="utf-8")
    return catalog, postings, pairs


def test_engine_and_baselines_in_one_run(judged_files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    catalog, postings, pairs = judged_files
    results = evaluate_ranking(
        pairs, catalog=catalog, postings=postings, catalog_mapping={}, posting_mapping=None,
        encoder="hash", cache_dir=tmp_path / "cache",
    )  # fmt: skip
    by_system = {r.details["system"]: r for r in results}
    assert set(by_system) == {"engine", "tfidf", "dense", "fusion"}
    for result in results:
        assert result.n == 2
        assert set(result.metrics) == {"ndcg@5", "ndcg@10", "p@5", "condensed_ndcg@5"}
        assert 0 <= result.metrics["ndcg@5"] <= 1
    # 4 credentials, 2 judged per posting: 2 unjudged in each baseline's top 5 (4 results); the engine
    # leaves out the French credential for these English postings (the posting's language by default)
    assert [by_system[s].details["unjudged@5"] for s in ("tfidf", "dense", "engine")] == [4, 4, 2]
    # the engine puts the grade-3 course (the one that names the posting's skills) first, then the other
    # judged one: its judged-only list is the ideal one
    assert by_system["engine"].metrics["condensed_ndcg@5"] == pytest.approx(1.0)
    # The engine's line carries its difference from fusion, with the paired bootstrap interval around it.
    against = by_system["engine"].details["vs_fusion"]
    engine, fusion = by_system["engine"].metrics["ndcg@5"], by_system["fusion"].metrics["ndcg@5"]
    assert against["ndcg@5"] == pytest.approx(engine - fusion)
    assert against["ci95"][0] <= against["ndcg@5"] <= against["ci95"][1]


def test_paired_bootstrap_by_hand() -> None:
    from recommender.evaluation.ranking import paired_bootstrap

    assert paired_bootstrap([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]) == (pytest.approx(0.25), pytest.approx(0.25))
    low, high = paired_bootstrap([1.0, 0.0], [0.0, 0.0])  # differences 1 and 0: means 0, 0.5 or 1
    assert 0.0 <= low <= 0.5 <= high <= 1.0


def test_several_pairs_files_merge_a_later_grade_winning(tmp_path: Path) -> None:
    from recommender.evaluation.ranking import read_judgments

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("query_id,doc_id,grade\n1,0,3\n1,1,0\n", encoding="utf-8")
    second.write_text("query_id,doc_id,grade\n1,1,2\n2,5,1\n", encoding="utf-8")
    assert read_judgments([first, second]) == {"1": {"0": 3, "1": 2}, "2": {"5": 1}}


def test_pairs_by_id_and_the_cli_table(judged_files: tuple[Path, Path, Path], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    catalog, postings, _ = judged_files
    pairs = tmp_path / "by_id.csv"
    pairs.write_text("query_id,course,grade\n1,sql-101,3\n2,py-201,3\n", encoding="utf-8")
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    args = ["evaluate", "ranking", "--data", str(pairs), "--catalog", str(catalog), "--postings", str(postings),
            "--catalog-map", "id=id", "--pairs-by", "id", "--doc-column", "course", "--encoder", "hash",
            "--system", "tfidf", "--system", "engine"]  # fmt: skip
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["evaluations"]
    assert [r["details"]["system"] for r in rows] == ["tfidf", "engine"]
    assert rows[1]["ndcg@5"] == 1.0  # the engine: each posting's one judged course first
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0 and "unjudged" in table.stdout
    bad = CliRunner().invoke(app, [*args[:-4], "--system", "bm42"])
    assert bad.exit_code == 1 and "Error: unknown system" in bad.output

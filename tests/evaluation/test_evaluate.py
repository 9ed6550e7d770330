"""Evaluation runs and their metrics: hand-computed values, real-format readers, the CLI."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.encoders.hashing import HashingEncoder
from recommender.errors import InvalidInputError
from recommender.evaluation.evaluate import evaluate_skills, evaluate_titles, read_skill_benchmark, read_titles
from recommender.evaluation.metrics import (
    mean_average_precision,
    mean_reciprocal_rank,
    ndcg_at_k,
    recall_at_k,
    success_at_k,
)
from recommender.evaluation.ranking import credential_rows, read_graded_pairs
from recommender.evaluation.roles import evaluate_roles, read_roles
from recommender.formats.readers import load_catalog
from recommender.inputs.datasets import JUDGED, TAG_OVERLAP
from recommender.inputs.taxonomy import load_taxonomy

from ..esco_fixture import OCCUPATION, SKILL, write_esco

ENCODER = HashingEncoder(256)
GOLD = [{"a", "b"}, {"c"}, set()]
RANKED = [["x", "a", "y", "b"], ["c", "z"], ["a"]]


# ---------------------------------------------------------------- metrics (trec_eval via ir-measures)
def test_recall_success_and_map_by_hand() -> None:
    # item 1: a at 2, b at 4; item 2: c at 1; the unlabelled item is not averaged.
    assert recall_at_k(GOLD, RANKED, 2) == pytest.approx((1 / 2 + 1) / 2)
    assert success_at_k(GOLD, RANKED, 1) == pytest.approx((0 + 1) / 2)
    assert mean_average_precision(GOLD, RANKED) == pytest.approx(((1 / 2 + 2 / 4) / 2 + 1) / 2)


def test_ndcg_uses_grades_as_linear_gains() -> None:
    gold = [{"c": 2, "d": 1}]
    dcg = 1 / math.log2(2) + 2 / math.log2(3)  # d then c
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(gold, [["d", "c"]], 10) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(gold, [["c", "d"]], 10) == pytest.approx(1.0)
    assert ndcg_at_k(gold, [["x", "y", "c"]], 2) == 0.0  # c is below the cut-off


def test_empty_rankings_duplicates_and_zero_grades() -> None:
    assert recall_at_k([{"a"}, {"b"}], [[], ["b"]], 5) == pytest.approx(0.5)  # nothing found scores 0
    assert mean_average_precision([{"a"}], [["a", "a", "x"]]) == 1.0  # a duplicate keeps its first rank
    assert recall_at_k([{"a": 0}, {"b": 1}], [["a"], ["b"]], 5) == 1.0  # grade 0 is not relevant
    assert success_at_k([set()], [["a"]], 1) == 0.0
    with pytest.raises(ValueError, match="gold sets"):
        ndcg_at_k([{"a"}], [], 10)


def test_hand_written_mrr_agrees_with_trec_eval() -> None:
    import ir_measures

    qrels = [ir_measures.Qrel(str(i), x, 1) for i, g in enumerate(GOLD) for x in g]
    run = [ir_measures.ScoredDoc(str(i), x, -r) for i, items in enumerate(RANKED) for r, x in enumerate(items)]
    reference = ir_measures.calc_aggregate([ir_measures.RR], qrels, run)[ir_measures.RR]
    assert mean_reciprocal_rank(GOLD, RANKED) == pytest.approx(reference)


# ---------------------------------------------------------------- skills of sentences
def _annotations(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sentence", "span", "sub_span", "label"])
        for sentence, label in rows:
            writer.writerow([sentence, sentence[:10], "", label])
    return path


@pytest.fixture()
def esco(tmp_path: Path) -> Path:
    return write_esco(tmp_path / "esco")


def test_annotation_reader_groups_by_sentence_and_drops_non_skills(esco: Path, tmp_path: Path) -> None:
    path = _annotations(
        tmp_path / "tech_test_annotations.csv",
        [
            ("Write SQL daily .", "SQL"),
            ("Write SQL daily .", "data warehouses"),
            ("Write SQL daily .", "SQL"),  # the same label twice counts once
            ("Be nice .", "LABEL NOT PRESENT"),
            ("Be smart .", "UNDERSPECIFIED"),
            ("Plan well .", "hand hygiene "),  # normalised, a label; as written (trailing space), not in a list
            ("Use ETL .", "no such skill"),
        ],
    )
    vocabulary = load_taxonomy(esco)
    texts, gold, counts = read_skill_benchmark(path, vocabulary)
    labels = [{vocabulary.skills[p].label for p in g} for g in gold]
    assert texts == ["Write SQL daily .", "Be nice .", "Be smart .", "Plan well .", "Use ETL ."]
    assert labels == [{"SQL", "data warehouses"}, set(), set(), {"hand hygiene"}, set()]
    assert counts["labels_left_out"] == 1
    (tmp_path / "skills_en_label.txt").write_text("SQL\nhand hygiene\n", encoding="utf-8")  # found beside the file
    _, gold, counts = read_skill_benchmark(path, vocabulary)
    assert [len(g) for g in gold] == [1, 0, 0, 0, 0] and counts["label_list"].endswith("skills_en_label.txt")


def test_evaluate_skills_on_sentences_that_are_labels(esco: Path, tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl"
    rows = [
        {"text": "data warehouse", "labels": ["data warehouses"]},
        {"text": "patient care", "labels": ["patient care"]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = evaluate_skills(path, esco, encoder=ENCODER, cache_dir=tmp_path / "cache").to_dict()
    assert (result["n"], result["rp@5"], result["mrr"]) == (2, 1.0, 1.0)  # "data warehouse" is an alias
    labels_only = evaluate_skills(path, esco, encoder=ENCODER, forms="labels", cache_dir=tmp_path / "cache")
    assert labels_only.to_dict()["details"]["forms"] == "labels"
    hybrid = evaluate_skills(path, esco, encoder=ENCODER, forms="hybrid", cache_dir=tmp_path / "cache").to_dict()
    assert (hybrid["n"], hybrid["rp@5"], hybrid["details"]["forms"]) == (2, 1.0, "hybrid")  # named word for word
    with pytest.raises(InvalidInputError, match="forms must be"):
        evaluate_skills(path, esco, encoder=ENCODER, forms="aliases")


# ---------------------------------------------------------------- titles and roles
def test_titles_reader_and_accuracy(esco: Path, tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text(
        f",vacancyTitle,conceptUri\n0,Registered Nurse,{OCCUPATION}nurse\n"
        f"1,big data engineer,{OCCUPATION}data-engineer\n"
        f"2,Chef,{OCCUPATION}cook\n",
        encoding="utf-8",
    )
    assert read_titles(path)[0] == ("Registered Nurse", OCCUPATION + "nurse")
    result = evaluate_titles(path, esco, encoder=ENCODER, cache_dir=tmp_path / "cache").to_dict()
    assert result["n"] == 3 and result["accuracy@1"] == pytest.approx(2 / 3, abs=1e-4)  # "cook" is no occupation here
    assert result["details"]["gold_not_in_occupations"] == 1
    path.write_text("title\nnurse\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="expected columns vacancyTitle"):
        read_titles(path)


def test_roles_reader_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "roles.jsonl"
    path.write_text('{"title": "nurse", "text": "care", "skills": ["x"]}\n{"title": "a", "skills": "x"}\n')
    with pytest.raises(InvalidInputError, match=r"roles.jsonl, line 2: expected"):
        read_roles(path)


def test_evaluate_roles_leaves_a_roles_own_occupation_out(esco: Path, tmp_path: Path) -> None:
    path = tmp_path / "roles.jsonl"
    engineer = {
        "title": "data engineer",
        "text": "Skills: SQL, ETL pipelines",
        "skills": [SKILL + "sql", SKILL + "etl", SKILL + "warehouse"],
    }
    path.write_text(json.dumps(engineer) + "\n" + json.dumps({**engineer, "occupation": OCCUPATION + "data-engineer"}))
    results = {r.details["profile"]: r for r in evaluate_roles(path, esco, esco, encoder=ENCODER, cache_dir=tmp_path)}
    assert results["title"].n == 2
    # Seen: the title finds data engineer (all 3 skills); left out: the nearest other occupation (SQL of 3).
    assert results["title"].metrics["recall@20"] == pytest.approx((1 + 1 / 3) / 2)
    assert results["text"].metrics["recall@20"] == pytest.approx(2 / 3)
    assert results["blend"].metrics["recall@20"] >= results["text"].metrics["recall@20"]


# ---------------------------------------------------------------- ranking readers
def test_graded_pairs_and_catalog_rows_account_for_duplicates(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("wuzzuf_job_id,coursera2024_course_id,n_shared_tags,shared_tags\n7,0,2,a|b\n7,2,3,a|b|c\n")
    assert read_graded_pairs(pairs) == {"7": {"0": 2, "2": 3}}
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("Title,Gained Skills\nSQL,SQL\nEmpty,\nSQL,SQL\nPython,Python\n", encoding="utf-8")
    loaded = load_catalog(catalog, mapping={"title": ["Title"], "skills": ["Gained Skills"]})
    # row 0 → SQL, row 1 skipped (no skills, no text), row 2 repeats row 0, row 3 → Python.
    assert credential_rows(loaded) == {0: 0, 2: 0, 3: 1}
    pairs.write_text("query_id,doc_id,grade\n7,0,many\n")
    with pytest.raises(InvalidInputError, match="row 1: the grade must be a number"):
        read_graded_pairs(pairs)
    pairs.write_text("query_id,doc_id,course_url,grade\n7,0,https://x/sql,0\n7,3,https://x/py,3\n")
    assert read_graded_pairs(pairs) == {"7": {"0": 0, "3": 3}}  # a zero grade is a judgment too
    assert read_graded_pairs(pairs, doc_column="course_url") == {"7": {"https://x/sql": 0, "https://x/py": 3}}


# ---------------------------------------------------------------- CLI
def test_cli_evaluate_json_and_table(esco: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    path = _annotations(tmp_path / "data.csv", [("data warehouse", "data warehouses")])
    runner = CliRunner()
    args = ["evaluate", "skills", "--data", str(path), "--taxonomy", str(esco), "--encoder", "hash"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["evaluations"][0]["rp@5"] == 1.0
    table = runner.invoke(app, [*args, "--forms", "both"])
    assert table.exit_code == 0 and "labels" in table.stdout and "100.0" in table.stdout
    missing = runner.invoke(app, ["evaluate", "roles", "--data", str(tmp_path / "nope.jsonl"), "--taxonomy", str(esco)])
    assert missing.exit_code == 1 and "Error: roles file not found" in missing.output


@pytest.mark.parametrize("command", ["skills", "titles", "ranking", "roles"])
def test_every_evaluate_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, ["evaluate", command, "--help"])
    assert result.exit_code == 0 and "--data" in result.stdout


# ---------------------------------------------------------------- the real files
@pytest.mark.shared_data
def test_published_protocol_counts_on_the_real_files(shared_data: Path) -> None:
    vocabulary = load_taxonomy(shared_data / "esco")
    bench = shared_data / "benchmarks" / "skill_extraction"
    counts = {}
    for name in ("tech_test", "house_test"):
        _, gold, _ = read_skill_benchmark(bench / f"{name}_annotations.csv", vocabulary)
        counts[name] = sum(1 for g in gold if g)
    assert counts == {"tech_test": 338, "house_test": 261}


@pytest.mark.shared_data
def test_real_titles_and_pairs_readers(shared_data: Path) -> None:
    titles = read_titles(shared_data / "benchmarks" / "jobbert_titles" / "titles_validation.csv")
    assert len(titles) == 15463 and titles[0][1].startswith(OCCUPATION)
    pairs = read_graded_pairs(TAG_OVERLAP.file(shared_data))
    assert len(pairs) == 1472 and sum(len(g) for g in pairs.values()) == 38576
    judged = read_graded_pairs(JUDGED.file(shared_data))
    assert len(judged) == 24 and sum(len(g) for g in judged.values()) == 445

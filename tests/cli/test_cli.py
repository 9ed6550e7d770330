"""The command line end to end: tiny files in ``tmp_path``, the hashing encoder, no real model.

Each command runs through ``typer.testing.CliRunner``, which keeps stdout and stderr apart, so
the tests check both: machine output (JSON, JSONL) on stdout only, summaries, progress and
``Error: ...`` lines on stderr, and never a traceback.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from rich.console import Console
from typer.testing import CliRunner

from recommender import __version__
from recommender.cli import app
from recommender.cli import common as cli

from ..helpers import TINY_CATALOG

runner = CliRunner()

NEW_CREDENTIAL = {
    "id": "ml-500", "title": "Machine learning with scikit-learn", "provider": "West", "hours": 25, "cost": 0,
    "level": "intermediate", "language": "en", "skills": ["machine learning", "scikit-learn"],
    "text": "Train and evaluate machine learning models with scikit-learn pipelines.",
}  # fmt: skip
POSTING_TEXT = "We analyse sales data for our stores.\n\nRequirements: SQL, Tableau, Python"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path with the embedding cache there and the default index out of reach."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "embedding-cache"))
    monkeypatch.setenv("RECOMMENDER_MODEL_DIR", str(tmp_path / "default-index-never-built"))


def invoke(*args: str | Path, input: str | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], input=input)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def build(catalog: Path, model_dir: Path, *extra: str) -> dict[str, Any]:
    """Run ``index --encoder hash --format json`` and return its summary."""
    result = invoke("index", "--catalog", catalog, "--encoder", "hash", "-m", model_dir, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_clean_error(result: Result, *fragments: str) -> None:
    """Exit code 1, one ``Error: ...`` first on stderr naming ``fragments``, and no traceback anywhere."""
    # An uncaught exception also gives exit code 1 under CliRunner: make sure the CLI exited itself.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: "), result.stderr
    for stream in (result.stdout, result.stderr, result.output):
        assert "Traceback" not in stream
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture()
def model_dir(tiny_catalog_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "index"
    build(tiny_catalog_path, path)
    return path


def query_json(model_dir: Path, *args: str) -> dict[str, Any]:
    result = invoke("query", "--model-dir", model_dir, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(payload: dict[str, Any]) -> list[str]:
    return [r["id"] for r in payload["recommendations"]]


# ---------------------------------------------------------------------------- index + query
def test_index_then_query_json_has_the_documented_shape(tiny_catalog_path: Path, tmp_path: Path) -> None:
    summary = build(tiny_catalog_path, tmp_path / "index")
    assert summary["counts"]["credentials"] == len(TINY_CATALOG)
    assert summary["catalog_report"].startswith("4 rows read, 4 loaded, 0 skipped")

    result = invoke(
        "query", "--model-dir", tmp_path / "index", "--skills", "SQL, data analysis", "-k", "3", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # stdout holds the JSON and nothing else
    assert [(s["id"], s["label"], s["weight"]) for s in payload["role"]["skills"]] == [
        ("skill:sql", "SQL", 1.0),
        ("skill:data-analysis", "data analysis", 1.0),
    ]
    recommendations = payload["recommendations"]
    assert [r["rank"] for r in recommendations] == [1, 2, 3]
    top = recommendations[0]
    assert (top["id"], top["title"], top["coverage"]) == ("sql-101", "SQL for analysts", 1.0)
    assert {m["skill"] for m in top["matched_skills"]} == {"SQL", "data analysis"}
    assert top["missing_skills"] == []
    for rec in recommendations:
        assert {"rank", "id", "title", "score", "coverage", "matched_skills", "missing_skills"} <= set(rec)
        assert all("skill" in m for m in rec["matched_skills"] + rec["missing_skills"])
    scores = [r["score"] for r in recommendations]
    assert scores == sorted(scores, reverse=True)
    second = recommendations[1]
    assert {m["skill"] for m in second["missing_skills"]} == {"SQL", "data analysis"}


def test_query_table_lists_credential_titles(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fixed wide console so titles never wrap, whatever terminal runs the tests.
    monkeypatch.setattr(cli, "stdout", Console(width=200, color_system=None))
    result = invoke("query", "--model-dir", model_dir, "--skills", "SQL, Python, Tableau, Scrum", "-k", "4")
    assert result.exit_code == 0, result.output
    for row in TINY_CATALOG:
        assert row["title"] in result.stdout
    assert "The role asks for (4)" in result.stdout
    assert "Traceback" not in result.output


def test_query_text_finds_skills_listed_in_the_description(model_dir: Path) -> None:
    payload = query_json(model_dir, POSTING_TEXT, "-k", "3")
    assert {s["label"] for s in payload["role"]["skills"]} >= {"SQL", "Tableau", "Python"}
    assert payload["recommendations"][0]["coverage"] > 0


def test_query_reads_the_description_from_a_file_and_from_stdin(model_dir: Path, tmp_path: Path) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING_TEXT, encoding="utf-8")
    from_text = query_json(model_dir, POSTING_TEXT, "-k", "2")
    assert query_json(model_dir, "--file", str(posting), "-k", "2") == from_text
    piped = invoke("query", "--model-dir", model_dir, "--file", "-", "-k", "2", "--format", "json", input=POSTING_TEXT)
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout) == from_text


def test_have_removes_held_skills_given_as_a_list_or_a_file(model_dir: Path, tmp_path: Path) -> None:
    payload = query_json(model_dir, "--skills", "SQL, Python", "--have", "SQL", "-k", "2")
    assert [s["label"] for s in payload["role"]["skills"]] == ["Python"]
    assert [s["label"] for s in payload["role"]["held"]] == ["SQL"]
    assert payload["recommendations"][0]["id"] == "py-201"
    cv = tmp_path / "cv.txt"
    cv.write_text("SQL\nExcel\n", encoding="utf-8")
    from_file = query_json(model_dir, "--skills", "SQL, Python", "--have-file", str(cv), "-k", "2")
    assert [s["label"] for s in from_file["role"]["held"]] == ["SQL"]


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["--have", "cv.txt"], ["--have takes a skill list", "--have-file cv.txt"]),
        (["--have-file", "{tmp}/missing-cv.pdf"], ["--have-file file not found", "missing-cv.pdf"]),
        (["--have-file", "{tmp}"], ["is a folder"]),
        (["--have-file", "{tmp}/picture.png"], ["picture.png is a PNG image, not text"]),
        (["--have-file", "{tmp}/empty.txt"], ["empty.txt is empty"]),
    ],
    ids=["have-names-a-file", "missing-cv", "cv-is-a-folder", "cv-is-an-image", "empty-cv"],
)
def test_a_cv_that_cannot_be_read_is_an_error_naming_it(
    model_dir: Path, tmp_path: Path, options: list[str], fragments: list[str]
) -> None:
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    args = [o.replace("{tmp}", str(tmp_path)) for o in options]
    result = invoke("query", "--model-dir", model_dir, "--skills", "SQL, Python", "-k", "2", *args)
    assert_clean_error(result, *fragments)


def test_have_accepts_a_long_pasted_text(model_dir: Path) -> None:
    # Longer than a file name may be (255 bytes) and without a slash: it is text, not a path.
    cv = "Six years as an analyst at a retail chain. Skills: SQL, Excel, Word. " + "I like hiking. " * 30
    payload = query_json(model_dir, "--skills", "SQL, Python", "--have", cv, "-k", "2")
    assert [s["label"] for s in payload["role"]["held"]] == ["SQL"]
    assert [s["label"] for s in payload["role"]["skills"]] == ["Python"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--max-hours", "15"], {"sql-101", "viz-110"}),
        (["--level", "beginner"], {"sql-101", "viz-110"}),
        (["--level", "Beginner,advanced", "--max-cost", "100"], {"sql-101", "viz-110"}),
        (["--language", "fr"], {"pm-300"}),
        (["--language", "French"], {"pm-300"}),
        (["--max-cost", "50"], {"sql-101", "py-201"}),
        (["--max-cost", "0"], {"py-201"}),
    ],
    ids=["max-hours", "level", "levels+max-cost", "language-code", "language-name", "max-cost", "free-only"],
)
def test_filters_keep_only_matching_credentials(model_dir: Path, options: list[str], expected: set[str]) -> None:
    payload = query_json(model_dir, "--skills", "SQL, Python, Scrum", "-k", "4", *options)
    assert set(ids(payload)) == expected
    assert any(f"only {len(expected)} credentials pass the filters" in note for note in payload["notes"])


# ---------------------------------------------------------------------------- skills
def test_skills_json_lists_skills_with_evidence(model_dir: Path, tmp_path: Path) -> None:
    result = invoke("skills", "--model-dir", model_dir, "--format", "json", POSTING_TEXT)
    assert result.exit_code == 0, result.output
    envelope = json.loads(result.stdout)
    assert set(envelope) == {"skills", "notes"}  # the one envelope shape: records in a named list, and notes
    found = envelope["skills"]
    assert {"SQL", "Tableau", "Python"} <= {s["label"] for s in found}
    for skill in found:
        assert set(skill) == {"id", "label", "score", "evidence", "type", "reuse_level"}
        assert skill["evidence"] and all(e["text"] for e in skill["evidence"])
    scores = [s["score"] for s in found]
    assert scores == sorted(scores, reverse=True)

    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING_TEXT, encoding="utf-8")
    from_file = invoke("skills", "--model-dir", model_dir, "--format", "json", "--file", posting)
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.stdout)["skills"] == found
    from_stdin = invoke("skills", "--model-dir", model_dir, "--format", "json", "--file", "-", input=POSTING_TEXT)
    assert from_stdin.exit_code == 0, from_stdin.output
    assert json.loads(from_stdin.stdout)["skills"] == found
    piped = invoke("skills", "--model-dir", model_dir, "--format", "json", input=POSTING_TEXT)
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["skills"] == found


def test_skills_table_names_the_skills(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "stdout", Console(width=200, color_system=None))
    result = invoke("skills", "--model-dir", model_dir, "Requirements: SQL, Tableau, Python")
    assert result.exit_code == 0, result.output
    assert all(label in result.stdout for label in ("SQL", "Tableau", "Python"))


# ---------------------------------------------------------------------------- score
POSTINGS_CSV = (
    "job_id,job_title,description,requirements\n"
    'j1,Data analyst,"We analyse sales data for our stores.","Requirements: SQL, Tableau, Python"\n'
    "j2,Empty posting,,\n"
    'j3,Backend developer,"We build services for our shops.","Requirements: Python, unit testing"\n'
)
POSTINGS_MAP = ["--map", "id=job_id", "--map", "title=job_title", "--map", "text=description+requirements"]


@pytest.fixture()
def postings(tmp_path: Path) -> Path:
    path = tmp_path / "postings.csv"
    path.write_text(POSTINGS_CSV, encoding="utf-8")
    return path


def check_scored_lines(lines: list[dict[str, Any]]) -> None:
    assert [line["id"] for line in lines] == ["j1", "j2", "j3"]
    assert lines[1] == {"id": "j2", "row": 2, "error": "no text"}
    for line in (lines[0], lines[2]):
        assert "error" not in line
        assert len(line["recommendations"]) == 2
    assert lines[0]["title"] == "Data analyst"
    assert {"SQL", "Tableau", "Python"} <= {s["label"] for s in lines[0]["role"]["skills"]}
    assert lines[2]["recommendations"][0]["id"] == "py-201"


def test_score_writes_jsonl_to_stdout_and_the_summary_to_stderr(model_dir: Path, postings: Path) -> None:
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "2")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]  # every stdout line is JSON
    check_scored_lines(lines)
    assert "3 rows: 2 scored, 1 skipped (1 no text)" in result.stderr
    assert '"recommendations"' not in result.stderr


def test_score_out_writes_the_file_and_nothing_to_stdout(model_dir: Path, postings: Path, tmp_path: Path) -> None:
    out = tmp_path / "results" / "scores.jsonl"
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    summary = result.stderr.replace("\n", "")  # the summary is hard-wrapped (see test_score_summary_is_one...)
    assert "3 rows: 2 scored, 1 skipped (1 no text)" in summary
    assert f"wrote {out}" in summary
    check_scored_lines([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])
    assert sorted(p.name for p in out.parent.iterdir()) == ["scores.jsonl"]  # no temporary file left


def test_score_ranks_a_posting_as_query_does(model_dir: Path, postings: Path) -> None:
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "2")
    first = json.loads(result.stdout.splitlines()[0])
    text = "We analyse sales data for our stores.\n\nRequirements: SQL, Tableau, Python"
    queried = query_json(model_dir, text, "--title", "Data analyst", "-k", "2")  # score reads the posting's title
    assert first["recommendations"] == queried["recommendations"]
    assert first["role"] == queried["role"]


def test_score_error_leaves_no_partial_out_file(model_dir: Path, postings: Path, tmp_path: Path) -> None:
    out = tmp_path / "results" / "scores.jsonl"
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "0", "--out", out)
    assert_clean_error(result, "-k must be at least 1")
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_score_errors_are_not_preceded_by_a_progress_bar(model_dir: Path, postings: Path) -> None:
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "0")
    assert result.stderr.startswith("Error: "), result.stderr


def test_score_summary_is_one_unwrapped_line(model_dir: Path, postings: Path, tmp_path: Path) -> None:
    out = tmp_path / "a-folder-name-long-enough-to-push-the-summary-past-eighty-columns" / "scores.jsonl"
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"; wrote {out}\n" in result.stderr


def test_score_summary_names_the_out_file_verbatim(model_dir: Path, postings: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores[bold].jsonl"
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert f"wrote {out}" in result.stderr.replace("\n", "")


# ---------------------------------------------------------------------------- bad input
def _catalog_csv(tmp_path: Path) -> Path:
    path = tmp_path / "courses.csv"
    path.write_text("name,summary\nSQL basics,Write SQL queries.\n", encoding="utf-8")
    return path


def _non_utf8(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.jsonl"
    rows = [json.dumps(row).encode() + b"\n" for row in TINY_CATALOG[:2]]
    path.write_bytes(rows[0] + rows[1] + '{"id": "x", "title": "Caf\xe9", "text": "Write SQL."}\n'.encode("latin-1"))
    return path


def _file(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return make


INDEX_ERRORS: list[tuple[str, Callable[[Path], Path], list[str], list[str]]] = [
    ("missing-catalog", lambda p: p / "nope.jsonl", [], ["catalog file not found", "nope.jsonl"]),
    ("empty-catalog", _file("empty.jsonl", b""), [], ["empty.jsonl", "empty"]),
    ("header-only-csv", _file("header.csv", b"id,title,text\n"), [], ["header.csv", "no data rows"]),
    ("catalog-is-a-folder", lambda p: p, [], ["is a directory"]),
    ("unknown-mapped-column", _catalog_csv, ["--map", "title=course_title", "--map", "text=summary"],
     ["'course_title' (for title)", "the file has columns: name, summary"]),
    ("map-without-equals", _catalog_csv, ["--map", "title"], ["malformed mapping 'title'", "FIELD=COLUMN"]),
    ("map-unknown-field", _catalog_csv, ["--map", "colour=name"], ["unknown field 'colour'"]),
    ("no-usable-rows", _file("bare.jsonl", b'{"id": "a", "title": "A", "text": ""}\n{"id": "b", "skills": []}\n'), [],
     ["no usable rows", "row 1: no text or skills to profile"]),
    ("non-utf8", _non_utf8, [], ["latin1.jsonl", "line 3", "0xe9", "--encoding"]),
    ("unknown-encoding", _catalog_csv, ["--encoding", "klingon"], ["unknown encoding 'klingon'"]),
    ("bad-encoder-spec", _catalog_csv, ["--map", "title=name", "--map", "text=summary", "--encoder", "hash:big"],
     ["bad encoder spec 'hash:big'"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "options", "fragments"), [c[1:] for c in INDEX_ERRORS], ids=[c[0] for c in INDEX_ERRORS]
)
def test_index_bad_input_is_one_error_line(
    tmp_path: Path, make: Callable[[Path], Path], options: list[str], fragments: list[str]
) -> None:
    catalog = make(tmp_path)
    encoder = [] if "--encoder" in options else ["--encoder", "hash"]
    result = invoke("index", "--catalog", catalog, *encoder, "--model-dir", tmp_path / "index", *options)
    assert_clean_error(result, *fragments)
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_rows_without_text_or_skills_are_reported_and_the_rest_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [TINY_CATALOG[0], {"id": "bare", "title": "Title only"}, TINY_CATALOG[1]]
    catalog = write_jsonl(tmp_path / "catalog.jsonl", rows)
    with caplog.at_level(logging.WARNING):
        result = invoke("index", "--catalog", catalog, "--encoder", "hash", "--model-dir", tmp_path / "index")
    assert result.exit_code == 0, result.output
    assert "Indexed 2 credentials" in result.stdout
    assert "3 rows read, 2 loaded, 1 skipped" in result.stdout
    assert "skipped 1 rows (no text or skills to profile): rows 2" in caplog.text
    assert set(ids(query_json(tmp_path / "index", "--skills", "SQL", "-k", "2"))) == {"sql-101", "py-201"}


def test_duplicate_ids_keep_the_first_and_strict_makes_them_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    copy = {**TINY_CATALOG[1], "id": "sql-101", "title": "A second SQL course"}
    catalog = write_jsonl(tmp_path / "catalog.jsonl", [*TINY_CATALOG, copy])
    with caplog.at_level(logging.WARNING):
        summary = build(catalog, tmp_path / "index")
    assert summary["counts"]["credentials"] == 4
    assert "1 duplicate ids (kept the first)" in summary["catalog_report"]
    assert "rows 5" in caplog.text and "repeat an earlier id" in caplog.text
    titles = {r["title"] for r in query_json(tmp_path / "index", "--skills", "SQL", "-k", "4")["recommendations"]}
    assert "SQL for analysts" in titles and "A second SQL course" not in titles

    strict = invoke("index", "--catalog", catalog, "--encoder", "hash", "--model-dir", tmp_path / "strict", "--strict")
    assert_clean_error(strict, "row 5 repeats id 'sql-101' of row 1")


def test_huge_text_is_truncated_with_a_warning_and_still_indexed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    huge = {"id": "big-1", "title": "Enormous syllabus", "skills": ["data engineering"],
            "text": "Build data pipelines with Airflow and dbt. " * 1000}  # fmt: skip
    assert len(huge["text"]) > 40_000
    catalog = write_jsonl(tmp_path / "catalog.jsonl", [*TINY_CATALOG, huge])
    with caplog.at_level(logging.WARNING):
        summary = build(catalog, tmp_path / "index")
    assert summary["counts"]["credentials"] == 5
    assert "text truncated in 1 rows" in summary["catalog_report"]
    assert "truncated" in caplog.text and "rows 5" in caplog.text
    payload = query_json(tmp_path / "index", "--skills", "data engineering", "-k", "1")
    assert ids(payload) == ["big-1"]


QUERY_ERRORS: list[tuple[str, list[str], list[str]]] = [
    ("k-zero", ["--skills", "SQL", "-k", "0"], ["-k must be at least 1"]),
    ("k-negative", ["--skills", "SQL", "-k", "-3"], ["-k must be at least 1"]),
    ("k-above-catalog", ["--skills", "SQL", "-k", "5"], ["larger than the catalog (4 credentials)", "-k 4"]),
    ("missing-file", ["--file", "{tmp}/nope.txt", "-k", "2"], ["job description file not found", "nope.txt"]),
    ("text-and-file", ["some text", "--file", "{tmp}/posting.txt", "-k", "2"], ["TEXT or --file, not both"]),
    ("no-role", ["-k", "2"], ["give a job description"]),
    ("blank-text", ["   ", "-k", "2"], ["give a job description"]),
    ("empty-skill-list", ["--skills", ", ;", "-k", "2"], ["skill list is empty"]),
    ("non-utf8-file", ["--file", "{tmp}/latin1.txt", "-k", "2"], ["latin1.txt", "not UTF-8"]),
]  # fmt: skip


@pytest.mark.parametrize(("options", "fragments"), [c[1:] for c in QUERY_ERRORS], ids=[c[0] for c in QUERY_ERRORS])
def test_query_bad_input_is_one_error_line(
    model_dir: Path, tmp_path: Path, options: list[str], fragments: list[str]
) -> None:
    (tmp_path / "posting.txt").write_text(POSTING_TEXT, encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 manager: SQL".encode("latin-1"))
    args = [option.replace("{tmp}", str(tmp_path)) for option in options]
    assert_clean_error(invoke("query", "--model-dir", model_dir, *args), *fragments)


@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        (lambda p: p / "missing-index", ["no index at", "missing-index"]),
        (lambda p: p, ["is not a recommender index", "pass the right --model-dir"]),
        (lambda p: (p / "empty-folder").mkdir() or p / "empty-folder", ["is not a recommender index"]),
        (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", ["file.txt"]),
    ],
    ids=["missing", "folder-with-other-files", "empty-folder", "a-file"],
)
@pytest.mark.parametrize("command", ["query", "skills", "score"])
def test_model_dir_that_is_not_an_index_is_one_error_line(
    tmp_path: Path, postings: Path, command: str, make: Callable[[Path], Path], fragments: list[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not an index", encoding="utf-8")
    model_dir = make(tmp_path)
    args = {
        "query": ["--skills", "SQL", "-k", "1"],
        "skills": ["SQL"],
        "score": [str(postings), *POSTINGS_MAP, "-k", "1"],
    }
    result = invoke(command, "--model-dir", model_dir, *args[command])
    assert_clean_error(result, *fragments)


def test_index_into_a_file_is_one_error_line(tiny_catalog_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    result = invoke("index", "--catalog", tiny_catalog_path, "--encoder", "hash", "--model-dir", target)
    assert_clean_error(result, "file.txt")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--file", "{tmp}/nope.txt"], ["file not found", "nope.txt"]),
        (["SQL", "--file", "{tmp}/posting.txt"], ["not both"]),
        (["   "], ["no text given"]),
        ([], ["no text given"]),
    ],
    ids=["missing-file", "text-and-file", "blank", "nothing"],
)
def test_skills_bad_input_is_one_error_line(
    model_dir: Path, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    (tmp_path / "posting.txt").write_text(POSTING_TEXT, encoding="utf-8")
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    assert_clean_error(invoke("skills", "--model-dir", model_dir, *args), *fragments)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["-k", "0"], ["-k must be at least 1"]),
        (["-k", "5"], ["larger than the catalog"]),
        (
            ["-k", "1", "--map", "text=body"],
            ["'body' (for text)", "the file has columns: job_id, job_title, description, requirements"],
        ),
        (["-k", "1", "--map", "text"], ["malformed mapping 'text'"]),
        (["-k", "1", "--map", "salary=job_id"], ["unknown field 'salary'"]),
    ],
    ids=["k-zero", "k-above-catalog", "unknown-column", "map-without-equals", "unknown-field"],
)
def test_score_bad_options_are_one_error_line(
    model_dir: Path, postings: Path, args: list[str], fragments: list[str]
) -> None:
    assert_clean_error(invoke("score", postings, "--model-dir", model_dir, *args), *fragments)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (None, ["postings file not found"]),
        (b"", ["has no data rows"]),
        (b"job_id,text\n", ["has no data rows"]),
        (b"job_id,body\nj1,SQL\n", ["has no 'text' column", "job_id, body"]),
    ],
    ids=["missing", "empty", "header-only", "no-text-column"],
)
def test_score_bad_postings_file_is_one_error_line(
    model_dir: Path, tmp_path: Path, content: bytes | None, fragments: list[str]
) -> None:
    path = tmp_path / "postings.csv"
    if content is not None:
        path.write_bytes(content)
    result = invoke("score", path, "--model-dir", model_dir, "-k", "1")
    assert_clean_error(result, "postings.csv", *fragments)


def test_score_out_into_a_used_folder_is_one_error_line(model_dir: Path, postings: Path, tmp_path: Path) -> None:
    # --out DIR writes partition files (recommender/scale/); a folder that holds anything needs --resume/--overwrite
    folder = tmp_path / "already-a-folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "1", "--out", folder)
    assert_clean_error(result, "already-a-folder already exists; pass --resume")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "1", "--out", folder,
                    "--overwrite")  # fmt: skip
    assert_clean_error(result, "not a scoring run's folder")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]  # never deletes what it did not write


def test_score_out_into_a_new_folder_writes_partitions(model_dir: Path, postings: Path, tmp_path: Path) -> None:
    result = invoke("score", postings, *POSTINGS_MAP, "--model-dir", model_dir, "-k", "1", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "_manifest.json").exists() and (tmp_path / "o" / "part-00000.parquet").exists()


# ---------------------------------------------------------------------------- re-indexing
def test_reindex_replaces_the_index_and_keeps_at_most_one_previous_version(
    tiny_catalog_path: Path, tmp_path: Path
) -> None:
    model_dir = tmp_path / "index"

    def versions() -> set[str]:
        return {p.name for p in model_dir.glob("index-*")}

    first = build(tiny_catalog_path, model_dir)["version"]
    assert "ml-500" not in ids(query_json(model_dir, "--skills", "machine learning", "-k", "4"))

    changed = write_jsonl(tmp_path / "changed.jsonl", [*TINY_CATALOG, NEW_CREDENTIAL])
    second = build(changed, model_dir)["version"]
    assert second != first
    assert (model_dir / "CURRENT").read_text().strip() == second
    assert second in versions() and versions() <= {first, second}
    assert ids(query_json(model_dir, "--skills", "machine learning, scikit-learn", "-k", "1")) == ["ml-500"]

    smaller = write_jsonl(tmp_path / "smaller.jsonl", [NEW_CREDENTIAL, *TINY_CATALOG[:2]])
    third = build(smaller, model_dir)["version"]
    assert (model_dir / "CURRENT").read_text().strip() == third
    assert third in versions() and versions() <= {second, third}
    assert len(versions()) <= 2
    assert not list(model_dir.glob(".tmp-*"))
    assert set(ids(query_json(model_dir, "--skills", "SQL", "-k", "3"))) == {"ml-500", "sql-101", "py-201"}
    assert_clean_error(invoke("query", "--model-dir", model_dir, "--skills", "SQL", "-k", "4"), "(3 credentials)")


# ---------------------------------------------------------------------------- help and version
@pytest.mark.parametrize("command", ["index", "query", "skills", "score"])
def test_every_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout and "--help" in result.stdout
    assert "--model-dir" in result.stdout


def test_top_level_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0, result.output
    assert all(command in result.stdout for command in ("index", "query", "skills", "score"))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"recommender {__version__}"


# ---------------------------------------------------------------------------- a real process
def test_a_real_process_logs_warnings_to_stderr_and_keeps_stdout_for_data(tmp_path: Path) -> None:
    """In-process runs cannot show where logging goes (pytest owns the root logger); a subprocess can."""
    catalog = write_jsonl(tmp_path / "catalog.jsonl", [*TINY_CATALOG, {"id": "bare", "title": "Title only"}])
    env = {"RECOMMENDER_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "recommender.cli", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False)

    indexed = run("index", "--catalog", catalog, "--encoder", "hash", "-m", tmp_path / "index", "--format", "json")
    assert indexed.returncode == 0, indexed.stderr
    assert json.loads(indexed.stdout)["counts"]["credentials"] == 4
    assert "skipped 1 rows (no text or skills to profile): rows 5" in indexed.stderr

    missing = run("query", "--model-dir", tmp_path / "nowhere", "--skills", "SQL", "-k", "1")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: no index at")
    assert "Traceback" not in missing.stderr + missing.stdout


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["query"], "[default: $RECOMMENDER_MODEL_DIR, else the index shipped with the package]"),
        (["index"], "[default: detected]"),
        (["train"], "[default: per mode]"),
        (["evaluate", "roles"], "[default: all three]"),
    ],
)
def test_help_shows_the_defaults_written_in_brackets(command: list[str], shown: str) -> None:
    """Rich reads "[...]" as markup and drops it unless escaped: the defaults must reach the user."""
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert shown in " ".join(result.stdout.split())

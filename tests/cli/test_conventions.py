"""The command line's conventions and the inputs people already have, end to end on real files.

Conventions (Click's and simonw/llm's habits): ``-h`` and ``--help`` on every command; ``--top-k`` beside
``-k``; ``--format`` is the output format (one JSON envelope, JSON Lines, CSV); ``--input-format`` an
input's; stdin read when piped; exit codes 0 / 1 / 2 / 130. Inputs: a schema.org JobPosting (.json),
a page that embeds one (.html), a CV as PDF or Word (``--have-file``), a schema.org Course catalog.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app

from .test_cli import assert_clean_error, build, invoke

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
COMMANDS = [
    ["query"], ["skills"], ["plan"], ["score"], ["index"], ["export"], ["train"], ["serve"],
    ["evaluate"], ["evaluate", "skills"], ["evaluate", "titles"], ["evaluate", "roles"], ["evaluate", "ranking"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "embedding-cache"))
    monkeypatch.setenv("RECOMMENDER_MODEL_DIR", str(tmp_path / "default-index-never-built"))


@pytest.fixture()
def model_dir(tiny_catalog_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "index"
    build(tiny_catalog_path, path)
    return path


# ---------------------------------------------------------------------------- help, exit codes
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help_under_both_names(command: list[str], flag: str) -> None:
    result = CliRunner().invoke(app, [*command, flag], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and "--help" in result.stdout and "-h" in result.stdout
    if command != ["evaluate"]:
        assert "Exit codes: 0 success, 1 bad input" in " ".join(result.stdout.split()) or command[0] == "evaluate"


def test_top_level_help_under_both_names() -> None:
    for flag in ("-h", "--help"):
        result = CliRunner().invoke(app, [flag])
        assert result.exit_code == 0 and "query" in result.stdout and "serve" in result.stdout


def test_top_k_is_the_long_form_of_k(model_dir: Path) -> None:
    short = invoke("query", "--model-dir", model_dir, "--skills", "SQL", "-k", "2", "--format", "json")
    long = invoke("query", "--model-dir", model_dir, "--skills", "SQL", "--top-k", "2", "--format", "json")
    assert short.exit_code == long.exit_code == 0
    assert json.loads(short.stdout) == json.loads(long.stdout)
    assert len(json.loads(long.stdout)["recommendations"]) == 2


def test_exit_codes_are_0_1_2(model_dir: Path, tmp_path: Path) -> None:
    assert invoke("query", "--model-dir", model_dir, "--skills", "SQL", "-k", "1").exit_code == 0
    bad_input = invoke("query", "--model-dir", model_dir, "--skills", "SQL", "-k", "99")
    assert_clean_error(bad_input, "larger than the catalog")  # exit code 1
    usage = invoke("query", "--model-dir", model_dir, "--no-such-option")
    assert usage.exit_code == 2 and "No such option" in usage.stderr
    bad_value = invoke("query", "--model-dir", model_dir, "--skills", "SQL", "--format", "xml")
    assert bad_value.exit_code == 2 and "--format" in bad_value.stderr


def _wait_until_reading_stdin(process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Until ``process`` blocks reading its stdin pipe (Linux names the wait ``pipe_read`` in /proc/PID/wchan),
    not a fixed sleep that a slow start-up can overrun (the interrupt would come before the read)."""
    wchan = Path(f"/proc/{process.pid}/wchan")
    if not wchan.exists():
        time.sleep(2.0)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if "pipe_read" in wchan.read_text():
            return
        time.sleep(0.05)
    raise AssertionError("the process never blocked reading its stdin")


def test_ctrl_c_exits_130(tmp_path: Path) -> None:
    """A real process interrupted while it works (reading stdin that never ends) says so and exits 130."""
    env = {**os.environ, "RECOMMENDER_MODEL_DIR": str(tmp_path / "none"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "recommender.cli", "skills", "--file", "-"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        # as a terminal's Ctrl-C finds it: an ignored SIGINT is inherited through exec, and the test session
        # may have one (a library's handler, a CI runner's background job), which made this test fail in CI
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    _wait_until_reading_stdin(process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert b"Error: interrupted" in err and b"Traceback" not in err


# ---------------------------------------------------------------------------- output formats
def test_query_prints_one_envelope_jsonl_and_csv(model_dir: Path) -> None:
    args = ["query", "--model-dir", model_dir, "--skills", "SQL, Python", "-k", "3"]
    envelope = json.loads(invoke(*args, "--format", "json").stdout)
    assert {"role", "recommendations", "notes", "score_max"} <= set(envelope)
    lines = invoke(*args, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == envelope["recommendations"]
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
    assert [r["id"] for r in rows] == [r["id"] for r in envelope["recommendations"]]
    assert set(envelope["recommendations"][0]) <= set(rows[0])  # every field of the result is a column
    assert rows[0]["matched_skills"]  # a list becomes its names joined by "; "


@pytest.mark.parametrize(
    ("command", "records"),
    [(["skills", "SQL and Tableau dashboards"], "skills"), (["plan", "--skills", "SQL, Python"], "steps")],
)
def test_every_json_is_the_same_envelope(model_dir: Path, command: list[str], records: str) -> None:
    result = invoke(*command, "--model-dir", model_dir, "--format", "json")
    assert result.exit_code == 0, result.output
    envelope = json.loads(result.stdout)
    assert isinstance(envelope, dict) and isinstance(envelope[records], list) and envelope["notes"] == []
    lines = invoke(*command, "--model-dir", model_dir, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == envelope[records]


def test_the_table_states_the_score_range_and_partial_credit(model_dir: Path) -> None:
    result = invoke("query", "--model-dir", model_dir, "--skills", "SQL, Python", "-k", "2")
    text = " ".join(result.stdout.split())
    assert "(0–1.25)" in text and "Score: 0 to 1.25, higher is better" in text
    assert "counts in part" in text


def test_score_writes_csv(model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = invoke("score", DOCUMENTS / "jobpostings.jsonl", "--model-dir", model_dir, "-k", "2", "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["posting_id"] for r in rows] == ["jp-1", "jp-1", "jp-2", "jp-2", "jp-3"]
    assert rows[-1]["error"].startswith("no text") and rows[0]["id"] and rows[0]["score"]


# ---------------------------------------------------------------------------- stdin
def test_piped_text_is_read_when_no_text_is_given(model_dir: Path) -> None:
    text = "We analyse sales data.\n\nRequirements: SQL, Tableau, Python"
    given = invoke("query", text, "--model-dir", model_dir, "-k", "2", "--format", "json")
    piped = invoke("query", "--model-dir", model_dir, "-k", "2", "--format", "json", input=text)
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout) == json.loads(given.stdout)
    posting = (DOCUMENTS / "jobposting.json").read_text(encoding="utf-8")
    from_json = invoke("query", "--model-dir", model_dir, "-k", "2", "--format", "json", input=posting)
    assert {"SQL", "Tableau", "Python"} <= {s["label"] for s in json.loads(from_json.stdout)["role"]["skills"]}
    nothing = invoke("query", "--model-dir", model_dir, "-k", "2", input="")
    assert_clean_error(nothing, "give a job description")


def test_piped_stdin_through_a_real_shell(model_dir: Path) -> None:
    command = f"echo 'We need SQL and Tableau' | {sys.executable} -m recommender.cli query -m {model_dir} -k 1 -q"
    done = subprocess.run(["bash", "-c", command + " --format json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # --quiet, and no progress on a pipe anyway
    assert {"SQL", "Tableau"} <= {s["label"] for s in json.loads(done.stdout)["role"]["skills"]}


# ---------------------------------------------------------------------------- inputs people already have
@pytest.mark.parametrize(
    ("name", "expected"),
    [("jobposting.json", {"SQL", "Tableau", "Python"}), ("jobposting.html", {"Scrum", "project management"})],
)
def test_query_skills_and_plan_read_a_jobposting_file(model_dir: Path, name: str, expected: set[str]) -> None:
    pytest.importorskip("extruct")
    query = invoke("query", "--file", DOCUMENTS / name, "-m", model_dir, "-k", "2", "--format", "json")
    role = json.loads(query.stdout)
    assert expected <= {s["label"] for s in role["role"]["skills"]}
    found = json.loads(invoke("skills", "--file", DOCUMENTS / name, "-m", model_dir, "--format", "json").stdout)
    assert expected <= {s["label"] for s in found["skills"]}
    planned = invoke("plan", "--file", DOCUMENTS / name, "-m", model_dir, "--format", "json")
    assert planned.exit_code == 0 and json.loads(planned.stdout)["steps"]


def test_input_format_text_reads_json_as_plain_text(model_dir: Path) -> None:
    forced = invoke("skills", "--file", DOCUMENTS / "jobposting.json", "--input-format", "text", "-m", model_dir,
                    "--format", "json")  # fmt: skip
    assert forced.exit_code == 0
    evidence = [e["text"] for s in json.loads(forced.stdout)["skills"] for e in s["evidence"]]
    # the JSON's own syntax shows through in the evidence: it was read as text, not as a JobPosting
    assert any('": "' in text or "{" in text or "}" in text for text in evidence)


@pytest.mark.parametrize("cv", ["cv.pdf", "cv.docx"])
def test_have_file_reads_a_cv_as_pdf_or_word(model_dir: Path, cv: str) -> None:
    pytest.importorskip("pypdf")
    pytest.importorskip("docx")
    result = invoke("query", "--file", DOCUMENTS / "jobposting.json", "--have-file", DOCUMENTS / cv, "-m", model_dir,
                    "-k", "2", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    role = json.loads(result.stdout)["role"]
    assert "SQL" in {s["label"] for s in role["held"]}
    assert "SQL" not in {s["label"] for s in role["skills"]}


def test_score_reads_a_folder_of_jobpostings(model_dir: Path) -> None:
    pytest.importorskip("extruct")
    result = invoke("score", DOCUMENTS, "-m", model_dir, "-k", "1")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["CF-88", "NR-2025-014"]  # the .html page and the .json file
    assert lines[1]["title"] == "Data Analyst"


def test_index_reads_a_schema_org_course_catalog(tmp_path: Path) -> None:
    summary = build(DOCUMENTS / "courses_schemaorg.json", tmp_path / "courses")
    assert summary["counts"]["credentials"] == 3 and "schema.org" not in summary["catalog_report"]
    planned = invoke("plan", "-m", tmp_path / "courses", "--skills", "data visualization", "--format", "json")
    assert planned.exit_code == 0, planned.output


def test_plan_names_prerequisites_by_title(tmp_path: Path) -> None:
    build(DOCUMENTS / "courses_schemaorg.json", tmp_path / "courses")
    result = CliRunner().invoke(
        app, ["plan", "-m", str(tmp_path / "courses"), "--skills", "Tableau, data visualization, SQL"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    # sql-101 stacks into the certificate, which Dashboards with Tableau then needs first; all by title
    assert "needs first: Retail Analytics Certificate" in text and "includes: SQL for analysts" in text
    assert "sql-101" not in text and "analytics-cert" not in text


# ---------------------------------------------------------------------------- errors a person can act on
def test_a_binary_catalog_is_said_to_be_binary(tmp_path: Path) -> None:
    catalog = tmp_path / "courses.csv"
    catalog.write_bytes(b"PK\x03\x04" + bytes(200))  # a spreadsheet saved with the wrong name
    result = invoke("index", "--catalog", catalog, "--encoder", "hash", "--model-dir", tmp_path / "new" / "index")
    assert_clean_error(result, "courses.csv is a ZIP archive", "Save as")
    assert "--encoding" not in result.stderr
    assert not (tmp_path / "new").exists()  # a failed index leaves nothing behind, not even the lock file


def test_mixed_currencies_are_refused_or_converted(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "title": "SQL basics", "text": "Write SQL queries.", "skills": ["SQL"], "cost": 100,
         "currency": "USD"},
        {"id": "b", "title": "SQL in depth", "text": "Advanced SQL queries.", "skills": ["SQL"], "cost": 100,
         "currency": "EGP"},
        {"id": "c", "title": "SQL for free", "text": "SQL for everyone.", "skills": ["SQL"], "cost": 0},
    ]  # fmt: skip
    catalog = tmp_path / "mixed.jsonl"
    catalog.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    build(catalog, tmp_path / "mixed")
    base = ["query", "-m", tmp_path / "mixed", "--skills", "SQL", "-k", "3", "--format", "json"]
    refused = invoke(*base, "--max-cost", "150")
    assert_clean_error(refused, "several currencies: EGP (1), USD (1)", "--currency", "--rates")
    in_usd = json.loads(invoke(*base, "--max-cost", "150", "--currency", "USD").stdout)
    assert {r["id"] for r in in_usd["recommendations"]} == {"a", "c"}
    assert any("other currencies than USD" in note for note in in_usd["notes"])
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nUSD,1\nEGP,50\n", encoding="utf-8")  # 100 EGP = 2 USD
    converted = json.loads(invoke(*base, "--max-cost", "50", "--currency", "USD", "--rates", rates).stdout)
    assert {r["id"] for r in converted["recommendations"]} == {"b", "c"}
    planned = invoke("plan", "-m", tmp_path / "mixed", "--skills", "SQL", "--max-cost", "150")
    assert_clean_error(planned, "several currencies", "leave out --max-cost")

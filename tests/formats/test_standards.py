"""Catalogs in credential standards: Open Badges 3.0, CTDL and the European Learning Model.

The fixtures in ``tests/fixtures`` were written for these tests from the public specifications;
each holds records that cannot be read, which must be reported with their position while the
rest still load.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recommender.encoders.hashing import HashingEncoder
from recommender.errors import InvalidInputError
from recommender.formats.common import duration_hours, is_esco_skill, lang_text, lang_values, top_items
from recommender.formats.readers import load_catalog
from recommender.formats.standards import detect_standard, standard_name
from recommender.inputs.taxonomy import load_taxonomy
from recommender.matching.engine import Recommender
from recommender.matching.profiles import SOURCES
from recommender.store.index_io import load_index

from ..helpers import HASH_SETTINGS, TINY_CATALOG

FIXTURES = Path(__file__).parent.parent / "fixtures"
ESCO = "http://data.europa.eu/esco/skill/"
SQL = ESCO + "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
PYTHON = ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d"
ANALYSIS = ESCO + "2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f"
STATISTICS = ESCO + "7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
CE = "ce-a1a1a1a1-0000-4000-8000-00000000000"


def load(name: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return load_catalog(FIXTURES / name, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- Open Badges 3.0
def test_open_badges_achievements_alone_and_inside_a_credential() -> None:
    catalog = load("openbadges_achievements.json")
    sql, python = catalog.credentials
    assert sql.id == sql.url == "https://badges.example.org/achievements/sql-foundations"
    assert sql.title == "SQL Foundations"
    assert sql.skills == (SQL, "Relational data modelling")  # ESCO URI kept as the id; the EQF alignment is a level
    assert sql.level == "EQF 4"
    assert (sql.provider, sql.field, sql.type, sql.language) == (
        "Example Data Academy", "Information technology", "MicroCredential", "en",
    )  # fmt: skip
    assert "six graded query exercises" in sql.text  # criteria.narrative
    assert "Keywords: databases, reporting" in sql.text  # tag[]
    assert "Credits available: 2." in sql.text  # creditsAvailable has no unit: kept, not turned into hours
    assert sql.hours is None and sql.cost is None
    assert python.title == "Python Scripting"
    assert python.provider == "Example Code School"  # no creator: the credential's issuer
    assert python.skills == (PYTHON,) and python.type == "Badge" and python.language == "en-GB"


def test_open_badges_unreadable_records_are_reported_with_position_and_reason() -> None:
    report = load("openbadges_achievements.json").report
    assert (report.rows_read, report.loaded) == (4, 2)
    assert [s.row for s in report.skipped] == [3, 4]
    assert "has no name" in report.skipped[0].reason
    assert "only a link" in report.skipped[1].reason and "embed the Achievement" in report.skipped[1].reason


# ---------------------------------------------------------------- CTDL
def test_ctdl_graph_records() -> None:
    catalog = load("ctdl_graph.json")
    by_id = catalog.by_id()
    assert list(by_id) == [CE + "1", CE + "2", CE + "3", CE + "4"]  # the organisation is not a record
    micro = by_id[CE + "1"]
    assert micro.title == "Data Querying Micro-Credential"
    assert micro.provider == "Riverside Technical College"  # ownedBy resolved inside the graph
    assert micro.hours == 20.0  # exactDuration PT20H
    assert (micro.cost, micro.currency) == (175.0, "USD")  # tuition + application fee
    assert micro.skills == (SQL, "report writing")  # requires → targetCompetency
    assert micro.requires == (CE + "3",)  # requires → targetCredential
    assert micro.stacks_into == (CE + "2",)  # isPartOf
    assert micro.level == "Intermediate" and micro.language == "en-US" and micro.type == "MicroCredential"
    assert micro.url == "https://riverside.example.edu/data-querying"
    assert "Keywords: databases, queries" in micro.text
    certificate = by_id[CE + "2"]
    assert certificate.skills == ("data visualisation", ANALYSIS)  # teaches
    assert certificate.hours == 50.0  # the middle of PT40H and PT60H
    assert by_id[CE + "4"].stacks_into == (CE + "2",)  # the certificate's hasPart, inverted
    course = by_id[CE + "3"]
    assert course.hours is None and course.level == "Beginner"  # P1M–P3M is calendar time, not hours


def test_ctdl_report_counts_calendar_durations_and_skips_the_nameless_record() -> None:
    report = load("ctdl_graph.json").report
    assert report.unparsed == {"hours": 1}
    assert [(s.row, "no ceterms:name" in s.reason) for s in report.skipped] == [(6, True)]


def test_ctdl_language_maps_follow_the_requested_language_with_fallback() -> None:
    by_id = load("ctdl_graph.json", language="es").by_id()
    assert by_id[CE + "1"].title == "Microcredencial de consultas de datos"
    assert by_id[CE + "1"].provider == "Colegio Técnico Riverside"
    assert "Keywords: bases de datos" in by_id[CE + "1"].text
    assert by_id[CE + "2"].title == "Data Analytics Certificate"  # no Spanish: English


# ---------------------------------------------------------------- European Learning Model
def test_elm_credential_with_a_claim_and_its_parts() -> None:
    catalog = load("elm_credential.json")
    whole, part = catalog.credentials
    assert whole.id == "urn:epass:learningAchievementSpec:1"
    assert whole.title == "Applied Data Analysis (micro-credential)"
    assert whole.skills == (STATISTICS, ANALYSIS, "data storytelling")
    assert whole.hours == 100.0  # volumeOfLearning wins over 4 ECTS
    assert (whole.level, whole.language, whole.provider) == ("EQF 6", "en", "Hanse University of Applied Sciences")
    assert "- Apply descriptive and inferential statistics to business data." in whole.text
    assert part.title == "Statistics for Analysts"
    assert part.hours == 2 * 27.5  # 2 ECTS × 27.5 h without volumeOfLearning
    assert part.stacks_into == (whole.id,) and part.language == "de"
    assert part.provider == "Hanse University of Applied Sciences"
    skipped = catalog.report.skipped
    assert len(skipped) == 1 and skipped[0].row == 1 and "hasPart[1].specifiedBy" in skipped[0].reason


def test_elm_json_lines_with_a_broken_line_and_an_entry_requirement() -> None:
    catalog = load("elm_specifications.jsonl")
    basics, ml = catalog.credentials
    assert basics.hours == 30.0 and basics.level == "EQF 4" and basics.skills == (PYTHON,)
    assert ml.requires == (basics.id,)  # "Completion of Python Basics ..." names the other record
    assert ml.provider == "Nordic Open Academy" and ml.hours == 55.0
    assert [(s.row, s.reason.split(" (")[0]) for s in catalog.report.skipped] == [
        (3, "line 3 is not valid JSON"),
        (4, "item 4: the specification has no title"),
    ]


# ---------------------------------------------------------------- detection and errors
@pytest.mark.parametrize(
    ("name", "standard"),
    [("openbadges_achievements.json", "openbadges"), ("ctdl_graph.json", "ctdl"), ("elm_credential.json", "elm")],
)
def test_detection_and_forcing(name: str, standard: str) -> None:
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert detect_standard(list(top_items(document))) == standard
    assert load(name, file_format=standard).credentials == load(name).credentials


def test_plain_json_rows_are_not_mistaken_for_a_standard(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(TINY_CATALOG), encoding="utf-8")
    assert detect_standard(list(top_items(TINY_CATALOG))) is None
    assert [c.id for c in load_catalog(path)] == [row["id"] for row in TINY_CATALOG]


def test_forcing_the_wrong_standard_names_the_right_one() -> None:
    with pytest.raises(
        InvalidInputError, match=r"no CTDL records.*looks like Open Badges 3.0: pass --input-format openbadges"
    ):
        load("openbadges_achievements.json", file_format="ctdl")


@pytest.mark.parametrize("bad", ["xml", "badge"])
def test_unknown_format_lists_the_known_ones(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="csv, jsonl, json, schemaorg, openbadges, ctdl, elm"):
        standard_name(bad)


def test_map_does_not_apply_to_standards() -> None:
    with pytest.raises(InvalidInputError, match="--map does not apply"):
        load("ctdl_graph.json", mapping={"title": ["name"]})


def test_a_document_whose_records_are_all_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([{"type": ["Achievement"], "description": "no name"}]), encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"no Open Badges 3.0 records could be read .*item 1: .*has no name"):
        load_catalog(path)


# ---------------------------------------------------------------- helpers
@pytest.mark.parametrize(
    ("value", "hours"),
    [("PT40H", 40.0), ("PT1H30M", 1.5), ("pt90m", 1.5), ("PT0.5H", 0.5), ("P3M", None), ("P1DT2H", None),
     ("P2W", None), ("PT", None), ("40 hours", None), (40, None)],
)  # fmt: skip
def test_duration_hours(value: object, hours: float | None) -> None:
    assert duration_hours(value) == hours


def test_language_values() -> None:
    assert lang_values("plain") == ["plain"]
    assert lang_values({"en-US": "color", "en-GB": "colour"}, "en-GB") == ["colour"]
    assert lang_values({"fr": "bonjour", "en": ["hello", "hi"]}, "de") == ["hello", "hi"]  # English fallback
    assert lang_values({"fr": "bonjour", "it": "ciao"}, "de") == ["bonjour"]  # else the first language
    assert lang_values([{"@value": "Hallo", "@language": "de"}, {"@value": "Hello", "@language": "en"}], "de") == [
        "Hallo"
    ]
    assert lang_text({"en": ["a", "b"]}, sep="; ") == "a; b"
    assert lang_values(None) == []


def test_esco_skill_uris() -> None:
    assert is_esco_skill(SQL) and is_esco_skill(SQL + "/")
    assert not is_esco_skill("http://data.europa.eu/esco/occupation/abc") and not is_esco_skill("SQL")


def test_vocabulary_lookup_by_id() -> None:
    vocabulary = load_taxonomy(FIXTURES / "esco_sample_skills.csv")
    assert vocabulary.lookup(STATISTICS) == 3
    assert vocabulary.lookup(f"  {STATISTICS} ") == 3
    assert vocabulary.lookup("statistical methods") == 3  # labels and aliases still work
    assert vocabulary.lookup(ESCO + "00000000-0000-0000-0000-000000000000") is None


def test_declared_esco_uris_map_to_exactly_that_skill() -> None:
    vocabulary = load_taxonomy(FIXTURES / "esco_sample_skills.csv")
    model = Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load("elm_credential.json"), vocabulary)
    positions = vocabulary.index_of()
    row = model.profiles_.matrix.getrow(0)
    declared = {
        model.vocabulary_.skills[int(j)].id: float(w)
        for j, w, source in zip(row.indices, row.data, model.profiles_.source[: row.nnz], strict=True)
        if SOURCES[int(source)] == "declared"
    }
    assert declared[STATISTICS] == 1.0 and declared[ANALYSIS] == 1.0
    assert np.all(row.toarray()[0, [positions[STATISTICS], positions[ANALYSIS]]] == 1.0)


def test_cli_index_detects_or_forces_the_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from recommender.cli import app

    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    base = ["index", "--catalog", str(FIXTURES / "ctdl_graph.json"), "--encoder", "hash", "--model-dir", str(tmp_path)]
    built = runner.invoke(app, [*base, "--format", "json"])
    assert built.exit_code == 0, built.output
    summary = json.loads(built.stdout)
    assert summary["counts"]["credentials"] == 4 and "1 skipped" in summary["catalog_report"]
    wrong = runner.invoke(app, [*base, "--input-format", "elm"])
    assert wrong.exit_code == 1 and "pass --input-format ctdl" in wrong.stderr
    unknown = runner.invoke(app, [*base, "--input-format", "xml"])
    assert unknown.exit_code == 1 and unknown.stderr.startswith("Error: unknown catalog format 'xml'")


def test_cli_index_reads_language_maps_in_the_requested_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from recommender.cli import app

    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    index = tmp_path / "index"
    args = ["index", "--catalog", str(FIXTURES / "ctdl_graph.json"), "--encoder", "hash", "--model-dir", str(index)]
    assert CliRunner().invoke(app, [*args, "--lang", "es"]).exit_code == 0
    titles = [c.title for c in load_index(index).credentials_]
    assert titles[:2] == ["Microcredencial de consultas de datos", "Data Analytics Certificate"]

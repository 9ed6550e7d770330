"""Skill profiles exported as Open Badges 3.0 alignments, and read back by the Open Badges reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.encoders.hashing import HashingEncoder
from recommender.errors import InvalidInputError
from recommender.formats.export import alignment, export_alignments
from recommender.formats.readers import load_catalog
from recommender.inputs.taxonomy import load_taxonomy
from recommender.matching.engine import Recommender

from ..helpers import HASH_SETTINGS

FIXTURES = Path(__file__).parent.parent / "fixtures"
ESCO = "http://data.europa.eu/esco/skill/"
ANALYSIS = ESCO + "2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f"
STATISTICS = ESCO + "7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
WHOLE, PART = "urn:epass:learningAchievementSpec:1", "urn:epass:learningAchievementSpec:2"
runner = CliRunner()


@pytest.fixture()
def model() -> Recommender:
    vocabulary = load_taxonomy(FIXTURES / "esco_sample_skills.csv")
    return Recommender(HashingEncoder(256), HASH_SETTINGS).fit(
        load_catalog(FIXTURES / "elm_credential.json"), vocabulary
    )


def test_alignment_entry_for_an_esco_skill() -> None:
    entry = alignment(STATISTICS, "statistics", "  Collecting and\ninterpreting numerical data. ")
    assert entry == {
        "type": ["Alignment"],
        "targetName": "statistics",
        "targetUrl": STATISTICS,
        "targetDescription": "Collecting and interpreting numerical data.",
        "targetFramework": "ESCO",
        "targetCode": "7ee4c2ea-b349-4bd2-81a3-ec31475d4833",
    }
    assert "targetFramework" not in alignment("https://example.org/skills/1", "x")
    assert len(alignment(STATISTICS, "s", "word " * 200)["targetDescription"]) == 300


def test_export_every_profile_skill_with_a_url(model: Recommender) -> None:
    result = export_alignments(model)
    assert [c["id"] for c in result.credentials] == [WHOLE, PART]
    assert [c["name"] for c in result.credentials] == [
        "Applied Data Analysis (micro-credential)",
        "Statistics for Analysts",
    ]
    assert {a["targetUrl"] for a in result.credentials[0]["alignment"]} == {ANALYSIS, STATISTICS}
    assert [a["targetUrl"] for a in result.credentials[1]["alignment"]] == [STATISTICS]
    assert result.alignments == 3
    assert result.without_url == 1  # "data storytelling" is a catalog-local skill: no targetUrl to give
    assert "1 skills without a URL left out" in result.summary()


def test_export_filters(model: Recommender) -> None:
    only_part = export_alignments(model, ids=[PART, "nope"])
    assert [c["id"] for c in only_part.credentials] == [PART] and only_part.not_found == ("nope",)
    assert export_alignments(model, sources=["text"]).alignments == 0  # every skill here is declared
    heavy = export_alignments(model, min_weight=1.0)
    assert heavy.alignments == 3 and heavy.below_weight == 0
    with pytest.raises(InvalidInputError, match="none of the ids"):
        export_alignments(model, ids=["nope"])
    with pytest.raises(InvalidInputError, match="unknown skill source"):
        export_alignments(model, sources=["guessed"])
    with pytest.raises(InvalidInputError, match="--min-weight must be between 0 and 1"):
        export_alignments(model, min_weight=2)


def test_exported_alignments_read_back_as_the_same_declared_skills(model: Recommender, tmp_path: Path) -> None:
    exported = export_alignments(model).credentials
    badges = [
        {"id": f"https://example.org/badges/{i}", "type": ["Achievement"], "name": c["name"],
         "description": "A badge.", "criteria": {"narrative": "Done."}, "alignment": c["alignment"]}
        for i, c in enumerate(exported)
    ]  # fmt: skip
    path = tmp_path / "badges.json"
    path.write_text(json.dumps(badges), encoding="utf-8")
    read = load_catalog(path)
    assert [set(c.skills) for c in read] == [{a["targetUrl"] for a in c["alignment"]} for c in exported]


def test_cli_export(model: Recommender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    index = tmp_path / "index"
    catalog, taxonomy = FIXTURES / "elm_credential.json", FIXTURES / "esco_sample_skills.csv"
    args = ["--catalog", str(catalog), "--encoder", "hash", "--taxonomy", str(taxonomy), "--model-dir", str(index)]
    built = runner.invoke(app, ["index", *args])
    assert built.exit_code == 0, built.output
    result = runner.invoke(app, ["export", "--model-dir", str(index), "--id", PART])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["credentials"][0]["alignment"][0]["targetUrl"] == STATISTICS
    assert "exported 1 credentials, 1 alignments" in result.stderr
    out = tmp_path / "alignments.json"
    written = runner.invoke(app, ["export", "--model-dir", str(index), "--out", str(out), "--source", "declared"])
    assert written.exit_code == 0 and len(json.loads(out.read_text(encoding="utf-8"))["credentials"]) == 2
    lines = runner.invoke(app, ["export", "--model-dir", str(index), "--source", "declared", "--format", "jsonl"])
    assert lines.exit_code == 0 and len(lines.stdout.splitlines()) == 2
    bad = runner.invoke(app, ["export", "--model-dir", str(index), "--min-weight", "3"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: --min-weight")

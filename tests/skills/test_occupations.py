"""ESCO occupations: reading the export, title matching, role blending, and the engine's use of them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from recommender.encoders.hashing import HashingEncoder
from recommender.errors import InvalidInputError
from recommender.formats.readers import load_catalog
from recommender.inputs.taxonomy import load_taxonomy
from recommender.matching.engine import Recommender
from recommender.skills.occupations import OccupationIndex, find_occupations_folder, load_occupations
from recommender.skills.roles import BlendSettings, RoleBlender
from recommender.store.index_io import load_index, save_index

from ..esco_fixture import OCCUPATION, SKILL, write_esco
from ..helpers import HASH_SETTINGS, TINY_CATALOG

ENCODER = HashingEncoder(256)


@pytest.fixture()
def esco(tmp_path: Path) -> Path:
    return write_esco(tmp_path / "esco")


@pytest.fixture()
def index(esco: Path) -> OccupationIndex:
    return OccupationIndex().fit(load_occupations(esco), ENCODER)


def test_load_occupations_reads_the_export_as_downloaded(esco: Path) -> None:
    occupations = load_occupations(esco)
    assert [o.label for o in occupations] == ["data engineer", "nurse responsible for general care", "data analyst"]
    engineer = occupations[0]
    assert engineer.aliases == ("big data engineer", "data pipeline engineer")  # newline-separated altLabels
    assert engineer.essential == (SKILL + "sql", SKILL + "etl", SKILL + "warehouse")
    assert engineer.optional == (SKILL + "python",)
    assert load_occupations(esco / "occupations_en.csv") == occupations  # the file itself works too
    assert find_occupations_folder(esco / "skills_en.csv") == esco


def test_load_occupations_errors_name_the_file_and_the_fix(esco: Path, tmp_path: Path) -> None:
    relations = esco / "occupationSkillRelations.csv"
    relations.write_text(relations.read_text(encoding="utf-8").replace("optional", "sometimes", 1), encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"occupationSkillRelations.csv, row 4: relationType must be"):
        load_occupations(esco)
    relations.unlink()
    with pytest.raises(InvalidInputError, match=r"occupationSkillRelations\.csv not found"):
        load_occupations(esco)
    other = tmp_path / "other"
    other.mkdir()
    (other / "occupations_en.csv").write_text("uri,name\nx,y\n", encoding="utf-8")
    (other / "occupationSkillRelations.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="no conceptUri, preferredLabel column"):
        load_occupations(other)


def test_titles_match_occupations_through_alternative_labels(index: OccupationIndex) -> None:
    ranked = index.rank_titles(ENCODER.encode(["registered nurse", "big data engineer"]), top_n=2)
    labels = [index.occupations_[r[0][0]].label for r in ranked]
    assert labels == ["nurse responsible for general care", "data engineer"]
    assert ranked[0][0][1] == pytest.approx(1.0, abs=1e-5)  # the title is an alt label
    assert index.best_label(ENCODER.encode(["registered nurse"])[0], ranked[0][0][0]) == pytest.approx(
        ("registered nurse", 1.0), abs=1e-5
    )


def test_blender_weights_the_nearest_occupation_and_can_leave_one_out(esco: Path, index: OccupationIndex) -> None:
    vocabulary = load_taxonomy(esco)
    blender = RoleBlender(BlendSettings(top_occupations=1)).fit(index, vocabulary)
    title = ENCODER.encode(["data engineer"])[0]
    [best] = blender.match(title, None)
    assert (index.occupations_[best.position].label, best.weight) == ("data engineer", 1.0)
    ranked = blender.rank({}, [best])
    weights = {vocabulary.skills[p].label: w for p, _, w in ranked}
    # Essential skills weigh 1, optional ones 0.5 (the default optional_weight).
    assert weights == {"SQL": 1.0, "ETL pipelines": 1.0, "data warehouses": 1.0, "Python (computer programming)": 0.5}
    [other] = blender.match(title, None, exclude=best.position)
    assert index.occupations_[other.position].label != "data engineer"


def test_text_skills_lead_and_occupation_skills_follow_weighed_down(esco: Path, index: OccupationIndex) -> None:
    vocabulary = load_taxonomy(esco)
    positions = {s.label: i for i, s in enumerate(vocabulary.skills)}
    blender = RoleBlender(BlendSettings(top_occupations=1, confidence_low=0.3, confidence_high=0.6)).fit(
        index, vocabulary
    )
    title = ENCODER.encode(["data engineer"])[0]
    [best] = blender.match(title, None)
    text = {positions["build dashboards"]: 0.8}  # named by the ad, not a data engineer's skill
    ranked = blender.rank(text, [best])
    labels = [vocabulary.skills[p].label for p, _, _ in ranked]
    weights = {vocabulary.skills[p].label: w for p, _, w in ranked}
    assert labels[0] == "build dashboards" and weights["build dashboards"] == pytest.approx(0.8)
    confidence = min(max((best.score - 0.3) / 0.3, 0.0), 1.0)
    assert blender.confidence([best]) == pytest.approx(confidence)
    # each occupation skill: min(profile weight × confidence, 0.8), then all of them scaled to a total ≤ 0.8
    raw = {"SQL": 1.0, "ETL pipelines": 1.0, "data warehouses": 1.0, "Python (computer programming)": 0.5}
    capped = {label: min(w * confidence, 0.8) for label, w in raw.items()}
    scale = min(1.0, 0.8 / sum(capped.values())) if sum(capped.values()) else 1.0
    for label, value in capped.items():
        assert weights[label] == pytest.approx(value * scale)
    assert sum(weights[label] for label in raw) <= 0.8 + 1e-9
    old = RoleBlender(BlendSettings(top_occupations=1, text_first=False)).fit(index, vocabulary).rank(text, [best])
    assert vocabulary.skills[old[0][0]].label != "build dashboards"  # before: the occupation's skills led


def test_softmax_weights_sum_to_one_and_favour_the_better_match(esco: Path, index: OccupationIndex) -> None:
    blender = RoleBlender(BlendSettings(top_occupations=3, temperature=0.1)).fit(index, load_taxonomy(esco))
    matches = blender.match(ENCODER.encode(["data engineer"])[0], ENCODER.encode(["pipelines into warehouses"])[0])
    assert sum(m.weight for m in matches) == pytest.approx(1.0)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert matches[0].weight > matches[1].weight


@pytest.fixture()
def esco_model(esco: Path, tmp_path: Path) -> Recommender:
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text("".join(json.dumps(row) + "\n" for row in TINY_CATALOG), encoding="utf-8")
    model = Recommender(ENCODER, HASH_SETTINGS).fit(load_catalog(catalog), load_taxonomy(esco))
    return model.attach_occupations(load_occupations(esco))


def test_a_title_alone_is_the_nearest_occupations_skills(esco_model: Recommender) -> None:
    role = esco_model.role(title="data pipeline engineer")
    by_label = {s.label: s for s in role.skills}
    assert set(by_label) == {"SQL", "ETL pipelines", "data warehouses", "Python (computer programming)"}
    assert by_label["SQL"].weight == 1.0 and by_label["Python (computer programming)"].weight == 0.5
    assert {s.source for s in role.skills} == {"typical"}
    assert {s.typical_for for s in role.skills} == {"data engineer"}
    evidence = by_label["SQL"].evidence[0]
    assert evidence.text == "essential skill of ESCO occupation 'data engineer'"
    assert evidence.matched_form == "data pipeline engineer"


def test_a_description_blends_text_skills_with_occupation_skills(esco_model: Recommender) -> None:
    role = esco_model.role("Skills: SQL, dashboard design", title="data analyst")
    sources = {s.label: s.source for s in role.skills}
    assert sources["SQL"] == sources["build dashboards"] == "stated"
    assert sources["Python (computer programming)"] == "typical"  # optional for data analysts
    sql = next(s for s in role.skills if s.label == "SQL")
    assert any("ESCO occupation" in e.text for e in sql.evidence)  # the occupation also needs it


def test_occupations_survive_save_and_load(esco_model: Recommender, tmp_path: Path) -> None:
    save_index(esco_model, tmp_path / "index")
    loaded = load_index(tmp_path / "index", encoder=ENCODER)
    occupations = loaded.role_builder_.blender.occupations_  # type: ignore[union-attr]
    assert len(occupations) == 3
    assert loaded.role(title="registered nurse") == esco_model.role(title="registered nurse")
    result = loaded.recommend(title="data engineer", k=2)
    assert result.recommendations[0].id == "sql-101"
    original = esco_model.role_builder_.blender.occupations_  # type: ignore[union-attr]
    np.testing.assert_allclose(occupations.form_embeddings_, original.form_embeddings_)


def test_the_role_builder_refuses_a_blank_title(esco_model: Recommender) -> None:
    with pytest.raises(InvalidInputError, match="the job title is empty"):
        esco_model.role_builder_.from_title("  ")


def test_title_without_occupations_says_how_to_get_them(tiny_model: Recommender) -> None:
    with pytest.raises(InvalidInputError, match="--title needs an index with ESCO occupations"):
        tiny_model.recommend(title="data engineer", k=2)


def test_occupations_need_their_skills_in_the_vocabulary(tiny_model: Recommender, esco: Path) -> None:
    with pytest.raises(InvalidInputError, match="none of the occupations' skills is in the index's vocabulary"):
        tiny_model.attach_occupations(load_occupations(esco))


@pytest.mark.shared_data
def test_real_esco_occupations(shared_data: Path) -> None:
    occupations = load_occupations(shared_data / "esco")
    assert len(occupations) == 3007
    assert sum(len(o.essential) for o in occupations) > 60_000
    engineer = next(o for o in occupations if o.label == "data scientist")
    assert engineer.essential and engineer.description and OCCUPATION in engineer.id


def test_index_picks_up_occupations_beside_an_esco_taxonomy(esco: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recommender import IndexOptions, api
    from recommender.cli import app

    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text("".join(json.dumps(row) + "\n" for row in TINY_CATALOG), encoding="utf-8")
    cache = tmp_path / "cache"
    options = IndexOptions(taxonomy=esco, encoder="hash", cache_dir=cache)
    summary = api.build_index(catalog, tmp_path / "m", options)
    manifest = json.loads((tmp_path / "m" / summary.version / "manifest.json").read_text())
    assert manifest["inputs"]["occupations"]["path"] == str(esco)
    result = CliRunner().invoke(
        app, ["query", "--model-dir", str(tmp_path / "m"), "--title", "data engineer", "-k", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    role = json.loads(result.stdout)["role"]["skills"]
    assert {s["source"] for s in role} == {"typical"} and role[0]["weight"] == 1.0
    api.build_index(catalog, tmp_path / "n", replace(options, use_occupations=False))
    with pytest.raises(InvalidInputError, match="--title needs an index with ESCO occupations"):
        api.query(model_dir=tmp_path / "n", title="data engineer", k=2)

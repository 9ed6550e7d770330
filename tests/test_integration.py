"""End-to-end with the real default encoder: the embedded catalog, and edX + ESCO + Wuzzuf."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from recommender import IndexOptions, api
from recommender.inputs.datasets import EDX, ESCO, WUZZUF
from recommender.store.artifacts import resolve_version
from recommender.store.index_io import load_index

from .helpers import head_csv

pytestmark = pytest.mark.real_model

ANALYST = (
    "We are hiring a data analyst to build dashboards in Power BI and Tableau, write SQL queries against our "
    "PostgreSQL warehouse, clean data with Python and pandas, and present findings to stakeholders."
)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="session")
def default_dir(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    model_dir = tmp_path_factory.mktemp("models") / "default"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECOMMENDER_MODEL_DIR", str(model_dir))
        patch.setenv("RECOMMENDER_CACHE_DIR", str(cache_dir))
        api.open_index()  # fills it: the shipped default index is copied in (built when none is shipped)
    return model_dir


def test_default_index_is_built_once_and_answers_a_role(default_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_MODEL_DIR", str(default_dir))
    version = resolve_version(default_dir)
    result = api.query(ANALYST, k=5)
    assert resolve_version(default_dir) == version  # a current index is never rebuilt
    role = {s.label for s in result.role.skills}
    assert {"Python", "Tableau", "Power BI"} <= role
    top = result.recommendations[0]
    assert top.coverage > 0.3
    assert any(m.skill == "Python" for m in top.matched_skills)
    model = load_index(default_dir)
    fields = {
        model.credentials_[i].field
        for i, c in enumerate(model.credentials_)
        if c.id in {r.id for r in result.recommendations}
    }
    assert "Data & AI" in fields


def test_gap_mode_and_filters_on_the_default_index(default_dir: Path) -> None:
    result = api.query(ANALYST, model_dir=default_dir, have="Python, pandas", k=5, filters=None)
    assert {"Python", "pandas"} <= {s.label for s in result.role.held}
    assert not {"Python", "pandas"} & {s.label for s in result.role.skills}
    cheap = api.query(skills="project management, budgeting", model_dir=default_dir, k=3)
    assert cheap.recommendations[0].matched_skills[0].skill in {"project management", "budgeting"}


def test_skills_of_a_text_with_evidence(default_dir: Path) -> None:
    matches = api.text_skills(
        "Requirements: Kubernetes, Terraform and AWS. You will run incident response.", model_dir=default_dir
    )
    labels = {m.label for m in matches}
    assert {"Kubernetes", "Terraform"} <= labels
    kubernetes = next(m for m in matches if m.label == "Kubernetes")
    assert kubernetes.evidence[0].text == "Kubernetes" and kubernetes.score > 0.9


# The first 200 edX rows against all of ESCO (its 111k surface forms): ESCO scale for the vocabulary,
# a fifth of the catalog's encoding (the whole catalog's segments cost CI ~10 of its minutes).
EDX_ROWS = 200


@pytest.fixture(scope="session")
def edx_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("models")
    model_dir = folder / "edx"
    api.build_index(
        head_csv(EDX.file(shared_data), folder / "edx.csv", EDX_ROWS),
        model_dir,
        IndexOptions(mapping=EDX.mapping, taxonomy=ESCO.file(shared_data), cache_dir=cache_dir),
    )
    return model_dir


@pytest.mark.shared_data
def test_edx_with_esco_ranks_data_courses_for_a_data_engineer(edx_dir: Path) -> None:
    model = load_index(edx_dir)
    assert len(model.credentials_) == 197  # 200 rows: 2 without text, 1 duplicate url (reported)
    assert model.vocabulary_.source == "esco"
    result = model.recommend(
        "Data engineer: build ETL pipelines in Python and SQL, design data warehouses, work with Spark and Hadoop.",
        k=10,
    )
    ids = {s.id for s in result.role.skills}
    assert all(i.startswith("http://data.europa.eu/esco/skill/") for i in ids)
    assert {"SQL", "Hadoop"} <= {s.label for s in result.role.skills}
    titles = " ".join(r.title.lower() for r in result.recommendations)
    assert any(word in titles for word in ("data", "sql", "python", "spark", "hadoop"))
    assert result.recommendations[0].coverage > 0


@pytest.mark.shared_data
def test_skill_list_query_maps_onto_esco(edx_dir: Path) -> None:
    result = api.query(skills="SQL, Python (computer programming), data warehouses", model_dir=edx_dir, k=5)
    assert [s.label for s in result.role.skills] == ["SQL", "Python (computer programming)", "data warehouse"]
    assert result.recommendations[0].matched_skills


@pytest.mark.shared_data
def test_score_real_postings(edx_dir: Path, shared_data: Path, tmp_path: Path) -> None:
    postings = WUZZUF.file(shared_data)
    sample = tmp_path / "sample.csv"
    lines = postings.read_text(encoding="utf-8")
    # The first 30 records (the file has multi-line quoted fields: cut with the csv module).
    import csv

    with postings.open(encoding="utf-8", newline="") as src, sample.open("w", encoding="utf-8", newline="") as dst:
        reader = csv.reader(src)
        writer = csv.writer(dst)
        for i, row in enumerate(reader):
            if i > 30:
                break
            writer.writerow(row)
    assert lines
    out = io.StringIO()
    summary = api.score_file(
        sample,
        out,
        model_dir=edx_dir,
        mapping=["id=job_id", "title=job_title", "text=job_description+job_requirements"],
        k=5,
    )
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert summary.rows == len(records) == 30
    assert summary.scored + sum(summary.errors.values()) == 30
    scored = [r for r in records if "recommendations" in r]
    assert scored and all(len(r["recommendations"]) == 5 for r in scored)
    assert summary.segments_encoded <= summary.segments

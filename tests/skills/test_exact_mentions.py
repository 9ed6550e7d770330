"""A skill named word for word is never missed — skills, query, index, score and serve — and every piece of
evidence points at its place in the text (issue: "Spark" in "builds Spark pipelines")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender import Recommender
from recommender.encoders.hashing import HashingEncoder
from recommender.formats.readers import load_catalog
from recommender.inputs.postings import Posting
from recommender.inputs.taxonomy import load_taxonomy
from recommender.matching.batch import score_postings
from recommender.store.index_io import load_index, save_index
from tests.helpers import HASH_SETTINGS

SKILLS = """id,label,aliases,description
s:spark,Apache Spark,Spark|PySpark,Processing large datasets in parallel with Apache Spark.
s:sql,SQL,structured query language,Querying relational databases.
s:python,Python,,Writing programs in the Python language.
s:craft,craft skills,,Work that starts from scratch with patience.
"""
POSTING = "We need a data engineer who builds Spark pipelines.\nWe offer free lunch and Python workshops."
CATALOG = [
    {"id": "c1", "title": "Big data engineering", "text": "You will build Spark pipelines on a cluster. "
     "Familiarity with Python is assumed. This course was funded by the SQL Foundation."},
    {"id": "c2", "title": "Databases", "text": "Learn to write SQL queries."},
]  # fmt: skip


@pytest.fixture()
def model(tmp_path: Path) -> Recommender:
    (tmp_path / "skills.csv").write_text(SKILLS, encoding="utf-8")
    (tmp_path / "catalog.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CATALOG), encoding="utf-8")
    vocabulary = load_taxonomy(tmp_path / "skills.csv")
    return Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load_catalog(tmp_path / "catalog.jsonl"), vocabulary)


def test_skills_finds_a_name_and_points_at_it(model: Recommender) -> None:
    found = {s.id: s for s in model.skills(POSTING)}
    spark = found["s:spark"]
    assert spark.score == 1.0
    evidence = spark.evidence[0]
    assert POSTING[evidence.start : evidence.end] == "Spark"
    # The offer sentence states nothing the job needs: Python is not asked for.
    assert "s:python" not in found


def test_min_score_keeps_named_skills(model: Recommender) -> None:
    assert "s:spark" in {s.id for s in model.skills(POSTING, min_score=1.0)}


def test_query_role_holds_the_named_skill_as_stated(model: Recommender) -> None:
    role = model.recommend(POSTING, k=2).role
    spark = next(s for s in role.skills if s.id == "s:spark")
    assert spark.source == "stated"
    assert POSTING[spark.evidence[0].start : spark.evidence[0].end] == "Spark"


def test_score_finds_it_too(model: Recommender) -> None:
    line = next(iter(score_postings(model, [Posting(id="p", title="Data engineer", text=POSTING, row=1)], k=2)))
    assert "s:spark" in {s["id"] for s in line["role"]["skills"]}


def test_the_index_keeps_what_a_credential_teaches_requires_and_where(model: Recommender, tmp_path: Path) -> None:
    version = save_index(model, tmp_path / "index")
    loaded = load_index(version.parent)
    profile = {p.skill_id: p for p in loaded.profile("c1")}
    spark = profile["s:spark"]
    assert spark.mention == "alias" and spark.context in ("outcome", "topic")
    text = CATALOG[0]["text"]
    assert spark.evidence_at is not None and spark.evidence_at.field == "text"
    assert text[spark.evidence_at.start : spark.evidence_at.end] == "Spark"
    # A prerequisite names Python: required, not taught; a funding note teaches nothing.
    assert "s:python" not in profile and "s:sql" not in profile
    position = loaded.position("c1")
    assert position is not None
    assert [r.skill_id for r in loaded.requires(position)] == ["s:python"]


def test_serve_finds_it(model: Recommender, tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from recommender.service import create_app

    save_index(model, tmp_path / "index")
    with TestClient(create_app(tmp_path / "index")) as client:
        response = client.post("/v1/skills", json={"text": POSTING})
    assert response.status_code == 200
    assert "s:spark" in {s["id"] for s in response.json()["skills"]}

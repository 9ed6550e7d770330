import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.encoders.base import normalize_rows
from recommender.encoders.hashing import HashingEncoder
from recommender.errors import InvalidInputError, NotFittedError
from recommender.formats.readers import load_catalog
from recommender.inputs.taxonomy import Skill, Vocabulary
from recommender.matching.engine import Recommender, credential_document, role_document
from recommender.matching.filters import Filters
from recommender.store.index_io import load_index, save_index

from ..helpers import HASH_SETTINGS, TINY_CATALOG


def test_skill_list_query_ranks_the_credential_that_teaches_it_first(tiny_model: Recommender) -> None:
    result = tiny_model.recommend(skills="SQL, data analysis", k=4)
    top = result.recommendations[0]
    assert top.id == "sql-101"
    assert top.coverage == pytest.approx(1.0)
    assert {m.skill for m in top.matched_skills} == {"SQL", "data analysis"}
    assert top.missing_skills == ()
    assert [r.rank for r in result.recommendations] == [1, 2, 3, 4]
    scores = [r.score for r in result.recommendations]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("row", TINY_CATALOG, ids=[r["id"] for r in TINY_CATALOG])
def test_each_credential_comes_first_for_its_own_skills(tiny_model: Recommender, row: dict) -> None:
    assert tiny_model.recommend(skills=row["skills"], k=1).recommendations[0].id == row["id"]


def test_explanations_name_evidence_and_missing_skills(tiny_model: Recommender) -> None:
    result = tiny_model.recommend(skills=["Python", "Scrum"], k=4)
    by_id = {r.id: r for r in result.recommendations}
    python = by_id["py-201"]
    assert [m.skill for m in python.matched_skills] == ["Python"]
    assert python.matched_skills[0].source == "declared"
    assert python.matched_skills[0].evidence == "Python"
    assert [m.skill for m in python.missing_skills] == ["Scrum"]
    assert python.coverage == pytest.approx(0.5)
    assert [s.label for s in result.role.skills] == ["Python", "Scrum"]


def test_have_removes_held_skills_from_the_role(tiny_model: Recommender) -> None:
    result = tiny_model.recommend(skills="SQL, Python", have="SQL", k=2)
    assert [s.label for s in result.role.skills] == ["Python"]
    assert [s.label for s in result.role.held] == ["SQL"]
    assert result.recommendations[0].id == "py-201"


def test_text_query_finds_listed_skills(tiny_model: Recommender) -> None:
    text = "Data analyst wanted.\nRequirements: SQL, Tableau, Python"
    found = {s.label for s in tiny_model.skills(text)}
    assert {"SQL", "Tableau", "Python"} <= found
    result = tiny_model.recommend(text, k=3)
    assert {s.label for s in result.role.skills} >= {"SQL", "Tableau", "Python"}
    assert result.recommendations[0].coverage > 0


def test_filters_restrict_candidates_and_say_what_unknowns_did(tiny_model: Recommender) -> None:
    result = tiny_model.recommend(skills="SQL, Python, Scrum", k=4, filters=Filters(max_hours=15))
    assert {r.id for r in result.recommendations} == {"sql-101", "viz-110"}
    assert any("only 2 credentials" in note for note in result.notes)
    french = tiny_model.recommend(skills="Scrum", k=4, filters=Filters(language="French"))
    assert [r.id for r in french.recommendations] == ["pm-300"]
    levels = tiny_model.recommend(skills="Python", k=4, filters=Filters(level="Beginner,advanced", max_cost=100))
    assert {r.id for r in levels.recommendations} == {"sql-101", "viz-110"}


@pytest.mark.parametrize("k", [0, -1, 5])
def test_k_out_of_range_is_an_error(tiny_model: Recommender, k: int) -> None:
    with pytest.raises(InvalidInputError, match="-k"):
        tiny_model.recommend(skills="SQL", k=k)


def test_empty_role_is_an_error(tiny_model: Recommender) -> None:
    with pytest.raises(InvalidInputError, match="job description"):
        tiny_model.recommend("   ", k=2)


def test_unfitted_engine_raises() -> None:
    with pytest.raises(NotFittedError):
        Recommender(HashingEncoder()).recommend(skills="SQL")


def test_declared_skills_outside_the_vocabulary_become_catalog_local(tiny_catalog_path: Path) -> None:
    vocabulary = Vocabulary(
        skills=(Skill("esco:sql", "SQL", ("structured query language",)), Skill("esco:py", "Python")),
        source="generic",
    )
    model = Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load_catalog(tiny_catalog_path), vocabulary)
    ids = [s.id for s in model.vocabulary_.skills]
    assert ids[:2] == ["esco:sql", "esco:py"]
    assert "local:tableau" in ids and "local:scrum" in ids
    assert model.unmapped_declared_ == len(ids) - 2
    top = model.recommend(skills="Tableau", k=1).recommendations[0]
    assert top.id == "viz-110" and top.matched_skills[0].credential_skill_id == "local:tableau"


def test_unknown_query_skill_is_kept_and_matched_softly(tiny_model: Recommender) -> None:
    result = tiny_model.recommend(skills="Tableau Desktop", k=1)
    assert result.role.skills[0].label in {"Tableau", "Tableau Desktop"}
    assert result.recommendations[0].id == "viz-110"


def test_save_then_load_gives_identical_results(tiny_model: Recommender, tmp_path: Path) -> None:
    version = save_index(tiny_model, tmp_path / "index")
    loaded = load_index(tmp_path / "index")
    assert loaded.path_ == version
    for query in ("SQL, Python", "Tableau, Scrum, unit testing"):
        assert loaded.recommend(skills=query, k=4).to_dict() == tiny_model.recommend(skills=query, k=4).to_dict()
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["encoder"]["spec"] == "hash:256"
    assert manifest["counts"]["credentials"] == 4
    np.testing.assert_array_equal(loaded.profiles_.matrix.toarray(), tiny_model.profiles_.matrix.toarray())


def test_results_serialise_to_the_documented_json_contract(tiny_model: Recommender) -> None:
    payload = json.loads(json.dumps(tiny_model.recommend(skills="SQL, Tableau", k=2).to_dict()))
    assert set(payload) >= {"role", "recommendations"}
    assert {"id", "label", "weight"} <= set(payload["role"]["skills"][0])
    rec = payload["recommendations"][0]
    assert {"rank", "id", "title", "score", "coverage", "matched_skills", "missing_skills"} <= set(rec)
    assert "skill" in rec["matched_skills"][0] and "skill" in rec["missing_skills"][0]


ALL_SKILLS = sorted({s for row in TINY_CATALOG for s in row["skills"]})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.sampled_from(ALL_SKILLS), min_size=1, max_size=5, unique=True), k=st.integers(1, 4))
def test_any_skill_query_gives_sorted_bounded_results(tiny_model: Recommender, chosen: list[str], k: int) -> None:
    result = tiny_model.recommend(skills=chosen, k=k)
    recs = result.recommendations
    assert 1 <= len(recs) <= k
    assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
    assert all(0.0 <= r.coverage <= 1.0 + 1e-6 for r in recs)
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    for r in recs:
        assert {m.skill for m in r.matched_skills}.isdisjoint({m.skill for m in r.missing_skills})


def test_document_vectors_are_each_whole_credential_and_role_text_encoded_as_one(tiny_model: Recommender) -> None:
    encoder = tiny_model.encoder
    assert encoder is not None
    whole = normalize_rows(encoder.encode([credential_document(c) for c in tiny_model.credentials_]))
    np.testing.assert_allclose(tiny_model.profiles_.documents, whole, atol=1e-6)
    text = "We need an analyst who writes SQL against PostgreSQL and builds Tableau dashboards."
    evidence = tiny_model.evidence(text, title="Data analyst", filters=Filters(language="any"))
    role = normalize_rows(encoder.encode([role_document(text, "Data analyst")]))[0]
    assert role_document(text, "Data analyst") == "Data analyst\n\n" + text
    np.testing.assert_allclose(evidence.dense, whole @ role, atol=1e-6)

"""The candidate stage of large catalogs (``matching/candidates.py``): the inverted index of credential skills
orders each skill's credentials strongest first; only the candidates are credited, each as the full scan
credits it; with room for every credential the stage ranks exactly as the full scan; an index saves its
document graph and a loaded one uses it unless ``RECOMMENDER_CANDIDATES=exact``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.matching import candidates
from recommender.matching.engine import Recommender
from recommender.skills import ann
from recommender.skills.neighbors import unit_rows
from recommender.store.index_io import load_index, save_index

from ..helpers import QUERIES, answers

pytest.importorskip("faiss")


def test_strongest_first_orders_each_skill_by_weight_then_credential() -> None:
    profile = sp.csc_matrix(np.array([[0.5, 1.0], [0.9, 0.0], [0.5, 0.2]], dtype=np.float32))
    order = candidates.strongest_first(profile)
    # column 0 holds credentials 0, 1, 2 (0.5, 0.9, 0.5): 1 first, then 0 and 2 (ties by credential);
    # column 1 holds 0 (1.0) and 2 (0.2)
    assert profile.indices[order].tolist() == [1, 0, 2, 0, 2]


def test_equal_weights_go_to_the_credential_the_skill_is_more_of() -> None:
    # skill 0 held at weight 1.0 by credentials 0 and 1; credential 0 also holds three other skills
    profile = sp.csc_matrix(np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 0.0, 0.0]], dtype=np.float32))
    totals = np.asarray(profile.sum(axis=1)).ravel()
    order = candidates.strongest_first(profile, totals)
    assert profile.indices[order].tolist()[:2] == [1, 0]  # credential 1 is all about skill 0


def _with_stage(model: Recommender, **caps: int) -> Recommender:
    graph = ann.HnswNeighbors.build(unit_rows(model.profiles_.documents))
    model.candidate_stage_ = candidates.CandidateStage(graph, **caps)
    return model


def test_a_stage_with_room_for_every_credential_ranks_as_the_full_scan(tiny_model: Recommender) -> None:
    expected = answers(tiny_model)
    assert answers(_with_stage(tiny_model)) == expected


def test_per_skill_keeps_only_the_strongest_holders(tiny_model: Recommender) -> None:
    role = tiny_model.role_builder_.build(QUERIES[0])[1]
    every = tiny_model.coverage_.candidates(role.embeddings)
    capped = tiny_model.coverage_.candidates(role.embeddings, per_skill=1)
    weights = tiny_model.coverage_.profile_csc_
    by_skill: dict[int, list[int]] = {}
    for skill, credential in zip(capped.skill.tolist(), capped.credential.tolist(), strict=True):
        by_skill.setdefault(skill, []).append(credential)
    assert by_skill and all(len(set(held)) == 1 for held in by_skill.values())
    for skill, held in by_skill.items():  # the one kept is the skill's strongest holder
        column = weights[:, skill].toarray().ravel()
        assert column[held[0]] == column.max()
    assert len(every.role) >= len(capped.role)


def _rows(pairs: object) -> list[tuple[int, int, int, float, int]]:
    names = ("role", "credential", "skill", "similarity", "entry")
    return sorted(zip(*(getattr(pairs, name).tolist() for name in names), strict=True))


def test_within_credits_only_the_candidates_and_each_as_the_full_scan(tiny_model: Recommender) -> None:
    role = tiny_model.role_builder_.build(QUERIES[0])[1]
    every = tiny_model.coverage_.candidates(role.embeddings)
    assert len(set(every.credential.tolist())) >= 2
    for chosen in ([int(every.credential[0])], sorted(set(every.credential.tolist())), [0, 1, 2, 3]):
        within = np.zeros(len(tiny_model.credentials_), dtype=bool)
        within[chosen] = True
        some = tiny_model.coverage_.candidates(role.embeddings, within=within)
        # the candidates' rows give exactly the pairs the skills' columns give for them
        assert _rows(some) == [row for row in _rows(every) if row[1] in chosen]


def test_a_small_stage_still_answers(tiny_model: Recommender) -> None:
    model = _with_stage(tiny_model, per_skill=1, dense_depth=1, lexical_depth=1, focus_read=1, focus_depth=1)
    assert model.recommend(QUERIES[0], k=2).recommendations


def test_min_similarity_keeps_only_the_near_identical_skills(tiny_model: Recommender) -> None:
    role = tiny_model.role_builder_.build(QUERIES[0])[1]
    every = tiny_model.coverage_.candidates(role.embeddings)
    assert len(every.role)
    for floor in (0.5, 0.9, 1.0, 1.01):
        strong = tiny_model.coverage_.candidates(role.embeddings, min_similarity=floor)
        assert _rows(strong) == [row for row in _rows(every) if row[3] >= floor]
    assert not len(strong.role)  # nothing is more than identical


def test_likely_focused_weighs_coverage_by_the_share_of_the_profile() -> None:
    from recommender.matching.claims import Pairs

    # two role skills of weight 1; credential 0 holds role skill 0 exactly (weight 1.0) among 4.0 of profile;
    # credential 1 holds role skill 0 at 0.5 (similarity 1) and role skill 1 at 0.5 (similarity 0.8), all of
    # its 1.0; credential 2 holds role skill 1 at 1.0 (similarity 0.9) of 1.0
    pairs = Pairs(
        role=np.array([0, 0, 1, 1], dtype=np.int32),
        credential=np.array([0, 1, 1, 2], dtype=np.int32),
        skill=np.array([5, 5, 6, 7], dtype=np.int32),
        similarity=np.array([1.0, 1.0, 0.8, 0.9], dtype=np.float32),
        entry=np.array([0, 1, 2, 3], dtype=np.int64),
    )
    weights, totals = np.array([1.0, 0.5, 0.5, 1.0]), np.array([4.0, 1.0, 1.0])
    # coverage × share: 0 → 1.0 × 0.25, 1 → (0.5 + 0.4) × 1, 2 → 0.9 × 1
    role_weights = np.ones(2)
    best = candidates.likely_focused(pairs, role_weights, weights, totals, precision_power=1.0, depth=1)
    assert best.tolist() == [1]
    two = candidates.likely_focused(pairs, role_weights, weights, totals, precision_power=1.0, depth=2)
    assert sorted(two.tolist()) == [1, 2]
    # without the share, credential 0's whole exact match counts as much as 1's two partial ones
    assert candidates.likely_focused(pairs, role_weights, weights, totals, precision_power=0.0, depth=1).tolist() == [0]


def test_index_saves_the_document_graph_and_a_loaded_index_uses_it(
    tiny_model: Recommender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ann, "MIN_ROWS", 0)
    version = save_index(tiny_model, tmp_path / "index")
    assert (version / "document_graph.npy").exists()
    loaded = load_index(tmp_path / "index")
    assert isinstance(loaded.candidate_stage_, candidates.CandidateStage)
    assert answers(loaded) == answers(tiny_model)
    monkeypatch.setenv(candidates.CANDIDATES_ENV, "exact")
    assert answers(loaded) == answers(tiny_model)


def test_small_catalogs_get_no_graph(tiny_model: Recommender, tmp_path: Path) -> None:
    version = save_index(tiny_model, tmp_path / "index")
    assert not (version / "document_graph.npy").exists()
    assert load_index(tmp_path / "index").candidate_stage_ is None

"""Typed, sense-checked claims on hand-made vectors (docs/engine.md, "Claims")."""

from __future__ import annotations

import numpy as np

from recommender.inputs.skill_structure import SkillStructure
from recommender.matching.claims import (
    ALIAS,
    BROADER,
    EXACT,
    NARROWER,
    NO_MATCH,
    RELATED,
    SEMANTIC,
    TYPE_WEIGHTS,
    WEAK_MARGIN,
    Pairs,
    can_match,
    check,
    match_types,
    relation,
)
from recommender.matching.profiles import MENTIONS

# Skills: 0 programming, 1 Python, 2 Java (both below programming), 3 data warehouses, 4 ETL (related to 3),
# 5 communication (alone).
STRUCTURE = SkillStructure.from_links(6, [(1, 0), (2, 0)], [(3, 4)])
MENTION = {name: MENTIONS.index(name) for name in MENTIONS}


def test_relations_follow_the_structure() -> None:
    assert relation(STRUCTURE, 0, 1) == NARROWER  # the role asks for programming, the credential teaches Python
    assert relation(STRUCTURE, 1, 0) == BROADER
    assert relation(STRUCTURE, 3, 4) == RELATED
    assert relation(STRUCTURE, 1, 2) == NO_MATCH  # siblings: Java does not stand in for Python
    assert relation(STRUCTURE, 5, 3) == SEMANTIC


def _pairs(role: list[int], skill: list[int], similarity: list[float]) -> Pairs:
    n = len(role)
    return Pairs(np.array(role, np.int32), np.zeros(n, np.int32), np.array(skill, np.int32),
                 np.array(similarity, np.float32), np.arange(n, dtype=np.int64))  # fmt: skip


def test_types_of_same_skill_matches_follow_how_the_credential_names_it() -> None:
    pairs = _pairs([0, 0, 0, 0], [1, 1, 1, 1], [1.0] * 4)  # role skill 0 is vocabulary skill 1 (Python)
    mention = np.array([MENTION["declared"], MENTION["label"], MENTION["alias"], MENTION["meaning"]], np.int8)
    types = match_types(STRUCTURE, np.array([1]), pairs, mention, semantic_similarity=0.8)
    assert types.tolist() == [EXACT, EXACT, ALIAS, SEMANTIC]


def test_semantic_matches_between_unlinked_skills_need_close_labels() -> None:
    pairs = _pairs([0, 0], [3, 3], [0.79, 0.85])  # role skill: communication (5); credential: warehouses (3)
    mention = np.full(2, MENTION["label"], np.int8)
    types = match_types(STRUCTURE, np.array([5]), pairs, mention, semantic_similarity=0.8)
    assert types.tolist() == [NO_MATCH, SEMANTIC]


def test_a_skill_outside_the_vocabulary_matches_by_meaning_only() -> None:
    pairs = _pairs([0], [3], [0.9])
    mention = np.full(1, MENTION["label"], np.int8)
    assert match_types(STRUCTURE, np.array([-1]), pairs, mention, semantic_similarity=0.8).tolist() == [SEMANTIC]


def test_can_match_is_whether_some_mention_gives_a_type() -> None:
    # every role skill (vocabulary positions 0..5, and one outside) against every skill, near and far
    role_positions = np.array([0, 1, 2, 3, 4, 5, -1])
    role, skill = (grid.ravel() for grid in np.meshgrid(np.arange(7), np.arange(6), indexing="ij"))
    for similarity in (0.5, 0.79, 0.8, 0.95):
        pairs = _pairs(role.tolist(), skill.tolist(), [similarity] * len(role))
        typed = np.zeros(len(role), dtype=bool)
        for mention in MENTION.values():
            kinds = np.full(len(role), mention, np.int8)
            typed |= match_types(STRUCTURE, role_positions, pairs, kinds, semantic_similarity=0.8) != NO_MATCH
        found = can_match(
            STRUCTURE, role_positions, pairs.role, pairs.skill, pairs.similarity, semantic_similarity=0.8
        )
        assert found.tolist() == typed.tolist()
    # by hand: Python for programming always (narrower), Java for Python never (siblings), warehouses for
    # communication only from 0.8
    low = _pairs([0, 1, 5], [1, 2, 3], [0.5, 0.95, 0.79])
    assert can_match(STRUCTURE, role_positions, low.role, low.skill, low.similarity, semantic_similarity=0.8).tolist() == [
        True, False, False,
    ]  # fmt: skip


def test_check_keeps_claims_whose_sense_and_focus_reach_the_threshold_plus_the_margin() -> None:
    # Two role skills; unit description vectors; two evidence strings; one credential document.
    descriptions = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    evidence_vectors = np.array([[1.0, 0.0], [0.6, 0.8]], np.float32)
    documents = np.array([[0.6, 0.8]], np.float32)
    pairs = _pairs([0, 1, 1], [1, 3, 5], [1.0, 0.9, 0.9])
    evidence_ids = np.array([0, 1, 1])  # entry → evidence string
    weights = np.array([1.0, 0.5, 0.5], np.float32)
    types = np.array([EXACT, RELATED, SEMANTIC], np.int8)
    # sense + focus: 1 + 0.6 = 1.6; 0.8 + 0.8 = 1.6 (needs 1.0 + 0.3); the same for the semantic one.
    claims = check(pairs, types, descriptions, evidence_ids, evidence_vectors, documents, weights, threshold=1.0)
    assert claims.pairs.skill.tolist() == [1, 3, 5]
    np.testing.assert_allclose(claims.sense + claims.focus, [1.6, 1.6, 1.6], rtol=1e-6)
    expected = [TYPE_WEIGHTS[EXACT] * 1.0, TYPE_WEIGHTS[RELATED] * 0.5, TYPE_WEIGHTS[SEMANTIC] * 0.5 * 0.9]
    np.testing.assert_allclose(claims.credit, expected, rtol=1e-6)
    strict = check(pairs, types, descriptions, evidence_ids, evidence_vectors, documents, weights, threshold=1.4)
    assert strict.pairs.skill.tolist() == [1]  # the weak types need 1.4 + the margin
    assert WEAK_MARGIN[RELATED] > 0 and WEAK_MARGIN[EXACT] == 0


def test_no_match_types_are_never_claimed() -> None:
    pairs = _pairs([0], [2], [0.95])
    claims = check(pairs, np.array([NO_MATCH], np.int8), np.eye(2, dtype=np.float32)[:1], np.array([0]),
                   np.eye(2, dtype=np.float32)[:1], np.eye(2, dtype=np.float32)[:1], np.ones(1, np.float32),
                   threshold=-10.0)  # fmt: skip
    assert len(claims.pairs.role) == 0

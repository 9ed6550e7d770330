"""The exact-form boost in extraction, and choosing the skill-presence settings on validation data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from recommender.encoders.hashing import HashingEncoder
from recommender.evaluation.calibration import PER_SEGMENT, SHORT_MARGIN, THRESHOLDS, calibrate, sweep
from recommender.inputs.taxonomy import Skill, Vocabulary
from recommender.skills.extractor import SkillExtractor

VOCABULARY = Vocabulary(
    (
        Skill("py", "Python (computer programming)", aliases=("Python",)),
        Skill("etl", "extract transform load tools"),
        Skill("care", "patient care"),
    ),
    "generic",
)
ENCODER = HashingEncoder(64)
SEGMENT = "build ETL pipelines in Python every week"


def test_a_skill_named_word_for_word_gains_the_boost() -> None:
    plain = SkillExtractor(threshold=0.0, per_segment=3, exact_boost=0.0).fit(VOCABULARY, ENCODER)
    boosted = SkillExtractor(threshold=0.0, per_segment=3, exact_boost=0.25).fit(VOCABULARY, ENCODER)
    embedding = ENCODER.encode([SEGMENT])
    before = {m.skill: m.similarity for m in plain.match_embeddings(embedding, [SEGMENT])}
    after = {m.skill: m.similarity for m in boosted.match_embeddings(embedding, [SEGMENT])}
    forms, _ = VOCABULARY.surface_forms()
    python_cosine = float(np.max(ENCODER.encode(forms[:2]) @ embedding[0]))  # its label and its alias
    assert before[0] == np.float32(python_cosine) or abs(before[0] - python_cosine) < 1e-6
    assert abs(after[0] - min(1.0, python_cosine + 0.25)) < 1e-6
    assert {k: v for k, v in after.items() if k != 0} == {k: v for k, v in before.items() if k != 0}  # not named
    assert boosted.match_embeddings(embedding) == plain.match_embeddings(embedding)  # no text, no boost


def test_the_boost_lifts_a_named_skill_over_the_threshold() -> None:
    embedding = ENCODER.encode([SEGMENT])
    extractor = SkillExtractor(threshold=0.0, per_segment=3, exact_boost=0.0).fit(VOCABULARY, ENCODER)
    cosine = {m.skill: m.similarity for m in extractor.match_embeddings(embedding, [SEGMENT])}[0]
    strict = SkillExtractor(threshold=cosine + 0.05, per_segment=3, exact_boost=0.1).fit(VOCABULARY, ENCODER)
    assert 0 in {m.skill for m in strict.match_embeddings(embedding, [SEGMENT])}
    stricter = SkillExtractor(threshold=cosine + 0.05, per_segment=3, exact_boost=0.0).fit(VOCABULARY, ENCODER)
    assert 0 not in {m.skill for m in stricter.match_embeddings(embedding, [SEGMENT])}


def _validation(tmp_path: Path) -> Path:
    rows = [
        {"text": "patient care", "labels": ["patient care"]},
        {"text": "Python", "labels": ["Python (computer programming)"]},
        {"text": "we like the seaside", "labels": []},
    ]
    path = tmp_path / "validation.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_sweep_counts_by_hand(tmp_path: Path) -> None:
    scores = sweep(ENCODER, VOCABULARY, [_validation(tmp_path)], boosts=(0.0,))
    assert set(scores) == {(t, n, 0.0) for t in THRESHOLDS for n in PER_SEGMENT}
    # Both labelled sentences are a form of their skill (cosine 1) but only two words long: they need
    # threshold + SHORT_MARGIN, so they are found up to a threshold of 0.80 and missed above it.
    assert all(scores[(t, n, 0.0)][1] == (1.0 if t + SHORT_MARGIN <= 1.0 else 0.0) for t, n, _ in scores)
    # At 0.80 only the exact forms remain, one per segment: precision 1.
    assert scores[(0.8, 1, 0.0)] == (1.0, 1.0, 1.0)


def test_calibrate_picks_the_best_f1_and_reports_the_defaults(tmp_path: Path) -> None:
    chosen = calibrate(ENCODER, VOCABULARY, [_validation(tmp_path)], boosts=(0.0,))
    assert chosen["f1"] == 1.0 and chosen["short_threshold"] == round(chosen["threshold"] + SHORT_MARGIN, 3)
    assert chosen["threshold"] == 0.8  # ties at F1 1: the highest threshold that still finds them
    # A boost lets the named forms pass stricter thresholds: F1 1 up to 0.90 with 0.2
    boosted = calibrate(ENCODER, VOCABULARY, [_validation(tmp_path)], boosts=(0.0, 0.2))
    assert (boosted["threshold"], boosted["exact_boost"], boosted["f1"]) == (0.9, 0.2, 1.0)
    assert 0.0 <= chosen["default_settings_f1"] <= 1.0

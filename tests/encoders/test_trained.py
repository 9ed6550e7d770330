"""The trained encoder becomes the ESCO default only when its training record says it won on validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender import Settings
from recommender.encoders.trained import TRAINING_RECORD, calibrated_settings, default_encoder_for
from recommender.inputs.taxonomy import Skill, Vocabulary

ESCO = Vocabulary((Skill("http://data.europa.eu/esco/skill/1", "SQL"),), "esco")
GENERIC = Vocabulary((Skill("s1", "SQL"),), "generic")
CALIBRATION = {"threshold": 0.675, "short_threshold": 0.875, "per_segment": 2, "f1": 0.29}


def _trained(folder: Path, wins: bool) -> Path:
    folder.mkdir(parents=True)
    record = {"wins_on_validation": wins, "best_validation": 0.635, "base_validation": 0.48, "calibration": CALIBRATION}
    (folder / TRAINING_RECORD).write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_a_winning_trained_encoder_is_the_esco_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_TRAINED_ENCODER", str(_trained(tmp_path / "won", wins=True)))
    assert default_encoder_for(ESCO) == str(tmp_path / "won")
    assert default_encoder_for(GENERIC) is None  # another vocabulary: the packaged model
    assert default_encoder_for(None) is None


def test_a_losing_or_missing_trained_encoder_is_never_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECOMMENDER_TRAINED_ENCODER", str(_trained(tmp_path / "lost", wins=False)))
    assert default_encoder_for(ESCO) is None
    monkeypatch.setenv("RECOMMENDER_TRAINED_ENCODER", str(tmp_path / "absent"))
    assert default_encoder_for(ESCO) is None


def test_an_encoder_folder_brings_its_calibrated_threshold(tmp_path: Path) -> None:
    folder = _trained(tmp_path / "won", wins=True)
    settings = calibrated_settings(Settings(), str(folder))
    assert (settings.threshold, settings.short_threshold, settings.per_segment) == (0.675, 0.875, 2)
    assert settings.skill_similarity == Settings().skill_similarity  # the rest untouched
    assert calibrated_settings(Settings(), "default") == Settings()
    assert calibrated_settings(Settings(), str(tmp_path)) == Settings()  # a folder without a record


def test_ranker_weights_come_from_the_training_record(tmp_path: Path) -> None:
    from recommender.encoders.trained import ranker_weights

    folder = _trained(tmp_path / "won", wins=True)
    record = json.loads((folder / TRAINING_RECORD).read_text(encoding="utf-8"))
    record["ranker"] = {"exact_boost": 0.3, "lexical_weight": 0.3, "validation_rp@5": 0.68}
    (folder / TRAINING_RECORD).write_text(json.dumps(record), encoding="utf-8")
    assert ranker_weights(str(folder)) == {"exact_boost": 0.3, "lexical_weight": 0.3}
    assert ranker_weights("default") == {} and ranker_weights(str(tmp_path)) == {}

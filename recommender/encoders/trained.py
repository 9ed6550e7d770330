"""Which encoder an ESCO index uses by default, and the skill-presence settings calibrated for it.

``recommender train`` writes ``recommender-train.json`` beside the trained model: its validation
figures against the base model's, and the threshold calibrated for it on validation. An ESCO index
built without ``--encoder`` uses the trained encoder in the user's data folder (``encoder-esco``, or
``$RECOMMENDER_TRAINED_ENCODER``) only when that record says it beat the base model on validation; a
fresh install has none and keeps the packaged all-MiniLM-L6-v2. Any encoder folder with a record
brings its calibrated threshold along unless settings are given.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..defaults import default_trained_dir
from ..inputs.taxonomy import Vocabulary

logger = logging.getLogger(__name__)

TRAINING_RECORD = "recommender-train.json"  # left out of the encoder fingerprint (encoders/base.py)
CALIBRATED = ("threshold", "short_threshold", "per_segment", "exact_boost")


def read_training_record(folder: str | Path) -> dict[str, Any] | None:
    """The training record of a model folder, or None (not trained here, or unreadable)."""
    path = Path(folder) / TRAINING_RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def default_encoder_for(vocabulary: Vocabulary | None) -> str | None:
    """The trained encoder's folder when ``vocabulary`` is ESCO and the encoder won on validation."""
    if vocabulary is None or vocabulary.source != "esco":
        return None
    folder = default_trained_dir()
    record = read_training_record(folder)
    if record is None or not record.get("wins_on_validation"):
        return None
    logger.info(
        "ESCO index: using the trained encoder %s (validation RP@5 %.1f against %.1f for the base model; "
        "--encoder default for the base)",
        folder, 100 * record["best_validation"], 100 * record["base_validation"],
    )  # fmt: skip
    return str(folder)


def calibrated_settings(settings: Any, encoder_spec: str | None) -> Any:
    """``settings`` with the threshold calibrated for ``encoder_spec``'s folder, when it has a record."""
    if encoder_spec is None or not Path(encoder_spec).is_dir():
        return settings
    record = read_training_record(encoder_spec)
    calibration = (record or {}).get("calibration") or {}
    chosen = {key: calibration[key] for key in CALIBRATED if key in calibration}
    if "threshold" not in chosen:
        return settings
    logger.info("skill-presence settings calibrated for %s: %s", encoder_spec, chosen)
    return replace(settings, **chosen)


def ranker_weights(encoder: Any) -> dict[str, float]:
    """``SkillRanker`` keyword arguments for ``encoder`` (a spec, or an encoder with a ``model_path``):
    the weights its training record holds, else the packaged model's defaults."""
    spec = getattr(getattr(encoder, "inner", encoder), "model_path", encoder)
    record = read_training_record(spec) if isinstance(spec, (str, Path)) and Path(spec).is_dir() else None
    weights = (record or {}).get("ranker") or {}
    return {key: float(weights[key]) for key in ("exact_boost", "lexical_weight") if key in weights}

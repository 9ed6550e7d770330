"""Domain-adapt the sentence-transformers encoder to ESCO skills, contrastively, on CPU.

``train_encoder`` fine-tunes a sentence-transformers model with MultipleNegativesRankingLoss on
(anchor → skill label) pairs (``training_data``), each with one hard negative: a skill whose label the
base encoder finds close to the positive's. Every ``eval_every`` steps it ranks every ESCO skill for
each TECH/HOUSE *validation* sentence (best cosine over the skill's forms, as the extractor does) and
keeps the checkpoint with the best mean RP@5; the best one is written, as it is found, as a normal
sentence-transformers folder (usable as ``--encoder PATH``) with a model card (``README.md``).

The loop is a plain torch loop around sentence-transformers' own loss and model, so it needs neither
``datasets`` nor ``accelerate`` (which ``SentenceTransformerTrainer`` requires).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..encoders.base import Encoder
from ..errors import InvalidInputError
from ..inputs.datasets import ESCO
from ..inputs.tabular import PathLike
from ..inputs.taxonomy import Vocabulary
from .common import TrainConfig, TrainedEncoder, TrainResult, ValidationSet, load_validation, validation_scores
from .pairs import Pair

logger = logging.getLogger(__name__)

_METHOD = {
    "adapter": "a residual layer (`tanh(Wx + b) + x`, sentence-transformers' Dense module) trained on the frozen "
    "encoder's embeddings with MultipleNegativesRankingLoss's cross-entropy over all skill labels.",
    "full": "every weight fine-tuned with MultipleNegativesRankingLoss, one hard negative per pair (a skill whose "
    "label the base encoder finds close to the positive's).",
}
MODEL_CARD = "README.md"  # outside the encoder fingerprint (encoder.weights_fingerprint skips .md)


MODE_DEFAULTS: dict[str, dict[str, Any]] = {
    # A step of the adapter is a 384×384 product: many cheap steps, scored with labels and aliases.
    "adapter": {"batch_size": 128, "learning_rate": 1e-3, "epochs": 1.0, "eval_every": 50, "eval_forms": "all"},
    # A step of full fine-tuning is a transformer forward/backward (≈3 s on 2 free cores at batch 64).
    "full": {"batch_size": 64, "learning_rate": 5e-5, "epochs": 1.0, "eval_every": 150, "eval_forms": "labels"},
}


def config_for(mode: str, **overrides: Any) -> TrainConfig:
    """The default configuration of ``mode`` ("adapter" or "full"), with the ``overrides`` that are not None."""
    if mode not in MODE_DEFAULTS:
        raise InvalidInputError(f"mode must be 'adapter' or 'full', got {mode!r}")
    settings = {**MODE_DEFAULTS[mode], **{k: v for k, v in overrides.items() if v is not None}}
    return TrainConfig(mode=mode, **settings)


def train_encoder(
    pairs: Sequence[Pair],
    vocabulary: Vocabulary,
    output: PathLike,
    *,
    validation: Sequence[ValidationSet] = (),
    base: str | Path | None = None,
    config: TrainConfig | None = None,
    encoder: Encoder | None = None,
    on_step: Callable[[int, int, float], None] | None = None,
) -> TrainResult:
    """Fine-tune ``base`` (a sentence-transformers folder; default: the packaged all-MiniLM-L6-v2) on
    ``pairs`` and write the checkpoint with the best validation score to ``output``.

    ``encoder`` is the base model as an :class:`Encoder` (wrap it in ``CachedEncoder`` to reuse embeddings;
    built when not given). Without ``validation`` the last step is kept. ``on_step(step, total, loss)``
    reports progress.
    """
    from ..encoders.sentence import SentenceTransformerEncoder, default_model_path

    config = config or TrainConfig()
    if not pairs:
        raise InvalidInputError("no training pairs: check the data folders given to train")
    if config.mode not in ("adapter", "full"):
        raise InvalidInputError(f"mode must be 'adapter' or 'full', got {config.mode!r}")
    if config.eval_forms not in ("labels", "all"):
        raise InvalidInputError(f"eval_forms must be 'labels' or 'all', got {config.eval_forms!r}")
    base_path = Path(base) if base is not None else default_model_path()
    encoder = encoder or SentenceTransformerEncoder(None if base is None else base_path)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if config.mode == "adapter":
        from .adapter import train_adapter

        result: TrainResult = train_adapter(
            pairs, vocabulary, output, encoder=encoder, base_path=base_path, config=config,
            validation=validation, on_step=on_step,
        )  # fmt: skip
        return result
    from .full import train_full

    labels = encoder.encode([s.label for s in vocabulary.skills]) if config.hard_negatives else None
    return train_full(pairs, vocabulary, output, base_path, config, validation, labels, on_step)


def write_model_card(output: PathLike, result: TrainResult, config: TrainConfig, extra: dict[str, Any]) -> Path:
    """Write ``README.md`` in the model folder: data, steps, time, validation figures and ``extra``."""
    output = Path(output)
    best = next((h for h in result.history if h["step"] == result.best_step), {})
    lines = [
        "---",
        "library_name: sentence-transformers",
        "pipeline_tag: sentence-similarity",
        "tags: [sentence-transformers, esco, skill-extraction]",
        "---",
        f"# {output.name}",
        "",
        "all-MiniLM-L6-v2 domain-adapted by `recommender train` to rank ESCO skills for job-ad sentences: "
        + _METHOD[config.mode]
        + " Use it as `--encoder PATH`.",
        "",
        "## Data (pairs per source)",
        "",
        *[f"- {source}: {n}" for source, n in sorted(result.pairs.items())],
        "",
        "No test file was used; sentences that occur in a TECH/HOUSE validation or test file were removed.",
        "",
        "## Training",
        "",
        f"- steps: {result.steps} (best checkpoint: step {result.best_step}), batch {config.batch_size}, "
        f"lr {config.learning_rate}"
        + (
            f", max_seq_length {config.max_seq_length} (inference keeps the base length)"
            if config.mode == "full"
            else ""
        ),
        f"- time: {result.seconds / 60:.1f} min on CPU ({os.cpu_count()} cores)",
        f"- checkpoint selection: mean RP@5 on TECH + HOUSE validation, ranking by {config.eval_forms}",
        "",
        "## Validation (RP@5 / RP@10 / MRR, %)",
        "",
        "| step | " + " | ".join(k for k in best if "/" in k) + " |",
        "|---|" + "---|" * len([k for k in best if "/" in k]),
        *[
            f"| {h['step']}{' (best)' if h['step'] == result.best_step else ''} | "
            + " | ".join(f"{100 * v:.1f}" for k, v in h.items() if "/" in k)
            + " |"
            for h in result.history
        ],
        "",
    ]
    for title, value in extra.items():
        lines += [
            f"## {title}",
            "",
            value if isinstance(value, str) else "```json\n" + json.dumps(value, indent=2) + "\n```",
            "",
        ]
    lines += ["Data: ESCO, European Commission, CC BY 4.0; SkillSpan (MIT); TECH (CC BY 4.0) and HOUSE (MIT)."]
    path = output / MODEL_CARD
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- the whole run
def train_from_data(
    shared: PathLike,
    output: PathLike,
    *,
    base: str | Path | None = None,
    config: TrainConfig | None = None,
    sources: Sequence[str] | None = None,
    caps: dict[str, int] | None = None,
    cache_dir: PathLike | None = None,
    calibrate: bool = True,
    on_step: Callable[[int, int, float], None] | None = None,
) -> TrainedEncoder:
    """The whole ``recommender train`` run on the shared data folder: build pairs, train, pick the best
    checkpoint on TECH/HOUSE validation, score it with labels + aliases, calibrate its threshold, write
    the model card. Returns the result and the card's extra sections."""
    from ..encoders.cache import CachedEncoder
    from ..encoders.load import load_encoder
    from ..inputs.taxonomy import load_taxonomy
    from .pairs import DEFAULT_SOURCES, build_pairs

    config = config or TrainConfig()
    root = Path(shared)
    if not ESCO.file(root).is_dir():
        raise InvalidInputError(f"{root} has no esco/ folder: pass --data the shared data folder (../shared/data)")
    started = time.monotonic()
    vocabulary = load_taxonomy(ESCO.file(root))
    encoder = CachedEncoder(load_encoder(None if base is None else str(base)), cache_dir)
    logger.info("building training pairs from %s", root)
    pairs = build_pairs(root, vocabulary, encoder=encoder, sources=sources or DEFAULT_SOURCES, caps=caps)
    bench = root / "benchmarks" / "skill_extraction"
    paths = [p for p in (bench / "tech_validation_annotations.csv", bench / "house_validation_annotations.csv")]
    validation = load_validation([p for p in paths if p.is_file()], vocabulary)
    result = train_encoder(
        pairs, vocabulary, output, validation=validation, base=base, config=config, encoder=encoder, on_step=on_step
    )
    extra: dict[str, Any] = {}
    record: dict[str, Any] = {"steps": result.steps, "best_step": result.best_step, "config": asdict(config)}
    if validation:
        trained = CachedEncoder(load_encoder(str(result.output)), cache_dir)
        final = validation_scores(trained.encode, validation, vocabulary, "all")
        extra["Validation of the kept checkpoint (labels + aliases, max cosine; %)"] = "\n".join(
            f"- {key}: {100 * value:.1f}" for key, value in final.items()
        )
        base_score = next((h["score"] for h in result.history if h["step"] == 0), None)
        record.update(validation=final, best_validation=result.best_score, base_validation=base_score)
        # The trained encoder may become the ESCO default (encoders/trained.py) only if it beat the base model.
        record["wins_on_validation"] = base_score is not None and result.best_score > base_score
        if calibrate:
            from ..evaluation.calibration import calibrate as calibrate_threshold

            calibration = calibrate_threshold(trained, vocabulary, [p for p in paths if p.is_file()])
            extra["Skill-presence threshold (calibrated on TECH + HOUSE validation)"] = calibration
            record["calibration"] = calibration
        # The hybrid ranking's weights (skills/ranker.py) for this encoder, tuned on the same validation sets.
        from ..evaluation.calibration import tune_weights
        from ..skills.ranker import SkillRanker

        ranker = SkillRanker().fit(vocabulary, trained)
        record["ranker"] = tune_weights(ranker, [(list(v.texts), [set(g) for g in v.gold]) for v in validation])
        extra["Hybrid ranking weights (tuned on TECH + HOUSE validation)"] = record["ranker"]
    record["seconds"] = round(time.monotonic() - started, 1)
    extra["Run"] = f"{record['seconds'] / 60:.1f} min in all (pairs, training, scoring, calibration)"
    write_training_record(result.output, record)
    write_model_card(result.output, result, config, extra)
    return TrainedEncoder(result, extra)


def write_training_record(output: PathLike, record: dict[str, Any]) -> Path:
    """``recommender-train.json`` beside the model, written atomically (read by encoders/trained.py)."""
    from ..encoders.trained import TRAINING_RECORD

    path = Path(output) / TRAINING_RECORD
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path

"""Fine-tune every weight of the encoder: MultipleNegativesRankingLoss with one hard negative per pair.

A plain torch loop around sentence-transformers' own model and loss (``SentenceTransformerTrainer``
needs ``datasets`` and ``accelerate``, which this project does not install). Each pair's hard negative
is a skill whose label the base encoder finds close to the positive's (ranks ``negative_ranks`` of its
neighbours: the very nearest are often synonyms). Batches never repeat an anchor or a skill, so in-batch
negatives are true negatives. Every ``eval_every`` steps the validation sets are scored and the best
checkpoint is written. Slow on CPU (seconds per step): ``train_adapter`` is the fast default.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..inputs.taxonomy import Vocabulary
from .common import TrainConfig, TrainResult, ValidationSet, save_model, validation_scores
from .pairs import Pair

logger = logging.getLogger(__name__)


def neighbour_table(label_vectors: np.ndarray, depth: int) -> np.ndarray:
    """For each skill, the ``depth`` other skills with the closest labels, nearest first."""
    depth = min(depth, len(label_vectors) - 1)
    table = np.zeros((len(label_vectors), depth), dtype=np.int32)
    for start in range(0, len(label_vectors), 512):
        sims = label_vectors[start : start + 512] @ label_vectors.T
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = -np.inf
        top = np.argpartition(-sims, depth, axis=1)[:, :depth]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1)
        table[start : start + len(rows)] = np.take_along_axis(top, order, axis=1)
    return table


def make_batches(pairs: Sequence[Pair], batch_size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffle and cut into batches in which no anchor and no skill repeats (in-batch negatives must be
    negatives); pairs that do not fit wait for a later batch."""
    pending = list(pairs)
    rng.shuffle(pending)
    batches: list[list[Pair]] = []
    while pending:
        batch: list[Pair] = []
        anchors: set[str] = set()
        skills: set[int] = set()
        rest: list[Pair] = []
        for pair in pending:
            if len(batch) < batch_size and pair.anchor not in anchors and pair.skill not in skills:
                batch.append(pair)
                anchors.add(pair.anchor)
                skills.add(pair.skill)
            else:
                rest.append(pair)
        if len(batch) < 2:
            break
        batches.append(batch)
        pending = rest
    return batches


def _positives_of(pairs: Sequence[Pair]) -> dict[str, set[int]]:
    positives: dict[str, set[int]] = {}
    for pair in pairs:
        positives.setdefault(pair.anchor, set()).add(pair.skill)
    return positives


def train_full(
    pairs: Sequence[Pair],
    vocabulary: Vocabulary,
    output: Path,
    base_path: Path,
    config: TrainConfig,
    validation: Sequence[ValidationSet],
    label_vectors: np.ndarray | None,
    on_step: Callable[[int, int, float], None] | None,
) -> TrainResult:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import get_linear_schedule_with_warmup

    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model = SentenceTransformer(str(base_path), device="cpu")
    inference_length = int(model.max_seq_length or 256)
    model.max_seq_length = config.max_seq_length
    labels = [s.label for s in vocabulary.skills]

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=128, normalize_embeddings=True, convert_to_numpy=True))

    negatives = None
    if config.hard_negatives:
        vectors = label_vectors if label_vectors is not None else encode(labels)
        negatives = neighbour_table(np.asarray(vectors, dtype=np.float32), config.negative_ranks[1])
    positives = _positives_of(pairs)
    batches_per_epoch = len(make_batches(pairs, config.batch_size, random.Random(config.seed)))
    total = config.max_steps or max(1, round(batches_per_epoch * config.epochs))
    loss_fn = MultipleNegativesRankingLoss(model, scale=config.scale)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimizer, round(config.warmup_ratio * total), total)
    history: list[dict[str, Any]] = []
    best_step, best_score = -1, -1.0
    started = time.monotonic()

    def evaluate(step: int) -> None:
        nonlocal best_step, best_score
        if not validation:
            return
        model.eval()
        with torch.no_grad():
            scores = validation_scores(encode, validation, vocabulary, config.eval_forms)
        model.train()
        history.append({"step": step, "seconds": round(time.monotonic() - started, 1), **scores})
        figures = ", ".join(f"{k} {100 * v:.1f}" for k, v in scores.items() if k.endswith("rp@5"))
        logger.info("step %d: %s (mean RP@5 %.1f)", step, figures, 100 * scores["score"])
        if scores["score"] > best_score:
            best_step, best_score = step, scores["score"]
            save_model(model, output, inference_length)  # step 0: the base model, if nothing beats it

    if config.eval_start:
        evaluate(0)
    model.train()
    step, epoch = 0, 0
    while step < total:
        for batch in make_batches(pairs, config.batch_size, random.Random(config.seed + epoch)):
            if step >= total:
                break
            columns = [[p.anchor for p in batch], [labels[p.skill] for p in batch]]
            if negatives is not None:
                low, high = config.negative_ranks
                columns.append(
                    [labels[_draw_negative(negatives[p.skill, low:high], positives[p.anchor], rng)] for p in batch]
                )
            features = [model.preprocess(column) for column in columns]
            loss = loss_fn(features, None)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if on_step is not None:
                on_step(step, total, float(loss.item()))
            if step % config.eval_every == 0 and step < total:
                evaluate(step)
        epoch += 1
    evaluate(total)
    if not validation or best_step < 0:
        best_step = total
        save_model(model, output, inference_length)
    seconds = time.monotonic() - started
    counts = dict(Counter(p.source for p in pairs))
    return TrainResult(output, best_step, best_score, total, seconds, history, counts)


def _draw_negative(candidates: np.ndarray, exclude: set[int], rng: random.Random) -> int:
    choices = [int(c) for c in candidates if int(c) not in exclude]
    return rng.choice(choices) if choices else int(candidates[-1])

"""The fast way to domain-adapt the encoder: a residual layer on top of the frozen base model.

The base model's embeddings of every anchor and every skill label are computed once (and kept in the
embedding cache), so a training step costs a 384×384 matrix product instead of a transformer's forward
and backward pass: thousands of steps take minutes on a shared 2-core CPU, and checkpoints are scored
with every ESCO label *and* alias. The layer is sentence-transformers' own ``Dense`` module
(``tanh(W x + b) + x``, starting as the identity) followed by ``Normalize``, so the result is a normal
sentence-transformers folder. The loss is MultipleNegativesRankingLoss's softmax cross-entropy taken
over *all* skill labels: every skill is a negative, the hardest ones included.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..encoders.base import Encoder
from ..inputs.tabular import PathLike
from ..inputs.taxonomy import Vocabulary
from .common import TrainResult, rank_by_forms, save_model, validation_metrics
from .pairs import Pair

logger = logging.getLogger(__name__)


def adapter_layer(dim: int) -> Any:
    """The residual layer `recommender train --mode adapter` trains: `tanh(Wx + b) + x`, starting as the identity."""
    import torch
    from sentence_transformers.sentence_transformer.modules import Dense

    return Dense(
        dim, dim, bias=True, activation_function=torch.nn.Tanh(), use_residual=True,
        init_weight=torch.zeros(dim, dim), init_bias=torch.zeros(dim),
    )  # fmt: skip


def train_adapter(
    pairs: Sequence[Pair],
    vocabulary: Vocabulary,
    output: PathLike,
    *,
    encoder: Encoder,
    base_path: Path,
    config: Any,
    validation: Sequence[Any] = (),
    on_step: Callable[[int, int, float], None] | None = None,
) -> Any:
    """Train the residual layer on ``encoder``'s (the base model's) embeddings; write base + layer."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize

    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    anchors = list(dict.fromkeys(p.anchor for p in pairs))
    anchor_row = {text: i for i, text in enumerate(anchors)}
    logger.info("embedding %d anchors and %d labels with the base encoder (cached)", len(anchors), len(vocabulary))
    anchor_vectors = torch.from_numpy(np.asarray(encoder.encode(anchors), dtype=np.float32))
    label_vectors = torch.from_numpy(np.asarray(encoder.encode([s.label for s in vocabulary.skills]), dtype=np.float32))
    forms, form_skill = vocabulary.surface_forms() if config.eval_forms == "all" else ([], None)
    eval_forms = torch.from_numpy(np.asarray(encoder.encode(forms), dtype=np.float32)) if forms else label_vectors
    eval_skill = np.asarray(form_skill) if forms else np.arange(len(vocabulary), dtype=np.int32)
    val_vectors = [torch.from_numpy(np.asarray(encoder.encode(list(v.texts)), dtype=np.float32)) for v in validation]
    layer = adapter_layer(anchor_vectors.shape[1])
    optimizer = torch.optim.AdamW(layer.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    rows = [(anchor_row[p.anchor], p.skill) for p in pairs]
    steps_per_epoch = max(1, len(rows) // config.batch_size)
    total = config.max_steps or max(1, round(steps_per_epoch * config.epochs))
    warmup = round(config.warmup_ratio * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / max(1, warmup), max(0.0, (total - s) / max(1, total - warmup)))
    )

    def embed(x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.normalize(layer({"sentence_embedding": x})["sentence_embedding"], dim=-1)

    history: list[dict[str, Any]] = []
    best = (-1.0, -1, None)
    started = time.monotonic()

    def evaluate(step: int) -> None:
        nonlocal best
        with torch.no_grad():
            skills = embed(eval_forms).numpy()
            scores = validation_metrics(
                [rank_by_forms(embed(v).numpy(), skills, eval_skill, len(vocabulary)) for v in val_vectors], validation
            )
        history.append({"step": step, "seconds": round(time.monotonic() - started, 1), **scores})
        logger.info("step %d: mean validation RP@5 %.1f", step, 100 * scores["score"])
        if scores["score"] > best[0]:
            best = (scores["score"], step, {k: v.detach().clone() for k, v in layer.state_dict().items()})

    if validation and config.eval_start:
        evaluate(0)
    step = 0
    while step < total:
        rng.shuffle(rows)
        for start in range(0, len(rows) - config.batch_size + 1, config.batch_size):
            if step >= total:
                break
            batch = rows[start : start + config.batch_size]
            queries = embed(anchor_vectors[[a for a, _ in batch]])
            logits = config.scale * queries @ embed(label_vectors).T
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([s for _, s in batch]))
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if on_step is not None:
                on_step(step, total, float(loss.item()))
            if validation and (step % config.eval_every == 0 or step == total):
                evaluate(step)
    if best[2] is not None:
        layer.load_state_dict(best[2])
    best_step = best[1] if validation else total
    model = SentenceTransformer(str(base_path), device="cpu")
    model = SentenceTransformer(modules=[*model, layer, Normalize()], device="cpu")
    save_model(model, Path(output))
    seconds = time.monotonic() - started
    counts = dict(Counter(p.source for p in pairs))
    return TrainResult(Path(output), best_step, best[0], total, seconds, history, counts)

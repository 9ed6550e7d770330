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
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidInputError
from .metrics import mean_reciprocal_rank, rp_at_k
from .tabular import PathLike
from .taxonomy import Vocabulary
from .training_data import Pair

logger = logging.getLogger(__name__)

MODEL_CARD = "README.md"  # outside the encoder fingerprint (encoder._weights_fingerprint skips .md)


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run (recorded in the model card)."""

    batch_size: int = 64
    max_steps: int | None = None  # None: ``epochs`` passes over the pairs
    epochs: float = 1.0
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    max_seq_length: int = 64
    scale: float = 20.0
    hard_negatives: bool = True
    negative_ranks: tuple[int, int] = (3, 30)  # a negative is drawn from the positive's nearest labels in this range
    eval_every: int = 150
    eval_forms: str = "labels"  # "labels" (fast) or "all" (labels + aliases, the extractor's ranking)
    seed: int = 42


@dataclass(frozen=True)
class ValidationSet:
    """Sentences of one labelled file and their gold skill positions (labelled sentences only)."""

    name: str
    texts: tuple[str, ...]
    gold: tuple[frozenset[int], ...]


@dataclass
class TrainResult:
    """What a run did: where the model is, which step won, figures over time, seconds."""

    output: Path
    best_step: int
    best_score: float
    steps: int
    seconds: float
    history: list[dict[str, Any]] = field(default_factory=list)
    pairs: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "output": str(self.output)}


def load_validation(paths: Sequence[PathLike], vocabulary: Vocabulary) -> list[ValidationSet]:
    """Read TECH/HOUSE-style validation files with the evaluation's own reader (same gold, same label list)."""
    from .evaluate import read_skill_benchmark

    sets = []
    for path in paths:
        texts, gold, _ = read_skill_benchmark(path, vocabulary)
        keep = [i for i, g in enumerate(gold) if g]
        name = Path(path).name.replace("_annotations.csv", "")
        sets.append(ValidationSet(name, tuple(texts[i] for i in keep), tuple(frozenset(gold[i]) for i in keep)))
    return sets


def rank_by_forms(queries: np.ndarray, forms: np.ndarray, form_skill: np.ndarray, n_skills: int, depth: int = 100) -> list[list[int]]:
    """Skills ranked for each query by their best-matching form (max cosine), ``depth`` deep."""
    order = np.argsort(form_skill, kind="stable")
    starts = np.searchsorted(form_skill[order], np.arange(n_skills))
    ranked: list[list[int]] = []
    for start in range(0, len(queries), 64):
        sims = queries[start : start + 64] @ forms[order].T
        best = np.maximum.reduceat(sims, starts, axis=1)
        top = np.argsort(-best, axis=1, kind="stable")[:, :depth]
        ranked.extend(row.tolist() for row in top)
    return ranked


def validation_scores(
    encode: Callable[[list[str]], np.ndarray], sets: Sequence[ValidationSet], vocabulary: Vocabulary, forms: str
) -> dict[str, float]:
    """RP@5, RP@10 and MRR per validation set, and ``score``: the mean RP@5 over the sets."""
    if forms == "labels":
        texts = [s.label for s in vocabulary.skills]
        form_skill = np.arange(len(vocabulary), dtype=np.int32)
    else:
        texts, form_skill = vocabulary.surface_forms()
    form_vectors = encode(texts)
    scores: dict[str, float] = {}
    for vset in sets:
        ranked = rank_by_forms(encode(list(vset.texts)), form_vectors, np.asarray(form_skill), len(vocabulary))
        gold = list(vset.gold)
        scores[f"{vset.name}/rp@5"] = rp_at_k(gold, ranked, 5)
        scores[f"{vset.name}/rp@10"] = rp_at_k(gold, ranked, 10)
        scores[f"{vset.name}/mrr"] = mean_reciprocal_rank(gold, ranked)
    scores["score"] = float(np.mean([scores[f"{s.name}/rp@5"] for s in sets]))
    return scores


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


def _save_atomically(model: Any, output: Path, max_seq_length: int) -> None:
    temporary = output.with_name(f".{output.name}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    training_length = model.max_seq_length
    model.max_seq_length = max_seq_length  # inference keeps the base model's length
    try:
        model.save(str(temporary), create_model_card=False)
    finally:
        model.max_seq_length = training_length
    previous = output.with_name(f".{output.name}.old")
    shutil.rmtree(previous, ignore_errors=True)
    if output.exists():
        os.replace(output, previous)
    os.replace(temporary, output)
    shutil.rmtree(previous, ignore_errors=True)


def train_encoder(
    pairs: Sequence[Pair],
    vocabulary: Vocabulary,
    output: PathLike,
    *,
    validation: Sequence[ValidationSet] = (),
    base: str | Path | None = None,
    config: TrainConfig | None = None,
    label_vectors: np.ndarray | None = None,
    on_step: Callable[[int, int, float], None] | None = None,
) -> TrainResult:
    """Fine-tune ``base`` (default: the packaged all-MiniLM-L6-v2) on ``pairs``; write the best checkpoint.

    ``label_vectors`` are the base encoder's embeddings of every skill label (for hard negatives; computed
    when not given). Without ``validation`` the last step is kept. ``on_step(step, total, loss)`` reports progress.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import get_linear_schedule_with_warmup

    from .encoder import default_model_path

    config = config or TrainConfig()
    if not pairs:
        raise InvalidInputError("no training pairs: check the data folders given to train")
    if config.eval_forms not in ("labels", "all"):
        raise InvalidInputError(f"eval_forms must be 'labels' or 'all', got {config.eval_forms!r}")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model = SentenceTransformer(str(base or default_model_path()), device="cpu")
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
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
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
            if step > 0:
                _save_atomically(model, output, inference_length)

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
                columns.append([labels[_draw_negative(negatives[p.skill, low:high], positives[p.anchor], rng)] for p in batch])
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
        _save_atomically(model, output, inference_length)
    seconds = time.monotonic() - started
    counts = dict(Counter(p.source for p in pairs))
    return TrainResult(output, best_step, best_score, total, seconds, history, counts)


def _draw_negative(candidates: np.ndarray, exclude: set[int], rng: random.Random) -> int:
    choices = [int(c) for c in candidates if int(c) not in exclude]
    return rng.choice(choices) if choices else int(candidates[-1])


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
        "all-MiniLM-L6-v2 fine-tuned by `recommender train` to rank ESCO skills for job-ad sentences "
        "(MultipleNegativesRankingLoss, one hard negative per pair). Use it as `--encoder PATH`.",
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
        f"lr {config.learning_rate}, max_seq_length {config.max_seq_length} (inference keeps the base length)",
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
        lines += [f"## {title}", "", value if isinstance(value, str) else "```json\n" + json.dumps(value, indent=2) + "\n```", ""]
    lines += ["Data: ESCO, European Commission, CC BY 4.0; SkillSpan (MIT); TECH (CC BY 4.0) and HOUSE (MIT)."]
    path = output / MODEL_CARD
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

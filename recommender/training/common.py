"""What every training mode shares: the run's settings, validation sets and scores, and saving a model."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..evaluation.metrics import mean_reciprocal_rank, rp_at_k
from ..inputs.tabular import PathLike
from ..inputs.taxonomy import Vocabulary


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run (recorded in the model card)."""

    mode: str = "adapter"  # "adapter": train a residual layer on frozen embeddings; "full": every weight
    batch_size: int = 64
    max_steps: int | None = None  # None: ``epochs`` passes over the pairs
    epochs: float = 1.0
    learning_rate: float = 5e-5
    weight_decay: float = 0.0
    warmup_ratio: float = 0.1
    max_seq_length: int = 64
    scale: float = 20.0
    hard_negatives: bool = True
    negative_ranks: tuple[int, int] = (3, 30)  # a negative is drawn from the positive's nearest labels in this range
    eval_every: int = 150
    eval_forms: str = "labels"  # "labels" (fast) or "all" (labels + aliases, the extractor's ranking)
    eval_start: bool = True  # also score the base model (step 0): a checkpoint must beat it to be kept
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


@dataclass(frozen=True)
class TrainedEncoder:
    """A whole ``recommender train`` run: the training (``result``) and the model card's extra
    sections (``card``: validation of the kept checkpoint, calibrated threshold, ranking weights, time)."""

    result: TrainResult
    card: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "extra": self.card}


def load_validation(paths: Sequence[PathLike], vocabulary: Vocabulary) -> list[ValidationSet]:
    """Read TECH/HOUSE-style validation files with the evaluation's own reader (same gold, same label list)."""
    from ..evaluation.evaluate import read_skill_benchmark

    sets = []
    for path in paths:
        texts, gold, _ = read_skill_benchmark(path, vocabulary)
        keep = [i for i, g in enumerate(gold) if g]
        name = Path(path).name.replace("_annotations.csv", "")
        sets.append(ValidationSet(name, tuple(texts[i] for i in keep), tuple(frozenset(gold[i]) for i in keep)))
    return sets


def rank_by_forms(
    queries: np.ndarray, forms: np.ndarray, form_skill: np.ndarray, n_skills: int, depth: int = 100
) -> list[list[int]]:
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


def validation_metrics(ranked: Sequence[Sequence[Sequence[int]]], sets: Sequence[ValidationSet]) -> dict[str, float]:
    """RP@5, RP@10 and MRR of each set's rankings, and ``score``: the mean RP@5 over the sets."""
    scores: dict[str, float] = {}
    for runs, vset in zip(ranked, sets, strict=True):
        gold = list(vset.gold)
        scores[f"{vset.name}/rp@5"] = rp_at_k(gold, runs, 5)
        scores[f"{vset.name}/rp@10"] = rp_at_k(gold, runs, 10)
        scores[f"{vset.name}/mrr"] = mean_reciprocal_rank(gold, runs)
    scores["score"] = float(np.mean([scores[f"{s.name}/rp@5"] for s in sets]))
    return scores


def validation_scores(
    encode: Callable[[list[str]], np.ndarray], sets: Sequence[ValidationSet], vocabulary: Vocabulary, forms: str
) -> dict[str, float]:
    """Rank every skill for each validation sentence with ``encode`` (by labels, or all forms) and score."""
    if forms == "labels":
        texts = [s.label for s in vocabulary.skills]
        form_skill = np.arange(len(vocabulary), dtype=np.int32)
    else:
        texts, form_skill = vocabulary.surface_forms()
    form_vectors = encode(texts)
    ranked = [rank_by_forms(encode(list(v.texts)), form_vectors, np.asarray(form_skill), len(vocabulary)) for v in sets]
    return validation_metrics(ranked, sets)


def save_model(model: Any, output: Path, max_seq_length: int | None = None) -> None:
    """Write a SentenceTransformer to ``output`` atomically (a temporary folder renamed into place)."""
    temporary = output.with_name(f".{output.name}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    training_length = model.max_seq_length
    if max_seq_length is not None:
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

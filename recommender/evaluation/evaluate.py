"""Evaluation runs: skills of sentences, occupations of titles, skills of roles, credentials of postings.

Each run reads a labelled file, runs the same code the engine runs, and returns a small frozen
dataclass whose ``to_dict()`` holds the figures (fractions in [0, 1]) and ``n``, the number of
items averaged. The metrics are the pure functions of :mod:`recommender.metrics`.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..encoders.base import Encoder
from ..encoders.cache import CachedEncoder
from ..encoders.load import load_encoder
from ..encoders.trained import ranker_weights
from ..errors import InvalidInputError
from ..inputs.tabular import PathLike, peek_columns, read_records
from ..inputs.taxonomy import Vocabulary, load_taxonomy, normalize_label
from ..skills.extractor import SkillExtractor
from ..skills.occupations import OccupationIndex, load_occupations
from ..skills.ranker import SkillRanker
from .benchmarks import NO_SKILL_LABELS, LabelledText, read_annotations
from .metrics import mean_reciprocal_rank, rp_at_k, success_at_k

logger = logging.getLogger(__name__)

LABEL_LIST = "skills_en_label.txt"  # the TECH/HOUSE candidate labels (ESCO v1.1.0), beside their files
FORM_SETTINGS = ("labels", "all", "hybrid")
RANK_DEPTH = 100  # ranked skills / occupations kept per item (MRR counts a hit below it as 0)


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


@dataclass(frozen=True)
class Evaluation:
    """Figures of one run; ``details`` says what was read and how."""

    task: str
    data: str
    n: int
    metrics: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "data": self.data, "n": self.n, **_rounded(self.metrics), "details": self.details}


def resolve_encoder(encoder: str | Encoder | None, *, cache_dir: PathLike | None = None) -> Encoder:
    """An encoder from a spec (or as given), wrapped in the on-disk embedding cache."""
    inner = encoder if encoder is not None and not isinstance(encoder, str) else load_encoder(encoder)
    return inner if isinstance(inner, CachedEncoder) else CachedEncoder(inner, Path(cache_dir) if cache_dir else None)


def as_vocabulary(taxonomy: PathLike | Vocabulary) -> Vocabulary:
    """A vocabulary as given, or loaded from a taxonomy path."""
    return taxonomy if isinstance(taxonomy, Vocabulary) else load_taxonomy(taxonomy)


def labels_only(vocabulary: Vocabulary) -> Vocabulary:
    """The same skills without aliases: rank preferred labels only (the literature's floor)."""
    return Vocabulary(tuple(replace(s, aliases=()) for s in vocabulary.skills), vocabulary.source)


# ---------------------------------------------------------------- skills of sentences
def read_skill_benchmark(
    path: PathLike, vocabulary: Vocabulary, *, labels: PathLike | None = None
) -> tuple[list[str], list[set[int]], dict[str, Any]]:
    """Texts and their gold skill positions; also counts of what was left out.

    Gold labels are matched to a skill by id, else by preferred label (exactly, else
    normalised); a label that names no skill of ``vocabulary``, or that is not in the ``labels``
    list (one label a line; by default ``skills_en_label.txt`` beside ``path`` when it exists),
    carries no skill, like ``LABEL NOT PRESENT`` rows. The list is compared as written: HOUSE's
    one ``"plan "`` (trailing space) is not in it. This is the published TECH/HOUSE protocol
    (labels are ESCO v1.1.0's): it keeps 338 labelled test sentences in TECH and 261 in HOUSE.
    """
    items = _annotations(path)
    allowed = None
    if labels is None and (Path(path).parent / LABEL_LIST).is_file():
        labels = Path(path).parent / LABEL_LIST
    if labels is not None:
        allowed = {line.strip() for line in Path(labels).read_text(encoding="utf-8").splitlines() if line.strip()}
    exact = {s.label: i for i, s in enumerate(vocabulary.skills)}
    normalized: dict[str, int] = {}
    for i, s in enumerate(vocabulary.skills):
        normalized.setdefault(normalize_label(s.label), i)
    positions = vocabulary.index_of()
    gold: list[set[int]] = []
    unknown = 0
    for item in items:
        found: set[int] = set()
        for label in item.labels:
            position = positions.get(label, exact.get(label, normalized.get(normalize_label(label))))
            if position is None or (allowed is not None and label not in allowed):
                unknown += 1
            else:
                found.add(position)
        gold.append(found)
    counts = {"sentences": len(items), "labels_left_out": unknown, "label_list": str(labels) if labels else None}
    return [item.text for item in items], gold, counts


def _annotations(path: PathLike) -> list[LabelledText]:
    """``read_annotations``, but TECH/HOUSE labels kept exactly as written (not stripped)."""
    items = read_annotations(Path(path))
    if Path(path).suffix.lower() != ".csv":
        return items
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"sentence", "label"} <= set(reader.fieldnames or ()):
            return items
        raw: dict[str, list[str]] = {}
        for row in reader:
            labels = raw.setdefault(row["sentence"], [])
            label = row["label"] or ""
            if label.strip() and label.strip() not in NO_SKILL_LABELS and label not in labels:
                labels.append(label)
    return [LabelledText(item.text, tuple(raw.get(item.text, ()))) for item in items]


def evaluate_skills(
    data: PathLike,
    taxonomy: PathLike | Vocabulary,
    *,
    encoder: str | Encoder | None = None,
    forms: str = "all",
    labels: PathLike | None = None,
    cache_dir: PathLike | None = None,
) -> Evaluation:
    """Rank every skill of the vocabulary for each sentence: RP@5, RP@10, MRR.

    ``forms`` is ``"labels"`` (best cosine to the preferred label: the literature's floor), ``"all"``
    (best cosine over labels and aliases, the extractor's ranking) or ``"hybrid"`` (``all`` plus the
    lexical evidence of ``ranker.SkillRanker``: exact forms and character n-grams).
    """
    if forms not in FORM_SETTINGS:
        raise InvalidInputError(f"forms must be one of {', '.join(FORM_SETTINGS)}, got {forms!r}")
    vocabulary = as_vocabulary(taxonomy)
    texts, gold, counts = read_skill_benchmark(data, vocabulary, labels=labels)
    if not any(gold):
        raise InvalidInputError(f"{data}: no sentence has a label that names a skill of the vocabulary")
    text_encoder = resolve_encoder(encoder, cache_dir=cache_dir)
    labelled = [i for i, g in enumerate(gold) if g]
    sentences = [texts[i] for i in labelled]
    if forms == "hybrid":
        ranker = SkillRanker(**ranker_weights(text_encoder))  # a trained encoder's tuned weights, if any
        ranked = ranker.fit(vocabulary, text_encoder).rank(sentences, top_n=RANK_DEPTH)
    else:
        candidates = labels_only(vocabulary) if forms == "labels" else vocabulary
        extractor = SkillExtractor().fit(candidates, text_encoder, reference=False)
        ranked = extractor.rank_skills(text_encoder.encode(sentences), top_n=RANK_DEPTH)
    runs = [[skill for skill, _ in r] for r in ranked]
    golds = [gold[i] for i in labelled]
    metrics = {
        "rp@5": rp_at_k(golds, runs, 5),
        "rp@10": rp_at_k(golds, runs, 10),
        "mrr": mean_reciprocal_rank(golds, runs),
    }
    details = {**counts, "forms": forms, "encoder": text_encoder.spec, "skills": len(vocabulary)}
    if forms == "hybrid":
        details["weights"] = {"exact_boost": ranker.exact_boost, "lexical_weight": ranker.lexical_weight}
    return Evaluation("skills", str(data), len(labelled), metrics, details)


# ---------------------------------------------------------------- occupations of titles
def read_titles(path: PathLike) -> list[tuple[str, str]]:
    """``(title, occupation id)`` pairs from a CSV/JSONL with columns vacancyTitle (or title) and
    conceptUri (or occupation), such as JobBERT's ``titles_validation.csv``."""
    available, stream = peek_columns(read_records(path, kind="titles"))
    lower = {c.strip().casefold(): c for c in available}
    title = lower.get("vacancytitle") or lower.get("title")
    gold = lower.get("concepturi") or lower.get("occupation")
    if title is None or gold is None:
        raise InvalidInputError(
            f"{path}: expected columns vacancyTitle (or title) and conceptUri (or occupation); "
            f"found {', '.join(available)}"
        )
    pairs = []
    for record in stream:
        t, g = str(record.values.get(title) or "").strip(), str(record.values.get(gold) or "").strip()
        if not t or not g:
            raise InvalidInputError(f"{path}, row {record.row}: a title and an occupation are needed; fix the row")
        pairs.append((t, g))
    return pairs


def evaluate_titles(
    data: PathLike,
    occupations: PathLike | OccupationIndex,
    *,
    encoder: str | Encoder | None = None,
    cache_dir: PathLike | None = None,
) -> Evaluation:
    """Rank occupations for each title by its best label cosine: accuracy@1, accuracy@5, MRR."""
    pairs = read_titles(data)
    text_encoder = resolve_encoder(encoder, cache_dir=cache_dir)
    index = occupations if isinstance(occupations, OccupationIndex) else occupation_index(occupations, text_encoder)
    ranked = index.rank_titles(text_encoder.encode([t for t, _ in pairs]), top_n=RANK_DEPTH)
    runs = [[index.occupations_[o].id for o, _ in r] for r in ranked]
    golds = [{g} for _, g in pairs]
    metrics = {
        "accuracy@1": success_at_k(golds, runs, 1),
        "accuracy@5": success_at_k(golds, runs, 5),
        "mrr": mean_reciprocal_rank(golds, runs),
    }
    unknown = sum(1 for _, g in pairs if g not in index.ids_)
    details = {"occupations": len(index), "gold_not_in_occupations": unknown, "encoder": text_encoder.spec}
    return Evaluation("titles", str(data), len(pairs), metrics, details)


def occupation_index(path: PathLike, encoder: Encoder) -> OccupationIndex:
    """ESCO's occupations at ``path``, embedded with ``encoder``."""
    return OccupationIndex().fit(load_occupations(path), encoder)

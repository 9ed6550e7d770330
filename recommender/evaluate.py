"""Evaluation runs: skills of sentences, occupations of titles, skills of roles, credentials of postings.

Each run reads a labelled file, runs the same code the engine runs, and returns a small frozen
dataclass whose ``to_dict()`` holds the figures (fractions in [0, 1]) and ``n``, the number of
items averaged. The metrics are the pure functions of :mod:`recommender.metrics`.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .benchmarks import NO_SKILL_LABELS, LabelledText, read_annotations
from .cache import CachedEncoder
from .encoder import Encoder, encode_grouped, load_encoder, normalize_rows
from .errors import InvalidInputError
from .metrics import mean_average_precision, mean_reciprocal_rank, recall_at_k, rp_at_k, success_at_k
from .occupations import OccupationIndex, load_occupations
from .ranker import SkillRanker
from .roles import BlendSettings, RoleBlender
from .segment import split_segments
from .skills import SkillExtractor
from .tabular import PathLike, peek_columns, read_records
from .taxonomy import Vocabulary, load_taxonomy, normalize_label
from .trained import ranker_weights

logger = logging.getLogger(__name__)

LABEL_LIST = "skills_en_label.txt"  # the TECH/HOUSE candidate labels (ESCO v1.1.0), beside their files
FORM_SETTINGS = ("labels", "all", "hybrid")
RANK_DEPTH = 100  # ranked skills / occupations kept per item (MRR counts a hit below it as 0)
ROLE_DEPTH = 40  # a role profile's length (the engine's max_role_skills): Recall@20 and MAP use it
PROFILES = ("text", "title", "blend")


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


def _vocabulary(taxonomy: PathLike | Vocabulary) -> Vocabulary:
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
    vocabulary = _vocabulary(taxonomy)
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
    index = occupations if isinstance(occupations, OccupationIndex) else _occupation_index(occupations, text_encoder)
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


def _occupation_index(path: PathLike, encoder: Encoder) -> OccupationIndex:
    return OccupationIndex().fit(load_occupations(path), encoder)


# ---------------------------------------------------------------- skills of roles
@dataclass(frozen=True)
class RoleItem:
    """A labelled role: title, text, gold skill ids, and (for ESCO's own) its occupation id."""

    title: str
    text: str
    skills: tuple[str, ...]
    occupation: str = ""


def read_roles(path: PathLike) -> list[RoleItem]:
    """Read JSONL lines ``{"title", "text", "skills": [skill ids], "occupation"?}``."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(f"roles file not found: {p}; build one with scripts/build_roles_dataset.py")
    items = []
    for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            skills = row["skills"]
            if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
                raise TypeError("skills must be a list of skill ids")
            title, text = str(row.get("title") or ""), str(row.get("text") or "")
            item = RoleItem(title, text, tuple(skills), str(row.get("occupation") or ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(
                f'{p}, line {number}: expected {{"title": ..., "text": ..., "skills": [skill ids]}} ({exc})'
            ) from exc
        if not item.title and not item.text:
            raise InvalidInputError(f"{p}, line {number}: give a title or a text")
        items.append(item)
    if not items:
        raise InvalidInputError(f"{p} has no roles")
    return items


@dataclass
class PreparedRoles:
    """What every profile needs, computed once: text skills, title and text vectors, gold."""

    items: list[RoleItem]
    gold: list[set[str]]
    text_scores: list[dict[int, float]]
    titles: list[np.ndarray | None]
    documents: list[np.ndarray | None]
    title_sims: np.ndarray  # roles × occupations: best label cosine of the title (0 without a title)
    text_sims: np.ndarray  # roles × occupations: cosine of the text to the description (0 without a text)
    exclude: list[int | None]
    vocabulary: Vocabulary
    occupations: OccupationIndex
    skill_embeddings: np.ndarray
    seconds: float = 0.0


def prepare_roles(
    items: Sequence[RoleItem], vocabulary: Vocabulary, occupations: OccupationIndex, encoder: Encoder
) -> PreparedRoles:
    """Extract each role text's skills (as the engine does) and embed its title and text."""
    started = time.perf_counter()
    extractor = SkillExtractor().fit(vocabulary, encoder, reference=False)  # numpy index: fast per query
    segments = [split_segments(item.text) for item in items]
    unique = list(dict.fromkeys(segment for group in segments for segment in group))
    for start in range(0, len(unique), 2048):  # in chunks, so a cached encoder keeps what it has done
        encoder.encode(unique[start : start + 2048])
    embedded = encode_grouped(encoder, segments)
    title_vectors = encoder.encode([item.title or "" for item in items])
    positions = vocabulary.index_of()
    text_scores, documents = [], []
    for segs, vectors in zip(segments, embedded, strict=True):
        matches = extractor.aggregate(segs, extractor.match_embeddings(vectors, segs)) if segs else []
        text_scores.append({positions[m.id]: m.score for m in matches})
        documents.append(normalize_rows(vectors.mean(axis=0, keepdims=True))[0] if len(vectors) else None)
    titles = [v if item.title else None for item, v in zip(items, title_vectors, strict=True)]
    zero = np.zeros(title_vectors.shape[1], np.float32)
    title_sims = occupations.title_similarity(np.stack([t if t is not None else zero for t in titles]))
    text_sims = occupations.text_similarity(np.stack([d if d is not None else zero for d in documents]))
    with_forms, label_forms = np.unique(extractor.form_skill_, return_index=True)
    skill_embeddings = np.zeros((len(vocabulary), extractor.form_embeddings_.shape[1]), np.float32)
    skill_embeddings[with_forms] = extractor.form_embeddings_[label_forms]
    return PreparedRoles(
        items=list(items),
        gold=[set(item.skills) for item in items],
        text_scores=text_scores,
        titles=titles,
        documents=documents,
        title_sims=title_sims,
        text_sims=text_sims,
        exclude=[occupations.ids_.get(item.occupation) if item.occupation else None for item in items],
        vocabulary=vocabulary,
        occupations=occupations,
        skill_embeddings=skill_embeddings,
        seconds=time.perf_counter() - started,
    )


def role_rankings(prepared: PreparedRoles, profile: str, settings: BlendSettings | None = None) -> list[list[str]]:
    """Each role's skill ids, best first, for a profile: ``text`` (the skills its sentences name),
    ``title`` (the essential skills of the nearest occupation by title) or ``blend`` (both)."""
    if profile not in PROFILES:
        raise InvalidInputError(f"unknown role profile {profile!r}; use one of {', '.join(PROFILES)}")
    blender = RoleBlender(settings).fit(prepared.occupations, prepared.vocabulary)
    ids = [s.id for s in prepared.vocabulary.skills]
    rankings = []
    for i, text_scores in enumerate(prepared.text_scores):
        title, document, exclude = prepared.titles[i], prepared.documents[i], prepared.exclude[i]
        query = document if document is not None else title
        tie_break = _cosines(prepared.skill_embeddings, query)
        title_sims = prepared.title_sims[i] if title is not None else None
        text_sims = prepared.text_sims[i] if document is not None else None
        if profile == "text":
            ranked = blender.rank(text_scores, [], tie_break=tie_break, limit=ROLE_DEPTH)
        elif profile == "title":
            matches = blender.match_scores(title_sims, exclude=exclude, top=1) if title_sims is not None else []
            tie_break = _cosines(prepared.skill_embeddings, title)
            ranked = blender.rank({}, matches, tie_break=tie_break, essential_only=True, limit=ROLE_DEPTH)
        else:
            scores = blender.combine(title_sims, text_sims)
            matches = blender.match_scores(scores, exclude=exclude) if scores is not None else []
            ranked = blender.rank(text_scores, matches, tie_break=tie_break, limit=ROLE_DEPTH)
        rankings.append([ids[position] for position, _, _ in ranked])
    return rankings


def _cosines(skill_embeddings: np.ndarray, query: np.ndarray | None) -> Callable[[np.ndarray], np.ndarray] | None:
    """Cosine of the query to the skills asked for (computed only for the candidates ranked)."""
    if query is None:
        return None
    return lambda positions: skill_embeddings[positions] @ query


def score_roles(prepared: PreparedRoles, profile: str, settings: BlendSettings | None = None) -> dict[str, float]:
    """Recall@20 and MAP of one profile over the prepared roles."""
    runs = role_rankings(prepared, profile, settings)
    return {
        "recall@20": recall_at_k(prepared.gold, runs, 20),
        "map": mean_average_precision(prepared.gold, runs),
    }


def evaluate_roles(
    data: PathLike,
    taxonomy: PathLike | Vocabulary,
    occupations: PathLike | OccupationIndex,
    *,
    encoder: str | Encoder | None = None,
    profiles: Sequence[str] = PROFILES,
    settings: BlendSettings | None = None,
    cache_dir: PathLike | None = None,
) -> list[Evaluation]:
    """Recall@20 and MAP of each role profile against the roles' gold skills (one result per profile).

    A role that names its own occupation (ESCO's descriptions) is matched without that occupation,
    so it cannot look its answer up.
    """
    items = read_roles(data)
    vocabulary = _vocabulary(taxonomy)
    text_encoder = resolve_encoder(encoder, cache_dir=cache_dir)
    index = occupations if isinstance(occupations, OccupationIndex) else _occupation_index(occupations, text_encoder)
    prepared = prepare_roles(items, vocabulary, index, text_encoder)
    settings = settings or BlendSettings()
    known = set(vocabulary.index_of())
    unknown = sum(1 for g in prepared.gold for s in g if s not in known)
    details = {
        "roles": len(items),
        "gold_skills_not_in_vocabulary": unknown,
        "left_out_own_occupation": sum(1 for e in prepared.exclude if e is not None),
        "encoder": text_encoder.spec,
        "blend": asdict(settings),
    }
    n = sum(1 for g in prepared.gold if g)
    return [
        Evaluation("roles", str(data), n, score_roles(prepared, profile, settings), {**details, "profile": profile})
        for profile in profiles
    ]

"""Role profiles against labelled roles: job ad or occupation description → the role's skills (Recall@20, MAP).

Three profiles are compared: the skills found in the text, the nearest occupation's skills by title,
and the blend of both (``skills.roles.RoleBlender``), as the engine builds them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..encoders.base import Encoder, encode_grouped, normalize_rows
from ..errors import InvalidInputError
from ..inputs.tabular import PathLike
from ..inputs.taxonomy import Vocabulary
from ..matching.settings import Settings
from ..skills.extractor import SkillExtractor
from ..skills.occupations import OccupationIndex
from ..skills.roles import BlendSettings, RoleBlender
from ..skills.statements import find_stated_skills, stated_text
from .evaluate import Evaluation, as_vocabulary, occupation_index, resolve_encoder
from .metrics import mean_average_precision, recall_at_k

ROLE_DEPTH = 40  # a role profile's length (the engine's max_role_skills): Recall@20 and MAP use it


PROFILES = ("text", "title", "blend")


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
    # The skills each text states, as the engine finds them (duty and requirement sentences, exact mentions,
    # meaning-matched skills sense-checked against their descriptions: skills/statements.py).
    cuts = [stated_text(item.text) for item in items]
    segments = [cut.segments for cut in cuts]
    descriptions = normalize_rows(encoder.encode([skill.description or skill.label for skill in vocabulary.skills]))
    sense_floor = Settings().stated_sense
    unique = list(dict.fromkeys(segment for group in segments for segment in group))
    for start in range(0, len(unique), 2048):  # in chunks, so a cached encoder keeps what it has done
        encoder.encode(unique[start : start + 2048])
    embedded = encode_grouped(encoder, segments)
    title_vectors = encoder.encode([item.title or "" for item in items])
    positions = vocabulary.index_of()
    text_scores, documents = [], []
    for cut, vectors in zip(cuts, embedded, strict=True):
        matches = (
            find_stated_skills(extractor, cut, vectors, descriptions, sense_floor=sense_floor) if cut.segments else []
        )
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
    """Each role's skill ids, best first, for a profile: ``text`` (the skills the text states),
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
    vocabulary = as_vocabulary(taxonomy)
    text_encoder = resolve_encoder(encoder, cache_dir=cache_dir)
    index = occupations if isinstance(occupations, OccupationIndex) else occupation_index(occupations, text_encoder)
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

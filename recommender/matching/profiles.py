"""Credential skill profiles: declared skills mapped onto the vocabulary, plus skills in the text.

Declared skills are matched by exact label or alias first, then by the nearest surface form
above ``declared_threshold``; a declared skill that maps to nothing becomes a catalog-local skill
(id ``local:<slug>``), never dropped. Skills found in the credential's title and text join at a
lower weight (``text_weight`` × similarity). Each credential also carries a dense document
embedding: its whole document (title, text, declared skills) encoded as one text, which the
encoder reads from the top — title and summary first — as a person judging it does (the mean of
its segment embeddings, used before, ranked worse on the judged set: docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..encoders.base import normalize_rows
from ..inputs.catalog import SKILL_SOURCES, Credential
from ..inputs.taxonomy import Skill, normalize_label
from ..skills.extractor import SkillExtractor

DECLARED, TEXT = 0, 1
SOURCES = SKILL_SOURCES  # index = the DECLARED / TEXT code stored per profile entry


def local_skill_id(name: str) -> str:
    """The id of a catalog-local skill (a declared skill the vocabulary does not know)."""
    return "local:" + re.sub(r"[^a-z0-9]+", "-", normalize_label(name)).strip("-")


def credential_segments(credential: Credential, split: Callable[[str], list[str]]) -> list[str]:
    """The texts that describe a credential: its title, its text's segments, its declared skills."""
    segments = [credential.title] if credential.title else []
    segments += [segment for segment in split(credential.text) if segment != credential.title]
    if credential.skills and not credential.text:
        segments.append("Skills: " + ", ".join(credential.skills))
    return segments


@dataclass(frozen=True)
class Profiles:
    """Credentials × vocabulary weights with per-entry provenance, and document embeddings."""

    matrix: sp.csr_matrix
    similarity: np.ndarray  # per stored entry, aligned with matrix.data
    source: np.ndarray  # DECLARED or TEXT per entry
    evidence: np.ndarray  # index into ``strings`` per entry
    strings: list[str]
    documents: np.ndarray  # credentials × dim, unit rows


def local_skills(declared: Sequence[str], mapping: Sequence[tuple[int | None, float]]) -> list[Skill]:
    """Catalog-local skills for the declared names that map to nothing (one per normalised name)."""
    skills: dict[str, Skill] = {}
    for name, (position, _) in zip(declared, mapping, strict=True):
        if position is None:
            skill_id = local_skill_id(name)
            skills.setdefault(skill_id, Skill(id=skill_id, label=name.strip(), type="catalog-local"))
    return list(skills.values())


def build_profiles(
    credentials: Sequence[Credential],
    extractor: SkillExtractor,
    declared_positions: dict[str, tuple[int, float]],
    segments: Sequence[Sequence[str]],
    segment_embeddings: Sequence[np.ndarray],
    *,
    documents: np.ndarray,
    text_weight: float,
    neighbours: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> Profiles:
    """Assemble the profile matrix from declared skills and skills matched in each text
    (``documents``: each credential's document embedding; ``neighbours``: each credential's
    segments' nearest forms, when already computed)."""
    strings: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    sims: list[float] = []
    sources: list[int] = []
    evidence: list[int] = []
    if len(documents) != len(credentials):
        raise ValueError(f"{len(documents)} document embeddings for {len(credentials)} credentials")

    for row, credential in enumerate(credentials):
        entries: dict[int, tuple[float, float, int, str]] = {}
        for name in credential.skills:
            position, similarity = declared_positions[normalize_label(name)]
            weight = 1.0 if similarity >= 1.0 else similarity
            if position not in entries or entries[position][0] < weight:
                entries[position] = (weight, similarity, DECLARED, name)
        embeddings = segment_embeddings[row]
        if len(embeddings):
            known = neighbours[row] if neighbours is not None else None
            for match in extractor.match_embeddings(embeddings, segments[row], neighbours=known):
                weight = text_weight * match.similarity
                if match.skill not in entries or entries[match.skill][0] < weight:
                    entries[match.skill] = (weight, match.similarity, TEXT, segments[row][match.segment])
        for position in sorted(entries):
            weight, similarity, source, text = entries[position]
            rows.append(row)
            cols.append(position)
            weights.append(weight)
            sims.append(similarity)
            sources.append(source)
            evidence.append(strings.setdefault(text, len(strings)))

    n_skills = len(extractor.vocabulary_)
    order = np.lexsort((np.asarray(cols), np.asarray(rows))) if rows else np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.asarray(weights, dtype=np.float32), (np.asarray(rows), np.asarray(cols))),
        shape=(len(credentials), n_skills),
    )
    matrix.sort_indices()
    return Profiles(
        matrix=matrix,
        similarity=np.asarray(sims, dtype=np.float32)[order],
        source=np.asarray(sources, dtype=np.int8)[order],
        evidence=np.asarray(evidence, dtype=np.int32)[order],
        strings=list(strings),
        documents=normalize_rows(np.asarray(documents, dtype=np.float32)),
    )

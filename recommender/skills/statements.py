"""What a job text states it needs: the skills named in its duty and requirement sentences, with evidence.

A posting also describes its company, its benefits and how to apply; skills named there are not what the
job asks for. :func:`stated_text` keeps the segments of the sentences that state the job's duties and
requirements (``sentence_roles.STATING``; every sentence when none does, e.g. a one-line query), with
their character offsets in the text. :func:`find_stated_skills` finds their skills:

- every skill the sentences name word for word (``lexical.FormMatcher.mentions``: labels, aliases and
  names such as "Spark"), whatever the per-segment limit or the similarity threshold — an exact mention
  is never missed;
- the skills whose surface forms are near a segment's embedding (``SkillExtractor.match_embeddings``);
- each of the latter checked against its context: the skill's description (not its label) against the
  segment read in its sentence must reach ``sense_floor``, so "securities" is not found in "network and
  security" and "packaging engineering" not in "engineering".

Each skill's evidence keeps the offsets of what named it in the text (``Evidence.start`` / ``end``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..encoders.base import normalize_rows
from .extractor import MAX_EVIDENCE, SegmentMatch, SkillExtractor
from .results import Evidence, SkillMatch
from .segment import segment_text
from .sentence_roles import STATING, posting_roles

__all__ = ["StatedText", "find_stated_skills", "plain_text", "stated_text"]


@dataclass(frozen=True)
class StatedText:
    """A job text's stating sentences cut into segments, with offsets; ``head[s]`` is the segment that is
    sentence ``s`` itself (its first segment), which gives every segment of the sentence its context."""

    text: str
    segments: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)
    sentences: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, role)
    head: list[int] = field(default_factory=list)


def stated_text(text: str) -> StatedText:
    """The segments of ``text``'s duty and requirement sentences (of every sentence when none is one)."""
    sentences, segments = segment_text(text)
    roles = posting_roles(text, sentences)
    stating = {k for k, role in enumerate(roles) if role in STATING}
    if not stating or not any(segment.sentence in stating for segment in segments):
        stating = set(range(len(sentences)))
    cut = StatedText(text)
    kept: dict[int, int] = {}
    for segment in segments:
        if segment.sentence not in stating:
            continue
        if segment.sentence not in kept:
            sentence = sentences[segment.sentence]
            kept[segment.sentence] = len(cut.sentences)
            cut.sentences.append((sentence.start, sentence.end, roles[segment.sentence]))
            cut.head.append(len(cut.segments))
        cut.segments.append(segment.text)
        cut.spans.append((segment.start, segment.end))
        cut.sentence_of.append(kept[segment.sentence])
    return cut


def plain_text(segments: Sequence[str]) -> StatedText:
    """Segments given without their text (older callers): each its own stating sentence, no offsets."""
    cut = StatedText("\n".join(segments))
    at = 0
    for k, segment in enumerate(segments):
        cut.segments.append(segment)
        cut.spans.append((at, at + len(segment)))
        cut.sentence_of.append(k)
        cut.sentences.append((at, at + len(segment), "requirement"))
        cut.head.append(k)
        at += len(segment) + 1
    return cut


def _containing(cut: StatedText, start: int, end: int) -> int | None:
    best: int | None = None
    for k, (a, b) in enumerate(cut.spans):
        if a <= start and end <= b and (best is None or b - a < cut.spans[best][1] - cut.spans[best][0]):
            best = k
    return best


@dataclass(frozen=True)
class _Found:
    segment: int
    skill: int
    similarity: float
    form: str
    start: int
    end: int


def find_stated_skills(
    extractor: SkillExtractor,
    cut: StatedText,
    embeddings: np.ndarray,
    descriptions: np.ndarray,
    *,
    found: Sequence[SegmentMatch] | None = None,
    sense_floor: float = -1.0,
    min_score: float | None = None,
) -> list[SkillMatch]:
    """The skills ``cut`` states, best first (ties by label), each with up to three pieces of evidence.

    ``embeddings``: one row per segment; ``descriptions``: one unit row per vocabulary skill (its
    description's embedding); ``found``: the segments' matches when already computed; ``min_score``: drop
    skills whose best similarity is lower (a named skill scores 1).
    """
    if found is None:
        found = extractor.match_embeddings(embeddings, cut.segments) if len(cut.segments) else []
    candidates = [
        _Found(m.segment, m.skill, m.similarity, extractor.forms_[m.form], *cut.spans[m.segment]) for m in found
    ]
    matcher = extractor.form_matcher()
    for start, end, _ in cut.sentences:
        for mention in matcher.mentions(cut.text[start:end]):
            a, b = start + mention.start, start + mention.end
            segment = _containing(cut, a, b)
            if segment is not None:
                candidates.append(_Found(segment, mention.skill, 1.0, cut.text[a:b], a, b))
    if not candidates:
        return []
    context = normalize_rows(embeddings + embeddings[[cut.head[s] for s in cut.sentence_of]])
    senses = np.einsum(
        "ij,ij->i",
        descriptions[[c.skill for c in candidates]],
        context[[c.segment for c in candidates]],
    )
    by_skill: dict[int, list[tuple[_Found, float]]] = {}
    for candidate, sense in zip(candidates, senses.tolist(), strict=True):
        if sense >= sense_floor or candidate.similarity >= 1.0:  # a named skill is never dropped
            by_skill.setdefault(candidate.skill, []).append((candidate, sense))
    skills = extractor.vocabulary_.skills
    result: list[SkillMatch] = []
    for skill, items in by_skill.items():
        # Equal scores: a word-for-word mention, then the shorter (crisper) segment.
        items.sort(key=lambda item: (-item[0].similarity, item[0].end - item[0].start, item[0].segment))
        best = items[0][0].similarity
        if min_score is not None and best < min_score:
            continue
        evidence: list[Evidence] = []
        for candidate, sense in items:
            piece = Evidence(cut.segments[candidate.segment], candidate.similarity, candidate.form,
                             start=candidate.start, end=candidate.end, sense=round(sense, 4))  # fmt: skip
            if all((e.start, e.end) != (piece.start, piece.end) for e in evidence):
                evidence.append(piece)
            if len(evidence) == MAX_EVIDENCE:
                break
        result.append(SkillMatch(skills[skill].id, skills[skill].label, best, tuple(evidence),
                                 type=skills[skill].type, reuse_level=skills[skill].reuse_level))  # fmt: skip
    result.sort(key=lambda s: (-s.score, s.label))
    return result

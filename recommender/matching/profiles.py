"""Credential skill profiles: what each credential teaches (and requires), with the evidence for each skill.

A syllabus names many skills it does not teach, so a profile is built from what its sentences *do*
(``skills.sentence_roles``): skills named in the title and in outcome and topic sentences are taught;
skills named in a prerequisite sentence are *required* (``Profiles.requires``: they order a pathway);
audience, boilerplate (funding, instructors, marketing, links) and background sentences teach nothing.

Declared skills are matched by exact label or alias first, then by the nearest surface form above
``declared_threshold``; a declared skill that maps to nothing becomes a catalog-local skill (id
``local:<slug>``), never dropped. A skill named word for word in a teaching sentence (its label, an
alias, or a name such as "Spark": ``lexical.FormMatcher.mentions``) is always taken; other skills come
from segments whose embedding is near one of the skill's surface forms (``SkillExtractor``). Text skills
weigh ``text_weight`` × similarity (1 for a skill named word for word); declared ones 1.

Every entry keeps how the skill was found (``MENTIONS``), what its sentence does (``CONTEXTS``) and where
its evidence is: the field (title, text, declared skills) and the character offsets in it, so that an
explanation can quote it and a page can highlight it. Each credential also carries a dense document
embedding (its whole document encoded as one text, read from the top as a person judging it does), and
each evidence string its own embedding (the explanation's sense check compares it with a role skill's
description).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..encoders.base import normalize_rows
from ..inputs.catalog import SKILL_SOURCES, Credential
from ..inputs.taxonomy import Skill, normalize_label
from ..skills.extractor import SegmentMatch, SkillExtractor
from ..skills.lexical import Mention
from ..skills.segment import segment_text
from ..skills.sentence_roles import COURSE_ROLES, REQUIRING, TEACHING, course_roles

DECLARED, TEXT = 0, 1
SOURCES = SKILL_SOURCES  # index = the DECLARED / TEXT code stored per profile entry
MENTIONS = ("declared", "label", "alias", "meaning")  # how an entry's skill was found
FIELDS = ("title", "text", "skills")  # where its evidence is (for "skills": the declared skill's position)
CONTEXTS = ("declared", *COURSE_ROLES)  # what the evidence's sentence does
_MENTION = {name: code for code, name in enumerate(MENTIONS)}
_CONTEXT = {name: code for code, name in enumerate(CONTEXTS)}
TITLE, BODY, SKILLS = 0, 1, 2


def local_skill_id(name: str) -> str:
    """The id of a catalog-local skill (a declared skill the vocabulary does not know)."""
    return "local:" + re.sub(r"[^a-z0-9]+", "-", normalize_label(name)).strip("-")


@dataclass(frozen=True)
class CredentialText:
    """A credential's title and text cut into the segments skills are matched in, with where each sits
    (field, character offsets) and what its sentence does; sentences that can neither teach nor require
    are left out."""

    segments: list[str] = field(default_factory=list)
    fields: list[int] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)  # each segment's sentence (index into ``sentences``)
    sentences: list[tuple[int, int, int, str]] = field(default_factory=list)  # (field, start, end, role)
    sentence_texts: list[str] = field(default_factory=list)

    def add(self, segment: str, where: int, start: int, end: int, role: str, sentence: int) -> None:
        self.segments.append(segment)
        self.fields.append(where)
        self.spans.append((start, end))
        self.roles.append(role)
        self.sentence_of.append(sentence)

    def add_sentence(self, text: str, where: int, start: int, end: int, role: str) -> int:
        self.sentences.append((where, start, end, role))
        self.sentence_texts.append(text)
        return len(self.sentences) - 1


def credential_text(credential: Credential) -> CredentialText:
    """The segments of ``credential`` that may teach or require a skill (see ``CredentialText``)."""
    cut = CredentialText()
    if credential.title:
        title = cut.add_sentence(credential.title, TITLE, 0, len(credential.title), "title")
        cut.add(credential.title, TITLE, 0, len(credential.title), "title", title)
    sentences, segments = segment_text(credential.text)
    roles = course_roles(credential.text, sentences)
    kept: dict[int, int] = {}
    for k, (sentence, role) in enumerate(zip(sentences, roles, strict=True)):
        if role in TEACHING or role in REQUIRING:
            body = credential.text[sentence.start : sentence.end]
            kept[k] = cut.add_sentence(body, BODY, sentence.start, sentence.end, role)
    for segment in segments:
        if segment.sentence in kept and segment.text != credential.title:
            cut.add(segment.text, BODY, segment.start, segment.end, roles[segment.sentence], kept[segment.sentence])
    if credential.skills and not credential.text:
        listed = "Skills: " + ", ".join(credential.skills)
        where = cut.add_sentence(listed, SKILLS, 0, len(credential.skills), "topic")
        cut.add(listed, SKILLS, 0, len(credential.skills), "topic", where)
    return cut


def credential_segments(credential: Credential) -> list[str]:
    """The texts a credential's skills are matched in (``credential_text(...).segments``)."""
    return credential_text(credential).segments


@dataclass(frozen=True)
class Profiles:
    """Credentials × vocabulary teaching weights with per-entry provenance, what each credential requires,
    and document and evidence embeddings."""

    matrix: sp.csr_matrix
    similarity: np.ndarray  # per stored entry, aligned with matrix.data
    source: np.ndarray  # DECLARED or TEXT per entry
    evidence: np.ndarray  # index into ``strings`` per entry
    strings: list[str]
    documents: np.ndarray  # credentials × dim, unit rows
    mention: np.ndarray  # per entry: index into MENTIONS
    context: np.ndarray  # per entry: index into CONTEXTS
    span: np.ndarray  # per entry: (field, start, end), field an index into FIELDS
    evidence_embeddings: np.ndarray  # strings × dim, unit rows
    requires: sp.csr_matrix  # credentials × vocabulary: 1 + the evidence string of a skill a prerequisite names

    ENTRY_ARRAYS = ("similarity", "source", "evidence", "mention", "context", "span")


def local_skills(declared: Sequence[str], mapping: Sequence[tuple[int | None, float]]) -> list[Skill]:
    """Catalog-local skills for the declared names that map to nothing (one per normalised name)."""
    skills: dict[str, Skill] = {}
    for name, (position, _) in zip(declared, mapping, strict=True):
        if position is None:
            skill_id = local_skill_id(name)
            skills.setdefault(skill_id, Skill(id=skill_id, label=name.strip(), type="catalog-local"))
    return list(skills.values())


@dataclass(frozen=True)
class _Entry:
    weight: float
    similarity: float
    source: int
    mention: int
    context: int
    text: str
    span: tuple[int, int, int]

    def beats(self, other: _Entry | None) -> bool:
        # The heavier evidence wins; at equal weight a word-for-word mention beats one found by meaning.
        return other is None or (self.weight, -self.mention) > (other.weight, -other.mention)


def _containing(cut: CredentialText, where: int, start: int, end: int) -> int | None:
    """The shortest segment of ``cut`` in field ``where`` that holds ``[start, end)``."""
    best: int | None = None
    for k, (field_k, (a, b)) in enumerate(zip(cut.fields, cut.spans, strict=True)):
        if (
            field_k == where
            and a <= start
            and end <= b
            and (best is None or b - a < cut.spans[best][1] - cut.spans[best][0])
        ):
            best = k
    return best


def _mentions(cut: CredentialText, credential: Credential, extractor: SkillExtractor) -> list[tuple[int, Mention]]:
    """``(segment, mention)`` for every skill named word for word in the title and the kept sentences."""
    matcher = extractor.form_matcher()
    found: list[tuple[int, Mention]] = []
    for where, start, end, _ in cut.sentences:
        source = credential.title if where == TITLE else credential.text
        for mention in matcher.mentions(source[start:end]):
            a, b = start + mention.start, start + mention.end
            segment = _containing(cut, where, a, b)
            if segment is not None:
                found.append((segment, Mention(mention.skill, a, b, mention.form, mention.kind)))
    return found


def _text_entries(
    cut: CredentialText, matches: Sequence[SegmentMatch], mentions: Sequence[tuple[int, Mention]], text_weight: float
) -> tuple[dict[int, _Entry], dict[int, _Entry]]:
    """Teaching and requiring entries (per skill position) from segment matches and word-for-word mentions."""
    teaches: dict[int, _Entry] = {}
    requires: dict[int, _Entry] = {}
    named = {(segment, m.skill): m for segment, m in mentions}
    candidates: list[tuple[int, int, float, Mention | None]] = [
        (m.segment, m.skill, m.similarity, named.get((m.segment, m.skill))) for m in matches
    ]
    candidates += [(segment, m.skill, 1.0, m) for segment, m in mentions]
    for segment, skill, similarity, mention in candidates:
        where, (start, end) = cut.fields[segment], cut.spans[segment]
        if mention is not None:
            start, end, similarity = mention.start, mention.end, 1.0
        entry = _Entry(
            weight=text_weight * similarity,
            similarity=similarity,
            source=TEXT,
            mention=_MENTION[mention.kind] if mention is not None else _MENTION["meaning"],
            context=_CONTEXT[cut.roles[segment]],
            text=cut.segments[segment],
            span=(where, start, end),
        )
        target = requires if cut.roles[segment] in REQUIRING else teaches
        if entry.beats(target.get(skill)):
            target[skill] = entry
    for skill in teaches:
        requires.pop(skill, None)  # what a credential teaches is not what it asks for
    return teaches, requires


def build_profiles(
    credentials: Sequence[Credential],
    extractor: SkillExtractor,
    declared_positions: dict[str, tuple[int, float]],
    texts: Sequence[CredentialText],
    segment_embeddings: Sequence[np.ndarray],
    *,
    sentence_embeddings: Sequence[np.ndarray],
    documents: np.ndarray,
    declared_embeddings: dict[str, np.ndarray],
    text_weight: float,
    neighbours: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> Profiles:
    """Assemble the profiles from declared skills and the skills each credential's text teaches
    (``documents``: each credential's document embedding; ``sentence_embeddings``: each credential's kept
    sentences'; ``declared_embeddings``: each declared name's, by normalised name; ``neighbours``: each
    credential's segments' nearest forms, when already computed). An evidence string's embedding is its
    segment's and its sentence's, averaged: the evidence read in its context.)"""
    if len(documents) != len(credentials):
        raise ValueError(f"{len(documents)} document embeddings for {len(credentials)} credentials")
    strings: dict[str, int] = {}
    string_vectors: list[np.ndarray] = []
    rows: list[int] = []
    cols: list[int] = []
    columns: dict[str, list[float | int | tuple[int, int, int]]] = {
        name: [] for name in ("weight", "similarity", "source", "evidence", "mention", "context", "span")
    }
    required: list[tuple[int, int, int]] = []

    def string(text: str, vector: np.ndarray) -> int:
        if text not in strings:
            strings[text] = len(strings)
            string_vectors.append(vector)
        return strings[text]

    for row, credential in enumerate(credentials):
        cut = texts[row]
        entries: dict[int, tuple[_Entry, np.ndarray]] = {}
        for k, name in enumerate(credential.skills):
            position, similarity = declared_positions[normalize_label(name)]
            weight = 1.0 if similarity >= 1.0 else similarity
            entry = _Entry(
                weight, similarity, DECLARED, _MENTION["declared"], _CONTEXT["declared"], name, (SKILLS, k, k + 1)
            )
            if entry.beats(entries.get(position, (None,))[0]):
                entries[position] = (entry, declared_embeddings[normalize_label(name)])
        embeddings = segment_embeddings[row]
        matches = (
            extractor.match_embeddings(embeddings, cut.segments, neighbours=neighbours[row] if neighbours else None)
            if len(embeddings)
            else []
        )
        teaches, requires = _text_entries(cut, matches, _mentions(cut, credential, extractor), text_weight)
        in_context = (
            normalize_rows(embeddings + sentence_embeddings[row][cut.sentence_of]) if len(embeddings) else embeddings
        )
        by_text = {text: in_context[k] for k, text in enumerate(cut.segments)}
        for position, entry in teaches.items():
            if entry.beats(entries.get(position, (None,))[0]):
                entries[position] = (entry, by_text[entry.text])
        for position, entry in requires.items():
            if position not in entries:
                required.append((row, position, string(entry.text, by_text[entry.text])))
        for position in sorted(entries):
            entry, vector = entries[position]
            rows.append(row)
            cols.append(position)
            for name, value in (("weight", entry.weight), ("similarity", entry.similarity), ("source", entry.source),
                                ("evidence", string(entry.text, vector)), ("mention", entry.mention),
                                ("context", entry.context), ("span", entry.span)):  # fmt: skip
                columns[name].append(value)

    n_skills = len(extractor.vocabulary_)
    shape = (len(credentials), n_skills)
    order = np.lexsort((np.asarray(cols), np.asarray(rows))) if rows else np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.asarray(columns["weight"], dtype=np.float32), (np.asarray(rows), np.asarray(cols))), shape=shape
    )
    matrix.sort_indices()
    requires_matrix = sp.csr_matrix(
        (
            np.asarray([1 + s for _, _, s in required], dtype=np.int32),
            (
                np.asarray([r for r, _, _ in required], dtype=np.int64),
                np.asarray([p for _, p, _ in required], dtype=np.int64),
            ),
        ),
        shape=shape,
    )
    requires_matrix.sort_indices()
    dim = documents.shape[1]
    vectors = np.vstack(string_vectors).astype(np.float32) if string_vectors else np.zeros((0, dim), np.float32)

    def entry_array(name: str, dtype: type) -> np.ndarray:
        return np.asarray(columns[name], dtype=dtype)[order] if rows else np.zeros(0, dtype=dtype)

    return Profiles(
        matrix=matrix,
        similarity=entry_array("similarity", np.float32),
        source=entry_array("source", np.int8),
        evidence=entry_array("evidence", np.int32),
        strings=list(strings),
        documents=normalize_rows(np.asarray(documents, dtype=np.float32)),
        mention=entry_array("mention", np.int8),
        context=entry_array("context", np.int8),
        span=np.asarray(columns["span"], dtype=np.int32).reshape(-1, 3)[order] if rows else np.zeros((0, 3), np.int32),
        evidence_embeddings=normalize_rows(vectors) if len(vectors) else vectors,
        requires=requires_matrix,
    )

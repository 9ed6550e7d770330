"""Role profiles: a job description, title or skill list → the role's weighted skills and vectors.

``RoleBuilder`` is the component a fitted ``Recommender`` (engine.py) holds as ``role_builder_``: the
skills a text *states* — named in its duty and requirement sentences, word for word or by meaning, each
checked against its context (``skills/statements.py``) — followed, when a ``RoleBlender`` is attached, by
the skills *typical* of its nearest ESCO occupations that it does not state (``skills/roles.py``: weighed
below the stated ones and never presented as what the posting asks for); or a skill list mapped onto the
vocabulary; minus the skills a person already has. A role carries its vectors (``RoleVectors``):
one per skill for coverage, the mean of its segments' embeddings for occupation matching, and its
whole text encoded as one for the document score.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..encoders.base import Encoder, normalize_rows
from ..errors import InvalidInputError
from ..inputs.fields import truncate_text
from ..skills.extractor import SegmentMatch, SkillExtractor
from ..skills.results import Evidence, Role, RoleSkill, SkillMatch
from ..skills.roles import RoleBlender
from ..skills.statements import StatedText, find_stated_skills, plain_text, stated_text
from .profiles import local_skill_id
from .settings import Settings

logger = logging.getLogger(__name__)

# A query text is cut where a posting in `score` or a catalog text is (20,000 characters), so one
# pasted 10 MB file costs a fraction of a second rather than minutes, and query ranks as score does.
MAX_QUERY_CHARS = 20_000


def bounded_text(text: str) -> str:
    """``text``, cut at ``MAX_QUERY_CHARS`` (with a warning)."""
    if len(text) <= MAX_QUERY_CHARS:
        return text
    logger.warning("the text has %d characters: only the first %d are read", len(text), MAX_QUERY_CHARS)
    return truncate_text(text, MAX_QUERY_CHARS)


@dataclass(frozen=True)
class RoleVectors:
    """A role's skills with their embeddings, and the vectors and text its documents are matched with."""

    skills: tuple[RoleSkill, ...]
    embeddings: np.ndarray  # one unit row per role skill
    document: np.ndarray  # unit mean of the role's segment (or skill) embeddings: matches occupations
    text: str = ""  # what the role was given as (description, title or skill names): the lexical query
    whole: np.ndarray | None = None  # the whole role text encoded as one: ranks documents (else ``document``)

    @property
    def query(self) -> np.ndarray:
        """The vector credentials' document embeddings are compared with."""
        return self.document if self.whole is None else self.whole


def looks_like_list(text: str) -> bool:
    """Whether ``text`` reads as a list of skill names rather than a description."""
    items = [item for item in re.split(r"[,;|\n]", text) if item.strip()]
    return bool(items) and all(len(item.split()) <= 6 for item in items)


def role_document(text: str, title: str | None = None) -> str:
    """A job's whole text as one document (its title first, unless the text already starts with it)."""
    if title and title.strip() and not text.lstrip().startswith(title.strip()):
        return f"{title.strip()}\n\n{text}"
    return text


def split_skill_list(text: str) -> list[str]:
    """Split "SQL, Python; Excel" (or one skill per line) into names."""
    return [item.strip() for item in re.split(r"[,;|\n]", text) if item.strip()]


class RoleBuilder:
    """Builds roles against a fitted vocabulary.

    ``extractor`` finds a text's skills; ``skill_embeddings`` (one unit row per vocabulary skill,
    its label's embedding) give a role skill its vector; ``descriptions`` (one unit row per skill, its
    description's embedding; the labels' when None) check each found skill's sense against its context;
    ``blender`` (ESCO occupations, optional) adds the skills typical of the nearest occupations to a
    described role and makes a title alone a role.
    """

    def __init__(
        self,
        settings: Settings,
        encoder: Encoder,
        extractor: SkillExtractor,
        skill_embeddings: np.ndarray,
        blender: RoleBlender | None = None,
        descriptions: np.ndarray | None = None,
    ) -> None:
        self.settings = settings
        self.encoder = encoder
        self.extractor = extractor
        self.vocabulary = extractor.vocabulary_
        self.skill_embeddings = skill_embeddings
        self.blender = blender
        self.descriptions = skill_embeddings if descriptions is None else descriptions

    def with_blender(self, blender: RoleBlender) -> RoleBuilder:
        """The same builder with ESCO occupations (``RoleBlender``) blended into its roles."""
        return RoleBuilder(
            self.settings, self.encoder, self.extractor, self.skill_embeddings, blender, self.descriptions
        )

    def _skill_facts(self, position: int) -> tuple[str, str]:
        skill = self.vocabulary.skills[position]
        return skill.type, skill.reuse_level

    # ------------------------------------------------------------------ a whole role
    def build(
        self,
        text: str | None = None,
        *,
        skills: Sequence[str] | str | None = None,
        have: str | None = None,
        title: str | None = None,
        min_score: float | None = None,
    ) -> tuple[Role, RoleVectors]:
        """The role for a job description (``text``), a job ``title`` or a ``skills`` list, minus the
        skills in ``have`` (a list or a text such as a CV), with the vectors ranking reads.
        ``min_score`` leaves out the text's skills found with a lower similarity (a named skill scores 1)."""
        if skills:
            names = split_skill_list(skills) if isinstance(skills, str) else list(skills)
            vectors = self.from_names(names)
        elif text and text.strip():
            vectors = self.from_text(text, title=title, blend=True, min_score=min_score)
        elif title and title.strip():
            vectors = self.from_title(title)
        else:
            raise InvalidInputError(
                "give a job description (text or --file), a job title (--title) or a skill list (--skills)"
            )
        held: tuple[RoleSkill, ...] = ()
        if have and have.strip() and vectors.skills:
            owned = self.from_names(split_skill_list(have)) if looks_like_list(have) else self.from_text(have)
            if owned.skills:
                closeness = vectors.embeddings @ owned.embeddings.T
                owned_ids = {s.id for s in owned.skills}
                is_held = np.array(
                    [
                        s.id in owned_ids or closeness[i].max() >= self.settings.held_similarity
                        for i, s in enumerate(vectors.skills)
                    ]
                )
                held = tuple(s for s, h in zip(vectors.skills, is_held, strict=True) if h)
                vectors = replace(
                    vectors,
                    skills=tuple(s for s, h in zip(vectors.skills, is_held, strict=True) if not h),
                    embeddings=vectors.embeddings[~is_held],
                )
        return Role(vectors.skills, held), vectors

    # ------------------------------------------------------------------ the three ways in
    def from_text(
        self, text: str, *, title: str | None = None, blend: bool = False, min_score: float | None = None
    ) -> RoleVectors:
        """A job description: the skills its duty and requirement sentences state (and, with ``blend``,
        the skills typical of its nearest occupations)."""
        text = bounded_text(text)
        cut = stated_text(text)
        if not cut.segments:
            raise InvalidInputError("the role text is empty: give a job description, --file or --skills")
        embeddings = self.encoder.encode([*cut.segments, role_document(text, title)])
        return self.from_segments(
            cut, embeddings[:-1], title=title, blend=blend, whole=embeddings[-1], min_score=min_score
        )

    def stated_skills(
        self,
        cut: StatedText,
        embeddings: np.ndarray,
        found: Sequence[SegmentMatch] | None = None,
        min_score: float | None = None,
    ) -> list[SkillMatch]:
        """The skills ``cut`` states (``skills.statements.find_stated_skills`` with these settings)."""
        return find_stated_skills(
            self.extractor, cut, embeddings, self.descriptions, found=found,
            sense_floor=self.settings.stated_sense, min_score=min_score,
        )  # fmt: skip

    def from_segments(
        self,
        segments: StatedText | Sequence[str],
        embeddings: np.ndarray,
        found: Sequence[SegmentMatch] | None = None,
        *,
        title: str | None = None,
        blend: bool = False,
        whole: np.ndarray | None = None,
        min_score: float | None = None,
    ) -> RoleVectors:
        """A description already cut (``stated_text``) and embedded; ``found`` are its segments' matches
        when known. Plain segment lists are taken as stating sentences without offsets."""
        cut = segments if isinstance(segments, StatedText) else plain_text(segments)
        matches = self.stated_skills(cut, embeddings, found, min_score)
        document = normalize_rows(embeddings.mean(axis=0, keepdims=True))[0]
        text = role_document(cut.text, title)
        return self._from_matches(matches, document, title=title, blend=blend, text=text, whole=whole)

    def from_title(self, title: str) -> RoleVectors:
        """A job title alone: the nearest ESCO occupation's skills (needs occupations)."""
        if self.blender is None:
            raise InvalidInputError(
                "--title needs an index with ESCO occupations: build it with `recommender index --taxonomy "
                "ESCO_FOLDER` (a folder holding occupations_en.csv) or pass --occupations ESCO_FOLDER"
            )
        if not title.strip():
            raise InvalidInputError("the job title is empty: give one, e.g. --title 'data engineer'")
        vector = self.encoder.encode([title.strip()])[0]
        nearest = self.blender.match(vector, None, top=1)
        skills = self.blender.role_skills(
            [], nearest, title=vector, tie_break=self.skill_embeddings @ vector, limit=self.settings.max_role_skills
        )
        return self._vectors(skills, vector, title)

    def from_names(self, names: Sequence[str]) -> RoleVectors:
        """A skill list: each name mapped onto the vocabulary, or kept as its own skill when nothing is close."""
        names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        if not names:
            raise InvalidInputError("the skill list is empty: give skills separated by commas")
        name_embeddings = self.encoder.encode(names)
        mapping = self.extractor.map_names(names, self.settings.declared_threshold, embeddings=name_embeddings)
        skills: dict[str, RoleSkill] = {}
        rows: list[np.ndarray] = []
        for name, (position, similarity), vector in zip(names, mapping, name_embeddings, strict=True):
            if position is None:
                # Not in the vocabulary: keep it, matched softly through its own embedding.
                skill_id, label = local_skill_id(name), name
            else:
                skill = self.vocabulary.skills[position]
                skill_id, label, vector = skill.id, skill.label, self.skill_embeddings[position]
            if skill_id not in skills:
                facts = self._skill_facts(position) if position is not None else ("", "")
                evidence = (Evidence(name, similarity),)
                skills[skill_id] = RoleSkill(skill_id, label, 1.0, "list", evidence, "", *facts)
                rows.append(vector)
        embeddings = np.vstack(rows).astype(np.float32)
        document = normalize_rows(embeddings.mean(axis=0, keepdims=True))[0]
        return RoleVectors(tuple(skills.values()), embeddings, document, ", ".join(names))

    # ------------------------------------------------------------------ helpers
    def _from_matches(
        self,
        matches: Sequence[SkillMatch],
        document: np.ndarray,
        *,
        title: str | None = None,
        blend: bool = False,
        text: str = "",
        whole: np.ndarray | None = None,
    ) -> RoleVectors:
        limit = self.settings.max_role_skills
        if blend and self.blender is not None:  # text skills + the nearest occupations' skills
            vector = self.encoder.encode([title.strip()])[0] if title and title.strip() else None
            nearest = self.blender.match(vector, document)
            tie_break = self.skill_embeddings @ document
            skills = self.blender.role_skills(matches, nearest, title=vector, tie_break=tie_break, limit=limit)
        else:
            skills = tuple(
                RoleSkill(m.id, m.label, m.score, "stated", m.evidence, "", m.type, m.reuse_level)
                for m in list(matches)[:limit]
            )
        return self._vectors(skills, document, text, whole)

    def _vectors(
        self, skills: Sequence[RoleSkill], document: np.ndarray, text: str = "", whole: np.ndarray | None = None
    ) -> RoleVectors:
        positions = self.vocabulary.index_of()
        embeddings = (
            self.skill_embeddings[[positions[s.id] for s in skills]]
            if skills
            else np.zeros((0, document.shape[0]), dtype=np.float32)
        )
        return RoleVectors(tuple(skills), embeddings, document, text, whole)

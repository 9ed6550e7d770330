"""Role profiles: a job description, title or skill list → the role's weighted skills and vectors.

``RoleBuilding`` is the half of ``Recommender`` (engine.py) that builds roles: the skills a text
names (the extractor), blended with the nearest ESCO occupations' skills when they are attached
(``skills/roles.py``: the text leads), or a skill list mapped onto the vocabulary, minus the skills
a person already has. A role carries its vectors (``RoleVectors``): one per skill for coverage, the
mean of its segments' embeddings for occupation matching, and its whole text encoded as one for the
document score.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ..encoders.base import Encoder, normalize_rows
from ..errors import InvalidInputError
from ..inputs.fields import truncate_text
from ..skills.extractor import SegmentMatch, SkillExtractor
from ..skills.occupations import Occupation, OccupationIndex
from ..skills.results import Evidence, Role, RoleSkill, SkillMatch
from ..skills.roles import BlendSettings, RoleBlender
from ..skills.segment import split_segments
from .profiles import local_skill_id

if TYPE_CHECKING:
    from ..inputs.taxonomy import Vocabulary
    from .engine import Settings

logger = logging.getLogger(__name__)

_Built = TypeVar("_Built", bound="RoleBuilding")

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


class RoleBuilding:
    """Role building for ``Recommender``, which holds the fitted state these methods read."""

    settings: Settings
    encoder: Encoder | None
    extractor_: SkillExtractor
    vocabulary_: Vocabulary
    skill_embeddings_: np.ndarray
    occupations_: OccupationIndex
    blender_: RoleBlender

    if TYPE_CHECKING:  # Recommender defines it

        def _check_fitted(self) -> None: ...

    # ------------------------------------------------------------------ ESCO occupations (optional)
    # With occupations attached, a job description's role profile also holds the essential (and
    # optional) skills of its nearest occupations, and a job title alone makes a role (skills/roles.py).
    def attach_occupations(
        self: _Built,
        occupations: Sequence[Occupation] | OccupationIndex,
        *,
        settings: BlendSettings | None = None,
        progress: bool = False,
    ) -> _Built:
        """Use occupations in role profiles; their skills must be in the index's vocabulary (ESCO)."""
        self._check_fitted()
        index = occupations
        if not isinstance(index, OccupationIndex):
            index = OccupationIndex().fit(occupations, self.encoder, progress=progress)  # type: ignore[arg-type]
        blender = RoleBlender(settings).fit(index, self.vocabulary_)
        if blender.relations_.nnz == 0:
            raise InvalidInputError(
                "none of the occupations' skills is in the index's vocabulary; build the index with "
                "--taxonomy set to the ESCO export that holds the occupations"
            )
        self.occupations_, self.blender_ = index, blender
        return self

    def _title_vector(self, title: str | None) -> np.ndarray | None:
        return self.encoder.encode([title.strip()])[0] if title and title.strip() else None  # type: ignore[union-attr]

    def _role_from_title(self, title: str) -> RoleVectors:
        if not hasattr(self, "blender_"):
            raise InvalidInputError(
                "--title needs an index with ESCO occupations: build it with `recommender index --taxonomy "
                "ESCO_FOLDER` (a folder holding occupations_en.csv) or pass --occupations ESCO_FOLDER"
            )
        vector = self._title_vector(title)
        assert vector is not None
        nearest = self.blender_.match(vector, None, top=1)
        skills = self.blender_.role_skills(
            [], nearest, title=vector, tie_break=self.skill_embeddings_ @ vector, limit=self.settings.max_role_skills
        )
        return self._role_vectors(skills, vector, title)

    def _role_from_matches(
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
        if blend and hasattr(self, "blender_"):  # text skills + the nearest occupations' skills
            vector = self._title_vector(title)
            nearest = self.blender_.match(vector, document)
            tie_break = self.skill_embeddings_ @ document
            skills = self.blender_.role_skills(matches, nearest, title=vector, tie_break=tie_break, limit=limit)
        else:
            skills = tuple(RoleSkill(m.id, m.label, m.score, "text", m.evidence) for m in list(matches)[:limit])
        return self._role_vectors(skills, document, text, whole)

    def _role_vectors(
        self, skills: Sequence[RoleSkill], document: np.ndarray, text: str = "", whole: np.ndarray | None = None
    ) -> RoleVectors:
        positions = self.vocabulary_.index_of()
        embeddings = (
            self.skill_embeddings_[[positions[s.id] for s in skills]]
            if skills
            else np.zeros((0, document.shape[0]), dtype=np.float32)
        )
        return RoleVectors(tuple(skills), embeddings, document, text, whole)

    def _role_from_text(self, text: str, *, title: str | None = None, blend: bool = False) -> RoleVectors:
        text = bounded_text(text)
        segments = split_segments(text)
        if not segments:
            raise InvalidInputError("the role text is empty: give a job description, --file or --skills")
        embeddings = self.encoder.encode([*segments, role_document(text, title)])  # type: ignore[union-attr]
        return self._role_from_segments(segments, embeddings[:-1], title=title, blend=blend, whole=embeddings[-1])

    def _role_from_segments(
        self,
        segments: Sequence[str],
        embeddings: np.ndarray,
        found: Sequence[SegmentMatch] | None = None,
        *,
        title: str | None = None,
        blend: bool = False,
        whole: np.ndarray | None = None,
    ) -> RoleVectors:
        if found is None:
            found = self.extractor_.match_embeddings(embeddings, segments)
        matches = self.extractor_.aggregate(segments, found)
        document = normalize_rows(embeddings.mean(axis=0, keepdims=True))[0]
        text = "\n".join([title, *segments] if title else segments)
        return self._role_from_matches(matches, document, title=title, blend=blend, text=text, whole=whole)

    def _role_from_names(self, names: Sequence[str]) -> RoleVectors:
        names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        if not names:
            raise InvalidInputError("the skill list is empty: give skills separated by commas")
        name_embeddings = self.encoder.encode(names)  # type: ignore[union-attr]
        mapping = self.extractor_.map_names(names, self.settings.declared_threshold, embeddings=name_embeddings)
        skills: dict[str, RoleSkill] = {}
        rows: list[np.ndarray] = []
        for name, (position, similarity), vector in zip(names, mapping, name_embeddings, strict=True):
            if position is None:
                # Not in the vocabulary: keep it, matched softly through its own embedding.
                skill_id, label = local_skill_id(name), name
            else:
                skill = self.vocabulary_.skills[position]
                skill_id, label, vector = skill.id, skill.label, self.skill_embeddings_[position]
            if skill_id not in skills:
                skills[skill_id] = RoleSkill(skill_id, label, 1.0, "list", (Evidence(name, similarity),))
                rows.append(vector)
        embeddings = np.vstack(rows).astype(np.float32)
        document = normalize_rows(embeddings.mean(axis=0, keepdims=True))[0]
        return RoleVectors(tuple(skills.values()), embeddings, document, ", ".join(names))

    def _held(self, have: str) -> RoleVectors:
        if looks_like_list(have):
            return self._role_from_names(split_skill_list(have))
        return self._role_from_text(have)

    def role(
        self,
        text: str | None = None,
        *,
        skills: Sequence[str] | str | None = None,
        have: str | None = None,
        title: str | None = None,
    ) -> Role:
        """The role profile ``recommend`` would use (skills needed, and skills removed as held)."""
        return self._build_role(text, skills, have, title)[0]

    def _build_role(
        self, text: str | None, skills: Sequence[str] | str | None, have: str | None, title: str | None = None
    ) -> tuple[Role, RoleVectors]:
        self._check_fitted()
        has_text, has_title = bool(text and text.strip()), bool(title and title.strip())
        if not has_text and not skills and not has_title:
            raise InvalidInputError(
                "give a job description (text or --file), a job title (--title) or a skill list (--skills)"
            )
        if skills:
            names = split_skill_list(skills) if isinstance(skills, str) else list(skills)
            vectors = self._role_from_names(names)
        elif not has_text:
            vectors = self._role_from_title(title)  # type: ignore[arg-type]
        else:
            vectors = self._role_from_text(text, title=title, blend=True)  # type: ignore[arg-type]
        held: tuple[RoleSkill, ...] = ()
        if have and have.strip() and vectors.skills:
            owned = self._held(have)
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

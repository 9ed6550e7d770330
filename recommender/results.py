"""Typed results: frozen dataclasses that serialise to plain JSON with ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


class _Serialisable:
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (floats rounded to 4 places)."""
        return _rounded(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Evidence(_Serialisable):
    """A piece of text that supports a skill, and how closely it matched the skill's name."""

    text: str
    similarity: float
    matched_form: str = ""


@dataclass(frozen=True)
class SkillMatch(_Serialisable):
    """A skill found in a text: ``score`` is the best similarity over its evidence."""

    id: str
    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class RoleSkill(_Serialisable):
    """One skill of a role's profile with its importance weight."""

    id: str
    label: str
    weight: float
    source: str  # "text" (found in a description), "list" (given explicitly)
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Role(_Serialisable):
    """What the role needs (``skills``) and what was removed because the person has it (``held``)."""

    skills: tuple[RoleSkill, ...]
    held: tuple[RoleSkill, ...] = ()


@dataclass(frozen=True)
class MatchedSkill(_Serialisable):
    """A role skill a credential teaches, through one of the credential's own skills."""

    skill: str
    skill_id: str
    weight: float
    credential_skill: str
    credential_skill_id: str
    similarity: float
    source: str  # "declared" by the catalog, or found in the credential's "text"
    evidence: str


@dataclass(frozen=True)
class MissingSkill(_Serialisable):
    """A role skill the credential leaves uncovered."""

    skill: str
    skill_id: str
    weight: float


@dataclass(frozen=True)
class Recommendation(_Serialisable):
    """One ranked credential with the reasons for its rank."""

    rank: int
    id: str
    title: str
    score: float
    coverage: float
    document_similarity: float
    provider: str = ""
    hours: float | None = None
    cost: float | None = None
    currency: str = ""
    level: str = ""
    language: str = ""
    url: str = ""
    matched_skills: tuple[MatchedSkill, ...] = ()
    missing_skills: tuple[MissingSkill, ...] = ()


@dataclass(frozen=True)
class QueryResult(_Serialisable):
    """A role profile and its ranked credentials; ``notes`` explain anything unusual."""

    role: Role
    recommendations: tuple[Recommendation, ...]
    notes: tuple[str, ...] = field(default=())

"""What the skills stage returns: frozen dataclasses that serialise to plain JSON with ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


class Serialisable:
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (floats rounded to 4 places)."""
        return _rounded(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Evidence(Serialisable):
    """A piece of text that supports a skill, and how closely it matched the skill's name."""

    text: str
    similarity: float
    matched_form: str = ""


@dataclass(frozen=True)
class SkillMatch(Serialisable):
    """A skill found in a text: ``score`` is the best similarity over its evidence."""

    id: str
    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class RoleSkill(Serialisable):
    """One skill of a role's profile with its importance weight."""

    id: str
    label: str
    weight: float
    source: str  # "text" (found in a description), "list" (given explicitly)
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Role(Serialisable):
    """What the role needs (``skills``) and what was removed because the person has it (``held``)."""

    skills: tuple[RoleSkill, ...]
    held: tuple[RoleSkill, ...] = ()

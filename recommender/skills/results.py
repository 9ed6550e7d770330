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
    """A piece of text that supports a skill, how closely it matched the skill's name, and where it is:
    ``[start, end)`` in the text given (-1 when not from it, e.g. an occupation's), and ``sense``, the
    skill's description against the evidence read in its sentence (None when not checked)."""

    text: str
    similarity: float
    matched_form: str = ""
    start: int = -1
    end: int = -1
    sense: float | None = None


@dataclass(frozen=True)
class SkillMatch(Serialisable):
    """A skill found in a text: ``score`` is the best similarity over its evidence (1 for a skill named word
    for word); ``type`` and ``reuse_level`` are the vocabulary's (ESCO: knowledge or skill/competence;
    transversal, cross-sector, sector-specific or occupation-specific), empty when it does not say."""

    id: str
    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    type: str = ""
    reuse_level: str = ""


@dataclass(frozen=True)
class RoleSkill(Serialisable):
    """One skill of a role's profile with its importance weight and where it comes from: ``"stated"`` (the
    job text names it), ``"typical"`` (the job text does not, but its nearest ESCO occupation needs it:
    ``typical_for`` names the occupation) or ``"list"`` (a skill list given as such)."""

    id: str
    label: str
    weight: float
    source: str
    evidence: tuple[Evidence, ...] = ()
    typical_for: str = ""
    type: str = ""
    reuse_level: str = ""


@dataclass(frozen=True)
class Role(Serialisable):
    """What the role needs (``skills``) and what was removed because the person has it (``held``)."""

    skills: tuple[RoleSkill, ...]
    held: tuple[RoleSkill, ...] = ()

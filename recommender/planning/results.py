"""Typed results of ``plan``: frozen dataclasses that serialise to plain JSON with ``to_dict``."""

from __future__ import annotations

from dataclasses import dataclass

from ..matching.results import MissingSkill
from ..skills.results import Role, Serialisable


@dataclass(frozen=True)
class Budget(Serialisable):
    """Limits on the whole plan; ``None`` means no limit."""

    max_hours: float | None = None
    max_cost: float | None = None
    max_credentials: int | None = None


@dataclass(frozen=True)
class CoveredSkill(Serialisable):
    """A role skill a planned credential covers, and how strongly (``credit``, 0–1)."""

    skill: str
    skill_id: str
    weight: float
    credit: float  # similarity of the two skills × the credential's weight for its skill
    credential_skill: str
    similarity: float
    new: bool  # first covered at this step (no earlier step covers it)
    via: str = ""  # id of the stacked part that teaches it, when the credential is a stack


@dataclass(frozen=True)
class PlanStep(Serialisable):
    """One credential of the plan, in order, with what it adds and the running totals."""

    step: int
    id: str
    title: str
    provider: str
    hours: float | None
    cost: float | None
    currency: str
    level: str
    url: str
    gain: float  # coverage this step adds
    coverage: float  # coverage after this step
    total_hours: float  # known hours so far
    total_cost: float  # known cost so far
    covers: tuple[CoveredSkill, ...] = ()
    requires: tuple[str, ...] = ()  # planned credentials this one needs first
    includes: tuple[str, ...] = ()  # parts that stack into this credential (not taken separately)
    reason: str = ""  # e.g. "prerequisite of X" (X's title) when it covers nothing new itself
    included_titles: tuple[str, ...] = ()  # the titles of ``includes``, in the same order

    @property
    def new_skills(self) -> tuple[CoveredSkill, ...]:
        """The role skills no earlier step covers."""
        return tuple(s for s in self.covers if s.new)


@dataclass(frozen=True)
class PlanTotals(Serialisable):
    """The plan as a whole: size, hours, cost, and how much of the role it covers."""

    credentials: int
    hours: float
    hours_unknown: int  # planned credentials whose hours are unknown (not in ``hours``)
    cost: float
    cost_unknown: int
    currency: str
    coverage: float  # weighted coverage of the role's missing skills
    covered: int  # missing skills with any credit
    skills: int  # missing skills (the role's skills minus held ones)
    held: int


@dataclass(frozen=True)
class SolverInfo(Serialisable):
    """Which solver chose the plan, whether the plan is proven optimal, and how long it took."""

    method: str  # "exact" (mixed-integer programme) or "greedy"
    optimal: bool
    objective: float  # coverage minus the small per-credential penalty
    seconds: float
    candidates: int
    note: str = ""


@dataclass(frozen=True)
class PlanResult(Serialisable):
    """A learning pathway for a role: ordered steps, totals, and the skills left uncovered.

    ``uncovered`` are skills some credential of the catalog covers but the plan does not (the
    budget ran out); ``gap`` are skills no credential in the catalog covers at all: the
    curriculum gap.
    """

    role: Role
    steps: tuple[PlanStep, ...]
    totals: PlanTotals
    uncovered: tuple[MissingSkill, ...]
    gap: tuple[MissingSkill, ...]
    budget: Budget
    solver: SolverInfo
    notes: tuple[str, ...] = ()

"""Hard constraints on credentials: hours, cost, level, language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..inputs.catalog import Credential
from ..inputs.language import language_name


def normalize_language(value: str) -> str:
    """Lower-case English language name; ISO 639-1 codes ("en-US") and native names ("Español") become names."""
    return language_name(value)


@dataclass(frozen=True)
class CredentialFacts:
    """Columns of the facts filters look at, one entry per credential."""

    hours: np.ndarray  # float, NaN when unknown
    cost: np.ndarray  # float, NaN when unknown
    level: tuple[str, ...]
    language: tuple[str, ...]

    @classmethod
    def from_credentials(cls, credentials: Sequence[Credential]) -> CredentialFacts:
        return cls(
            hours=np.array([np.nan if c.hours is None else c.hours for c in credentials], dtype=np.float64),
            cost=np.array([np.nan if c.cost is None else c.cost for c in credentials], dtype=np.float64),
            level=tuple(c.level.strip().lower() for c in credentials),
            language=tuple(normalize_language(c.language) for c in credentials),
        )


@dataclass(frozen=True)
class Filters:
    """Constraints a recommended credential must meet; ``None`` means no constraint.

    ``level`` and ``language`` accept several values separated by commas. A credential whose
    hours or cost are unknown does not pass a ``max_hours`` or ``max_cost`` filter.
    """

    max_hours: float | None = None
    max_cost: float | None = None
    level: str | None = None
    language: str | None = None
    keep_unknown_language: bool = False  # a credential whose language is not given passes the language filter

    def mask(self, facts: CredentialFacts) -> tuple[np.ndarray, list[str]]:
        """Which credentials pass, and notes on credentials excluded for unknown facts."""
        allowed = np.ones(len(facts.hours), dtype=bool)
        notes: list[str] = []
        for limit, values, name in ((self.max_hours, facts.hours, "hours"), (self.max_cost, facts.cost, "cost")):
            if limit is None:
                continue
            unknown = np.isnan(values)
            if unknown.any():
                notes.append(f"{int(unknown.sum())} credentials with unknown {name} were left out by --max-{name}")
            allowed &= ~unknown & (np.nan_to_num(values, nan=np.inf) <= limit)
        if self.level:
            wanted = {v.strip().lower() for v in self.level.split(",") if v.strip()}
            allowed &= np.array([level in wanted for level in facts.level], dtype=bool)
        if self.language:
            wanted = {normalize_language(v) for v in self.language.split(",") if v.strip()}
            keep = {""} if self.keep_unknown_language else set()
            allowed &= np.array([language in wanted | keep for language in facts.language], dtype=bool)
        return allowed, notes

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.max_hours, self.max_cost, self.level, self.language))

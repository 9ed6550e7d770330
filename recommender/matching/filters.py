"""Hard constraints on credentials: hours, cost (in one currency, or converted by the user's rates), level,
language."""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidInputError
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
    currency: tuple[str, ...] = ()  # upper-case code ("" when not given), one per credential

    @classmethod
    def from_credentials(cls, credentials: Sequence[Credential]) -> CredentialFacts:
        return cls(
            hours=np.array([np.nan if c.hours is None else c.hours for c in credentials], dtype=np.float64),
            cost=np.array([np.nan if c.cost is None else c.cost for c in credentials], dtype=np.float64),
            level=tuple(c.level.strip().lower() for c in credentials),
            language=tuple(normalize_language(c.language) for c in credentials),
            currency=tuple(c.currency.strip().upper() for c in credentials),
        )

    def among(self, column: str, wanted: Collection[str]) -> np.ndarray:
        """Whether each credential's ``column`` ("level" or "language") is one of ``wanted``: one comparison per
        distinct value, not per credential (a million credentials hold a handful of languages)."""
        distinct, codes = self._categories[column]
        kept = np.array([value in wanted for value in distinct], dtype=bool)
        return kept[codes]  # a lookup per credential (np.isin sorted the codes: 10 ms at a million)

    @functools.cached_property
    def _categories(self) -> dict[str, tuple[list[str], np.ndarray]]:
        categories = {}
        for column in ("level", "language"):
            values: tuple[str, ...] = getattr(self, column)
            position: dict[str, int] = {}
            codes = np.fromiter((position.setdefault(v, len(position)) for v in values), np.int32, len(values))
            categories[column] = (list(position), codes)
        return categories


CURRENCY_FIX = "pass --currency CODE to keep those priced in it, and --rates FILE to convert the others"


def costs_in(
    facts: CredentialFacts,
    currency: str | None = None,
    rates: Mapping[str, float] | None = None,
    *,
    fix: str = CURRENCY_FIX,
) -> tuple[np.ndarray, str, list[str]]:
    """Every credential's cost in one currency, the currency, and notes: a cost budget compares these.

    Free credentials need no currency. Priced ones in one currency (or none given) compare as they are;
    with ``currency`` set, those in another are converted by ``rates`` (units of each currency per 1 of
    ``currency``), or left out (NaN, noted) without rates. Several currencies and no ``currency`` is an
    error that says how to choose: comparing 200 USD with 200 EGP as numbers would be wrong.
    """
    cost = facts.cost.astype(np.float64, copy=True)
    codes = facts.currency or ("",) * len(cost)
    priced = {code for code, value in zip(codes, cost, strict=True) if code and not np.isnan(value) and value > 0}
    wanted = currency.strip().upper() if currency else None
    if wanted is None:
        if len(priced) <= 1:
            return cost, next(iter(priced), ""), []
        counts = {code: sum(1 for c, v in zip(codes, cost, strict=True) if c == code and v > 0) for code in priced}
        listed = ", ".join(f"{code} ({n})" for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        raise InvalidInputError(
            f"the catalog prices credentials in several currencies: {listed}; a cost limit compares costs in one "
            f"currency: {fix}"
        )
    table = {str(k).strip().upper(): float(v) for k, v in (rates or {}).items()}
    if table:
        bad = sorted(code for code, rate in table.items() if not rate > 0)
        if bad:
            raise InvalidInputError(f"--rates: the rate of {', '.join(bad)} must be a positive number")
        missing = sorted(code for code in priced - {wanted} if code not in table)
        if missing:
            raise InvalidInputError(
                f"--rates has no rate for {', '.join(missing)}; add one per currency (units per 1 {wanted})"
            )
    base = table.get(wanted, 1.0)
    left_out = 0
    for i, (code, value) in enumerate(zip(codes, cost, strict=True)):
        if np.isnan(value) or value == 0 or code in ("", wanted):
            continue
        if table:
            cost[i] = value / table[code] * base
        else:
            cost[i] = np.nan
            left_out += 1
    notes = [f"{left_out} credentials priced in other currencies than {wanted} were left out by --max-cost "
             "(--rates FILE converts them)"] if left_out else []  # fmt: skip
    return cost, wanted, notes


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
    currency: str | None = None  # the currency of max_cost (default: the catalog's one currency)
    rates: Mapping[str, float] | None = field(default=None, hash=False)  # units per 1 ``currency``

    def mask(self, facts: CredentialFacts) -> tuple[np.ndarray, list[str]]:
        """Which credentials pass, and notes on credentials excluded for unknown facts."""
        allowed = np.ones(len(facts.hours), dtype=bool)
        notes: list[str] = []
        cost = facts.cost
        if self.max_cost is not None:
            cost, _, currency_notes = costs_in(facts, self.currency, self.rates)
            notes.extend(currency_notes)
        checks = ((self.max_hours, facts.hours, facts.hours, "hours"), (self.max_cost, cost, facts.cost, "cost"))
        for limit, values, given, name in checks:
            if limit is None:
                continue
            unknown = np.isnan(given)
            if unknown.any():
                notes.append(f"{int(unknown.sum())} credentials with unknown {name} were left out by --max-{name}")
            allowed &= ~np.isnan(values) & (np.nan_to_num(values, nan=np.inf) <= limit)
        if self.level:
            wanted = {v.strip().lower() for v in self.level.split(",") if v.strip()}
            allowed &= facts.among("level", wanted)
        if self.language:
            wanted = {normalize_language(v) for v in self.language.split(",") if v.strip()}
            keep = {""} if self.keep_unknown_language else set()
            allowed &= facts.among("language", wanted | keep)
        return allowed, notes

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.max_hours, self.max_cost, self.level, self.language))

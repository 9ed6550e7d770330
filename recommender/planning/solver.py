"""Budgeted maximum coverage: which credentials to take so that together they cover most of a role.

A :class:`PlanInstance` holds, for ``n`` candidate credentials and ``r`` role skills, the credit
``credits[c, k]`` (0–1) credential ``c`` gives skill ``k``, the skills' weights, each credential's
hours, cost and a small per-credential ``penalty``, the prerequisite groups (``c`` needs one
credential of each group) and the exclusive pairs (a stack and a part it already contains). A set
``S`` covers skill ``k`` with ``max(credits[c, k] for c in S)``, so a skill counts once however many
credentials teach it. The objective is

    value(S) = sum_k w_k max_{c in S} credits[c, k] / sum_k w_k  -  sum_{c in S} penalty_c

under the hours, cost and count budgets. :func:`solve_exact` solves it as a mixed-integer
programme (the facility-location formulation, HiGHS through :func:`scipy.optimize.milp`);
:func:`solve_greedy` is the cost-effectiveness greedy with the best single choice as a safeguard
(Khuller, Moss & Naor 1999); :func:`solve` uses the exact solver when the instance is small
enough and falls back to the greedy one otherwise, saying which it used. With ``secondary`` costs
the exact solver makes a second, best-effort pass (a short time limit): among the plans with the
optimal coverage, the one with the least secondary total (say, hours and cost).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import InvalidInputError

logger = logging.getLogger(__name__)

METHODS = ("auto", "exact", "greedy")
MAX_EXACT_CREDENTIALS = 5000  # candidates above which "auto" goes straight to the greedy heuristic
MAX_EXACT_PAIRS = 200_000  # (credential, skill) pairs with credit, likewise
TIME_LIMIT = 20.0  # seconds for the exact solver
TIE_BREAK_TIME_LIMIT = 2.0  # seconds for its second pass (the cheapest plan among those of optimal coverage)
_TOL = 1e-9


@dataclass(frozen=True)
class PlanInstance:
    """One budgeted coverage problem over candidate credentials (see the module docstring)."""

    credits: np.ndarray  # (n, r) in [0, 1]
    weights: np.ndarray  # (r,) > 0
    hours: np.ndarray  # (n,), NaN when unknown (only allowed without an hours budget)
    cost: np.ndarray  # (n,), NaN when unknown (only allowed without a cost budget)
    penalty: np.ndarray  # (n,) >= 0: a credential must add more coverage than this to be worth taking
    secondary: np.ndarray | None = None  # (n,) >= 0: among plans of equal coverage, the lower total wins
    requires: tuple[tuple[tuple[int, ...], ...], ...] = ()  # per credential: groups of alternatives
    exclusive: tuple[tuple[int, int], ...] = ()  # pairs never taken together
    max_hours: float | None = None
    max_cost: float | None = None
    max_count: int | None = None

    @property
    def n(self) -> int:
        return int(self.credits.shape[0])

    def groups(self, c: int) -> tuple[tuple[int, ...], ...]:
        return self.requires[c] if self.requires else ()

    def coverage(self, chosen: Iterable[int]) -> float:
        """Weighted coverage of the role by ``chosen`` (each skill counted once, at its best credit)."""
        rows = list(chosen)
        total = float(self.weights.sum())
        if not rows or total <= 0:
            return 0.0
        return float(self.credits[rows].max(axis=0) @ self.weights) / total

    def value(self, chosen: Iterable[int]) -> float:
        rows = list(chosen)
        return self.coverage(rows) - float(self.penalty[rows].sum()) if rows else 0.0

    def feasible(self, chosen: Iterable[int]) -> bool:
        """Budgets, prerequisites and exclusions all hold for ``chosen``."""
        rows = sorted(set(chosen))
        taken = set(rows)
        if self.max_count is not None and len(rows) > self.max_count:
            return False
        for limit, values in ((self.max_hours, self.hours), (self.max_cost, self.cost)):
            if limit is not None and rows and not float(np.sum(values[rows])) <= limit + _TOL:
                return False  # NaN fails too
        if any(a in taken and b in taken for a, b in self.exclusive):
            return False
        return all(any(a in taken for a in group) for c in rows for group in self.groups(c))


@dataclass(frozen=True)
class Solution:
    """The chosen credentials (positions in the instance) and how they were found."""

    chosen: tuple[int, ...]
    method: str  # "exact" or "greedy"
    optimal: bool  # proven optimal (the exact solver finished)
    value: float
    coverage: float
    seconds: float
    note: str = ""


def _solution(instance: PlanInstance, chosen: Iterable[int], method: str, optimal: bool, started: float,
              note: str = "") -> Solution:  # fmt: skip
    rows = tuple(sorted(set(chosen)))
    return Solution(rows, method, optimal, instance.value(rows), instance.coverage(rows),
                    time.perf_counter() - started, note)  # fmt: skip


def _pairs(instance: PlanInstance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    credential, skill = np.nonzero(instance.credits > 0)
    total = float(instance.weights.sum())
    value = instance.credits[credential, skill] * instance.weights[skill] / total
    return credential, skill, value


def solve_exact(instance: PlanInstance, *, time_limit: float = TIME_LIMIT) -> Solution | None:
    """The optimal plan by mixed-integer programming; ``None`` if the solver found no plan in time.

    Variables: ``x_c`` (take credential ``c``) and ``y_p`` for each (credential, skill) pair with
    credit (skill ``k`` is credited to ``c``); ``sum_c y_ck <= 1`` and ``y_ck <= x_c`` make the
    objective count each skill once at its best chosen credit.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    started = time.perf_counter()
    n = instance.n
    if n == 0:  # nothing to choose from: the empty plan is optimal
        return _solution(instance, (), "exact", True, started)
    credential, skill, value = _pairs(instance)
    m = len(value)
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    upper: list[float] = []

    def add(entries: Iterable[tuple[int, float]], bound: float) -> None:
        row = len(upper)
        for col, coefficient in entries:
            rows.append(row)
            cols.append(col)
            data.append(coefficient)
        upper.append(bound)

    for k in np.unique(skill):
        add(((n + int(p), 1.0) for p in np.flatnonzero(skill == k)), 1.0)
    for p in range(m):
        add(((n + p, 1.0), (int(credential[p]), -1.0)), 0.0)
    for limit, values in ((instance.max_hours, instance.hours), (instance.max_cost, instance.cost)):
        if limit is not None:
            add(((c, float(values[c])) for c in range(n)), float(limit))
    if instance.max_count is not None:
        add(((c, 1.0) for c in range(n)), float(instance.max_count))
    for c in range(n):
        for group in instance.groups(c):
            add([(c, 1.0), *((a, -1.0) for a in group if a != c)], 0.0)
    for a, b in instance.exclusive:
        add(((a, 1.0), (b, 1.0)), 1.0)
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    options = {"time_limit": float(time_limit), "mip_rel_gap": 1e-6, "disp": False}

    def run(objective: np.ndarray, extra: list[LinearConstraint], gap: float = 1e-6, limit: float = time_limit) -> Any:
        constraints = list(extra)
        if upper:
            matrix = coo_matrix((data, (rows, cols)), shape=(len(upper), n + m)).tocsr()
            constraints.append(LinearConstraint(matrix, -np.inf, np.asarray(upper)))
        return milp(
            objective, integrality=integrality, bounds=Bounds(0, 1), constraints=constraints,
            options={**options, "mip_rel_gap": gap, "time_limit": float(limit)},
        )  # fmt: skip

    result = run(np.concatenate([instance.penalty.astype(np.float64), -value]), [])
    if result.x is None:
        logger.info("exact solver gave no plan (status %s: %s)", result.status, result.message)
        return None
    chosen = [c for c in range(n) if result.x[c] > 0.5]
    optimal = result.status == 0
    if optimal and chosen and instance.secondary is not None:
        # Second pass: the same coverage (to a hair) for the least secondary total (hours, cost).
        covered = LinearConstraint(np.concatenate([np.zeros(n), value])[None, :], instance.coverage(chosen) - 1e-7)
        # A tie-break, so best effort: a 1 % gap and a short time limit; any plan it returns keeps the
        # optimal coverage, and it is used only when it is cheaper.
        secondary = np.concatenate([instance.secondary.astype(np.float64), np.zeros(m)])
        second = run(secondary, [covered], gap=0.01, limit=min(TIE_BREAK_TIME_LIMIT, time_limit))
        if second.x is not None and instance.secondary[second.x[:n] > 0.5].sum() < instance.secondary[chosen].sum():
            chosen = [c for c in range(n) if second.x[c] > 0.5]
    note = "" if optimal else f"the exact solver stopped at its {time_limit:g} s limit before proving optimality"
    return _solution(instance, chosen, "exact", optimal, started, note)


class _Greedy:
    """State of the greedy heuristic: chosen credentials, resources used, blocked credentials."""

    def __init__(self, instance: PlanInstance) -> None:
        self.instance = instance
        self.chosen: list[int] = []
        self.taken = np.zeros(instance.n, dtype=bool)
        self.blocked = np.zeros(instance.n, dtype=bool)
        self.current = np.zeros(instance.credits.shape[1])
        self.partners: dict[int, set[int]] = {}
        for a, b in instance.exclusive:
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)
        # Each budget as a share of its limit: the "cost" a credential's value is divided by.
        shares = np.zeros(instance.n)
        for limit, values in ((instance.max_hours, instance.hours), (instance.max_cost, instance.cost)):
            if limit is not None:
                shares += np.nan_to_num(values) / limit if limit > 0 else np.where(np.nan_to_num(values) > 0, 1e9, 0)
        if instance.max_count is not None:
            shares += 1.0 / max(instance.max_count, 1)
        self.shares = shares if (shares > 0).any() else np.ones(instance.n)

    def unit(self, c: int) -> list[int] | None:
        """``c`` with the prerequisites it still lacks (the first alternative of each group)."""
        unit: list[int] = []
        stack = [c]
        while stack:
            x = stack.pop()
            if x in unit or self.taken[x]:
                continue
            unit.append(x)
            for group in self.instance.groups(x):
                if not any(self.taken[a] or a in unit for a in group):
                    if not group:
                        return None
                    stack.append(group[0])
        if any(self.blocked[x] for x in unit) or any(b in unit for x in unit for b in self.partners.get(x, ())):
            return None
        return unit

    def fits(self, unit: Sequence[int]) -> bool:
        instance = self.instance
        return instance.feasible([*self.chosen, *unit]) if unit else False

    def gain(self, unit: Sequence[int]) -> float:
        instance = self.instance
        best = np.maximum(self.current, instance.credits[list(unit)].max(axis=0))
        total = float(instance.weights.sum())
        return float((best - self.current) @ instance.weights) / total - float(instance.penalty[list(unit)].sum())

    def add(self, unit: Sequence[int]) -> None:
        for x in unit:
            self.chosen.append(x)
            self.taken[x] = True
            self.current = np.maximum(self.current, self.instance.credits[x])
            for b in self.partners.get(x, ()):
                self.blocked[b] = True

    def step(self) -> bool:
        """Add the unit with the best gain per budget share; False when nothing adds value."""
        best: tuple[float, float, float, int] | None = None
        best_unit: list[int] = []
        for c in np.flatnonzero(~self.taken & ~self.blocked):
            unit = self.unit(int(c))
            if not unit or not self.fits(unit):
                continue
            gain = self.gain(unit)
            if gain <= _TOL:
                continue
            secondary = float(self.instance.secondary[unit].sum()) if self.instance.secondary is not None else 0.0
            key = (gain / max(float(self.shares[unit].sum()), 1e-12), gain, -secondary, -int(c))
            if best is None or key > best:
                best, best_unit = key, unit
        if best is None:
            return False
        self.add(best_unit)
        return True


def solve_greedy(instance: PlanInstance) -> Solution:
    """Greedy by coverage gained per share of the budgets, or the best single choice if better."""
    started = time.perf_counter()
    greedy = _Greedy(instance)
    while greedy.step():
        pass
    chosen: list[int] = list(greedy.chosen)
    empty = _Greedy(instance)
    for c in range(instance.n):
        unit = empty.unit(c)
        if unit and empty.fits(unit) and instance.value(unit) > instance.value(chosen) + _TOL:
            chosen = unit
    return _solution(instance, chosen, "greedy", False, started)


def solve(
    instance: PlanInstance,
    method: str = "auto",
    *,
    time_limit: float = TIME_LIMIT,
    max_exact_credentials: int = MAX_EXACT_CREDENTIALS,
    max_exact_pairs: int = MAX_EXACT_PAIRS,
) -> Solution:
    """Solve with ``method`` ``exact``, ``greedy`` or ``auto`` (exact when the instance is small enough)."""
    if method not in METHODS:
        raise InvalidInputError(f"unknown solver {method!r}; use one of: {', '.join(METHODS)}")
    if method == "greedy":
        return solve_greedy(instance)
    pairs = int(np.count_nonzero(instance.credits > 0))
    if method == "auto" and (instance.n > max_exact_credentials or pairs > max_exact_pairs):
        greedy = solve_greedy(instance)
        note = (
            f"greedy heuristic: the instance ({instance.n} candidate credentials, {pairs} credited pairs) is "
            f"above the exact solver's size limit ({max_exact_credentials} credentials, {max_exact_pairs} pairs)"
        )
        return replace(greedy, note=note)
    exact = solve_exact(instance, time_limit=time_limit)
    if exact is not None and exact.optimal:
        return exact
    greedy = solve_greedy(instance)
    if exact is None:
        return replace(greedy, note="greedy heuristic: the exact solver found no plan in time")
    if exact.coverage >= greedy.coverage:
        return exact
    return replace(greedy, note=exact.note + "; the greedy plan covered more")

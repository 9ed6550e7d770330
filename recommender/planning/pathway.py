"""Role × catalog → a stackable learning pathway: which credentials to take, in which order, and why.

:func:`build_plan` builds the role profile (minus held skills), scores every credential against
it with the same soft credits as ranking (``CoverageIndex.credits``), turns the catalog's
stackability (``stacks_into``) and prerequisites (``requires``) into constraints, solves the
budgeted coverage problem (:mod:`recommender.planning.solver`), orders the chosen credentials (prerequisites
first, then by level) and explains each step. A credential that others stack into is taken to
include them: it teaches what its parts teach, its hours and cost are the whole stack's, and
taking a part as well is redundant, so never planned. It also names the curriculum gap: the role
skills no credential in the catalog covers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InvalidInputError
from ..matching.filters import Filters, costs_in
from ..matching.results import MissingSkill
from ..skills.results import Role
from .results import Budget, CoveredSkill, PlanResult, PlanStep, PlanTotals, SolverInfo
from .solver import TIME_LIMIT, PlanInstance, Solution, solve

if TYPE_CHECKING:
    from ..matching.engine import Recommender
    from ..matching.role_builder import RoleVectors

logger = logging.getLogger(__name__)

MIN_GAIN = 1e-3  # a credential must add at least 0.1 % coverage to be worth a place in the plan
COUNT_WEIGHT = 0.01  # among plans of equal coverage, hours and cost, the fewer credentials
_LEVELS = {
    "beginner": 1, "introductory": 1, "foundation": 1, "foundational": 1, "basic": 1, "entry": 1, "novice": 1,
    "elementary": 1, "intermediate": 2, "advanced": 3, "expert": 3, "professional": 3,
}  # fmt: skip


def level_rank(level: str) -> float:
    """Beginner 1, intermediate 2, advanced 3 (EQF 1–8 spread over the same range); unknown 2."""
    text = level.strip().lower()
    eqf = re.search(r"eqf\D*(\d)", text)
    if eqf:
        return 1 + (int(eqf.group(1)) - 1) * 2 / 7
    for word in re.findall(r"[a-z]+", text):
        if word in _LEVELS:
            return float(_LEVELS[word])
    return 2.0


def _check_budgets(budget: Budget) -> None:
    for name, value in (("--max-hours", budget.max_hours), ("--max-cost", budget.max_cost),
                        ("--max-credentials", budget.max_credentials)):  # fmt: skip
        if value is not None and (not np.isfinite(value) or value < 0):
            raise InvalidInputError(f"{name} must be zero or more (got {value:g}); drop it for no limit")


class _Catalog:
    """The credential graph: stacks (parts, transitively), prerequisites, and ids."""

    def __init__(self, model: Recommender) -> None:
        credentials = model.credentials_
        self.position = {c.id: i for i, c in enumerate(credentials)}
        children: dict[int, set[int]] = {}
        for i, c in enumerate(credentials):
            for parent in c.stacks_into:
                if parent in self.position and self.position[parent] != i:
                    children.setdefault(self.position[parent], set()).add(i)
        self.parts: dict[int, set[int]] = {}
        for whole in children:
            seen: set[int] = set()
            stack = list(children[whole])
            while stack:
                part = stack.pop()
                if part not in seen and part != whole:
                    seen.add(part)
                    stack.extend(children.get(part, ()))
            self.parts[whole] = seen
        self.wholes: dict[int, set[int]] = {}
        for whole, parts in self.parts.items():
            for part in parts:
                self.wholes.setdefault(part, set()).add(whole)
        self.missing: list[tuple[str, str]] = []  # (credential id, prerequisite not in the catalog)
        self.requires: list[list[tuple[int, ...]]] = []
        for c in credentials:
            groups = []
            for needed in c.requires:
                if needed not in self.position:
                    self.missing.append((c.id, needed))
                else:
                    x = self.position[needed]
                    groups.append((x, *sorted(self.wholes.get(x, ()))))
            self.requires.append(groups)
        # A stack needs what its parts need from outside the stack.
        for whole, parts in self.parts.items():
            inside = parts | {whole}
            outside = {g for p in parts for g in self.requires[p] if g[0] not in inside}
            self.requires[whole] = list(dict.fromkeys([*self.requires[whole], *sorted(outside)]))


def _credits(model: Recommender, vectors: RoleVectors, n_skills: int, graph: _Catalog) -> dict[str, np.ndarray]:
    """Dense per (credential, role skill) best credit (the claims ranking uses), the credential skill behind
    it, and any stack part."""
    n = len(model.credentials_)
    found = model.credits(vectors)
    credit = np.zeros((n, n_skills))
    skill = np.full((n, n_skills), -1, dtype=np.int64)
    similarity = np.zeros((n, n_skills))
    credit[found.credential, found.role] = found.credit
    skill[found.credential, found.role] = found.skill
    similarity[found.credential, found.role] = found.similarity
    via = np.full((n, n_skills), -1, dtype=np.int64)
    own = credit.copy()
    for whole, parts in graph.parts.items():
        for part in parts:
            better = own[part] > credit[whole]
            credit[whole, better] = own[part, better]
            skill[whole, better] = skill[part, better]
            similarity[whole, better] = similarity[part, better]
            via[whole, better] = part
    return {"credit": credit, "skill": skill, "similarity": similarity, "via": via}


def _candidates(useful: np.ndarray, allowed: np.ndarray, graph: _Catalog) -> np.ndarray:
    """Useful allowed credentials plus the allowed prerequisites they need; drop what cannot be satisfied."""
    chosen = set(np.flatnonzero(useful & allowed).tolist())
    stack = list(chosen)
    while stack:
        for group in graph.requires[stack.pop()]:
            for x in group:
                if allowed[x] and x not in chosen:
                    chosen.add(x)
                    stack.append(x)
    changed = True
    while changed:
        changed = False
        for c in sorted(chosen):
            if any(not any(x in chosen for x in group) for group in graph.requires[c]):
                chosen.discard(c)
                changed = True
    return np.array(sorted(chosen), dtype=np.int64)


def skill_prerequisites(model: Recommender, chosen: Sequence[int]) -> dict[int, set[int]]:
    """For each chosen credential, the other chosen ones that teach a skill its prerequisite sentences name
    ("familiarity with Python is assumed": the Python course comes first)."""
    requires, matrix = model.profiles_.requires, model.profiles_.matrix
    before: dict[int, set[int]] = {}
    for c in chosen:
        needed = requires.indices[requires.indptr[c] : requires.indptr[c + 1]]
        if len(needed):
            before[c] = {d for d in chosen if d != c and matrix[d][:, needed].nnz > 0}
    return before


def _order(chosen: list[int], credit: np.ndarray, weights: np.ndarray, levels: Sequence[float],
           graph: _Catalog, taught_first: dict[int, set[int]] | None = None) -> tuple[list[int], bool]:  # fmt: skip
    """Prerequisites first (the catalog's, and credentials teaching a skill another's prerequisites name);
    then the lower level; then the larger coverage gain; then position."""
    taken = set(chosen)
    before: dict[int, set[int]] = {c: set() for c in chosen}
    for c in chosen:
        for group in graph.requires[c]:
            present = [x for x in group if x in taken and x != c]
            before[c].update(present[:1])
        before[c].update((taught_first or {}).get(c, ()))
    ordered: list[int] = []
    current = np.zeros(credit.shape[1])
    cycle = False
    while len(ordered) < len(chosen):
        ready = [c for c in chosen if c not in ordered and before[c] <= set(ordered)]
        if not ready:
            cycle, ready = True, [c for c in chosen if c not in ordered]
        gains = {c: float((np.maximum(current, credit[c]) - current) @ weights) for c in ready}
        best = min(ready, key=lambda c: (levels[c], -round(gains[c], 6), c))
        ordered.append(best)
        current = np.maximum(current, credit[best])
    return ordered, cycle


@dataclass
class PlanProblem:
    """A role's plan before solving: the coverage problem, and what explaining its solution needs."""

    role: Role
    budget: Budget
    instance: PlanInstance
    candidates: np.ndarray  # catalog position of each instance credential
    table: dict[str, np.ndarray]  # per (credential, role skill): credit, skill, similarity, via
    graph: _Catalog
    weights: np.ndarray
    useful: np.ndarray  # credentials with any credit
    known: np.ndarray  # credentials that pass the filters and have the facts the budgets need
    notes: list[str]


def build_plan(
    model: Recommender,
    text: str | None = None,
    *,
    skills: Sequence[str] | str | None = None,
    have: str | None = None,
    title: str | None = None,
    budget: Budget | None = None,
    level: str | None = None,
    language: str | None = None,
    solver: str = "auto",
    time_limit: float = TIME_LIMIT,
    min_score: float | None = None,
) -> PlanResult:
    """Choose, order and explain the credentials that best cover a role's missing skills within ``budget``.

    The role is a job description (``text``, optionally with its ``title``), a job ``title`` alone
    (indexes with ESCO occupations) or a ``skills`` list, minus the skills in ``have`` (see
    :meth:`Recommender.role`).
    """
    budget = budget or Budget()
    _check_budgets(budget)
    model.check_fitted()
    role, vectors = model.role_builder_.build(text, skills=skills, have=have, title=title, min_score=min_score)
    problem = prepare_plan(model, role, vectors, budget=budget, level=level, language=language)
    return finish_plan(model, problem, solve(problem.instance, solver, time_limit=time_limit))


def prepare_plan(
    model: Recommender,
    role: Role,
    vectors: RoleVectors,
    *,
    budget: Budget,
    level: str | None = None,
    language: str | None = None,
) -> PlanProblem:
    """The coverage problem for ``role`` (built with ``vectors``) under ``budget`` and the filters."""
    credentials = model.credentials_
    notes: list[str] = []
    weights = np.array([s.weight for s in role.skills], dtype=np.float64)
    graph = _Catalog(model)
    table = _credits(model, vectors, len(role.skills), graph)
    credit = table["credit"]
    language = None if language is not None and language.strip().lower() == "any" else language
    known, filter_notes = Filters(None, None, level, language).mask(model.facts_)
    if budget.max_cost is not None:  # a plan adds costs: they must be in one currency
        costs_in(model.facts_, fix="a plan adds its credentials' costs, so leave out --max-cost for this catalog")
    allowed = known.copy()
    for limit, values, name in ((budget.max_hours, model.facts_.hours, "hours"),
                                (budget.max_cost, model.facts_.cost, "cost")):  # fmt: skip
        if limit is not None:
            unknown = np.isnan(values)
            if unknown.any():
                notes.append(f"{int(unknown.sum())} credentials with unknown {name} were left out by --max-{name}")
            known &= ~unknown
            allowed &= ~unknown & (np.nan_to_num(values, nan=np.inf) <= limit)
    notes.extend(filter_notes)
    for credential_id, needed in graph.missing[:5]:
        notes.append(f"{credential_id} requires {needed}, which is not in the catalog: planned without it")
    useful = credit.max(axis=1) > 0 if len(role.skills) else np.zeros(len(credentials), dtype=bool)
    candidates = _candidates(useful, allowed, graph)
    local = {int(c): i for i, c in enumerate(candidates)}
    hours = model.facts_.hours[candidates]
    cost = model.facts_.cost[candidates]
    # Among plans of equal coverage: the fewest hours and least cost (as shares of the budget, else of
    # the largest candidate's), then the fewest credentials.
    scale_h = budget.max_hours or _largest(hours)
    scale_c = budget.max_cost or _largest(cost)
    instance = PlanInstance(
        credits=credit[candidates] if len(role.skills) else np.zeros((len(candidates), 0)),
        weights=weights,
        hours=hours,
        cost=cost,
        penalty=np.full(len(candidates), MIN_GAIN),
        secondary=np.nan_to_num(hours) / scale_h + np.nan_to_num(cost) / scale_c + COUNT_WEIGHT,
        requires=tuple(
            tuple(tuple(local[x] for x in group if x in local) for group in graph.requires[c]) for c in candidates
        ),
        exclusive=tuple(
            (local[w], local[p]) for w, parts in graph.parts.items() if w in local for p in sorted(parts) if p in local
        ),
        max_hours=budget.max_hours,
        max_cost=budget.max_cost,
        max_count=budget.max_credentials,
    )
    return PlanProblem(role, budget, instance, candidates, table, graph, weights, useful, known, notes)


def _largest(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if len(finite) and finite.max() > 0 else 1.0


def finish_plan(model: Recommender, problem: PlanProblem, solution: Solution) -> PlanResult:
    """Order the chosen credentials, explain each step, and name what stays uncovered."""
    credentials, role, weights = model.credentials_, problem.role, problem.weights
    credit = problem.table["credit"]
    notes = list(problem.notes)
    chosen = [int(problem.candidates[i]) for i in solution.chosen]
    levels = [level_rank(c.level) for c in credentials]
    taught_first = skill_prerequisites(model, chosen)
    ordered, cycle = _order(chosen, credit, weights, levels, problem.graph, taught_first)
    if cycle:
        notes.append("the chosen credentials require each other in a cycle: ordered by level where it breaks")
    steps, cover = _steps(model, role, ordered, problem.table, weights, problem.graph, taught_first)
    notes.extend(_empty_plan_notes(role, problem.useful, problem.known, model, problem.budget, ordered))
    best_anywhere = credit.max(axis=0) if len(credentials) and len(role.skills) else np.zeros(len(role.skills))
    covered_by_plan = cover > 0
    gap = tuple(MissingSkill.of(s) for k, s in enumerate(role.skills) if best_anywhere[k] <= 0)
    uncovered = tuple(
        MissingSkill.of(s) for k, s in enumerate(role.skills) if not covered_by_plan[k] and best_anywhere[k] > 0
    )
    total = float(weights.sum())
    facts = model.facts_
    totals = PlanTotals(
        credentials=len(ordered),
        hours=float(np.nansum(facts.hours[ordered])) if ordered else 0.0,
        hours_unknown=int(np.isnan(facts.hours[ordered]).sum()) if ordered else 0,
        cost=float(np.nansum(facts.cost[ordered])) if ordered else 0.0,
        cost_unknown=int(np.isnan(facts.cost[ordered]).sum()) if ordered else 0,
        currency=", ".join(sorted({credentials[c].currency for c in ordered if credentials[c].currency})),
        coverage=float(cover @ weights) / total if total > 0 else (1.0 if role.held else 0.0),
        covered=int(covered_by_plan.sum()),
        skills=len(role.skills),
        held=len(role.held),
    )
    if "," in totals.currency:
        notes.append(f"the plan's costs are in several currencies ({totals.currency}): the total adds them as numbers")
    info = SolverInfo(
        method=solution.method, optimal=solution.optimal, objective=solution.value,
        seconds=solution.seconds, candidates=len(problem.candidates), note=solution.note,
    )  # fmt: skip
    return PlanResult(role, tuple(steps), totals, uncovered, gap, problem.budget, info, tuple(notes))


def _steps(model: Recommender, role: Role, ordered: list[int], table: dict[str, np.ndarray], weights: np.ndarray,
           graph: _Catalog, taught_first: dict[int, set[int]]) -> tuple[list[PlanStep], np.ndarray]:  # fmt: skip
    credentials = model.credentials_
    vocabulary = model.vocabulary_.skills
    total = float(weights.sum()) or 1.0
    cover = np.zeros(len(role.skills))
    hours = cost = 0.0
    steps: list[PlanStep] = []
    in_plan = set(ordered)
    for number, c in enumerate(ordered, start=1):
        credential = credentials[c]
        row = table["credit"][c]
        covers = tuple(
            CoveredSkill(
                skill=s.label, skill_id=s.id, weight=s.weight, credit=float(row[k]),
                credential_skill=vocabulary[int(table["skill"][c, k])].label,
                similarity=float(table["similarity"][c, k]), new=bool(cover[k] <= 0),
                via=credentials[int(table["via"][c, k])].id if table["via"][c, k] >= 0 else "",
            )
            for k, s in enumerate(role.skills)
            if row[k] > 0
        )  # fmt: skip
        gain = float((np.maximum(cover, row) - cover) @ weights) / total
        cover = np.maximum(cover, row)
        hours += 0.0 if credential.hours is None else credential.hours
        cost += 0.0 if credential.cost is None else credential.cost
        catalog_first = [x for group in graph.requires[c] for x in group if x in in_plan]
        requires = tuple(dict.fromkeys(credentials[x].id for x in [*catalog_first, *sorted(taught_first.get(c, ()))]))
        needed_by = [
            credentials[d].title
            for d in ordered
            if any(c in g for g in graph.requires[d]) or c in taught_first.get(d, ())
        ]
        parts = sorted(graph.parts.get(c, ()))
        steps.append(
            PlanStep(
                step=number, id=credential.id, title=credential.title, provider=credential.provider,
                hours=credential.hours, cost=credential.cost, currency=credential.currency, level=credential.level,
                url=credential.url, gain=gain, coverage=float(cover @ weights) / total, total_hours=hours,
                total_cost=cost, covers=covers, requires=requires,
                includes=tuple(credentials[p].id for p in parts),
                reason=f"prerequisite of {', '.join(needed_by)}" if needed_by and gain <= 0 else "",
                included_titles=tuple(credentials[p].title for p in parts),
            )
        )  # fmt: skip
    return steps, cover


def _empty_plan_notes(role: Role, useful: np.ndarray, known: np.ndarray, model: Recommender, budget: Budget,
                      ordered: list[int]) -> list[str]:  # fmt: skip
    """Plain answers for the cases where the plan is empty or has nothing to do.

    ``known`` marks the credentials that pass the level and language filters and whose hours and
    cost are known where a budget needs them (whatever their amounts).
    """
    if ordered:
        return []
    if not role.skills and role.held:
        return [f"you already hold all {len(role.held)} skills the role needs: there is nothing to plan"]
    if not role.skills:
        return ["no skills of the vocabulary were found in the role: give a longer description or --skills"]
    if not useful.any():
        return ["no credential in the catalog covers any of the role's skills: every skill is a curriculum gap"]
    eligible = np.flatnonzero(useful & known)
    if not len(eligible):
        return ["every credential that covers a role skill is excluded by --level, --language or unknown "
                "hours or cost (see the notes)"]  # fmt: skip
    if budget.max_credentials == 0:
        return ["--max-credentials 0 allows no credential: nothing can be planned"]
    facts = model.facts_
    parts = []
    if budget.max_hours is not None:
        parts.append(f"the shortest credential that covers a role skill takes {np.nanmin(facts.hours[eligible]):g} h")
    if budget.max_cost is not None:
        parts.append(f"the cheapest costs {np.nanmin(facts.cost[eligible]):g}")
    detail = f" ({'; '.join(parts)})" if parts else ""
    return [f"no combination of credentials fits the budget{detail}: raise --max-hours, --max-cost or "
            "--max-credentials"]  # fmt: skip

"""Learning pathways: the solver on hand-computable instances, the plan on tiny catalogs, the CLI.

Solver instances are small enough to check by hand (and against brute force); plans use the
hashing encoder and catalogs whose declared skills give credits of exactly 1.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.encoders.hashing import HashingEncoder
from recommender.errors import InvalidInputError
from recommender.formats.readers import load_catalog
from recommender.matching.engine import Recommender
from recommender.planning.html import render_plan_html
from recommender.planning.pathway import build_plan, level_rank
from recommender.planning.results import Budget
from recommender.planning.solver import PlanInstance, solve, solve_exact, solve_greedy

from ..helpers import HASH_SETTINGS

runner = CliRunner()
ROLE = "SQL, Python, Tableau, Scrum"

# A stack (part-a and part-b stack into cert) and a prerequisite (adv requires base).
STACK_CATALOG = [
    {"id": "base", "title": "Relational databases", "skills": ["SQL"], "hours": 10, "cost": 50,
     "level": "beginner", "currency": "USD"},
    {"id": "adv", "title": "Warehouse engineering", "skills": ["data warehouses"], "hours": 20, "cost": 100,
     "level": "advanced", "currency": "USD", "requires": ["base"]},
    {"id": "part-a", "title": "Scripting", "skills": ["Python"], "hours": 5, "cost": 40, "level": "beginner",
     "currency": "USD", "stacks_into": ["cert"]},
    {"id": "part-b", "title": "Charts", "skills": ["Tableau"], "hours": 5, "cost": 40, "level": "beginner",
     "currency": "USD", "stacks_into": ["cert"]},
    {"id": "cert", "title": "Analytics certificate", "skills": ["Scrum"], "hours": 12, "cost": 70,
     "level": "intermediate", "currency": "USD"},
]  # fmt: skip


def instance(credits: list[list[float]], weights: list[float] | None = None, **kwargs: Any) -> PlanInstance:
    matrix = np.asarray(credits, dtype=np.float64)
    n = matrix.shape[0]
    defaults: dict[str, Any] = {"hours": np.full(n, 10.0), "cost": np.zeros(n), "penalty": np.zeros(n)}
    for key in ("hours", "cost", "penalty", "secondary"):
        if key in kwargs and kwargs[key] is not None:
            kwargs[key] = np.asarray(kwargs[key], dtype=np.float64)
    weights_array = np.ones(matrix.shape[1]) if weights is None else np.asarray(weights, dtype=np.float64)
    return PlanInstance(credits=matrix, weights=weights_array, **{**defaults, **kwargs})


def brute_force(problem: PlanInstance) -> float:
    return max(
        problem.value(subset)
        for k in range(problem.n + 1)
        for subset in itertools.combinations(range(problem.n), k)
        if problem.feasible(subset)
    )


# ---------------------------------------------------------------- solver
def test_exact_optimum_by_hand() -> None:
    # skills a..e weigh 3, 2, 2, 1, 1 (total 9); 30 hours.
    problem = instance(
        [[1, 1, 0, 0, 0], [0, 1, 1, 1, 0], [0.5, 0, 0, 0, 1], [0, 0, 1, 1, 1]],
        [3, 2, 2, 1, 1],
        hours=[10, 20, 5, 30],
        max_hours=30,
    )
    # {0, 1}: a + b + c + d = 8/9; {1, 2}: 2 + 2 + 1 + 1.5 + 1 = 7.5/9; {0, 2}: 3 + 2 + 1 = 6/9; {3}: 4/9.
    exact = solve_exact(problem)
    assert exact is not None and exact.optimal and exact.method == "exact"
    assert exact.chosen == (0, 1)
    assert exact.coverage == pytest.approx(8 / 9)


def test_greedy_is_suboptimal_where_exact_is_not() -> None:
    # B1 = {1, 2, 3}, B2 = {4, 5, 6}, A = {2, 3, 4, 5}; two credentials at most.
    problem = instance([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [0, 1, 1, 1, 1, 0]], max_count=2)
    greedy = solve_greedy(problem)
    assert greedy.chosen == (0, 2) and greedy.coverage == pytest.approx(5 / 6)  # A first, then one of B1, B2
    exact = solve_exact(problem)
    assert exact is not None and exact.chosen == (0, 1) and exact.coverage == pytest.approx(1.0)


def test_prerequisites_are_pulled_in_and_respected() -> None:
    # 1 covers everything but needs 0 (which covers nothing); 2 covers half on its own.
    problem = instance([[0, 0], [1, 1], [1, 0]], requires=((), ((0,),), ()))
    for count, expected in ((1, (2,)), (2, (0, 1))):
        limited = PlanInstance(**{**problem.__dict__, "max_count": count})
        for solution in (solve_exact(limited), solve_greedy(limited)):
            assert solution is not None and solution.chosen == expected
            assert limited.feasible(solution.chosen)


def test_exclusive_pairs_are_never_taken_together() -> None:
    problem = instance([[1, 0], [0, 1]], exclusive=((0, 1),))
    for solution in (solve_exact(problem), solve_greedy(problem)):
        assert solution is not None and len(solution.chosen) == 1


def test_second_pass_prefers_the_cheapest_plan_of_equal_coverage() -> None:
    # {0} and {1, 2} both cover everything; {1, 2} takes fewer hours.
    problem = instance([[1, 1], [1, 0], [0, 1]], hours=[30, 5, 5], penalty=[1e-3] * 3, secondary=[3, 0.51, 0.51])
    exact = solve_exact(problem)
    assert exact is not None and exact.chosen == (1, 2) and exact.coverage == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(40))
def test_exact_matches_brute_force_and_greedy_never_beats_it(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, r = int(rng.integers(2, 7)), int(rng.integers(1, 6))
    requires = tuple(((int((c + 1) % n),),) if rng.random() < 0.25 else () for c in range(n))
    problem = instance(
        (rng.random((n, r)) * (rng.random((n, r)) < 0.5)).tolist(),
        (rng.random(r) + 0.1).tolist(),
        hours=rng.integers(1, 20, n).tolist(),
        cost=rng.integers(0, 100, n).tolist(),
        penalty=[1e-3] * n,
        requires=requires,
        exclusive=((0, 1),) if rng.random() < 0.3 else (),
        max_hours=float(rng.integers(5, 40)),
        max_cost=float(rng.integers(0, 200)) if rng.random() < 0.5 else None,
        max_count=int(rng.integers(1, 4)) if rng.random() < 0.5 else None,
    )
    exact, greedy = solve_exact(problem), solve_greedy(problem)
    assert exact is not None and exact.value == pytest.approx(brute_force(problem), abs=1e-6)
    assert problem.feasible(exact.chosen) and problem.feasible(greedy.chosen)
    assert greedy.value <= exact.value + 1e-9


def test_no_candidates_is_an_empty_optimal_plan() -> None:
    empty = np.zeros(0)
    problem = PlanInstance(np.zeros((0, 3)), np.ones(3), empty, empty, empty, max_hours=5)
    for solution in (solve_exact(problem), solve_greedy(problem), solve(problem)):
        assert solution is not None and solution.chosen == () and solution.coverage == 0


def test_auto_falls_back_to_greedy_on_large_instances_and_says_so() -> None:
    problem = instance([[1, 0], [0, 1]])
    result = solve(problem, "auto", max_exact_credentials=1)
    assert result.method == "greedy" and "size limit" in result.note
    assert solve(problem, "auto").method == "exact"
    with pytest.raises(InvalidInputError, match="unknown solver 'best'"):
        solve(problem, "best")


@pytest.mark.parametrize(
    ("level", "rank"), [("beginner", 1), ("Introductory", 1), ("Intermediate", 2), ("advanced", 3), ("EQF 1", 1),
                        ("EQF 8", 3), ("", 2), ("mixed", 2)],
)  # fmt: skip
def test_level_rank(level: str, rank: float) -> None:
    assert level_rank(level) == pytest.approx(rank)


# ---------------------------------------------------------------- plans on tiny catalogs
@pytest.fixture()
def stack_model(tmp_path: Path) -> Recommender:
    path = tmp_path / "stack.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in STACK_CATALOG), encoding="utf-8")
    return Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load_catalog(path))


def test_plan_by_hand_on_the_tiny_catalog(tiny_model: Recommender) -> None:
    # Under 100 and two credentials: sql-101 + py-201 (50) or py-201 + viz-110 (100) each cover 2 of 4;
    # the cheaper wins. Beginner before intermediate.
    result = build_plan(tiny_model, skills=ROLE, budget=Budget(max_cost=100, max_credentials=2))
    assert [s.id for s in result.steps] == ["sql-101", "py-201"]
    assert [[c.skill for c in s.new_skills] for s in result.steps] == [["SQL"], ["Python"]]
    assert [round(s.coverage, 4) for s in result.steps] == [0.25, 0.5]
    assert [(s.total_hours, s.total_cost) for s in result.steps] == [(10, 50), (30, 50)]
    totals = result.totals
    assert (totals.credentials, totals.hours, totals.cost, totals.covered, totals.skills) == (2, 30, 50, 2, 4)
    assert {s.skill for s in result.uncovered} == {"Tableau", "Scrum"} and result.gap == ()
    assert result.solver.method == "exact" and result.solver.optimal


def test_prerequisite_comes_first(stack_model: Recommender) -> None:
    result = build_plan(stack_model, skills="data warehouses")
    assert [s.id for s in result.steps] == ["base", "adv"]
    assert result.steps[0].reason == "prerequisite of Warehouse engineering" and result.steps[0].gain == 0
    assert result.steps[1].requires == ("base",)
    assert result.totals.coverage == pytest.approx(1.0)


def test_a_stack_counts_what_its_parts_teach_and_is_not_taken_with_them(stack_model: Recommender) -> None:
    result = build_plan(stack_model, skills="Python, Tableau, Scrum")
    (step,) = result.steps
    assert step.id == "cert" and step.includes == ("part-a", "part-b")
    assert {(c.skill, c.via) for c in step.covers} == {("Python", "part-a"), ("Tableau", "part-b"), ("Scrum", "")}
    # Without room for the stack: its parts, and Scrum left uncovered (but not a curriculum gap).
    small = build_plan(stack_model, skills="Python, Tableau, Scrum", budget=Budget(max_hours=11))
    assert sorted(s.id for s in small.steps) == ["part-a", "part-b"]
    assert [s.skill for s in small.uncovered] == ["Scrum"] and small.gap == ()


def test_impossible_budget_is_a_clear_answer(tiny_model: Recommender) -> None:
    result = build_plan(tiny_model, skills=ROLE, budget=Budget(max_hours=1))
    assert result.steps == () and result.totals.coverage == 0
    assert "no combination of credentials fits the budget" in result.notes[-1] and "8 h" in result.notes[-1]
    zero = build_plan(tiny_model, skills=ROLE, budget=Budget(max_credentials=0))
    assert zero.steps == () and "--max-credentials 0" in zero.notes[-1]


def test_everything_already_held(tiny_model: Recommender) -> None:
    result = build_plan(tiny_model, skills=ROLE, have=ROLE)
    assert result.steps == () and len(result.role.held) == 4
    assert result.notes == ("you already hold all 4 skills the role needs: there is nothing to plan",)


def test_nothing_in_the_catalog_covers_the_role(tiny_model: Recommender) -> None:
    result = build_plan(tiny_model, skills="cooking, gardening")
    assert result.steps == ()
    assert [s.skill for s in result.gap] == ["cooking", "gardening"]
    assert "every skill is a curriculum gap" in result.notes[-1]


def test_unknown_hours_are_left_out_under_an_hours_budget(tmp_path: Path) -> None:
    rows = [{**STACK_CATALOG[0], "hours": None}, STACK_CATALOG[2]]
    path = tmp_path / "unknown.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    model = Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load_catalog(path))
    result = build_plan(model, skills="SQL, Python", budget=Budget(max_hours=100))
    assert [s.id for s in result.steps] == ["part-a"]
    assert "1 credentials with unknown hours were left out by --max-hours" in result.notes


@pytest.mark.parametrize("budget", [Budget(max_hours=-1), Budget(max_cost=float("nan")), Budget(max_credentials=-2)])
def test_negative_budgets_are_rejected(tiny_model: Recommender, budget: Budget) -> None:
    with pytest.raises(InvalidInputError, match="must be zero or more"):
        build_plan(tiny_model, skills=ROLE, budget=budget)


def test_html_page_is_self_contained_and_marks_the_gap(tiny_model: Recommender) -> None:
    result = build_plan(tiny_model, skills=ROLE + ", cooking", budget=Budget(max_credentials=2))
    page = render_plan_html(result, title="Data <analyst>")
    assert page.startswith("<!DOCTYPE html>") and "Data &lt;analyst&gt;" in page
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in page
    assert page.count('<tr class="gap">') == 1 and page.count('<tr class="open">') == 2
    assert page.count('class="hit new"') == 2


# ---------------------------------------------------------------- command line
@pytest.fixture()
def model_dir(tiny_catalog_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "index"
    result = runner.invoke(app, ["index", "--catalog", str(tiny_catalog_path), "--encoder", "hash", "--model-dir",
                                 str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return path


def test_cli_plan_json_table_and_html(model_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "out" / "plan.html"
    args = ["plan", "--model-dir", str(model_dir), "--skills", ROLE, "--max-cost", "100", "--max-credentials", "2"]
    result = runner.invoke(app, [*args, "--format", "json", "--html", str(page)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["steps"]] == ["sql-101", "py-201"]
    assert data["solver"]["method"] == "exact" and data["totals"]["cost"] == 50
    assert page.is_file() and f"wrote {page}" in result.stderr
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "SQL for analysts" in table.stdout and "Not covered by this plan" in table.stdout


def test_cli_plan_with_a_job_description_and_have(model_dir: Path) -> None:
    text = "We analyse sales data for our stores.\n\nRequirements: SQL, Tableau, Python"
    result = runner.invoke(app, ["plan", "--model-dir", str(model_dir), text, "--have", "SQL", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["label"] for s in data["role"]["held"]] == ["SQL"]
    assert sorted(s["id"] for s in data["steps"]) == ["py-201", "viz-110"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-hours", "-3"], "--max-hours must be zero or more"),
        (["--solver", "best"], "Invalid value"),
        (["--title", "data engineer"], "--title needs an index with ESCO occupations"),
    ],
)
def test_cli_plan_errors(model_dir: Path, args: list[str], message: str) -> None:
    skills = [] if "--title" in args else ["--skills", ROLE]
    result = runner.invoke(app, ["plan", "--model-dir", str(model_dir), *skills, *args])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output

"""``recommender query``, ``skills`` and ``plan``: one role in, ranked credentials, its skills, or a pathway."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..errors import InvalidInputError
from ..matching.filters import Filters
from . import common
from .common import (
    Currency,
    Format,
    HeldFile,
    HeldSkills,
    Language,
    Level,
    MaxCost,
    MaxHours,
    MinScore,
    ModelDir,
    OutputFormat,
    Quiet,
    Rates,
    RoleFile,
    RoleFormat,
    RoleInputFormat,
    RoleSkills,
    RoleText,
    RoleTitle,
    TopK,
    Verbose,
    emit,
    envelope,
    handle_errors,
    held_skills,
    note,
    role_input,
    setup_logging,
    title_of,
)


def cost_filters(
    max_hours: float | None,
    max_cost: float | None,
    level: str | None,
    language: str | None,
    currency: str | None,
    rates: Path | None,
) -> Filters:
    """The filters the options name; ``--rates`` read from its file."""
    from ..inputs.tabular import read_rates

    if rates is not None and currency is None:
        raise InvalidInputError("--rates converts costs into --currency: give --currency too, e.g. --currency USD")
    table = read_rates(rates) if rates is not None else None
    return Filters(max_hours, max_cost, level, language, currency=currency, rates=table)


@handle_errors
def query(
    text: RoleText = None,
    file: RoleFile = None,
    input_format: RoleFormat = RoleInputFormat.auto,
    skills: RoleSkills = None,
    have: HeldSkills = None,
    have_file: HeldFile = None,
    title: RoleTitle = None,
    k: TopK = 10,
    model_dir: ModelDir = None,
    max_hours: MaxHours = None,
    max_cost: MaxCost = None,
    currency: Currency = None,
    rates: Rates = None,
    level: Level = None,
    language: Language = None,
    output: Format = OutputFormat.table,
    min_score: MinScore = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Rank credentials for a role (a job description, JobPosting, title or skill list) and explain each."""
    setup_logging(verbose, quiet)
    description, posting_title = role_input(text, file, input_format, stdin=skills is None and title is None)
    filters = cost_filters(max_hours, max_cost, level, language, currency, rates)
    result = api.query(
        description, model_dir=model_dir, skills=skills, have=held_skills(have, have_file), k=k, filters=filters,
        progress=not quiet, title=title_of(title, posting_title), min_score=min_score,
    )  # fmt: skip

    score_max = api.score_ceiling(model_dir)

    def table() -> None:
        from ..matching.render import print_query_result

        print_query_result(result, common.stdout, score_max=score_max)

    emit(envelope({**result.to_dict(), "score_max": score_max}), "recommendations", output, table)


@handle_errors
def skills(
    text: Annotated[str | None, typer.Argument(help="Text to read (or pipe it in).")] = None,
    file: RoleFile = None,
    input_format: RoleFormat = RoleInputFormat.auto,
    model_dir: ModelDir = None,
    output: Format = OutputFormat.table,
    min_score: MinScore = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """List the skills of the index's vocabulary that a text states (its duty and requirement sentences: every
    skill named word for word, and skills matched by meaning that fit their context), with evidence."""
    setup_logging(verbose, quiet)
    content, _ = role_input(text, file, input_format)
    if not content or not content.strip():
        raise InvalidInputError("no text given: pass TEXT, --file FILE, or pipe the text in")
    matches = api.text_skills(content, model_dir=model_dir, progress=not quiet, min_score=min_score)

    def table() -> None:
        from ..matching.render import print_skills

        print_skills(matches, common.stdout)

    emit(envelope({"skills": [m.to_dict() for m in matches]}), "skills", output, table)


class SolverChoice(str, Enum):
    auto = "auto"
    exact = "exact"
    greedy = "greedy"


@handle_errors
def plan(
    text: RoleText = None,
    file: RoleFile = None,
    input_format: RoleFormat = RoleInputFormat.auto,
    skills: RoleSkills = None,
    have: HeldSkills = None,
    have_file: HeldFile = None,
    title: RoleTitle = None,
    model_dir: ModelDir = None,
    max_hours: Annotated[float | None, typer.Option("--max-hours", help="Hours the whole plan may take.")] = None,
    max_cost: Annotated[
        float | None, typer.Option("--max-cost", help="What the whole plan may cost (a catalog in one currency).")
    ] = None,
    max_credentials: Annotated[
        int | None, typer.Option("--max-credentials", help="At most this many credentials.")
    ] = None,
    level: Level = None,
    language: Language = None,
    solver: Annotated[
        SolverChoice, typer.Option(help="exact (integer programme), greedy, or auto: exact unless the instance is big.")
    ] = SolverChoice.auto,
    output: Format = OutputFormat.table,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the plan as one self-contained HTML page.")
    ] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Plan a stack of credentials that covers the role's missing skills within the budgets, in order."""
    setup_logging(verbose, quiet)
    description, posting_title = role_input(text, file, input_format, stdin=skills is None and title is None)
    role_title = title_of(title, posting_title)
    result = api.plan(
        description, model_dir=model_dir, skills=skills, have=held_skills(have, have_file), title=role_title,
        max_hours=max_hours, max_cost=max_cost, max_credentials=max_credentials, level=level, language=language,
        solver=solver.value, progress=not quiet,
    )  # fmt: skip
    if html is not None:
        from ..planning.html import plan_heading, render_plan_html
        from ..store.artifacts import atomic_text_file

        with atomic_text_file(html, example="plan.html") as handle:
            handle.write(render_plan_html(result, title=plan_heading(description, role_title, skills)))
        note(f"wrote {html}", quiet)

    def table() -> None:
        from ..planning.render import print_plan

        print_plan(result, common.stdout)

    emit(envelope(result.to_dict()), "steps", output, table)

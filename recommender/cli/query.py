"""``recommender query``, ``skills`` and ``plan``: one role in, ranked credentials, its skills, or a pathway."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..errors import InvalidInputError
from ..matching.filters import Filters
from . import common
from .common import (
    Format,
    HeldSkills,
    Language,
    Level,
    MaxCost,
    MaxHours,
    MinScore,
    ModelDir,
    OutputFormat,
    RoleFile,
    RoleSkills,
    RoleText,
    RoleTitle,
    Verbose,
    handle_errors,
    have_text,
    role_text,
    setup_logging,
)


@handle_errors
def query(
    text: RoleText = None,
    file: RoleFile = None,
    skills: RoleSkills = None,
    have: HeldSkills = None,
    title: RoleTitle = None,
    k: Annotated[int, typer.Option("-k", help="How many credentials to return.")] = 10,
    model_dir: ModelDir = None,
    max_hours: MaxHours = None,
    max_cost: MaxCost = None,
    level: Level = None,
    language: Language = None,
    output: Format = OutputFormat.table,
    min_score: MinScore = None,
    verbose: Verbose = False,
) -> None:
    """Rank credentials for a role given as a job description or a skill list, and explain each."""
    setup_logging(verbose)
    result = api.query(
        role_text(text, file), model_dir=model_dir, skills=skills, have=have_text(have), k=k,
        filters=Filters(max_hours, max_cost, level, language), progress=True, title=title, min_score=min_score,
    )  # fmt: skip
    if output is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from ..matching.render import print_query_result

        print_query_result(result, common.stdout)


@handle_errors
def skills(
    text: Annotated[str | None, typer.Argument(help="Text to read.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the text from a file (- for stdin).")] = None,
    model_dir: ModelDir = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = OutputFormat.table,
    min_score: MinScore = None,
    verbose: Verbose = False,
) -> None:
    """List the skills of the index's vocabulary that a text states (its duty and requirement sentences: every
    skill named word for word, and skills matched by meaning that fit their context), with evidence."""
    setup_logging(verbose)
    content = role_text(text, file)
    if not content or not content.strip():
        raise InvalidInputError("no text given: pass TEXT or --file")
    matches = api.text_skills(content, model_dir=model_dir, progress=True, min_score=min_score)
    if output is OutputFormat.json:
        typer.echo(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=2))
    else:
        from ..matching.render import print_skills

        print_skills(matches, common.stdout)


class SolverChoice(str, Enum):
    auto = "auto"
    exact = "exact"
    greedy = "greedy"


@handle_errors
def plan(
    text: RoleText = None,
    file: RoleFile = None,
    skills: RoleSkills = None,
    have: HeldSkills = None,
    title: RoleTitle = None,
    model_dir: ModelDir = None,
    max_hours: Annotated[float | None, typer.Option("--max-hours", help="Hours the whole plan may take.")] = None,
    max_cost: Annotated[float | None, typer.Option("--max-cost", help="What the whole plan may cost.")] = None,
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
    verbose: Verbose = False,
) -> None:
    """Plan a stack of credentials that covers the role's missing skills within the budgets, in order."""
    setup_logging(verbose)
    description = role_text(text, file)
    result = api.plan(
        description, model_dir=model_dir, skills=skills, have=have_text(have), title=title, max_hours=max_hours,
        max_cost=max_cost, max_credentials=max_credentials, level=level, language=language,
        solver=solver.value, progress=True,
    )  # fmt: skip
    if html is not None:
        from ..planning.html import plan_heading, render_plan_html
        from ..store.artifacts import atomic_text_file

        with atomic_text_file(html, example="plan.html") as handle:
            handle.write(render_plan_html(result, title=plan_heading(description, title, skills)))
        typer.echo(f"wrote {html}", err=True)
    if output is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from ..planning.render import print_plan

        print_plan(result, common.stdout)

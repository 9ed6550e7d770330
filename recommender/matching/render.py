"""Human-readable tables for results (JSON output needs no help: results have ``to_dict``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from ..skills.results import SkillMatch
from .results import MatchedSkill, QueryResult, Recommendation

PARTIAL = 0.995  # a similarity under this is a related skill, not the same one


def format_money(cost: float | None, currency: str) -> str:
    """A cost for people: "free", "1,200 USD", or "?" when unknown."""
    if cost is None:
        return "?"
    return "free" if cost == 0 else f"{cost:,.0f} {currency}".strip()


def format_hours(hours: float | None) -> str:
    """Hours for people: "12 h", or "?" when unknown."""
    return "?" if hours is None else f"{hours:g} h"


def partly_covered(rec: Recommendation) -> list[MatchedSkill]:
    """The role skills a credential covers only in part: through a related skill (similarity under 1) or
    found only in its text (a text skill's profile weight is under 1). Their credit is under 1, which is
    why coverage can be under 100% with nothing missing."""
    return [m for m in rec.matched_skills if m.similarity < PARTIAL or m.source == "text"]


def score_legend(score_max: float | None) -> str:
    """What the score and coverage columns mean, printed under the table."""
    top = f"0 to {score_max:g}" if score_max else "0 and up"
    return (
        f"Score: {top}, higher is better: skill coverage, text match and meaning, each relative to the best "
        "credential for this role, so compare scores within one answer only. Coverage: the share of the role's "
        "skills (by weight) a credential teaches; a skill it teaches only in part (partly: taught through a "
        "related skill ←, or found only in its text) counts in part."
    )


def print_query_result(
    result: QueryResult, console: Console, *, skills_shown: int = 4, score_max: float | None = None
) -> None:
    """Role profile first, then one row per recommendation with its reasons, then what the columns mean."""
    role = result.role
    needed = ", ".join(f"{s.label} ({s.weight:.2f})" for s in role.skills) or "none found"
    console.print(f"[bold]Role skills ({len(role.skills)}, with weights):[/bold] {needed}")
    if role.held:
        console.print(f"[bold]Already held (not needed):[/bold] {', '.join(s.label for s in role.held)}")
    score_head = f"Score\n(0–{score_max:g})" if score_max else "Score"
    table = Table(show_lines=True)
    for column, justify in (("#", "right"), ("Credential", "left"), (score_head, "right"), ("Coverage", "right"),
                            ("Hours", "right"), ("Cost", "right"), ("Teaches (role skill ← credential skill)", "left"),
                            ("Still missing · partly", "left")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rec in result.recommendations:
        taught = "\n".join(
            f"{m.skill}"
            + ("" if m.skill_id == m.credential_skill_id else f" ← {m.credential_skill} ({m.similarity:.2f})")
            for m in rec.matched_skills[:skills_shown]
        )
        if len(rec.matched_skills) > skills_shown:
            taught += f"\n… {len(rec.matched_skills) - skills_shown} more"
        missing = ", ".join(m.skill for m in rec.missing_skills[:skills_shown])
        if len(rec.missing_skills) > skills_shown:
            missing += f" … +{len(rec.missing_skills) - skills_shown}"
        partly = partly_covered(rec)
        gaps = missing or "-"
        if partly:
            more = f" … +{len(partly) - skills_shown}" if len(partly) > skills_shown else ""
            gaps += f"\n[dim]partly: {', '.join(m.skill for m in partly[:skills_shown])}{more}[/dim]"
        title = f"{rec.title}\n[dim]{rec.provider}{' · ' + rec.level if rec.level else ''}[/dim]"
        table.add_row(str(rec.rank), title, f"{rec.score:.3f}", f"{rec.coverage:.0%}", format_hours(rec.hours),
                      format_money(rec.cost, rec.currency), taught or "-", gaps)  # fmt: skip
    console.print(table)
    if result.recommendations:
        console.print(score_legend(score_max), style="dim")
    for note in result.notes:
        console.print(f"[yellow]Note:[/yellow] {note}")


def print_skills(matches: Sequence[SkillMatch], console: Console) -> None:
    """One row per skill: label, score and the best evidence."""
    table = Table()
    table.add_column("Skill")
    table.add_column("Score (0–1)", justify="right")
    table.add_column("Evidence")
    for match in matches:
        evidence = match.evidence[0].text if match.evidence else ""
        table.add_row(match.label, f"{match.score:.3f}", evidence[:120])
    console.print(table)
    if matches:
        console.print("Score: how closely the best evidence matches the skill's name (cosine similarity).", style="dim")
    else:
        console.print("No skills of the vocabulary were found in the text.")

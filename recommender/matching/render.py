"""Human-readable tables for results (JSON output needs no help: results have ``to_dict``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from ..skills.results import SkillMatch
from .results import MatchedSkill, QueryResult


def format_money(cost: float | None, currency: str) -> str:
    """A cost for people: "free", "1,200 USD", or "?" when unknown."""
    if cost is None:
        return "?"
    return "free" if cost == 0 else f"{cost:,.0f} {currency}".strip()


def format_hours(hours: float | None) -> str:
    """Hours for people: "12 h", or "?" when unknown."""
    return "?" if hours is None else f"{hours:g} h"


def print_query_result(result: QueryResult, console: Console, *, skills_shown: int = 4) -> None:
    """Role profile first, then one row per recommendation with its reasons."""
    role = result.role
    asked = [s for s in role.skills if s.source != "typical"]
    typical = [s for s in role.skills if s.source == "typical"]
    needed = ", ".join(f"{s.label} ({s.weight:.2f})" for s in asked) or "none found"
    console.print(f"[bold]The role asks for ({len(asked)}):[/bold] {needed}")
    if typical:
        occupations = ", ".join(dict.fromkeys(s.typical_for for s in typical if s.typical_for))
        listed = ", ".join(f"{s.label} ({s.weight:.2f})" for s in typical)
        heading = f"Typical for {occupations or 'its occupation'} ({len(typical)}), not stated in the text"
        console.print(f"[bold]{heading}:[/bold] [dim]{listed}[/dim]")
    if role.held:
        console.print(f"[bold]Already held (not needed):[/bold] {', '.join(s.label for s in role.held)}")
    table = Table(show_lines=True)
    for column, justify in (("#", "right"), ("Credential", "left"), ("Score", "right"), ("Coverage", "right"),
                            ("Hours", "right"), ("Cost", "right"),
                            ("Teaches (role skill ← credential skill [match])", "left"),
                            ("Still missing", "left")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rec in result.recommendations:
        taught = "\n".join(claim_line(m) for m in rec.matched_skills[:skills_shown])
        if len(rec.matched_skills) > skills_shown:
            taught += f"\n… {len(rec.matched_skills) - skills_shown} more"
        missing = ", ".join(m.skill for m in rec.missing_skills[:skills_shown])
        if len(rec.missing_skills) > skills_shown:
            missing += f" … +{len(rec.missing_skills) - skills_shown}"
        title = f"{rec.title}\n[dim]{rec.provider}{' · ' + rec.level if rec.level else ''}[/dim]"
        table.add_row(str(rec.rank), title, f"{rec.score:.3f}", f"{rec.coverage:.0%}", format_hours(rec.hours),
                      format_money(rec.cost, rec.currency), taught or "-", missing or "-")  # fmt: skip
    console.print(table)
    for note in result.notes:
        console.print(f"[yellow]Note:[/yellow] {note}")


def claim_line(match: MatchedSkill) -> str:
    """"SQL", "computer programming ← Python [narrower]", "(typical for data engineer) ETL ← ETL [exact]"."""
    line = match.skill if match.skill_id == match.credential_skill_id else f"{match.skill} ← {match.credential_skill}"
    if match.match and match.match not in ("exact", "alias"):
        line += f" [{match.match}]"
    if match.role_source == "typical":
        line = f"[dim]{line} (typical for {match.typical_for or 'the occupation'})[/dim]"
    return line


def print_skills(matches: Sequence[SkillMatch], console: Console) -> None:
    """One row per skill: label, score and the best evidence."""
    table = Table()
    table.add_column("Skill")
    table.add_column("Score", justify="right")
    table.add_column("Evidence")
    table.add_column("Type", style="dim")
    for match in matches:
        evidence = match.evidence[0].text if match.evidence else ""
        kind = " · ".join(part for part in (match.type, match.reuse_level) if part)
        table.add_row(match.label, f"{match.score:.3f}", evidence[:120], kind)
    console.print(table)
    if not matches:
        console.print("No skills of the vocabulary were found in the text.")

"""Human-readable tables for results (JSON output needs no help: results have ``to_dict``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..skills.results import SkillMatch
from .results import MatchedSkill, QueryResult, Recommendation

PARTIAL = 0.995  # a claim's credit under this counts in part


def format_money(cost: float | None, currency: str) -> str:
    """A cost for people: "free", "1,200 USD", or "?" when unknown."""
    if cost is None:
        return "?"
    return "free" if cost == 0 else f"{cost:,.0f} {currency}".strip()


def format_hours(hours: float | None) -> str:
    """Hours for people: "12 h", or "?" when unknown."""
    return "?" if hours is None else f"{hours:g} h"


def partly_covered(rec: Recommendation) -> list[MatchedSkill]:
    """The role skills a credential covers only in part: their claim's credit (the match type's weight times
    how strongly the credential teaches its skill) is under 1 — taught through a broader, related or merely
    similar skill, or found in its text rather than declared. That is why coverage can be under 100% with
    nothing missing."""
    return [m for m in rec.matched_skills if m.credit < PARTIAL]


def score_legend(score_max: float | None) -> str:
    """What the score and coverage columns mean, printed under the table."""
    top = f"0 to {score_max:g}" if score_max else "0 and up"
    return (
        f"Score: {top}, higher is better: skill coverage, text match and meaning, each relative to the best "
        "credential for this role, so compare scores within one answer only. Coverage: the share of the role's "
        "skills (by weight) a credential teaches; a skill it teaches only in part (partly: through a broader, "
        "related or similar skill \\[match], or found only in its text) counts in part."
    )


def print_query_result(
    result: QueryResult, console: Console, *, skills_shown: int = 4, score_max: float | None = None
) -> None:
    """Role profile first, then one row per recommendation with its reasons, then what the columns mean."""
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
    score_head = f"Score\n(0–{score_max:g})" if score_max else "Score"
    table = Table(show_lines=True)
    for column, justify in (("#", "right"), ("Credential", "left"), (score_head, "right"), ("Coverage", "right"),
                            ("Hours", "right"), ("Cost", "right"),
                            ("Teaches (role skill ← credential skill \\[match])", "left"),
                            ("Still missing · partly", "left")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rec in result.recommendations:
        taught = "\n".join(claim_line(m) for m in rec.matched_skills[:skills_shown])
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


def claim_line(match: MatchedSkill) -> str:
    """"SQL", "computer programming ← Python [narrower]", "(typical for data engineer) ETL ← ETL [exact]"."""
    same = match.skill_id == match.credential_skill_id
    line = escape(match.skill if same else f"{match.skill} ← {match.credential_skill}")
    if match.match and match.match not in ("exact", "alias"):
        line += f" \\[{match.match}]"  # escaped: rich would read "[narrower]" as a style and drop it
    if match.role_source == "typical":
        line = f"[dim]{line} (typical for {match.typical_for or 'the occupation'})[/dim]"
    return line


def print_skills(matches: Sequence[SkillMatch], console: Console) -> None:
    """One row per skill: label, score and the best evidence."""
    table = Table()
    table.add_column("Skill")
    table.add_column("Score (0–1)", justify="right")
    table.add_column("Evidence")
    table.add_column("Type", style="dim")
    for match in matches:
        evidence = match.evidence[0].text if match.evidence else ""
        kind = " · ".join(part for part in (match.type, match.reuse_level) if part)
        table.add_row(match.label, f"{match.score:.3f}", evidence[:120], kind)
    console.print(table)
    if matches:
        console.print("Score: how closely the best evidence matches the skill's name (cosine similarity).", style="dim")
    else:
        console.print("No skills of the vocabulary were found in the text.")

"""A plan as a table for people (JSON needs no help: ``PlanResult.to_dict``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..matching.render import format_hours, format_money
from .results import PlanResult


def print_plan(result: PlanResult, console: Console, *, skills_shown: int = 6) -> None:
    """The steps in order, the totals, the skills left uncovered and the curriculum gap."""
    role, totals = result.role, result.totals
    console.print(f"[bold]Role skills to cover ({len(role.skills)}):[/bold] "
                  + (", ".join(s.label for s in role.skills) or "none"))  # fmt: skip
    if role.held:
        console.print(f"[bold]Already held (not needed):[/bold] {', '.join(s.label for s in role.held)}")
    titles = {step.id: step.title for step in result.steps}  # prerequisites and parts by title, not id
    if result.steps:
        table = Table(show_lines=True)
        for column, justify in (("#", "right"), ("Credential", "left"), ("Newly covers (credit)", "left"),
                                ("Coverage", "right"), ("Hours", "right"), ("Cost", "right")):  # fmt: skip
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for step in result.steps:
            new = step.new_skills
            covered = "\n".join(f"{c.skill} ({c.credit:.2f})" for c in new[:skills_shown])
            if len(new) > skills_shown:
                covered += f"\n… {len(new) - skills_shown} more"
            details = [x for x in (step.provider, step.level) if x]
            extra = [f"needs first: {', '.join(titles.get(i, i) for i in step.requires)}"] if step.requires else []
            parts = step.included_titles or step.includes
            extra += [f"includes: {', '.join(parts)}"] if parts else []
            extra += [step.reason] if step.reason else []
            title = step.title + (f"\n[dim]{' · '.join(details)}[/dim]" if details else "")
            title += "".join(f"\n[dim]{line}[/dim]" for line in extra)
            table.add_row(
                str(step.step), title, covered or "-", f"+{step.gain:.0%} → {step.coverage:.0%}",
                f"{format_hours(step.hours)}\nΣ {step.total_hours:g} h", f"{format_money(step.cost, step.currency)}\n"
                f"Σ {format_money(step.total_cost, step.currency)}",
            )  # fmt: skip
        console.print(table)
    hours = f"{totals.hours:g} h" + (f" (+{totals.hours_unknown} unknown)" if totals.hours_unknown else "")
    cost = format_money(totals.cost, totals.currency) + (
        f" (+{totals.cost_unknown} unknown)" if totals.cost_unknown else ""
    )
    console.print(
        f"[bold]Total:[/bold] {totals.credentials} credentials, {hours}, {cost}; coverage {totals.coverage:.0%} "
        f"({totals.covered} of {totals.skills} skills)"
    )
    if result.uncovered:
        console.print("[bold]Not covered by this plan[/bold] (a credential in the catalog teaches them; the budget "
                      "ran out): " + ", ".join(s.skill for s in result.uncovered))  # fmt: skip
    if result.gap:
        console.print("[bold red]Curriculum gap[/bold red] (no credential in the catalog covers these): "
                      + ", ".join(s.skill for s in result.gap))  # fmt: skip
    elif role.skills:
        console.print("Curriculum gap: none (every role skill is covered by some credential in the catalog).")
    for note in result.notes:
        console.print(f"[yellow]Note:[/yellow] {note}")
    solver = result.solver
    console.print(
        f"[dim]Solver: {solver.method}{' (proven optimal)' if solver.optimal else ''} over {solver.candidates} "
        f"candidates in {solver.seconds:.2f} s{'; ' + solver.note if solver.note else ''}[/dim]"
    )

"""A plan as one self-contained HTML page: inline CSS, no scripts, nothing fetched at view time.

The role's skills are the rows and the planned credentials the columns, in order; a covered cell
shows the match strength (its credit, shaded); skills the plan leaves uncovered are highlighted,
and those no credential in the catalog covers are marked as the curriculum gap. Totals come first.
"""

from __future__ import annotations

from html import escape

from ..version import __version__
from .results import PlanResult

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:24px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.role{color:#556;margin:0 0 16px;max-width:1100px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:18px}
.card{border:1px solid #d6dbe4;border-radius:8px;padding:8px 14px;min-width:120px;background:#f7f9fc}
.card b{display:block;font-size:20px}.card span{color:#556;font-size:12px}
table.grid{border-collapse:collapse;font-size:13px}
.grid th,.grid td{border:1px solid #e1e5ec;padding:4px 8px;text-align:center}
.grid th.skill,.grid td.skill{text-align:left;max-width:280px}
.grid thead th{background:#f2f4f8;vertical-align:bottom;font-weight:600}
.grid thead th.cred{width:120px;font-weight:normal}
.grid thead th.cred b{display:block}.grid thead th.cred small{color:#556}
.grid td.hit{font-variant-numeric:tabular-nums}
.grid td.hit.new{font-weight:700;outline:2px solid #1f7a45;outline-offset:-2px}
.grid tr.open td.skill{background:#fff4e0}.grid tr.gap td.skill{background:#fde2e1}
.grid tr.open td.status{color:#9a5b00}.grid tr.gap td.status{color:#b3261e;font-weight:600}
.grid td.status{text-align:left;font-size:12px;white-space:nowrap}
.grid tfoot td{background:#f7f9fc;font-variant-numeric:tabular-nums}
.legend{font-size:12px;color:#556;margin:8px 0}.legend i{display:inline-block;width:14px;height:10px;margin:0 4px}
ol.steps li{margin-bottom:6px}.muted{color:#667}.notes li{color:#7a4b00}
.gapline,.openline{margin:4px 0;padding:6px 10px;border-radius:6px;max-width:1200px}
.gapline{background:#fde2e1;color:#7d1a14}.openline{background:#fff4e0;color:#6b4000}
"""


def _money(value: float | None, currency: str) -> str:
    if value is None:
        return "cost ?"
    return "free" if value == 0 else f"{value:,.0f} {currency}".strip()


def _hours(value: float | None) -> str:
    return "? h" if value is None else f"{value:g} h"


def _shade(credit: float) -> str:
    alpha = 0.15 + 0.75 * max(0.0, min(1.0, credit))
    return f"background:rgba(31,122,69,{alpha:.2f});color:{'#fff' if alpha > 0.55 else '#10321f'}"


def _budget(result: PlanResult) -> str:
    budget = result.budget
    parts = []
    if budget.max_hours is not None:
        parts.append(f"≤ {budget.max_hours:g} h")
    if budget.max_cost is not None:
        parts.append(f"≤ {budget.max_cost:g}")
    if budget.max_credentials is not None:
        parts.append(f"≤ {budget.max_credentials} credentials")
    return ", ".join(parts) or "no limits"


def _cards(result: PlanResult) -> str:
    totals, solver = result.totals, result.solver
    hours = f"{totals.hours:g} h" + (f" + {totals.hours_unknown} unknown" if totals.hours_unknown else "")
    cost = _money(totals.cost, totals.currency) + (f" + {totals.cost_unknown} unknown" if totals.cost_unknown else "")
    method = f"{solver.method}{' (optimal)' if solver.optimal else ''}"
    cards = [
        (f"{totals.coverage:.0%}", f"coverage · {totals.covered} of {totals.skills} skills"),
        (str(totals.credentials), "credentials"),
        (hours, "total hours"),
        (cost, "total cost"),
        (str(len(result.gap)), "skills no credential covers"),
        (method, f"solver · budget {_budget(result)}"),
    ]
    return "".join(f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in cards)


def _grid(result: PlanResult) -> str:
    steps = result.steps
    gap_ids = {s.skill_id for s in result.gap}
    open_ids = {s.skill_id for s in result.uncovered}
    head = "".join(
        f'<th class="cred" title="{escape(s.title)}"><b>{s.step}</b>{escape(s.title[:60])}'
        f"<br><small>{escape(_hours(s.hours))} · {escape(_money(s.cost, s.currency))}</small></th>"
        for s in steps
    )
    cells = {(step.step, c.skill_id): c for step in steps for c in step.covers}
    rank = {sid: (2 if sid in gap_ids else 1 if sid in open_ids else 0) for sid in (s.id for s in result.role.skills)}
    rows = []
    for skill in sorted(result.role.skills, key=lambda s: (rank[s.id], -s.weight, s.label)):
        kind = "gap" if skill.id in gap_ids else "open" if skill.id in open_ids else "covered"
        status = {"gap": "curriculum gap: no credential covers it", "open": "not covered by this plan",
                  "covered": "covered"}[kind]  # fmt: skip
        row = [f'<td class="skill">{escape(skill.label)}</td><td>{skill.weight:.2f}</td>']
        for step in steps:
            cell = cells.get((step.step, skill.id))
            if cell is None:
                row.append("<td></td>")
                continue
            title = f"{cell.credential_skill} (similarity {cell.similarity:.2f})" + (
                f", via {cell.via}" if cell.via else ""
            )
            css = "hit new" if cell.new else "hit"
            row.append(
                f'<td class="{css}" style="{_shade(cell.credit)}" title="{escape(title)}">{cell.credit:.2f}</td>'
            )
        row.append(f'<td class="status">{escape(status)}</td>')
        rows.append(f'<tr class="{kind}">{"".join(row)}</tr>')
    foot_coverage = "".join(f"<td>{s.coverage:.0%}</td>" for s in steps)
    foot_hours = "".join(f"<td>{s.total_hours:g} h · {escape(_money(s.total_cost, s.currency))}</td>" for s in steps)
    return (
        '<table class="grid"><thead><tr><th class="skill">Role skill</th><th>Weight</th>'
        f"{head}<th>Status</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><td class="skill">Coverage so far</td><td></td>{foot_coverage}<td></td></tr>'
        f'<tr><td class="skill">Hours · cost so far</td><td></td>{foot_hours}<td></td></tr></tfoot></table>'
    )


def _lists(result: PlanResult) -> str:
    """The skills left uncovered, by name, so they show without scrolling."""
    parts = []
    if result.gap:
        names = ", ".join(s.skill for s in result.gap)
        parts.append(
            f"<p class='gapline'><b>Curriculum gap</b> (no credential in the catalog covers): {escape(names)}</p>"
        )
    if result.uncovered:
        names = ", ".join(s.skill for s in result.uncovered)
        parts.append(f"<p class='openline'><b>Not covered by this plan</b> (budget): {escape(names)}</p>")
    return "".join(parts)


def _steps(result: PlanResult) -> str:
    items = []
    titles = {s.id: s.title for s in result.steps}  # prerequisites by title, not id
    for s in result.steps:
        title = f'<a href="{escape(s.url)}">{escape(s.title)}</a>' if s.url else escape(s.title)
        extra = [x for x in (s.provider, s.level, _hours(s.hours), _money(s.cost, s.currency)) if x]
        new = ", ".join(c.skill for c in s.new_skills) or "nothing new"
        lines = [f"{title} <span class='muted'>({escape(' · '.join(extra))})</span>",
                 f"<br>newly covers: {escape(new)}; coverage {s.coverage:.0%}"]  # fmt: skip
        if s.requires:
            needs = ", ".join(titles.get(i, i) for i in s.requires)
            lines.append(f"<br><span class='muted'>needs first: {escape(needs)}</span>")
        if s.includes:
            parts = ", ".join(t for t in s.included_titles or s.includes)
            lines.append(f"<br><span class='muted'>includes: {escape(parts)}</span>")
        if s.reason:
            lines.append(f"<br><span class='muted'>{escape(s.reason)}</span>")
        items.append(f"<li>{''.join(lines)}</li>")
    return f"<ol class='steps'>{''.join(items)}</ol>" if items else "<p>No credential is planned.</p>"


def plan_heading(text: str | None, title: str | None = None, skills: str | None = None) -> str:
    """The page's heading for a role: its title, else its text's first line (80 characters), else its skills."""
    first_line = text.strip().splitlines()[0][:80] if text and text.strip() else ""
    return title or first_line or f"the skills: {skills}"


def render_plan_html(result: PlanResult, *, title: str = "") -> str:
    """The whole page as a string; ``title`` describes the role (e.g. the posting's title)."""
    heading = escape(title) if title else "the role"
    held = ", ".join(s.label for s in result.role.held)
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Learning plan: {heading}</title><style>{_CSS}</style></head><body>",
        f"<h1>Learning plan for {heading}</h1>",
        f"<p class='role'>{len(result.role.skills)} skills to cover"
        + (f"; already held: {escape(held)}" if held else "")
        + "</p>",
        f"<div class='cards'>{_cards(result)}</div>",
        _lists(result),
        "<p class='legend'>Cells show how strongly a credential covers a skill (0–1, darker is stronger);"
        " outlined: the step that first covers it. Rows in orange are not covered by this plan;"
        " rows in red are not covered by any credential in the catalog (the curriculum gap).</p>",
        _grid(result) if result.role.skills else "<p>The role has no skills left to cover.</p>",
        "<h2>Steps</h2>",
        _steps(result),
    ]
    if result.notes:
        parts.append(
            "<h2>Notes</h2><ul class='notes'>" + "".join(f"<li>{escape(n)}</li>" for n in result.notes) + "</ul>"
        )
    solver = result.solver
    parts.append(
        f"<p class='muted'>Chosen by the {escape(solver.method)} solver over {solver.candidates} candidate credentials"
        f"{' (proven optimal)' if solver.optimal else ''} in {solver.seconds:.2f} s."
        f"{' ' + escape(solver.note) if solver.note else ''} Generated by recommender {escape(__version__)}.</p>"
    )
    parts.append("</body></html>\n")
    return "".join(parts)

// The page at /: one form, two calls (POST /v1/recommend and /v1/plan), rendered with textContent only.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function money(value, currency) {
  if (value === null || value === undefined) return "cost unknown";
  return value === 0 ? "free" : `${value} ${currency || ""}`.trim();
}

function hours(value) {
  return value === null || value === undefined ? "hours unknown" : `${value} h`;
}

function numberOrNull(id) {
  const raw = $(id).value.trim();
  return raw === "" ? null : Number(raw);
}

function requestBody(withPlanBudget) {
  const body = {};
  for (const name of ["text", "title", "have"]) {
    const value = $(name).value.trim();
    if (value) body[name] = value;
  }
  for (const name of ["max_hours", "max_cost"]) {
    const value = numberOrNull(name);
    if (value !== null) body[name] = value;
  }
  if (withPlanBudget) {
    const most = numberOrNull("max_credentials");
    if (most !== null) body.max_credentials = most;
  } else {
    const k = numberOrNull("k");
    if (k !== null) body.k = k;
  }
  return body;
}

async function post(path, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const key = $("api_key").value.trim();
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && data.detail ? data.detail : `the server answered ${response.status}`;
    throw new Error(detail);
  }
  return data;
}

function renderSkills(role) {
  const list = $("skills");
  list.replaceChildren();
  if (!role.skills.length) list.append(el("li", {}, "No skills of the vocabulary were found in the text."));
  for (const skill of role.skills) {
    const evidence = (skill.evidence || []).map((e) => el("span", { class: "evidence" }, `“${e.text}”`));
    const source = skill.source === "typical"
      ? ` (typical for ${skill.typical_for || "the nearest occupation"}; the text does not state it)` : "";
    const kind = [skill.type, skill.reuse_level].filter(Boolean).join(" · ");
    list.append(el("li", { class: skill.source === "typical" ? "skill typical" : "skill" },
      el("strong", {}, skill.label), source, kind ? el("span", { class: "kind" }, ` ${kind}`) : "", ...evidence));
  }
  const held = $("held");
  held.replaceChildren();
  if (role.held && role.held.length) {
    held.append(el("p", {}, "Left out because you have them: ", role.held.map((s) => s.label).join(", ")));
  }
}

// One claim: "role skill ← credential skill [match]", its evidence quoted, typical skills marked as such.
// A claim whose credit is under 1 (a broader, related or similar skill, or one found only in the text)
// counts in part: that is why coverage can be under 100% with nothing missing.
const partly = (m) => m.credit < 0.995;

function claimItem(m) {
  const through = m.skill_id === m.credential_skill_id ? m.skill : `${m.skill} ← ${m.credential_skill}`;
  const typical = m.role_source === "typical" ? ` (typical for ${m.typical_for || "the occupation"})` : "";
  const where = m.evidence_at ? `${m.evidence_at.field} ${m.evidence_at.start}–${m.evidence_at.end}` : "";
  const title = [where, partly(m) ? "counts in part" : ""].filter(Boolean).join(" · ");
  return el("li", { class: m.role_source === "typical" ? "claim typical" : "claim", title },
    through, el("span", { class: "match" }, ` ${m.match}`), typical, partly(m) ? " (partly)" : "",
    el("span", { class: "evidence" }, `“${m.evidence}” (${m.context})`));
}

function renderCredentials(result) {
  const list = $("credentials");
  list.replaceChildren();
  if (!result.recommendations.length) list.append(el("li", {}, "No credential passes the filters."));
  for (const rec of result.recommendations) {
    const matched = el("ul", { class: "matched", "aria-label": "Skills it teaches" },
      ...rec.matched_skills.map(claimItem));
    const missing = el("ul", { class: "missing", "aria-label": "Skills it leaves out" },
      ...rec.missing_skills.map((m) => el("li", {}, m.skill)));
    const title = rec.url ? el("a", { href: rec.url, rel: "noopener noreferrer" }, rec.title) : rec.title;
    list.append(el("li", { class: "credential" },
      el("strong", {}, title),
      el("div", { class: "facts" },
        `${rec.provider || "unknown provider"} · ${hours(rec.hours)} · ${money(rec.cost, rec.currency)}`
        + ` · ${rec.level || "any level"} · score ${rec.score.toFixed(2)}${result.score_max ? ` of ${result.score_max}` : ""}`
        + ` · coverage ${Math.round(rec.coverage * 100)}%`),
      rec.matched_skills.length ? matched : el("p", { class: "facts" }, "Teaches none of the role's skills directly."),
      rec.missing_skills.length ? missing : null));
  }
  if (result.recommendations.length) {
    list.append(el("li", { class: "facts legend" }, "Score: higher is better; skill coverage, text match and meaning, "
      + "each relative to the best credential for this role, so compare scores within one answer. Coverage: the share "
      + "of the role's skills (by weight) a credential teaches; a skill marked (partly) counts in part."));
  }
  for (const note of result.notes || []) list.append(el("li", { class: "facts" }, note));
}

function renderPlan(plan) {
  const totals = plan.totals;
  $("plan-summary").replaceChildren(el("p", {},
    `${totals.credentials} credentials · ${totals.hours} h · ${money(totals.cost, totals.currency)}`
    + ` · covers ${Math.round(totals.coverage * 100)}% of ${totals.skills} skills`));
  const gapIds = new Set(plan.gap.map((s) => s.skill_id));
  const openIds = new Set(plan.uncovered.map((s) => s.skill_id));
  const cells = new Map();
  for (const step of plan.steps) for (const c of step.covers) cells.set(`${step.step}|${c.skill_id}`, c);
  const rank = (id) => (gapIds.has(id) ? 2 : openIds.has(id) ? 1 : 0);
  const skills = [...plan.role.skills].sort((a, b) => rank(a.id) - rank(b.id) || b.weight - a.weight);
  const head = el("tr", {}, el("th", { class: "skill", scope: "col" }, "Role skill"),
    ...plan.steps.map((s) => el("th", { scope: "col", title: s.title }, `${s.step}. ${s.title.slice(0, 40)}`)),
    el("th", { scope: "col" }, "Status"));
  const rows = skills.map((skill) => {
    const kind = gapIds.has(skill.id) ? "gap" : openIds.has(skill.id) ? "open" : "covered";
    const status = { gap: "curriculum gap: no credential covers it", open: "not covered by this plan", covered: "covered" }[kind];
    const row = el("tr", { class: kind }, el("th", { class: "skill", scope: "row" }, skill.label));
    for (const step of plan.steps) {
      const cell = cells.get(`${step.step}|${skill.id}`);
      const td = el("td", cell ? { title: `${cell.credential_skill} (similarity ${cell.similarity.toFixed(2)})` } : {},
        cell ? cell.credit.toFixed(2) : "");
      if (cell) td.style.background = `rgba(31, 95, 191, ${0.12 + 0.6 * Math.min(1, cell.credit)})`;
      row.append(td);
    }
    row.append(el("td", { class: "status" }, status));
    return row;
  });
  $("grid").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
  const gap = $("gap");
  gap.replaceChildren();
  if (plan.gap.length) {
    gap.append(el("h4", {}, "Curriculum gap: no credential in the catalog teaches these"),
      el("ul", {}, ...plan.gap.map((s) => el("li", {}, s.skill))));
  }
  for (const note of plan.notes || []) gap.append(el("p", { class: "facts" }, note));
}

async function submit(event) {
  event.preventDefault();
  const button = $("submit");
  const status = $("status");
  const error = $("error");
  error.hidden = true;
  if (!$("text").value.trim() && !$("title").value.trim()) {
    error.textContent = "Paste a job description or type a job title.";
    error.hidden = false;
    $("text").focus();
    return;
  }
  button.disabled = true;
  status.textContent = "Working…";
  status.classList.add("busy");
  $("results").setAttribute("aria-busy", "true");
  try {
    const [result, plan] = await Promise.all([post("/v1/recommend", requestBody(false)), post("/v1/plan", requestBody(true))]);
    renderSkills(result.role);
    renderCredentials(result);
    renderPlan(plan);
    const warnings = [...(result.warnings || [])];
    status.textContent = `Found ${result.role.skills.length} skills and ${result.recommendations.length} credentials.`
      + (warnings.length ? ` Note: ${warnings.join("; ")}` : "");
    $("results").hidden = false;
    $("results-heading").focus({ preventScroll: true });
  } catch (err) {
    status.textContent = "";
    error.textContent = `Error: ${err.message}`;
    error.hidden = false;
  } finally {
    button.disabled = false;
    status.classList.remove("busy");
    $("results").removeAttribute("aria-busy");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("results-heading").tabIndex = -1;
  $("query").addEventListener("submit", submit);
});

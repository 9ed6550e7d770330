"""Are the engine's explanations true? Its claims, checked one at a time against judged claims.

A claim is one line of an explanation: "credential C teaches role skill S, which this job needs" (through
the credential's own skill, with evidence). Judged claims (JSON Lines: ``pid``, ``course_url``,
``role_skill``, ``required`` 0–2, ``taught`` 0–2; the shared ``judged_explanations`` set and any judged
since, kept in files of their own) are joined with the claims the engine makes now: for every judged
posting, ``recommend(text, title=...)``, the first ``first`` matched skills of each of the top ``top``
credentials. A claim is the triple (posting, credential, role skill); a later file's judgment of a triple
wins. Figures are shares of the judged claims: taught ≥ 1, taught = 2, required ≥ 1, both ≥ 1, both = 2,
overall and per match type; claims no file judges are counted and returned (``pending``) so that they
can be judged — blind, by someone who did not write the change — before they are counted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..inputs.postings import Posting, iter_postings
from ..inputs.tabular import PathLike
from ..matching.engine import Recommender
from .evaluate import Evaluation

__all__ = ["Claim", "claims_of", "evaluate_explanations", "read_judged_claims"]

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Claim:
    """One claim the engine makes now."""

    pid: str
    credential: str
    role_skill: str
    credential_skill: str
    evidence: str
    match: str
    rank: int


def read_judged_claims(paths: Sequence[PathLike]) -> dict[Triple, dict[str, Any]]:
    """``{(pid, credential id, role skill): judgment}`` from JSON Lines files, later files winning."""
    judged: dict[Triple, dict[str, Any]] = {}
    for path in paths:
        with Path(path).open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    key = (str(row["pid"]), str(row["course_url"]), str(row["role_skill"]))
                    grades = {"required": int(row["required"]), "taught": int(row["taught"])}
                except (ValueError, KeyError, TypeError) as exc:
                    raise InvalidInputError(
                        f"{path}, line {number}: a judged claim needs pid, course_url, role_skill, required and "
                        f"taught ({exc})"
                    ) from None
                judged[key] = {**row, **grades}
    if not judged:
        raise InvalidInputError(f"no judged claims in {', '.join(map(str, paths))}")
    return judged


def claims_of(model: Recommender, posting: Posting, pid: str, *, top: int, first: int) -> list[Claim]:
    """The claims the engine makes for one posting (as ``evaluate ranking`` queries it)."""
    text = f"{posting.title}\n\n{posting.text}" if posting.title else posting.text
    # As `evaluate ranking` asks (k = 10): the candidate pool, and so the top, does not depend on `top`.
    result = model.recommend(text, title=posting.title or None, k=min(max(top, 10), len(model.credentials_)))
    return [
        Claim(pid, rec.id, m.skill, m.credential_skill, m.evidence, m.match, rec.rank)
        for rec in result.recommendations[:top]
        for m in rec.matched_skills[:first]
    ]


def _shares(claims: Sequence[Claim], judged: Mapping[Triple, Mapping[str, Any]]) -> dict[str, float]:
    grades = [judged[(c.pid, c.credential, c.role_skill)] for c in claims]
    n = max(len(grades), 1)
    return {
        "taught>=1": sum(g["taught"] >= 1 for g in grades) / n,
        "taught=2": sum(g["taught"] == 2 for g in grades) / n,
        "required>=1": sum(g["required"] >= 1 for g in grades) / n,
        "both>=1": sum(g["required"] >= 1 and g["taught"] >= 1 for g in grades) / n,
        "both=2": sum(g["required"] == 2 and g["taught"] == 2 for g in grades) / n,
    }


def evaluate_explanations(
    data: Sequence[PathLike],
    *,
    model: Recommender,
    postings: PathLike,
    posting_mapping: Mapping[str, Sequence[str]] | None = None,
    top: int = 3,
    first: int = 5,
) -> tuple[Evaluation, list[Claim]]:
    """Claim precision of ``model`` on the judged postings; returns the figures and the claims no file judges.

    A judged ``pid`` names a posting of ``postings`` by its id, optionally behind a source prefix
    (``wuzzuf:863`` names the posting with id ``863``).
    """
    judged = read_judged_claims(data)
    wanted = {pid.rpartition(":")[2]: pid for pid, _, _ in judged}
    claims: list[Claim] = []
    scored = 0
    for posting in iter_postings(postings, mapping=posting_mapping):
        if isinstance(posting, Posting) and posting.id in wanted:
            claims.extend(claims_of(model, posting, wanted[posting.id], top=top, first=first))
            scored += 1
    if not scored:
        raise InvalidInputError(f"no posting of {postings} is named by the judged claims; check --postings")
    known = [c for c in claims if (c.pid, c.credential, c.role_skill) in judged]
    pending = [c for c in claims if (c.pid, c.credential, c.role_skill) not in judged]
    metrics = _shares(known, judged)
    by_match = {
        kind: {"claims": len(group), **_shares(group, judged)}
        for kind in sorted({c.match for c in known})
        for group in [[c for c in known if c.match == kind]]
    }
    details = {
        "postings_scored": scored,
        "claims": len(claims),
        "judged": len(known),
        "pending": len(pending),
        "top": top,
        "first": first,
        "by_match": by_match,
    }
    names = " + ".join(str(Path(path)) for path in data)
    return Evaluation("explanations", names, len(known), metrics, details), pending

"""Claim precision: the engine's claims joined with judged ones, by hand on the tiny catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender import Recommender
from recommender.errors import InvalidInputError
from recommender.evaluation.explanations import claims_of, evaluate_explanations, read_judged_claims
from recommender.inputs.postings import Posting

POSTING = Posting(id="7", title="SQL analyst", text="Write SQL queries and build Tableau dashboards.", row=1)


def _postings(tmp_path: Path) -> Path:
    path = tmp_path / "postings.csv"
    path.write_text(f"id,title,text\n7,{POSTING.title},{POSTING.text}\n", encoding="utf-8")
    return path


def test_claims_are_judged_by_triple_and_counted(tiny_model: Recommender, tmp_path: Path) -> None:
    claims = claims_of(tiny_model, POSTING, "src:7", top=3, first=5)
    assert claims, "the tiny catalog teaches SQL and Tableau: the engine claims them"
    judged = tmp_path / "judged.jsonl"
    # Judge every claim but the last; grade them so that the figures are hand-computable.
    lines = [{"pid": c.pid, "course_url": c.credential, "role_skill": c.role_skill, "required": 2,
              "taught": 2 if i % 2 == 0 else 0} for i, c in enumerate(claims[:-1])]  # fmt: skip
    judged.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result, pending = evaluate_explanations(
        [judged], model=tiny_model, postings=_postings(tmp_path), posting_mapping=None, top=3, first=5
    )
    n = len(lines)
    taught = sum(1 for line in lines if line["taught"] == 2)
    assert result.n == n and result.details["pending"] == 1 and len(pending) == 1
    assert result.metrics["taught>=1"] == pytest.approx(taught / n)
    assert result.metrics["both=2"] == pytest.approx(taught / n)
    assert result.metrics["required>=1"] == 1.0
    assert sum(group["claims"] for group in result.details["by_match"].values()) == n


def test_a_later_file_wins_and_bad_lines_name_the_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    row = {"pid": "p:1", "course_url": "c", "role_skill": "SQL", "required": 0, "taught": 0}
    first.write_text(json.dumps(row) + "\n", encoding="utf-8")
    second.write_text(json.dumps({**row, "taught": 2}) + "\n", encoding="utf-8")
    assert read_judged_claims([first, second])[("p:1", "c", "SQL")]["taught"] == 2
    first.write_text('{"pid": "p:1"}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"a\.jsonl, line 1"):
        read_judged_claims([first])

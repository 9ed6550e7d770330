"""The query table as a person reads it: claims keep their match type, partial credit is named."""

from __future__ import annotations

from rich.console import Console

from recommender.matching.render import claim_line, partly_covered, print_query_result
from recommender.matching.results import MatchedSkill, QueryResult, Recommendation
from recommender.skills.results import Role, RoleSkill


def _claim(skill: str, through: str, match: str, credit: float, **extra: str) -> MatchedSkill:
    return MatchedSkill(
        skill=skill, skill_id=skill, weight=1.0, credential_skill=through, credential_skill_id=through,
        similarity=1.0, source="declared", evidence=through, match=match, credit=credit, **extra,
    )  # fmt: skip


def _text(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_a_claims_match_type_survives_rich_markup() -> None:
    # "[narrower]" is also how rich spells a style: unescaped, it vanished from the table.
    assert _text(claim_line(_claim("computer programming", "Python", "narrower", 0.8))).strip() == (
        "computer programming ← Python [narrower]"
    )
    assert _text(claim_line(_claim("SQL", "SQL", "exact", 1.0))).strip() == "SQL"
    typical = _claim("ETL", "ETL", "exact", 1.0, role_source="typical", typical_for="data engineer")
    assert _text(claim_line(typical)).strip() == "ETL (typical for data engineer)"
    assert _text(claim_line(_claim("a [b] c", "a [b] c", "exact", 1.0))).strip() == "a [b] c"


def test_partial_credit_is_listed_and_the_legend_gives_the_range() -> None:
    claims = (_claim("SQL", "SQL", "exact", 1.0), _claim("computer programming", "Python", "narrower", 0.8))
    rec = Recommendation(
        rank=1, id="c1", title="Data course", score=1.1, coverage=0.9, document_similarity=0.5, provider="P",
        hours=10.0, matched_skills=claims,
    )  # fmt: skip
    assert [m.skill for m in partly_covered(rec)] == ["computer programming"]
    role = Role(
        skills=(
            RoleSkill("SQL", "SQL", 1.0, "stated"),
            RoleSkill("computer programming", "computer programming", 1.0, "stated"),
        )
    )
    console = Console(width=220, record=True, color_system=None)
    print_query_result(QueryResult(role=role, recommendations=(rec,)), console, score_max=1.25)
    shown = console.export_text()
    assert "computer programming ← Python [narrower]" in shown
    assert "partly: computer programming" in shown
    assert "Score: 0 to 1.25" in shown and "[match]" in shown

"""Cell parsers: skill lists, hours, prices, id lists."""

from __future__ import annotations

import pytest

from recommender.inputs.fields import (
    WEEKS_PER_MONTH,
    is_missing,
    parse_cost,
    parse_hours,
    parse_id_list,
    parse_skill_list,
    parse_text,
    truncate_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["SQL", " Python ", "sql", ""], ("SQL", "Python")),
        ('{" Network Security"," Python Programming"}', ("Network Security", "Python Programming")),
        ('["b", "a"]', ("b", "a")),
        ("['b', 'a']", ("b", "a")),
        ("{'z', 'y', 'x'}", ("z", "y", "x")),  # a set literal keeps its written order
        ("SQL, Python; Excel | R\nTableau", ("SQL", "Python", "Excel", "R", "Tableau")),
        ("\"SQL\", 'Python'", ("SQL", "Python")),
        ("Data Analysis, data analysis, DATA ANALYSIS", ("Data Analysis",)),
        ("{Course}", ("Course",)),
        ('{""}', ()),
        ("None", ()),
        ("", ()),
        (None, ()),
        (float("nan"), ()),
        (42, ("42",)),
    ],
)
def test_parse_skill_list(value: object, expected: tuple[str, ...]) -> None:
    assert parse_skill_list(value) == expected


def test_parse_skill_list_never_evaluates_code() -> None:
    assert parse_skill_list("[__import__('os').getcwd()]") == ("__import__('os').getcwd()",)


def test_parse_id_list_is_case_sensitive() -> None:
    assert parse_id_list("a-1, A-1 | a-1") == ("a-1", "A-1")
    assert parse_id_list(["x", "y"]) == ("x", "y")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12.0),
        (12, 12.0),
        (7.5, 7.5),
        ("12 hours", 12.0),
        ("2-3 hours", 2.5),
        ("2 to 4 hrs", 3.0),
        ("Less Than 2 Hours", 2.0),
        ("90 minutes", 1.5),
        ("2–3 hours per week\n\n8 Weeks", 2.5 * 8),
        ("2–3 hours per week\n\n2 Months", 2.5 * 2 * WEEKS_PER_MONTH),
        ("8 Weeks, 4-6 hours/week", 5.0 * 8),
        ("1 hour a day for 14 days", 14.0),
    ],
)
def test_parse_hours(value: object, expected: float) -> None:
    assert parse_hours(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    "value",
    ["1 - 3 Months", "3 hours per week", "self-paced", "", "None", None, True, -4, "-4", float("inf")],
)
def test_parse_hours_unknown(value: object) -> None:
    assert parse_hours(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("49", (49.0, "")),
        (49, (49.0, "")),
        ("$49 USD", (49.0, "USD")),
        ("$49", (49.0, "USD")),
        ("USD 49.99", (49.99, "USD")),
        ("FREE", (0.0, "")),
        ("Free", (0.0, "")),
        ("FREE-Add a Verified Certificate for $49 USD", (49.0, "USD")),
        ("€30", (30.0, "EUR")),
        ("30 €", (30.0, "EUR")),
        ("30,50 EUR", (30.5, "EUR")),
        ("£1,299", (1299.0, "GBP")),
        ("contact us", (None, "")),
        ("", (None, "")),
        (None, (None, "")),
    ],
)
def test_parse_cost(value: object, expected: tuple[float | None, str]) -> None:
    assert parse_cost(value) == expected


def test_is_missing_and_parse_text() -> None:
    missing: list[object] = [None, "", "  ", "None", "NaN", "null", "N/A", [], float("nan")]
    present: list[object] = ["0", 0, "SQL", ["x"]]
    assert all(is_missing(v) for v in missing)
    assert not any(is_missing(v) for v in present)
    assert parse_text("  hi  ") == "hi"
    assert parse_text("NA") == ""
    assert parse_text(["a", None, "b"]) == "a\n\nb"


def test_truncate_text_cuts_at_a_word_boundary() -> None:
    text = "alpha beta gamma delta"
    assert truncate_text(text, 100) == text
    assert truncate_text(text, 13) == "alpha beta"
    assert truncate_text("x" * 30, 10) == "x" * 10  # no boundary nearby: a hard cut


def test_json_integers_beyond_a_float_are_unknown_amounts() -> None:
    """Found by scripts/fuzz.py: ``{"cost": 1e400 as an integer}`` raised OverflowError."""
    assert parse_cost(10**400) == (None, "")
    assert parse_hours(-(10**400)) is None and parse_hours(10**400) is None

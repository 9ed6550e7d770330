"""Sentence roles: hand-written examples of each role (the blind-labelled figures are in docs/benchmarks.md)."""

from __future__ import annotations

import pytest

from recommender.skills.segment import sentence_spans
from recommender.skills.sentence_roles import course_roles, posting_roles


def _course(text: str) -> list[tuple[str, str]]:
    spans = sentence_spans(text)
    return [(text[s.start : s.end], role) for s, role in zip(spans, course_roles(text, spans), strict=True)]


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("You will learn how to build dashboards in Power BI.", "outcome"),
        ("By the end of the course you can write SQL queries.", "outcome"),
        ("Topics include supply chains, inventory and logistics.", "topic"),
        ("Week 3: Linear regression", "topic"),
        ("Learners should be comfortable with basic algebra.", "prerequisite"),
        ("Familiarity with Python is assumed.", "prerequisite"),
        ("This course is designed for managers new to analytics.", "audience"),
        ("No prior experience with programming is required.", "audience"),
        ("This course is taught by Prof. Smith, who has held roles at Oracle.", "boilerplate"),
        ("The course was funded by the Gates Foundation.", "boilerplate"),
        ("Click here to view the syllabus.", "boilerplate"),
        ("Demand for data scientists is growing fast and salaries are high.", "boilerplate"),
        ("However, water scarcity affects billions of people.", "context"),
    ],
)
def test_each_role_by_example(sentence: str, role: str) -> None:
    assert _course(sentence) == [(sentence.rstrip("."), role)] or _course(sentence) == [(sentence, role)]


def test_a_heading_sets_the_role_of_what_follows() -> None:
    text = "Prerequisites:\nPython programming\nBasic statistics\nSyllabus:\nWeek 1: Regression"
    roles = dict(_course(text))
    assert roles["Python programming"] == "prerequisite"
    assert roles["Basic statistics"] == "prerequisite"
    assert roles["Week 1: Regression"] == "topic"


def test_programme_membership_is_boilerplate_unless_the_sentence_teaches() -> None:
    assert _course("This course is part of a MicroMasters program.")[0][1] == "boilerplate"
    taught = "In this course, part of the Data Science MicroMasters program, you will learn regression."
    assert _course(taught)[0][1] == "outcome"


def test_posting_roles() -> None:
    text = (
        "About us: We are a leading fintech company in Cairo.\n"
        "Responsibilities:\nBuild ETL pipelines in Python.\nReport to the data lead.\n"
        "Requirements:\n3+ years of experience with SQL.\n"
        "We offer a competitive salary and medical insurance."
    )
    spans = sentence_spans(text)
    roles = dict(zip((text[s.start : s.end] for s in spans), posting_roles(text, spans), strict=True))
    assert roles["About us: We are a leading fintech company in Cairo."] == "company"
    assert roles["Build ETL pipelines in Python."] == "responsibility"
    assert roles["3+ years of experience with SQL."] == "requirement"
    assert roles["We offer a competitive salary and medical insurance."] == "offer"

"""Test data shared by several test modules: a tiny catalog and settings for the hashing encoder."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from recommender import Recommender, Settings

TINY_CATALOG = [
    {"id": "sql-101", "title": "SQL for analysts", "provider": "North", "hours": 10, "cost": 50, "currency": "USD",
     "level": "beginner", "language": "en", "skills": ["SQL", "data analysis"],
     "text": "Write SQL queries against PostgreSQL databases. Join tables and aggregate results for reports."},
    {"id": "py-201", "title": "Python programming", "provider": "South", "hours": 20, "cost": 0, "currency": "USD",
     "level": "intermediate", "language": "en", "skills": ["Python", "unit testing"],
     "text": "Write Python scripts, test them with pytest, and package them for colleagues."},
    {"id": "viz-110", "title": "Dashboards with Tableau", "provider": "North", "hours": 8, "cost": 100,
     "currency": "USD", "level": "beginner", "language": "en", "skills": ["data visualization", "Tableau"],
     "text": "Build interactive dashboards in Tableau and present charts to stakeholders."},
    {"id": "pm-300", "title": "Agile project delivery", "provider": "East", "hours": 30, "cost": 300,
     "currency": "USD", "level": "advanced", "language": "fr", "skills": ["project management", "Scrum"],
     "text": "Plan sprints, run Scrum ceremonies and manage project risks with a team."},
]  # fmt: skip

# Thresholds suited to the hashing encoder, whose cosines run lower than a sentence model's.
HASH_SETTINGS = Settings(threshold=0.45, declared_threshold=0.8, skill_similarity=0.5)

QUERIES = [
    "We need an analyst who writes SQL against PostgreSQL and builds Tableau dashboards.",
    "Python developer: scripts, pytest, packaging.",
    "Scrum master to plan sprints and manage project risks with the team.",
    "Cooking and gardening",
]


def answers(model: Recommender) -> list[Any]:
    """What a model answers to QUERIES, a skill list with --have, and the skills of a text (to compare models)."""
    answers = [model.recommend(query, k=4).to_dict() for query in QUERIES]
    answers.append(model.recommend(skills="SQL, Python, Scrum, cooking", have="Python", k=4).to_dict())
    answers.append([m.to_dict() for m in model.skills(QUERIES[0])])  # type: ignore[arg-type]
    return answers


def head_csv(source: Path, target: Path, rows: int) -> Path:
    """The header and the first ``rows`` data rows of ``source``, written to ``target``."""
    with source.open(newline="", encoding="utf-8") as handle, target.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(handle), csv.writer(out)
        writer.writerow(next(reader))
        for _, row in zip(range(rows), reader, strict=False):
            writer.writerow(row)
    return target

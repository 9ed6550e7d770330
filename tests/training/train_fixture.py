"""A tiny shared-data folder for training tests: ESCO, SkillSpan, TECH/HOUSE files, postings, a catalog."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..esco_fixture import SKILL, write_esco

LEAKED = "We query the warehouse in SQL every day"  # in a TECH test file *and* in SkillSpan train
SKILLSPAN_TEST_ONLY = "Sentinel sentence from the SkillSpan test split about SQL"


def _skillspan_row(tokens: list[str], skills: list[str], knowledge: list[str] | None = None) -> str:
    return json.dumps(
        {"idx": 1, "tokens": tokens, "tags_skill": skills, "tags_knowledge": knowledge or ["O"] * len(tokens)}
    )


def write_shared(root: Path) -> Path:
    """Write the folder layout ``recommender train --data`` reads; return ``root``."""
    esco = write_esco(root / "esco")
    with (esco / "broaderRelationsSkillPillar.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conceptType", "conceptUri", "broaderType", "broaderUri"])
        writer.writerow(["KnowledgeSkillCompetence", SKILL + "etl", "KnowledgeSkillCompetence", SKILL + "warehouse"])
        writer.writerow(["SkillGroup", SKILL + "group", "KnowledgeSkillCompetence", SKILL + "sql"])
    spans = root / "benchmarks" / "skillspan"
    spans.mkdir(parents=True)
    train_rows = [
        _skillspan_row(["Strong", "SQL", "skills", "are", "required"], ["O", "B", "O", "O", "O"]),
        _skillspan_row(
            ["You", "will", "care", "for", "patients", "on", "the", "ward"], ["O", "O", "B", "I", "I", "O", "O", "O"]
        ),
        _skillspan_row(["Write", "Python", "scripts", "for", "ETL", "pipelines"], ["B", "I", "I", "O", "B", "I"]),
        _skillspan_row(LEAKED.split(), ["O"] * 8),
    ]
    (spans / "train.json").write_text("\n".join(train_rows) + "\n", encoding="utf-8")
    dev_rows = [_skillspan_row(["Build", "dashboards", "for", "the", "sales", "team"], ["B", "I", "O", "O", "O", "O"])]
    (spans / "dev.json").write_text("\n".join(dev_rows) + "\n", encoding="utf-8")
    test_tokens = SKILLSPAN_TEST_ONLY.split()
    (spans / "test.json").write_text(_skillspan_row(test_tokens, ["O"] * len(test_tokens)) + "\n", encoding="utf-8")
    bench = root / "benchmarks" / "skill_extraction"
    bench.mkdir(parents=True)
    rows = {
        "tech_validation": [
            ("Experience with SQL and Python", "SQL", "SQL"),
            ("Python scripting", "Python", "Python (computer programming)"),
        ],
        "house_validation": [("Care for patients with good hand hygiene", "hand hygiene", "hand hygiene")],
        "tech_test": [(LEAKED, "SQL", "SQL")],
        "house_test": [("Nurses care for patients", "care for patients", "patient care")],
    }  # fmt: skip
    for name, items in rows.items():
        with (bench / f"{name}_annotations.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sentence", "span", "sub_span", "label"])
            writer.writerows((sentence, span, "", label) for sentence, span, label in items)
    wuzzuf = root / "postings" / "wuzzuf"
    wuzzuf.mkdir(parents=True)
    with (wuzzuf / "job_postings_with_id.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["job_id", "job_title", "job_description", "job_requirements", "company_name"])
        writer.writerow(["0", "Data Engineer", "You will maintain data warehouses.", "Good SQL and Python.", "Acme"])
        writer.writerow(["1", "Nurse", "Provide patient care at night.", LEAKED, "Clinic"])
    (wuzzuf / "job_skills.csv").write_text(
        "job_title~company_name~job_skill\nData Engineer~Acme~SQL\nNurse~Clinic~patient care\n", encoding="utf-8"
    )
    catalogs = root / "catalogs"
    catalogs.mkdir()
    with (catalogs / "coursera_2024_gained_skills.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Subject", "Title", "Gained Skills"])
        writer.writerow(["Data", "Databases for Analysts", "SQL, Data Warehouses, Spreadsheets"])
    return root

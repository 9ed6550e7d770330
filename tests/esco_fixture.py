"""A tiny ESCO export in the real file formats (multi-line quoted altLabels), written into a folder."""

from __future__ import annotations

import csv
from pathlib import Path

SKILL = "http://data.europa.eu/esco/skill/"
OCCUPATION = "http://data.europa.eu/esco/occupation/"

SKILLS = [
    ("sql", "SQL", "structured query language"),
    ("python", "Python (computer programming)", "python programming\npython scripting"),
    ("warehouse", "data warehouses", "data warehouse"),
    ("etl", "ETL pipelines", "extract transform load"),
    ("nursing", "patient care", "care for patients"),
    ("hygiene", "hand hygiene", ""),
    ("dashboards", "build dashboards", "dashboard design"),
    ("programming", "computer programming", "coding"),
    ("java", "Java (computer programming)", "Java"),
]
# ESCO's structure (broaderRelationsSkillPillar.csv, skillSkillRelations.csv, skillGroups_en.csv).
GROUP = "http://data.europa.eu/esco/isced-f/0613"
BROADER = [("python", "programming"), ("java", "programming"), ("programming", None), ("etl", None)]
RELATED = [("etl", "optional", "warehouse")]
REUSE = {"sql": "sector-specific", "nursing": "occupation-specific", "programming": "cross-sector"}
OCCUPATIONS = [
    ("data-engineer", "data engineer", "big data engineer\ndata pipeline engineer",
     "Data engineers build pipelines that move data into warehouses."),
    ("nurse", "nurse responsible for general care", "general nurse\nregistered nurse",
     "Nurses care for patients in hospitals."),
    ("analyst", "data analyst", "business intelligence analyst", "Data analysts build dashboards from data."),
]  # fmt: skip
RELATIONS = [
    ("data-engineer", "essential", "sql"),
    ("data-engineer", "essential", "etl"),
    ("data-engineer", "essential", "warehouse"),
    ("data-engineer", "optional", "python"),
    ("nurse", "essential", "nursing"),
    ("nurse", "essential", "hygiene"),
    ("analyst", "essential", "dashboards"),
    ("analyst", "essential", "sql"),
    ("analyst", "optional", "python"),
]


def write_esco(folder: Path) -> Path:
    """Write skills_en.csv, occupations_en.csv and occupationSkillRelations.csv; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "skills_en.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "description"]
        )
        for key, label, aliases in SKILLS:
            reuse = REUSE.get(key, "transversal")
            writer.writerow(["KnowledgeSkillCompetence", SKILL + key, "skill/competence", reuse, label, aliases, ""])
    with (folder / "broaderRelationsSkillPillar.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conceptType", "conceptUri", "broaderType", "broaderUri"])
        for child, parent in BROADER:
            broader = SKILL + parent if parent else GROUP
            writer.writerow(
                [
                    "KnowledgeSkillCompetence",
                    SKILL + child,
                    "SkillGroup" if parent is None else "KnowledgeSkillCompetence",
                    broader,
                ]
            )
    with (folder / "skillSkillRelations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["originalSkillUri", "originalSkillType", "relationType", "relatedSkillType", "relatedSkillUri"]
        )
        for a, kind, b in RELATED:
            writer.writerow([SKILL + a, "skill/competence", kind, "knowledge", SKILL + b])
    with (folder / "skillGroups_en.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conceptType", "conceptUri", "preferredLabel"])
        writer.writerow(["SkillGroup", GROUP, "software and applications development and analysis"])
    with (folder / "occupations_en.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        header = ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"]
        writer.writerow(header)
        for key, label, aliases, description in OCCUPATIONS:
            writer.writerow(["Occupation", OCCUPATION + key, "2511", label, aliases, description, "2511.1"])
    with (folder / "occupationSkillRelations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occupationUri", "relationType", "skillType", "skillUri"])
        for occupation, kind, skill in RELATIONS:
            writer.writerow([OCCUPATION + occupation, kind, "skill/competence", SKILL + skill])
    return folder

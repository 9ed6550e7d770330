"""Skill vocabularies: normalization, ESCO and generic files, catalog-derived vocabularies."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from recommender.errors import InvalidInputError
from recommender.inputs.catalog import Catalog, Credential, LoadReport
from recommender.inputs.taxonomy import Skill, Vocabulary, load_taxonomy, normalize_label, vocabulary_from_catalog

ESCO_CSV = (  # the columns and quoting of ESCO's export; altLabels are newline-separated in one field
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,description\n"
    'KSC,http://e/s1,skill/competence,sector-specific,manage musical staff,"manage staff of music\n'
    'direct musical staff\nmanage musical staff\nManage Musical Staff.",,released,"Assign and manage staff."\n'
    "KSC,http://e/s2,knowledge,cross-sector,SQL,,,released,A query language.\n"
    'KSC,http://e/s3,knowledge,cross-sector,Python (computer programming),"Python\nSQL",,released,\n'
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Data-Analysis ", "data-analysis"),
        ("data - analysis", "data-analysis"),
        ("Data \u2013 Analysis", "data-analysis"),
        ("Python Programming.", "python programming"),
        ("CI / CD", "ci/cd"),
        ("\u201cSQL\u201d", "sql"),
        ("(SQL)", "sql"),
        ("Securities (Finance)", "securities (finance)"),
        (".NET", ".net"),
        ("C++", "c++"),
        ("C#", "c#"),
        ("  machine\n\tlearning  ", "machine learning"),
        ("...", ""),
    ],
)
def test_normalize_label(raw: str, expected: str) -> None:
    assert normalize_label(raw) == expected


def test_esco_folder_and_file(tmp_path: Path) -> None:
    write(tmp_path / "skills_en.csv", ESCO_CSV)
    vocabulary = load_taxonomy(tmp_path)
    assert vocabulary == load_taxonomy(tmp_path / "skills_en.csv")
    assert vocabulary.source == "esco" and len(vocabulary) == 3
    assert vocabulary.skills[0] == Skill(
        id="http://e/s1",
        label="manage musical staff",
        aliases=("manage staff of music", "direct musical staff"),
        description="Assign and manage staff.",
        type="skill/competence",
        reuse_level="sector-specific",
    )
    forms, positions = vocabulary.surface_forms()
    assert forms == [
        "manage musical staff",
        "manage staff of music",
        "direct musical staff",
        "SQL",
        "Python (computer programming)",
        "Python",
        "SQL",
    ]
    assert positions.dtype == np.int32 and positions.tolist() == [0, 0, 0, 1, 2, 2, 2]
    assert vocabulary.lookup("sql") == 1  # the first skill with that form wins
    assert vocabulary.lookup("Manage musical staff.") == 0
    assert vocabulary.lookup("python") == 2 and vocabulary.lookup("cobol") is None
    assert vocabulary.index_of() == {"http://e/s1": 0, "http://e/s2": 1, "http://e/s3": 2}


def test_folder_without_skills_file_lists_its_contents(tmp_path: Path) -> None:
    write(tmp_path / "occupations_en.csv", "x\n1\n")
    with pytest.raises(InvalidInputError, match=r"has no skills_en.csv \(it contains: occupations_en.csv\); pass"):
        load_taxonomy(tmp_path)


def test_generic_csv(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(
        tmp_path / "skills.csv",
        "id,label,aliases,description,type\n"
        's1,SQL,"structured query language|sql|Structured Query Language",Queries,knowledge\n'
        "s2,,orphan,,\n"
        "s1,Duplicate,,,\n"
        's3,Data analysis,"analyse data\nanalytics",,skill\n',
    )
    with caplog.at_level(logging.WARNING):
        vocabulary = load_taxonomy(path)
    assert vocabulary.source == "generic"
    assert vocabulary.skills == (
        Skill("s1", "SQL", ("structured query language",), "Queries", "knowledge"),
        Skill("s3", "Data analysis", ("analyse data", "analytics"), "", "skill"),
    )
    assert "1 rows without a label skipped" in caplog.text
    assert "1 rows repeat an earlier skill id" in caplog.text


def test_generic_jsonl_with_list_aliases_and_no_id_column(tmp_path: Path) -> None:
    rows = [{"label": "Machine Learning", "aliases": ["ML", "machine-learning"]}, {"label": "R", "aliases": "GNU R"}]
    path = write(tmp_path / "skills.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    vocabulary = load_taxonomy(path)
    assert [(s.id, s.label, s.aliases) for s in vocabulary] == [
        ("skill:machine-learning", "Machine Learning", ("ML", "machine-learning")),
        ("skill:r", "R", ("GNU R",)),
    ]


def test_taxonomy_without_a_label_column(tmp_path: Path) -> None:
    path = write(tmp_path / "skills.csv", "id,name\n1,SQL\n")
    with pytest.raises(InvalidInputError, match=r"no 'label' column \(columns: id, name\)"):
        load_taxonomy(path)


def test_taxonomy_with_no_labelled_rows(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"no usable skills"):
        load_taxonomy(write(tmp_path / "skills.csv", "id,label\n1,\n"))


def test_taxonomy_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"taxonomy file not found"):
        load_taxonomy(tmp_path / "nope.csv")


def test_vocabulary_hash_and_extended() -> None:
    base = Vocabulary((Skill("a", "SQL"), Skill("b", "Python", ("py",))), source="generic")
    same = Vocabulary((Skill("a", "SQL"), Skill("b", "Python", ("py",))), source="generic")
    assert base.content_hash() == same.content_hash()
    assert base.content_hash() != Vocabulary(base.skills[::-1], source="generic").content_hash()
    bigger = base.extended([Skill("a", "Other"), Skill("c", "Excel")])
    assert [s.id for s in bigger] == ["a", "b", "c"] and bigger.source == "generic"
    assert bigger.surface_forms()[0][: len(base.surface_forms()[0])] == base.surface_forms()[0]
    assert bigger.lookup("excel") == 2 and len(base) == 2


def _catalog(*skill_lists: tuple[str, ...]) -> Catalog:
    credentials = tuple(Credential(id=str(i), title=f"C{i}", skills=s) for i, s in enumerate(skill_lists))
    report = LoadReport(
        path="mem",
        rows_read=len(credentials),
        loaded=len(credentials),
        skipped=(),
        duplicates=(),
        derived_ids=0,
        truncated=(),
        unparsed={},
    )
    return Catalog(credentials, report)


def test_vocabulary_from_catalog_merges_spellings() -> None:
    catalog = _catalog(("data analysis", "SQL"), ("Data Analysis", "C++", "C#"), ("Data Analysis", "data - analysis"))
    vocabulary = vocabulary_from_catalog(catalog)
    assert vocabulary.source == "catalog"
    assert [(s.id, s.label, s.aliases) for s in vocabulary] == [
        ("skill:data-analysis", "Data Analysis", ("data analysis",)),
        ("skill:sql", "SQL", ()),
        ("skill:c++", "C++", ()),
        ("skill:c#", "C#", ()),
        ("skill:data-analysis-2", "data - analysis", ()),
    ]


def test_vocabulary_from_catalog_tie_keeps_first_spelling() -> None:
    vocabulary = vocabulary_from_catalog(_catalog(("Excel",), ("excel",)))
    assert [(s.label, s.aliases) for s in vocabulary] == [("Excel", ("excel",))]


def test_vocabulary_from_catalog_without_skills() -> None:
    catalog = Catalog((Credential(id="1", title="A", text="t"),), _catalog().report)
    with pytest.raises(InvalidInputError, match=r"declares no skills.*taxonomy file"):
        vocabulary_from_catalog(catalog)


@pytest.mark.shared_data
def test_shared_esco(shared_data: Path) -> None:
    vocabulary = load_taxonomy(shared_data / "esco")
    assert vocabulary.source == "esco" and len(vocabulary) == 13_896
    forms, positions = vocabulary.surface_forms()
    # 111,379 labels + alternative labels as written; many altLabels repeat the preferred label or
    # differ only in case or punctuation, leaving 99,068 distinct forms per skill.
    assert len(forms) == len(positions) == 99_068
    python = vocabulary.lookup("Python")
    assert python is not None and vocabulary.skills[python].label == "Python (computer programming)"
    assert vocabulary.skills[0].type in {"skill/competence", "knowledge", ""}


def test_lookup_prefers_a_label_over_another_skills_alias() -> None:
    from recommender.inputs.taxonomy import Skill, Vocabulary

    vocabulary = Vocabulary(
        skills=(Skill("a", "project commissioning", ("project management",)), Skill("b", "project management")),
        source="generic",
    )
    assert vocabulary.lookup("Project Management") == 1
    assert vocabulary.lookup("project commissioning") == 0

"""Catalog loading: field parsing, derived ids, skipped and duplicate rows, reports, shared catalogs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from recommender.errors import InvalidInputError
from recommender.formats.readers import load_catalog
from recommender.inputs.catalog import (
    CATALOG_FIELDS,
    Catalog,
    Credential,
    DuplicateId,
    LoadReport,
    SkippedRow,
    catalog_from_records,
    derive_id,
)
from recommender.inputs.datasets import COURSERA_2024, COURSERA_CERTS, EDX
from recommender.inputs.tabular import Record, parse_mapping


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_every_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        "id,title,provider,text,skills,hours,cost,level,language,url,field,type,stacks_into,requires\n"
        'a1,SQL,North,Learn SQL,"SQL; Databases",10 hours,€30,Beginner,en,http://x,Data,Course,cert-1,"p1|p2"\n',
    )
    catalog = load_catalog(path)
    assert catalog.credentials == (
        Credential(
            id="a1",
            title="SQL",
            text="Learn SQL",
            provider="North",
            skills=("SQL", "Databases"),
            hours=10.0,
            cost=30.0,
            currency="EUR",
            level="Beginner",
            language="en",
            url="http://x",
            field="Data",
            type="Course",
            stacks_into=("cert-1",),
            requires=("p1", "p2"),
        ),
    )
    assert catalog.report == LoadReport(
        path=str(path), rows_read=1, loaded=1, skipped=(), duplicates=(), derived_ids=0, truncated=(), unparsed={}
    )


def test_explicit_currency_column_wins(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,title,text,cost,currency\n1,A,t,49,usd\n2,B,t,$49,\n")
    assert [(c.cost, c.currency) for c in load_catalog(path)] == [(49.0, "USD"), (49.0, "USD")]


def test_column_names_match_case_insensitively(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "ID,Title,TEXT\n1,A,t\n")
    assert load_catalog(path).credentials[0] == Credential(id="1", title="A", text="t")


def test_mapping_joins_columns_and_combines_hours(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        "url,name,summary,description,effort,length,price\n"
        "http://a,Intro,Short.,Long text.,2–3 hours per week,8 Weeks,FREE-Add a Verified Certificate for $49 USD\n",
    )
    mapping = parse_mapping(
        ["id=url", "title=name", "text=summary+description", "hours=effort+length", "cost=price", "url=url"]
    )
    (credential,) = load_catalog(path, mapping=mapping)
    assert credential.id == credential.url == "http://a"
    assert credential.text == "Short.\n\nLong text."
    assert credential.hours == pytest.approx(20.0)
    assert (credential.cost, credential.currency) == (49.0, "USD")


def test_mapping_values_may_be_plain_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "course,about\nA,t\n")
    assert load_catalog(path, mapping={"Title": "course", "text": ["about"]}).credentials[0].title == "A"


def test_derived_ids_are_stable_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "title,provider,skills\nA,North,SQL\nB,South,R\n")
    first, again = load_catalog(path), load_catalog(path)
    assert [c.id for c in first] == [derive_id("A", "North", ""), derive_id("B", "South", "")]
    assert [c.id for c in first] == [c.id for c in again]
    assert first.credentials[0].id.startswith("c-") and len(first.credentials[0].id) == 14
    assert first.report.derived_ids == 2


def test_skipped_rows_are_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "c.csv", "id,title,text,skills\n1,,,SQL\n2,Only title,,\n3,,A course about SQL,\n4,Ok,,R\n")
    with caplog.at_level(logging.WARNING):
        catalog = load_catalog(path)
    assert catalog.report.skipped == (
        SkippedRow(1, "no title and no text"),
        SkippedRow(2, "no text or skills to profile"),
    )
    assert [(c.id, c.title) for c in catalog] == [("3", "A course about SQL"), ("4", "Ok")]
    assert "skipped 1 rows (no text or skills to profile): rows 2" in caplog.text


def test_title_from_text_is_80_characters(tmp_path: Path) -> None:
    text = "word " * 40
    path = write(tmp_path / "c.csv", f"id,title,text\n1,,{text}\n")
    assert load_catalog(path).credentials[0].title == text[:80].strip()


def test_duplicate_ids_keep_the_first(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "c.csv", "id,title,text\na,First,t\nb,Other,t\na,Second,t\n")
    with caplog.at_level(logging.WARNING):
        catalog = load_catalog(path)
    assert [c.title for c in catalog] == ["First", "Other"]
    assert catalog.report.duplicates == (DuplicateId(row=3, id="a", first_row=1),)
    assert "1 rows repeat an earlier id" in caplog.text
    with pytest.raises(InvalidInputError, match=r"row 3 repeats id 'a' of row 1"):
        load_catalog(path, strict=True)


def test_long_text_is_truncated_at_a_word_boundary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "c.csv", "id,title,text\n1,A,alpha beta gamma delta\n2,B,short\n")
    with caplog.at_level(logging.WARNING):
        catalog = load_catalog(path, max_text_chars=13)
    assert [c.text for c in catalog] == ["alpha beta", "short"]
    assert catalog.report.truncated == (1,)
    assert "truncated in 1 rows" in caplog.text
    with pytest.raises(InvalidInputError, match=r"max_text_chars"):
        load_catalog(path, max_text_chars=0)


def test_unparsed_values_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,title,text,hours,cost\n1,A,t,self-paced,ask us\n2,B,t,,\n3,C,t,4,9\n")
    catalog = load_catalog(path)
    assert catalog.report.unparsed == {"cost": 1, "hours": 1}
    assert [c.hours for c in catalog] == [None, None, 4.0]


def test_no_usable_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,title,text,skills\n1,A,,\n2,,,\n")
    with pytest.raises(
        InvalidInputError,
        match=r"no usable rows in .*c\.csv: row 1: no text or skills to profile; "
        r"row 2: no title and no text",
    ):
        load_catalog(path)


def test_unknown_mapped_column_lists_existing_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "course,about\nA,t\n")
    with pytest.raises(InvalidInputError, match=r"'summary' \(for text\); the file has columns: course, about"):
        load_catalog(path, mapping={"title": ["course"], "text": ["summary"]})


def test_missing_title_column_says_how_to_map_it(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "course,text\nA,t\n")
    message = r"no 'title' column; the file has columns: course, text; .*--map title=COLUMN"
    with pytest.raises(InvalidInputError, match=message):
        load_catalog(path)


def test_missing_text_and_skills_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "title,price\nA,3\n")
    with pytest.raises(InvalidInputError, match=r"neither a 'text' nor a 'skills' column.*--map text=COLUMN"):
        load_catalog(path)


def test_unknown_field_in_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "title,text\nA,t\n")
    with pytest.raises(InvalidInputError, match=r"unknown catalog field.*titel.*known fields: id, title"):
        load_catalog(path, mapping={"titel": ["title"]})


def test_file_errors_name_the_catalog(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"catalog file not found"):
        load_catalog(tmp_path / "missing.csv")


def test_jsonl_catalog_with_list_skills(tmp_path: Path) -> None:
    rows = [
        {"id": "x", "title": "X", "skills": ["SQL", "sql", "R"], "hours": 3, "cost": 0},
        {"id": "y", "title": "Y", "text": "about Y", "requires": ["x"]},
    ]
    path = write(tmp_path / "c.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    catalog = load_catalog(path)
    assert catalog.credentials[0].skills == ("SQL", "R")
    assert (catalog.credentials[0].hours, catalog.credentials[0].cost) == (3.0, 0.0)
    assert catalog.credentials[1].requires == ("x",)


def test_catalog_from_records() -> None:
    records = [Record(5, {"title": "A", "text": "t"}), Record(9, {"title": "", "text": ""})]
    catalog = catalog_from_records(records, path="memory")
    assert len(catalog) == 1 and catalog.report.skipped == (SkippedRow(9, "no title and no text"),)
    assert catalog.report.path == "memory"


def test_credential_round_trip_and_catalog_helpers() -> None:
    a = Credential(id="a", title="A", skills=("SQL",), hours=2.0, requires=("b",))
    b = Credential(id="b", title="B", text="t")
    assert Credential.from_dict(json.loads(json.dumps(a.to_dict()))) == a
    assert Credential.from_dict({**b.to_dict(), "future_field": 1}) == b
    assert set(a.to_dict()) == set(CATALOG_FIELDS)
    with pytest.raises(InvalidInputError, match=r"needs an 'id' and a 'title'"):
        Credential.from_dict({"id": "x"})
    report = LoadReport(
        path="p", rows_read=2, loaded=2, skipped=(), duplicates=(), derived_ids=0, truncated=(), unparsed={}
    )
    ab, ba = Catalog((a, b), report), Catalog((b, a), report)
    assert list(ab) == [a, b] and len(ab) == 2 and ab.by_id() == {"a": a, "b": b}
    assert ab.content_hash() == Catalog((a, b), report).content_hash() != ba.content_hash()
    assert len(ab.content_hash()) == 64


def test_summary() -> None:
    report = LoadReport(
        path="p",
        rows_read=975,
        loaded=972,
        skipped=(),
        duplicates=(DuplicateId(3, "x", 1),) * 3,
        derived_ids=975,
        truncated=(4,),
        unparsed={"hours": 2},
    )
    assert report.summary() == (
        "975 rows read, 972 loaded, 0 skipped, 3 duplicate ids (kept the first), ids derived "
        "from content for 975 rows, text truncated in 1 rows, 2 hours values not understood"
    )


# ---------------------------------------------------------------------------- the shared real catalogs
@pytest.mark.shared_data
def test_shared_edx(shared_data: Path) -> None:
    mapping = parse_mapping(EDX.mapping, known_fields=CATALOG_FIELDS)
    catalog = load_catalog(EDX.file(shared_data), mapping=mapping)
    report = catalog.report
    assert (report.rows_read, report.loaded, len(report.skipped), len(report.duplicates)) == (975, 948, 26, 1)
    assert {s.reason for s in report.skipped} == {"no text or skills to profile"}  # summary "NA", no description
    assert report.derived_ids == 0 and report.unparsed == {}
    assert all(c.hours is not None and c.cost is not None and c.currency == "USD" for c in catalog)
    first = catalog.credentials[0]
    assert first.title == "How to Learn Online" and first.hours == pytest.approx(2.5 * 2) and first.cost == 49.0


@pytest.mark.shared_data
def test_shared_coursera_2024(shared_data: Path) -> None:
    catalog = load_catalog(COURSERA_2024.file(shared_data), mapping=COURSERA_2024.fields())
    report = catalog.report
    assert (report.rows_read, report.loaded, len(report.skipped), len(report.duplicates)) == (3404, 2759, 0, 645)
    assert report.derived_ids == 3404
    assert all(c.skills and not c.text for c in catalog)
    assert catalog.credentials[0].skills[:2] == ("Process Analysis", "Business Process")


@pytest.mark.shared_data
def test_shared_coursera_certs(shared_data: Path) -> None:
    mapping = parse_mapping(COURSERA_CERTS.mapping, known_fields=CATALOG_FIELDS)
    catalog = load_catalog(COURSERA_CERTS.file(shared_data), mapping=mapping)
    report = catalog.report
    assert (report.rows_read, report.loaded, len(report.skipped), len(report.duplicates)) == (1139, 1064, 70, 5)
    first = catalog.credentials[0]
    assert first.title == "Google Cybersecurity" and first.skills[:2] == ("Network Security", "Python Programming")
    assert first.level == "Beginner" and first.type == "Professional Certificate"


def test_jsonl_fields_first_seen_after_the_sampled_rows_are_read(tmp_path: Path) -> None:
    rows = [{"id": f"t{i}", "title": f"Course {i}", "text": "Write SQL queries."} for i in range(150)]
    rows.append({"id": "s1", "title": "Excel basics", "skills": ["Excel", "pivot tables"]})
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.report.summary().startswith("151 rows read, 151 loaded, 0 skipped")
    assert catalog.credentials[-1].skills == ("Excel", "pivot tables")

"""Record readers (CSV/TSV, JSONL, JSON) and column mappings."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from recommender.errors import InvalidInputError
from recommender.inputs.tabular import (
    Record,
    apply_mapping,
    check_columns,
    columns,
    parse_mapping,
    read_records,
    resolve_mapping,
)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def values(path: Path, **kwargs: object) -> list[dict[str, object]]:
    return [r.values for r in read_records(path, **kwargs)]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- CSV
def test_csv_records_and_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,title\n1,SQL\n\n2,Python\n")
    records = list(read_records(path))
    assert records == [Record(1, {"id": "1", "title": "SQL"}), Record(2, {"id": "2", "title": "Python"})]


def test_csv_multiline_quoted_field(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'id,text\n1,"line one\nline two, with comma"\n2,plain\n')
    assert values(path) == [{"id": "1", "text": "line one\nline two, with comma"}, {"id": "2", "text": "plain"}]


def test_csv_crlf_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'id,text\r\n1,"a\r\nb"\r\n2,c\r\n')
    assert [v["text"] for v in values(path)] == ["a\r\nb", "c"]


def test_sniffs_semicolon(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'id;title;text\n1;SQL;"a, b, c"\n2;R;"d, e"\n')
    assert values(path)[0] == {"id": "1", "title": "SQL", "text": "a, b, c"}


def test_sniffs_pipe_and_tsv_extension(tmp_path: Path) -> None:
    assert values(write(tmp_path / "p.csv", "id|title\n1|SQL\n")) == [{"id": "1", "title": "SQL"}]
    assert values(write(tmp_path / "t.tsv", "id\ttitle\n1\tSQL, advanced\n")) == [{"id": "1", "title": "SQL, advanced"}]


@pytest.mark.parametrize("delimiter", ["\\t", "\t", "tab"])
def test_forced_tab_delimiter(tmp_path: Path, delimiter: str) -> None:
    path = write(tmp_path / "c.txt", "id\ttitle\n1\ta,b\n")
    assert values(path, delimiter=delimiter) == [{"id": "1", "title": "a,b"}]


def test_forced_delimiter_must_be_one_character(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,title\n1,a\n")
    with pytest.raises(InvalidInputError, match=r"single character"):
        read_records(path, delimiter=";;")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("id,title\n1,Café\n".encode("utf-8-sig"))
    assert values(path) == [{"id": "1", "title": "Café"}]


def test_latin1_bytes_name_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,title\n1,ok\n2,Caf\xe9\n".encode("latin-1"))
    records = read_records(path)  # the first rows are fine: the error comes while streaming
    with pytest.raises(InvalidInputError, match=r"latin\.csv: line 3 is not valid UTF-8.*--encoding latin-1"):
        list(records)
    assert values(path, encoding="latin-1")[1] == {"id": "2", "title": "Café"}


def test_bad_encoding_in_the_header_raises_at_call_time(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,t\xeetre\n1,a\n".encode("latin-1"))
    with pytest.raises(InvalidInputError, match=r"line 1 is not valid UTF-8"):
        read_records(path)


def test_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"unknown encoding"):
        read_records(write(tmp_path / "c.csv", "id\n1\n"), encoding="klingon")


def test_large_fields_are_read(tmp_path: Path) -> None:
    big = "word " * 60_000  # 300k characters, above csv's default field limit of 131,072
    path = write(tmp_path / "big.csv", f'id,text\n1,"{big}"\n')
    assert values(path)[0]["text"] == big


def test_short_rows_are_padded_and_duplicate_headers_renamed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "c.csv", "id,title,title\n1\n2,a,b,extra\n")
    with caplog.at_level(logging.WARNING):
        rows = values(path)
    assert rows == [{"id": "1", "title": "", "title_2": ""}, {"id": "2", "title": "a", "title_2": "b"}]
    assert "duplicate column name" in caplog.text
    assert "row 2 has 4 fields" in caplog.text


def test_reading_is_lazy(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"id\n" + b"".join(b"%d\n" % i for i in range(1, 1001)) + b"\xff\n")
    records = read_records(path)
    assert next(records).row == 1
    with pytest.raises(InvalidInputError, match=r"line 1002"):
        list(records)


# ---------------------------------------------------------------------------- JSON Lines and JSON
def test_jsonl_rows_are_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", '{"id": 1, "skills": ["a"]}\n\n{"id": 2}\n')
    assert list(read_records(path)) == [Record(1, {"id": 1, "skills": ["a"]}), Record(3, {"id": 2})]


def test_jsonl_invalid_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.ndjson", '{"id": 1}\n{"id": \n')
    with pytest.raises(InvalidInputError, match=r"c\.ndjson: line 2 is not valid JSON"):
        list(read_records(path))


def test_jsonl_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", '{"id": 1}\n[1, 2]\n')
    with pytest.raises(InvalidInputError, match=r"line 2 is a JSON list, not an object"):
        list(read_records(path))


def test_json_array(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", json.dumps([{"id": "a"}, {"id": "b"}]))
    assert list(read_records(path)) == [Record(1, {"id": "a"}), Record(2, {"id": "b"})]


def test_json_object_with_one_list(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", json.dumps({"version": 2, "courses": [{"id": "a"}]}))
    assert values(path) == [{"id": "a"}]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"a": [], "b": []}, "2 list values"),
        ("just a string", "expected a JSON array of objects"),
        ([{"id": 1}, 7], "item 2 of the array is a JSON int"),
        ([], "has no data rows"),
    ],
)
def test_json_bad_shapes(tmp_path: Path, content: object, message: str) -> None:
    path = write(tmp_path / "c.json", json.dumps(content))
    with pytest.raises(InvalidInputError, match=message):
        list(read_records(path))


def test_json_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"c\.json is not valid JSON"):
        read_records(write(tmp_path / "c.json", '[{"id": 1},'))


def test_json_latin1_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_bytes('[\n{"id": "a"},\n{"id": "\xe9"}\n]'.encode("latin-1"))
    with pytest.raises(InvalidInputError, match=r"line 3 is not valid UTF-8"):
        read_records(path)


# ---------------------------------------------------------------------------- formats and bad files
def test_format_by_content_for_unknown_extensions(tmp_path: Path) -> None:
    assert values(write(tmp_path / "a.data", '{"id": 1}\n{"id": 2}\n')) == [{"id": 1}, {"id": 2}]
    assert values(write(tmp_path / "b.data", '[{"id": 1}]')) == [{"id": 1}]
    assert values(write(tmp_path / "c.data", "id;x\n1;2\n")) == [{"id": "1", "x": "2"}]
    assert values(write(tmp_path / "d.csv", '{"id": 1}\n'), file_format="jsonl") == [{"id": 1}]


def test_unknown_format(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id\n1\n")
    with pytest.raises(InvalidInputError, match=r"unknown file format 'xlsx'.*csv, jsonl, json"):
        read_records(path, file_format="xlsx")
    binary = tmp_path / "c.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary\x00")
    with pytest.raises(InvalidInputError, match=r"unknown format.*not a text file"):
        read_records(binary)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"catalog file not found: .*nope\.csv; check the path"):
        read_records(tmp_path / "nope.csv", kind="catalog")
    with pytest.raises(InvalidInputError, match=r"is a directory"):
        read_records(tmp_path)


@pytest.mark.parametrize(
    ("name", "content"), [("e.csv", ""), ("h.csv", "id,title\n"), ("h2.csv", "id,title\n\n\n"), ("e.jsonl", "\n\n")]
)
def test_no_data_rows(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(InvalidInputError, match=f"{name} has no data rows"):
        read_records(path)


def test_columns(tmp_path: Path) -> None:
    assert columns(write(tmp_path / "c.csv", " id , Title \n1,a\n")) == ["id", "Title"]
    assert columns(write(tmp_path / "c.jsonl", '{"id": 1}\n{"id": 2, "title": "x"}\n')) == ["id", "title"]


# ---------------------------------------------------------------------------- mappings
def test_parse_mapping() -> None:
    specs = ["title=course", " Text = summary + description ", "skills=Gained Skills"]
    expected = {"title": ["course"], "text": ["summary", "description"], "skills": ["Gained Skills"]}
    assert parse_mapping(specs) == expected


@pytest.mark.parametrize("spec", ["title", "=course", "title=", "text=a+", "text=a++b"])
def test_parse_mapping_malformed(spec: str) -> None:
    with pytest.raises(InvalidInputError, match=r"malformed mapping.*FIELD=COLUMN"):
        parse_mapping([spec])


def test_parse_mapping_unknown_field_lists_known_fields() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown field 'titel'.*known fields: id, title, text"):
        parse_mapping(["titel=course"], known_fields=("id", "title", "text"))
    with pytest.raises(InvalidInputError, match=r"mapped twice"):
        parse_mapping(["text=a", "text=b"])


def test_check_columns_names_missing_and_existing() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"c\.csv: column\(s\) not found: 'summry' \(for text\); "
        r"the file has columns: title, summary",
    ):
        check_columns("c.csv", {"text": ["title", "summry"]}, ["title", "summary"])
    assert check_columns("c.csv", {"title": ["COURSE"]}, ["course"]) == {"title": ["course"]}


def test_resolve_mapping_falls_back_to_same_named_columns() -> None:
    resolved = resolve_mapping("c.csv", ("id", "title", "text"), {"text": ["Summary"]}, ["ID", "Title", "Summary"])
    assert resolved == {"text": ["Summary"], "id": ["ID"], "title": ["Title"]}


def test_apply_mapping_joins_columns() -> None:
    row = {"a": "first", "b": "", "c": "third", "Title": "T", "l1": ["x"], "l2": ["y", "z"]}
    out = apply_mapping(row, {"text": ["a", "b", "c"], "skills": ["l1", "l2"], "one": ["b"]}, fields=("title", "url"))
    assert out == {"text": "first\n\nthird", "skills": ["x", "y", "z"], "one": "", "title": "T", "url": None}

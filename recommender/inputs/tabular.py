"""Streaming readers for record files (CSV/TSV, JSON Lines, JSON) and column mappings.

Catalogs, job postings and generic taxonomies all go through :func:`read_records`, which yields
one :class:`Record` per data row and turns every unusable input into an
:class:`~recommender.errors.InvalidInputError` that names the file, the row or line, and the fix.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from .fields import is_missing

__all__ = [
    "FORMATS",
    "PathLike",
    "Record",
    "apply_mapping",
    "binary_kind",
    "check_columns",
    "columns",
    "parse_mapping",
    "peek_columns",
    "read_rates",
    "read_records",
    "resolve_mapping",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]
FORMATS = ("csv", "jsonl", "json", "parquet")
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".parquet": "parquet", ".pq": "parquet",
}  # fmt: skip
_FIELD_SIZE_LIMIT = 2**31 - 1  # the largest value csv accepts on every platform


# First bytes of binary files people pass by mistake, and what they are.
MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP archive (or an Office document such as .xlsx or .docx)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document (.doc/.xls)",
    b"PAR1": "a Parquet file",
    b"\x7fELF": "a program",
    b"SQLite format 3": "an SQLite database",
}


def binary_kind(data: bytes) -> str | None:
    """What a binary file is by its first bytes ("a PNG image", "binary data"), or None for text."""
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    head = data[:SNIFF_BYTES]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs: not binary
        return "binary data"
    return None


@dataclass(frozen=True)
class Record:
    """One data row: its 1-based row number (line number for JSONL) and its values by column."""

    row: int
    values: dict[str, Any]


def _check_path(path: PathLike, kind: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise InvalidInputError(f"{kind} file not found: {p}; check the path")
    if p.is_dir():
        raise InvalidInputError(f"{p} is a directory, not a {kind} file; pass the file itself")
    if p.stat().st_size == 0:
        raise InvalidInputError(f"{p} has no data rows: the file is empty")
    return p


def _detect_format(path: Path, file_format: str | None) -> str:
    if file_format is not None:
        fmt = file_format.strip().lower().lstrip(".")
        fmt = {"tsv": "csv", "txt": "csv", "ndjson": "jsonl"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise InvalidInputError(f"unknown file format {file_format!r} for {path}; use one of: {', '.join(FORMATS)}")
        return fmt
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if b"\x00" in head or text.count("\ufffd") > len(text) // 20:
        raise InvalidInputError(
            f"unknown format for {path}: it is not a text file (is it a spreadsheet or archive?); "
            "export it as CSV, JSON Lines or Parquet, or pass --input-format csv|jsonl|json|parquet"
        )
    if text.startswith("{"):  # JSON Lines when the first line is a whole object
        try:
            json.loads(text.split("\n", 1)[0])
        except ValueError:
            return "json"
        return "jsonl"
    return "json" if text.startswith("[") else "csv"


def _resolve_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInputError(f"unknown encoding {encoding!r}; use a codec name such as utf-8 or latin-1") from None
    return "utf-8-sig" if name == "utf-8" else name  # accept a UTF-8 byte-order mark


def _decode_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each physical line, decoding one line at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        for number, raw in enumerate(itertools.chain(handle, [b""]), start=1):
            try:
                text = decoder.decode(raw, final=raw == b"")
            except UnicodeDecodeError as exc:
                raise _decode_error(path, encoding, number, exc) from None
            if text:
                yield number, text


def _decode_error(path: Path, encoding: str, line: int, exc: UnicodeDecodeError) -> InvalidInputError:
    bad = exc.object[exc.start : exc.start + 1].hex()
    codec = "UTF-8" if encoding == "utf-8-sig" else encoding
    return InvalidInputError(
        f"{path}: line {line} is not valid {codec} (byte 0x{bad}); pass --encoding latin-1 "
        "(or the file's real encoding) or re-save the file as UTF-8"
    )


def _resolve_delimiter(delimiter: str | None, path: Path, encoding: str) -> str:
    if delimiter is not None:
        value = {"\\t": "\t", "tab": "\t", "\\s": " ", "space": " "}.get(delimiter.lower(), delimiter)
        if len(value) != 1:
            raise InvalidInputError(f"delimiter {delimiter!r} must be a single character (write a tab as \\t)")
        return value
    if path.suffix.lower() == ".tsv":
        return "\t"
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES).decode(encoding, errors="replace")
    header = sample.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    if sniffed not in header:  # the header line is the most reliable witness
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        sniffed = best if counts[best] else ","
    return sniffed


def _header(cells: list[str], path: Path) -> list[str]:
    """Strip column names, name blank ones ``column_N`` and rename repeats ``name_2``, ``name_3``..."""
    names: list[str] = []
    for i, cell in enumerate(cells, start=1):
        base = name = cell.strip() or f"column_{i}"
        for k in itertools.count(2):
            if name not in names:
                break
            name = f"{base}_{k}"
        if name != base:
            logger.warning("%s: duplicate column name %r renamed to %r", path, base, name)
        names.append(name)
    return names


def _csv_records(path: Path, delimiter: str, encoding: str) -> Iterator[Record]:
    if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        csv.field_size_limit(_FIELD_SIZE_LIMIT)  # long syllabi and descriptions
    lines = (text for _, text in _decode_lines(path, encoding))
    reader = csv.reader(lines, delimiter=delimiter)
    row, ragged = 0, 0
    try:
        header = _header(next(reader, []), path)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            row += 1
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                ragged += 1
                if ragged == 1:
                    msg = "%s: row %d has %d fields but the header has %d; extra fields ignored (wrong delimiter?)"
                    logger.warning(msg, path, row, len(cells), len(header))
            cells += [""] * (len(header) - len(cells))
            yield Record(row, dict(zip(header, cells, strict=False)))
    except csv.Error as exc:
        where = f"data row {row + 1} (line {reader.line_num})"
        raise InvalidInputError(f"{path}: {where} is not valid CSV ({exc}); check the quoting or --delimiter") from None
    if ragged > 1:
        logger.warning("%s: %d rows had more fields than the header", path, ragged)


def _jsonl_records(path: Path, encoding: str) -> Iterator[Record]:
    for line, text in _decode_lines(path, encoding):
        text = text.strip()
        if not text:
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's stack
            msg = f"{path}: line {line} is not valid JSON ({exc}); write one JSON object per line"
            raise InvalidInputError(msg) from None
        if not isinstance(value, dict):
            msg = f"{path}: line {line} is a JSON {type(value).__name__}, not an object; write one object per line"
            raise InvalidInputError(msg)
        yield Record(line, {str(k): v for k, v in value.items()})


def _json_records(path: Path, encoding: str) -> Iterator[Record]:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, data[: exc.start].count(b"\n") + 1, exc) from None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's stack
        msg = f"{path} is not valid JSON ({exc}); fix it, or pass --input-format jsonl if it has one object per line"
        raise InvalidInputError(msg) from None
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise InvalidInputError(
                f"{path}: expected a JSON array of objects or an object with a single list of "
                f"objects, but the top-level object has {len(lists)} list values; keep one"
            )
        value = lists[0]
    if not isinstance(value, list):
        raise InvalidInputError(f"{path}: expected a JSON array of objects, got a {type(value).__name__}")
    for row, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            kind = type(item).__name__
            raise InvalidInputError(f"{path}: item {row} of the array is a JSON {kind}, not an object; make it one")
        yield Record(row, {str(k): v for k, v in item.items()})


def _parquet_records(path: Path, start: int, stop: int | None) -> Iterator[Record]:
    """Rows ``start:stop`` of a Parquet file, reading only the row groups that hold them."""
    import pyarrow.parquet as pq  # only Parquet inputs need pyarrow

    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for a damaged file
        msg = f"{path} is not a readable Parquet file ({exc}); rewrite it or convert it to CSV"
        raise InvalidInputError(msg) from None
    stop = handle.metadata.num_rows if stop is None else min(stop, handle.metadata.num_rows)
    first = 0
    for group in range(handle.num_row_groups):
        size = handle.metadata.row_group(group).num_rows
        if first + size > start and first < stop:
            try:
                rows = handle.read_row_group(group).to_pylist()
            except Exception as exc:
                raise InvalidInputError(f"{path}: row group {group} cannot be read ({exc}); rewrite the file") from None
            for offset, values in enumerate(rows):
                if start <= first + offset < stop:
                    yield Record(first + offset + 1, {str(k): v for k, v in values.items()})
        first += size


def read_records(
    path: PathLike,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    file_format: str | None = None,
    kind: str = "input",
    start: int = 0,
    stop: int | None = None,
) -> Iterator[Record]:
    """Stream the records of a CSV/TSV, JSON Lines or JSON file.

    The format comes from ``file_format`` or the extension (``.csv .tsv .txt``, ``.jsonl
    .ndjson``, ``.json``, ``.parquet``), else from the content. ``start``/``stop`` keep only those
    records (0-based, as a slice; Parquet reads only the row groups that hold them). CSV delimiters
    are sniffed among ``, ; tab |`` unless ``delimiter`` is given (``"\\t"`` written as two
    characters works). ``kind`` names the file in messages ("catalog", "postings", ...). Problems
    up to the first record raise at call time; later ones (a bad line further down) raise during iteration.
    """
    p = _check_path(path, kind)
    fmt = _detect_format(p, file_format)
    if fmt != "parquet":
        with p.open("rb") as handle:
            binary = binary_kind(handle.read(SNIFF_BYTES))
        if binary is not None:
            raise InvalidInputError(
                f"{p} is {binary}, not a {kind} file of text rows; export it as CSV, JSON Lines or JSON "
                "(a spreadsheet: File → Save as → CSV UTF-8), or give a Parquet file"
            )
    enc = _resolve_encoding(encoding)
    gen: Iterator[Record]
    if fmt == "parquet":
        gen = _parquet_records(p, start, stop)
    else:
        if fmt == "csv":
            gen = _csv_records(p, _resolve_delimiter(delimiter, p, enc), enc)
        elif fmt == "jsonl":
            gen = _jsonl_records(p, enc)
        else:
            gen = _json_records(p, enc)
        if start or stop is not None:
            gen = itertools.islice(gen, start, stop)
    first = next(gen, None)
    if first is None and start:
        raise InvalidInputError(f"{p} has fewer than {start + 1} data rows; did the file change since it was planned?")
    if first is None:
        raise InvalidInputError(f"{p} has no data rows; add at least one row below the header")
    return itertools.chain([first], gen)


def peek_columns(records: Iterable[Record], sample: int = 100) -> tuple[list[str], Iterator[Record]]:
    """Return the union of the keys of the first ``sample`` records, and all records unconsumed."""
    iterator = iter(records)
    head = list(itertools.islice(iterator, sample))
    names = list(dict.fromkeys(key for record in head for key in record.values))
    return names, itertools.chain(head, iterator)


def columns(
    path: PathLike,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    file_format: str | None = None,
    kind: str = "input",
) -> list[str]:
    """Return the CSV header, or the union of the keys of the first JSON/JSONL records."""
    records = read_records(path, delimiter=delimiter, encoding=encoding, file_format=file_format, kind=kind)
    return peek_columns(records)[0]


def parse_mapping(specs: Sequence[str], *, known_fields: Sequence[str] | None = None) -> dict[str, list[str]]:
    """Parse ``FIELD=COLUMN[+COLUMN...]`` strings into ``{field: [column, ...]}``."""
    mapping: dict[str, list[str]] = {}
    known = list(known_fields) if known_fields is not None else None
    for spec in specs:
        field, sep, rest = spec.partition("=")
        field = field.strip().lower()
        cols = [c.strip() for c in rest.split("+")]
        if not sep or not field or not all(cols):
            raise InvalidInputError(
                f"malformed mapping {spec!r}; write FIELD=COLUMN or FIELD=COLUMN+COLUMN, e.g. --map title=course_name"
            )
        if known is not None and field not in known:
            raise InvalidInputError(f"unknown field {field!r} in mapping {spec!r}; known fields: {', '.join(known)}")
        if field in mapping:
            raise InvalidInputError(
                f"field {field!r} is mapped twice; join columns in one mapping instead, e.g. "
                f"{field}={'+'.join(mapping[field] + cols)}"
            )
        mapping[field] = cols
    return mapping


def _match(column: str, available: Sequence[str]) -> str | None:
    if column in available:
        return column
    folded = [c for c in available if c.strip().casefold() == column.strip().casefold()]
    return folded[0] if folded else None


def check_columns(
    path: PathLike, mapping: Mapping[str, Sequence[str]], available_columns: Sequence[str]
) -> dict[str, list[str]]:
    """Check that every mapped column exists; return the mapping spelt as in the file.

    Columns match exactly, else case-insensitively. Raises naming the missing column(s) and
    listing the columns that exist.
    """
    resolved: dict[str, list[str]] = {}
    missing: list[str] = []
    for field, cols in mapping.items():
        cols = [cols] if isinstance(cols, str) else list(cols)
        found = [_match(c, available_columns) for c in cols]
        missing += [f"{c!r} (for {field})" for c, f in zip(cols, found, strict=True) if f is None]
        resolved[field] = [f for f in found if f is not None]
    if missing:
        raise InvalidInputError(
            f"{path}: column(s) not found: {', '.join(missing)}; the file has columns: {', '.join(available_columns)}"
        )
    return resolved


def resolve_mapping(
    path: PathLike, fields: Sequence[str], mapping: Mapping[str, Sequence[str]] | None, available_columns: Sequence[str]
) -> dict[str, list[str]]:
    """Return ``{field: [column, ...]}`` for each field found: mapped, else the same-named column."""
    resolved = check_columns(path, mapping or {}, available_columns)
    for field in fields:
        if field not in resolved:
            column = _match(field, available_columns)
            if column is not None:
                resolved[field] = [column]
    return resolved


def _get(values: Mapping[str, Any], column: str) -> Any:
    if column in values:
        return values[column]
    return next((v for k, v in values.items() if k.strip().casefold() == column.casefold()), None)


def apply_mapping(
    values: Mapping[str, Any], mapping: Mapping[str, Sequence[str]], *, fields: Sequence[str] = ()
) -> dict[str, Any]:
    """Return ``{field: value}``: each field from its mapped columns, else its same-named column.

    Several columns are joined: non-empty strings with a blank line between them, lists
    concatenated. Unmapped ``fields`` are looked up by name, case-insensitively.
    """
    out: dict[str, Any] = {}
    for field, cols in mapping.items():
        raw = [_get(values, c) for c in ([cols] if isinstance(cols, str) else cols)]
        if len(raw) == 1:
            out[field] = raw[0]
            continue
        present = [v for v in raw if not is_missing(v)]
        if any(isinstance(v, list) for v in present):
            out[field] = [x for v in present for x in (v if isinstance(v, list) else [v])]
        else:
            out[field] = "\n\n".join(str(v).strip() for v in present)
    for field in fields:
        if field not in out:
            out[field] = _get(values, field)
    return out


def read_rates(path: PathLike) -> dict[str, float]:
    """Exchange rates from a JSON object ``{"USD": 1, "EUR": 0.92}`` or a CSV ``currency,rate`` file."""
    p = _check_path(path, "rates")
    text = p.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if value is None:
        rows = [row for row in csv.reader(text.splitlines()) if row and row[0].strip()]
        if rows and not _is_number(rows[0][-1]):
            rows = rows[1:]  # a header
        value = {row[0]: row[1] for row in rows if len(row) >= 2}
    if not isinstance(value, dict) or not value:
        raise InvalidInputError(f'{p}: give rates as a JSON object {{"EUR": 0.92, ...}} or CSV lines currency,rate')
    rates: dict[str, float] = {}
    for code, rate in value.items():
        if not _is_number(rate):
            raise InvalidInputError(f"{p}: the rate of {code} is {rate!r}, not a number")
        rates[str(code).strip().upper()] = float(rate)
    return rates


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True

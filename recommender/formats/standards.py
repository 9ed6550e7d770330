"""Catalogs published in credential standards: schema.org Course / EducationalOccupationalCredential, Open
Badges 3.0, CTDL and the European Learning Model.

:func:`load_standard_catalog` reads a JSON or JSON-LD document (or JSON Lines, one document per
line), detects its standard unless told, and returns a :class:`~recommender.inputs.catalog.Catalog`.
Records that cannot be read are reported with their position and reason; the rest still load.
One module per standard (``schemaorg``, ``openbadges``, ``ctdl``, ``elm``) turns records into catalog values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..inputs.catalog import CATALOG_FIELDS, Catalog, SkippedRow, catalog_from_records
from ..inputs.tabular import FORMATS, PathLike, Record
from . import ctdl, elm, openbadges, schemaorg
from .common import Reading, top_items

__all__ = ["STANDARDS", "detect_standard", "load_standard_catalog", "standard_name"]

logger = logging.getLogger(__name__)

STANDARDS = ("schemaorg", "openbadges", "ctdl", "elm")
NAMES = {
    "schemaorg": "schema.org Course",
    "openbadges": "Open Badges 3.0",
    "ctdl": "CTDL",
    "elm": "European Learning Model",
}
_ALIASES = {
    "schema": "schemaorg",
    "schema.org": "schemaorg",
    "course": "schemaorg",
    "ob": "openbadges",
    "ob3": "openbadges",
    "open-badges": "openbadges",
    "europass": "elm",
    "ctdl-jsonld": "ctdl",
}
_TABULAR = {*FORMATS, "tsv", "txt", "ndjson"}
_READERS: dict[str, Callable[[Iterable[tuple[int, Any]], str], Reading]] = {
    "schemaorg": schemaorg.read,
    "openbadges": openbadges.read,
    "ctdl": ctdl.read,
    "elm": elm.read,
}
_DETECTORS: dict[str, Callable[[Any], bool]] = {
    "schemaorg": schemaorg.looks_like,
    "openbadges": openbadges.looks_like,
    "ctdl": ctdl.looks_like,
    "elm": elm.looks_like,
}
SNIFF_BYTES = 64 * 1024
SAMPLE = 50
# Strings one of the standards puts near the top of a document; without any, the file is plain rows.
MARKERS = ("schema.org", "EducationalOccupationalCredential",
           "purl.imsglobal.org/spec/ob", "Achievement", "ceterms:", "credreg.net", "purl.org/ctdl",
           "data.europa.eu/snb", "LearningAchievementSpecification", "learningOutcome", "Qualification")  # fmt: skip


def standard_name(file_format: str | None) -> str | None:
    """The standard a ``--format`` value names; ``None`` for a tabular format or no format.

    Raises :class:`InvalidInputError` for a format that is neither.
    """
    if file_format is None:
        return None
    value = file_format.strip().lower().lstrip(".")
    value = _ALIASES.get(value, value)
    if value in STANDARDS:
        return value
    if value in _TABULAR:
        return None
    raise InvalidInputError(
        f"unknown catalog format {file_format!r}; use one of: csv, jsonl, json, {', '.join(STANDARDS)}"
    )


def _read_items(path: Path, encoding: str) -> tuple[list[tuple[int, Any]], list[SkippedRow]]:
    """The document's items with positions, and the JSON Lines lines that are not JSON."""
    try:
        text = path.read_bytes().decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path} is not valid {encoding} (byte {exc.start}); re-save it as UTF-8") from exc
    try:
        return list(top_items(json.loads(text))), []
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's stack
        whole_error = exc
    items: list[tuple[int, Any]] = []
    problems: list[SkippedRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                items.append((number, json.loads(line)))
            except (ValueError, RecursionError) as exc:
                problems.append(SkippedRow(number, f"line {number} is not valid JSON ({exc})"))
    if not items:
        raise InvalidInputError(f"{path} is not valid JSON ({whole_error}); fix the document")
    return items, problems


def detect_standard(items: list[tuple[int, Any]]) -> str | None:
    """The standard most of the first items look like, or ``None`` (plain JSON rows)."""
    votes = dict.fromkeys(STANDARDS, 0)
    for _, node in items[:SAMPLE]:
        for standard, looks_like in _DETECTORS.items():
            votes[standard] += looks_like(node)
    best = max(votes, key=lambda s: votes[s])
    return best if votes[best] else None


def _sniff(path: Path) -> bool:
    """Whether ``path`` may be a standard document: JSON that names a standard near its top."""
    if path.suffix.lower() in (".csv", ".tsv", ".txt") or not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return head.startswith(("{", "[")) and any(marker in head for marker in MARKERS)


def load_standard_catalog(
    path: PathLike,
    *,
    file_format: str | None = None,
    encoding: str = "utf-8",
    language: str = "en",
    strict: bool = False,
    max_text_chars: int = 20000,
    mapping: Any = None,
) -> Catalog | None:
    """Load ``path`` as a standard catalog; ``None`` when it is not one (read it as rows instead).

    ``file_format`` forces a standard (``openbadges``, ``ctdl``, ``elm``) or rows (``csv``,
    ``jsonl``, ``json``); without it, a JSON file is checked for each standard. Language maps are
    read in ``language``, falling back to English, then to the first language given.
    """
    p = Path(path)
    forced = standard_name(file_format)
    if file_format is not None and forced is None:
        return None
    if forced is None and not _sniff(p):
        return None
    if not p.is_file():
        raise InvalidInputError(f"catalog file not found: {p}; check the path")
    try:
        items, problems = _read_items(p, encoding)
    except InvalidInputError:
        if forced is None:
            return None  # not readable as a standard: the row reader says precisely what is wrong
        raise
    standard = forced or detect_standard(items)
    if standard is None:
        return None
    if mapping:
        raise InvalidInputError(
            f"{p} is a {NAMES[standard]} document: its fields are read from the standard, so --map does not "
            "apply; drop --map (or pass --input-format json to read it as plain rows)"
        )
    reading = _READERS[standard](items, language)
    skipped = problems + reading.skipped
    _log_skipped(p, skipped)
    if not reading.records:
        reasons = "; ".join(s.reason for s in skipped[:3]) or "it holds no records"
        found = detect_standard(items)
        hint = (
            f"it looks like {NAMES[found]}: pass --input-format {found}"
            if found not in (None, standard)
            else f"check that it is a {NAMES[standard]} document"
        )
        raise InvalidInputError(f"no {NAMES[standard]} records could be read from {p}: {reasons}; {hint}")
    unparsed_hours = 0
    records: list[Record] = []
    for position, values in reading.records:
        if isinstance(values.get("hours"), str):  # a calendar duration such as P3M: not learning hours
            values["hours"] = None
            unparsed_hours += 1
        records.append(Record(position, {name: values.get(name) for name in CATALOG_FIELDS}))
    catalog = catalog_from_records(records, path=str(p), strict=strict, max_text_chars=max_text_chars)
    report = catalog.report
    unparsed = dict(report.unparsed)
    if unparsed_hours:
        unparsed["hours"] = unparsed.get("hours", 0) + unparsed_hours
    report = replace(
        report,
        rows_read=report.rows_read + len(skipped),
        skipped=tuple(sorted((*skipped, *report.skipped), key=lambda s: s.row)),
        unparsed=dict(sorted(unparsed.items())),
    )
    uris = sum(1 for c in catalog.credentials for s in c.skills if s.startswith(("http://", "https://")))
    if uris:
        logger.info("%s: %d declared skills are ESCO URIs; index with the ESCO taxonomy to map them", p, uris)
    logger.info("%s: read as %s", p, NAMES[standard])
    return Catalog(credentials=catalog.credentials, report=report)


def _log_skipped(path: Path, skipped: list[SkippedRow]) -> None:
    for row in skipped[:10]:
        logger.warning("%s: skipped record at position %d: %s", path, row.row, row.reason)
    if len(skipped) > 10:
        logger.warning("%s: %d more records skipped", path, len(skipped) - 10)

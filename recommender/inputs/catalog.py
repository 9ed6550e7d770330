"""Loading and validating credential catalogs (CSV/TSV, JSON Lines or JSON).

:func:`load_catalog` reads a file, maps its columns to :data:`CATALOG_FIELDS`, parses every field,
and returns a :class:`Catalog` whose :class:`LoadReport` accounts for every row: loaded, skipped
(with the reason), duplicated, truncated, or with values that could not be parsed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from dataclasses import field as dc_field
from typing import Any

from ..errors import InvalidInputError
from .fields import parse_cost, parse_hours, parse_id_list, parse_skill_list, parse_text, truncate_text
from .tabular import Record, apply_mapping, peek_columns, resolve_mapping

__all__ = [
    "CATALOG_FIELDS",
    "SKILL_SOURCES",
    "Catalog",
    "Credential",
    "DuplicateId",
    "LoadReport",
    "SkippedRow",
    "catalog_from_records",
]

logger = logging.getLogger(__name__)

CATALOG_FIELDS = (
    "id",
    "title",
    "provider",
    "text",
    "skills",
    "hours",
    "cost",
    "currency",
    "level",
    "language",
    "url",
    "field",
    "type",
    "stacks_into",
    "requires",
)
# Where a skill of a credential's profile comes from: declared by the catalog, or found in its text.
SKILL_SOURCES = ("declared", "text")
_PLAIN_FIELDS = ("id", "provider", "level", "language", "url", "field", "type")
TITLE_CHARS = 80


@dataclass(frozen=True)
class Credential:
    """One micro-credential (course, certificate, badge) as the engine sees it."""

    id: str
    title: str
    text: str = ""
    provider: str = ""
    skills: tuple[str, ...] = ()
    hours: float | None = None
    cost: float | None = None
    currency: str = ""
    level: str = ""
    language: str = ""
    url: str = ""
    field: str = ""
    type: str = ""
    stacks_into: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Credential:
        """Build a credential from :meth:`to_dict` output; unknown keys are ignored."""
        if not parse_text(d.get("id")) or not parse_text(d.get("title")):
            raise InvalidInputError(f"a credential needs an 'id' and a 'title'; got {dict(d)!r:.200}")
        names = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in d.items():
            if key not in names:
                continue
            if key in ("skills", "stacks_into", "requires"):
                value = tuple(str(v) for v in (value or ()))
            elif key in ("hours", "cost"):
                try:
                    value = None if value is None else float(value)
                except (TypeError, ValueError):
                    raise InvalidInputError(
                        f"credential {d.get('id')!r}: {key} must be a number, got {value!r}"
                    ) from None
            else:
                value = "" if value is None else str(value)
            kwargs[key] = value
        return cls(**kwargs)


@dataclass(frozen=True)
class SkippedRow:
    """A row that was not loaded, and why."""

    row: int
    reason: str


@dataclass(frozen=True)
class DuplicateId:
    """A row whose id was already used by ``first_row``; the first one was kept."""

    row: int
    id: str
    first_row: int


@dataclass(frozen=True)
class LoadReport:
    """What happened to every row of a catalog file."""

    path: str
    rows_read: int
    loaded: int
    skipped: tuple[SkippedRow, ...] = ()
    duplicates: tuple[DuplicateId, ...] = ()
    derived_ids: int = 0
    truncated: tuple[int, ...] = ()
    unparsed: dict[str, int] = dc_field(default_factory=dict)

    def summary(self) -> str:
        """One human-readable line, e.g. ``"975 rows read, 975 loaded, 0 skipped, ..."``."""
        parts = [
            f"{self.rows_read} rows read",
            f"{self.loaded} loaded",
            f"{len(self.skipped)} skipped",
            f"{len(self.duplicates)} duplicate ids (kept the first)",
        ]
        if self.derived_ids:
            parts.append(f"ids derived from content for {self.derived_ids} rows")
        if self.truncated:
            parts.append(f"text truncated in {len(self.truncated)} rows")
        for name, count in sorted(self.unparsed.items()):
            parts.append(f"{count} {name} values not understood")
        return ", ".join(parts)


@dataclass(frozen=True)
class Catalog:
    """The loaded credentials, in file order, and the report of how they were loaded."""

    credentials: tuple[Credential, ...]
    report: LoadReport

    def __len__(self) -> int:
        return len(self.credentials)

    def __iter__(self) -> Iterator[Credential]:
        return iter(self.credentials)

    def by_id(self) -> dict[str, Credential]:
        """Return ``{id: credential}``."""
        return {c.id: c for c in self.credentials}

    def content_hash(self) -> str:
        """Return the sha256 of a canonical JSON of the credentials (order-sensitive)."""
        payload = json.dumps(
            [c.to_dict() for c in self.credentials], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def derive_id(title: str, provider: str, text: str) -> str:
    """Return a stable id from a credential's content: ``"c-"`` + 12 hex digits of sha1."""
    digest = hashlib.sha1("\x1f".join((title, provider, text)).encode("utf-8")).hexdigest()
    return "c-" + digest[:12]


def _credential(values: dict[str, Any], unparsed: Counter[str]) -> Credential | str:
    """Build a credential from mapped values, or return the reason the row is skipped."""
    title, text = parse_text(values.get("title")), parse_text(values.get("text"))
    skills = parse_skill_list(values.get("skills"))
    if not title and not text:
        return "no title and no text"
    if not text and not skills:
        return "no text or skills to profile"
    if not title:
        title = " ".join(text.split())[:TITLE_CHARS].rstrip()
    hours = parse_hours(values.get("hours"))
    if hours is None and parse_text(values.get("hours")):
        unparsed["hours"] += 1
    cost, currency = parse_cost(values.get("cost"))
    if cost is None and parse_text(values.get("cost")):
        unparsed["cost"] += 1
    return Credential(
        title=title,
        text=text,
        skills=skills,
        hours=hours,
        cost=cost,
        currency=parse_text(values.get("currency")).upper() or currency,
        stacks_into=parse_id_list(values.get("stacks_into")),
        requires=parse_id_list(values.get("requires")),
        **{name: parse_text(values.get(name)) for name in _PLAIN_FIELDS},
    )


def _check_mapping(
    path: str, mapping: Mapping[str, Sequence[str]] | None, available: list[str]
) -> dict[str, list[str]]:
    unknown = sorted(set(mapping or {}) - set(CATALOG_FIELDS))
    if unknown:
        raise InvalidInputError(
            f"unknown catalog field(s) in the mapping: {', '.join(unknown)}; known fields: {', '.join(CATALOG_FIELDS)}"
        )
    resolved = resolve_mapping(path, CATALOG_FIELDS, mapping, available)
    if "title" not in resolved:
        raise InvalidInputError(
            f"{path} has no 'title' column; the file has columns: {', '.join(available)}; name "
            "the title column with --map title=COLUMN"
        )
    if "text" not in resolved and "skills" not in resolved:
        raise InvalidInputError(
            f"{path} has neither a 'text' nor a 'skills' column; the file has columns: "
            f"{', '.join(available)}; pass --map text=COLUMN[+COLUMN...] or --map skills=COLUMN"
        )
    return resolved


def catalog_from_records(
    records: Iterable[Record],
    *,
    path: str,
    mapping: Mapping[str, Sequence[str]] | None = None,
    strict: bool = False,
    max_text_chars: int = 20000,
) -> Catalog:
    """Build a :class:`Catalog` from records (see :func:`load_catalog` for the rules)."""
    if not isinstance(max_text_chars, int) or max_text_chars < 1:
        raise InvalidInputError(f"max_text_chars must be a positive integer, got {max_text_chars!r}")
    available, stream = peek_columns(records)
    resolved = _check_mapping(path, _normalize_mapping(mapping), available)
    loaded: list[Credential] = []
    skipped: list[SkippedRow] = []
    duplicates: list[DuplicateId] = []
    truncated: list[int] = []
    first_row: dict[str, int] = {}
    unparsed: Counter[str] = Counter()
    rows_read = derived = 0
    for record in stream:
        rows_read += 1
        # Fields not found in the first records are still read by name from any record (JSON lines
        # differ: a skills-only row may come after a hundred rows with text only).
        built = _credential(apply_mapping(record.values, resolved, fields=CATALOG_FIELDS), unparsed)
        if isinstance(built, str):
            skipped.append(SkippedRow(record.row, built))
            continue
        if len(built.text) > max_text_chars:
            truncated.append(record.row)
            built = replace(built, text=truncate_text(built.text, max_text_chars))
        if not built.id:
            derived += 1
            built = replace(built, id=derive_id(built.title, built.provider, built.text))
        if built.id in first_row:
            if strict:
                raise InvalidInputError(
                    f"{path}: row {record.row} repeats id {built.id!r} of row "
                    f"{first_row[built.id]}; make ids unique or drop strict mode to keep the first"
                )
            duplicates.append(DuplicateId(record.row, built.id, first_row[built.id]))
            continue
        first_row[built.id] = record.row
        loaded.append(built)
    _log_problems(path, skipped, duplicates, truncated, max_text_chars)
    if not loaded:
        reasons = "; ".join(f"row {s.row}: {s.reason}" for s in skipped[:3])
        raise InvalidInputError(
            f"no usable rows in {path}: {reasons or 'every row was skipped'}; "
            "check the column mapping (--map FIELD=COLUMN)"
        )
    report = LoadReport(
        path=path,
        rows_read=rows_read,
        loaded=len(loaded),
        skipped=tuple(skipped),
        duplicates=tuple(duplicates),
        derived_ids=derived,
        truncated=tuple(truncated),
        unparsed=dict(sorted(unparsed.items())),
    )
    return Catalog(credentials=tuple(loaded), report=report)


def _rows(rows: Sequence[int]) -> str:
    return ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")


def _log_problems(
    path: str, skipped: list[SkippedRow], duplicates: list[DuplicateId], truncated: list[int], limit: int
) -> None:
    for reason, count in Counter(s.reason for s in skipped).items():
        rows = [s.row for s in skipped if s.reason == reason]
        logger.warning("%s: skipped %d rows (%s): rows %s", path, count, reason, _rows(rows))
    if duplicates:
        msg = "%s: %d rows repeat an earlier id and were dropped (kept the first): rows %s"
        logger.warning(msg, path, len(duplicates), _rows([d.row for d in duplicates]))
    if truncated:
        msg = "%s: text longer than %d characters truncated in %d rows: rows %s"
        logger.warning(msg, path, limit, len(truncated), _rows(truncated))


def _normalize_mapping(mapping: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]] | None:
    if mapping is None:
        return None
    return {k.strip().lower(): [v] if isinstance(v, str) else list(v) for k, v in mapping.items()}

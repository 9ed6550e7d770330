"""Streaming job postings (id, title, text) from a CSV/TSV, JSON Lines or JSON file for batch scoring.

:func:`iter_postings` checks the columns before yielding anything, then yields one
:class:`Posting` per usable row and one :class:`PostingError` per unusable row, so a batch job can
write an error line for a bad row and carry on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInputError
from .fields import parse_text, truncate_text
from .tabular import PathLike, Record, apply_mapping, peek_columns, read_records, resolve_mapping

__all__ = ["POSTING_FIELDS", "Posting", "PostingError", "iter_postings", "postings_from_records"]

logger = logging.getLogger(__name__)

POSTING_FIELDS = ("id", "title", "text")


@dataclass(frozen=True)
class Posting:
    """One job posting to score; ``row`` is its data row (line number for JSONL)."""

    id: str
    title: str
    text: str
    row: int


@dataclass(frozen=True)
class PostingError:
    """A row that could not be used as a posting, and why."""

    id: str
    row: int
    error: str


def postings_from_records(
    stream: Iterator[Record], resolved: Mapping[str, Sequence[str]], source: str, max_text_chars: int = 20000
) -> Iterator[Posting | PostingError]:
    """Postings from records already read, with ``resolved`` naming each field's columns (``source``
    names where they came from in the log); what :func:`iter_postings` yields after its checks."""
    truncated = 0
    for record in stream:
        values: dict[str, Any] = apply_mapping(record.values, resolved)
        posting_id = parse_text(values.get("id")) or str(record.row)
        title, text = parse_text(values.get("title")), parse_text(values.get("text"))
        if not text:
            yield PostingError(id=posting_id, row=record.row, error="no text")
            continue
        if len(text) > max_text_chars:
            truncated += 1
            text = truncate_text(text, max_text_chars)
        yield Posting(id=posting_id, title=title, text=text, row=record.row)
    if truncated:
        logger.warning("%s: text longer than %d characters truncated in %d postings", source, max_text_chars, truncated)


def iter_postings(
    path: PathLike,
    *,
    mapping: Mapping[str, Sequence[str]] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    file_format: str | None = None,
    max_text_chars: int = 20000,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[Posting | PostingError]:
    """Stream postings from ``path``.

    Fields ``id``, ``title`` and ``text`` come from ``mapping`` (``{field: [column, ...]}``;
    several columns are joined with a blank line), else from same-named columns. A missing id
    becomes the row number; a row without text yields ``PostingError(error="no text")``. Bad
    files, unknown columns and a missing text column raise
    :class:`~recommender.errors.InvalidInputError` when this function is called, before anything
    is yielded. ``start``/``stop`` keep only those records (a 0-based slice: one partition of a
    large run, see recommender/scale/).
    """
    if not isinstance(max_text_chars, int) or max_text_chars < 1:
        raise InvalidInputError(f"max_text_chars must be a positive integer, got {max_text_chars!r}")
    normalized = (
        None
        if mapping is None
        else {k.strip().lower(): [v] if isinstance(v, str) else list(v) for k, v in mapping.items()}
    )
    unknown = sorted(set(normalized or {}) - set(POSTING_FIELDS))
    if unknown:
        raise InvalidInputError(
            f"unknown posting field(s) in the mapping: {', '.join(unknown)}; known fields: {', '.join(POSTING_FIELDS)}"
        )
    records = read_records(
        path, delimiter=delimiter, encoding=encoding, file_format=file_format, kind="postings", start=start, stop=stop
    )
    available, stream = peek_columns(records)
    resolved = resolve_mapping(path, POSTING_FIELDS, normalized, available)
    if "text" not in resolved:
        raise InvalidInputError(
            f"{path} has no 'text' column; the file has columns: {', '.join(available)}; name the "
            "posting text with --map text=COLUMN[+COLUMN...]"
        )
    return postings_from_records(stream, resolved, str(path), max_text_chars)

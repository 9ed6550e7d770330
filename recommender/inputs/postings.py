"""Streaming job postings (id, title, text) from a CSV/TSV, JSON Lines or JSON file for batch scoring,
or from schema.org JobPostings: JSON-LD files or web pages (a folder of them), or JSON Lines of them.

:func:`iter_postings` checks the columns before yielding anything, then yields one
:class:`Posting` per usable row and one :class:`PostingError` per unusable row, so a batch job can
write an error line for a bad row and carry on.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from .fields import parse_text, truncate_text
from .jobposting import looks_like_jsonld_posting, posting_from_node, postings_in_jsonld, read_job_postings
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
    documents = _jobposting_documents(Path(path), file_format)
    if documents is not None:
        if normalized:
            raise InvalidInputError(f"{path} holds schema.org JobPostings, whose fields are known: drop --map")
        return _jobposting_stream(documents, str(path), max_text_chars, start, stop)
    records = read_records(
        path, delimiter=delimiter, encoding=encoding, file_format=file_format, kind="postings", start=start, stop=stop
    )
    available, stream = peek_columns(records)
    if ("@type" in available or "type" in available) and normalized is None:
        head, stream = _peek(stream)
        if head is not None and looks_like_jsonld_posting(head.values):  # JSON Lines of JobPostings
            nodes = ((record.row, record.values) for record in stream)
            return _jobposting_stream(nodes, str(path), max_text_chars, 0, None, numbered=True)
    resolved = resolve_mapping(path, POSTING_FIELDS, normalized, available)
    if "text" not in resolved:
        raise InvalidInputError(
            f"{path} has no 'text' column; the file has columns: {', '.join(available)}; name the "
            "posting text with --map text=COLUMN[+COLUMN...]"
        )
    return postings_from_records(stream, resolved, str(path), max_text_chars)


JOBPOSTING_SUFFIXES = (".json", ".jsonld", ".html", ".htm")


def _peek(stream: Iterator[Record]) -> tuple[Record | None, Iterator[Record]]:
    first = next(stream, None)
    return first, (itertools.chain([first], stream) if first is not None else stream)


def _jobposting_documents(path: Path, file_format: str | None) -> Iterator[tuple[int, Any]] | None:
    """JobPosting nodes with positions when ``path`` is a folder of JobPosting files, a page, or a
    JSON(-LD) document holding JobPostings; None when it is a row file (CSV, JSON Lines, JSON rows, ...)."""
    if file_format not in (None, "jobposting"):
        return None
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in JOBPOSTING_SUFFIXES)
        if not files:
            raise InvalidInputError(
                f"the folder {path} holds no JobPosting file ({', '.join(JOBPOSTING_SUFFIXES)}); pass a file"
            )
        return _nodes_of_files(files)
    if file_format == "jobposting" or path.suffix.lower() in (".jsonld", ".html", ".htm"):
        return enumerate(read_job_postings(path), start=1)  # read now: a bad file fails before anything is yielded
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None  # the row reader says what is wrong
        if looks_like_jsonld_posting(data):
            return enumerate(postings_in_jsonld(data), start=1)
    return None


def _nodes_of_files(files: list[Path]) -> Iterator[tuple[int, Any]]:
    """The postings of each file of a folder in turn; a file without any is logged and passed."""
    position = 0
    for file in files:
        try:
            postings = read_job_postings(file)
        except InvalidInputError as exc:
            logger.warning("skipped %s", exc)
            continue
        for posting in postings:
            position += 1
            yield position, posting


def _jobposting_stream(
    nodes: Iterator[tuple[int, Any]], source: str, max_text_chars: int, start: int, stop: int | None,
    *, numbered: bool = False,
) -> Iterator[Posting | PostingError]:  # fmt: skip
    """Postings from JobPostings (already read, or JSON-LD nodes to read), ``start:stop`` of them."""
    truncated = 0
    for row, item in itertools.islice(nodes, start, stop):
        posting = posting_from_node(item, row) if numbered or isinstance(item, dict) else item
        if not posting.text:
            yield PostingError(id=posting.id, row=row, error="no text (no description, skills or qualifications)")
            continue
        text = posting.text
        if len(text) > max_text_chars:
            truncated += 1
            text = truncate_text(text, max_text_chars)
        yield Posting(id=posting.id, title=posting.title, text=text, row=row)
    if truncated:
        logger.warning("%s: text longer than %d characters truncated in %d postings", source, max_text_chars, truncated)

"""``POST /v1/score``: NDJSON postings in, NDJSON results out, both streamed with bounded memory.

Each line is ``{id, title, text}`` or a schema.org JobPosting (JSON-LD). The body is read line by
line as it arrives; postings are scored in chunks of ``chunk_size`` (off the event loop) and each
chunk's lines are sent before the next chunk is read, so the server holds at most one chunk and one
line whatever the body's length. Output has one line per posting, in input
order: ``{id, title, role, recommendations, notes}`` or ``{id, row, error}`` (a line that is not a
JSON object, has no text, or is longer than the line limit). Blank lines are not postings.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

from ..inputs.fields import parse_text, truncate_text
from ..inputs.jobposting import looks_like_jsonld_posting, posting_from_node
from ..inputs.postings import Posting, PostingError
from ..matching.batch import score_postings
from ..matching.engine import Recommender
from ..matching.filters import Filters

Item = Posting | PostingError
RunSync = Callable[[Callable[[], list[str]]], Awaitable[list[str]]]


def parse_line(line: bytes, row: int, max_text_chars: int) -> Item:
    """One NDJSON line → a posting (its ``id`` defaults to the line number), or why it is not one."""
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return PostingError(id=str(row), row=row, error=f"line {row} is not valid JSON ({exc}); send one object a line")
    if not isinstance(record, dict):
        return PostingError(id=str(row), row=row, error=f"line {row} is not a JSON object with id, title and text")
    if looks_like_jsonld_posting(record):  # a schema.org JobPosting, as job boards publish it
        found = posting_from_node(record, row)
        if not found.text:
            return PostingError(id=found.id, row=row, error="no text (no description, skills or qualifications)")
        return Posting(id=found.id, title=found.title, text=truncate_text(found.text, max_text_chars), row=row)
    posting_id = parse_text(record.get("id")) or str(row)
    text = parse_text(record.get("text"))
    if not text:
        return PostingError(id=posting_id, row=row, error="no text")
    return Posting(
        id=posting_id, title=parse_text(record.get("title")), text=truncate_text(text, max_text_chars), row=row
    )


async def split_lines(chunks: AsyncIterator[bytes], max_line: int) -> AsyncIterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each non-blank line; ``None`` for a line longer than ``max_line`` bytes
    (skipped to its end without being held)."""
    buffer, row, skipping = b"", 0, False
    async for chunk in chunks:
        buffer += chunk
        while True:
            end = buffer.find(b"\n")
            if end < 0:
                break
            line, buffer = buffer[:end], buffer[end + 1 :]
            row += 1
            if skipping or len(line) > max_line:
                skipping = False
                yield row, None
            elif line.strip():
                yield row, line
        if len(buffer) > max_line:
            buffer, skipping = b"", True
    if skipping or buffer.strip():
        row += 1
        yield row, None if skipping else buffer


def _score(model: Recommender, items: list[Item], k: int, filters: Filters) -> list[str]:
    try:
        rows = list(score_postings(model, items, k=k, filters=filters, chunk_size=len(items)))
    except Exception:  # one bad posting must not take its neighbours' lines with it
        if len(items) == 1:
            item = items[0]
            rows = [{"id": item.id, "row": item.row, "error": "the server could not score this posting"}]
        else:
            return [line for item in items for line in _score(model, [item], k, filters)]
    return [json.dumps(row, ensure_ascii=False) + "\n" for row in rows]


async def score_stream(
    model: Recommender,
    chunks: AsyncIterator[bytes],
    run_sync: RunSync,
    *,
    k: int,
    filters: Filters,
    max_line: int,
    max_text_chars: int,
    chunk_size: int = 32,
) -> AsyncIterator[str]:
    """The NDJSON response body for a stream of request body ``chunks``."""
    batch: list[Item] = []

    async def flush() -> list[str]:
        items = list(batch)
        batch.clear()
        return await run_sync(lambda: _score(model, items, k, filters))

    async for row, line in split_lines(chunks, max_line):
        if line is None:
            error = f"line {row} is longer than {max_line} bytes; shorten the posting's text"
            batch.append(PostingError(id=str(row), row=row, error=error))
        else:
            batch.append(parse_line(line, row, max_text_chars))
        if len(batch) >= chunk_size:
            for out in await flush():
                yield out
    if batch:
        for out in await flush():
            yield out

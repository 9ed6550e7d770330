"""``/v1/score``'s reader: lines split across any chunk boundary, long lines skipped without being held."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from recommender.inputs.postings import Posting, PostingError
from recommender.service.ndjson import parse_line, split_lines


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _split(data: bytes, size: int, max_line: int = 50) -> list[tuple[int, bytes | None]]:
    async def collect() -> list[tuple[int, bytes | None]]:
        return [item async for item in split_lines(_chunks(data, size), max_line)]

    return asyncio.run(collect())


def test_lines_come_out_whole_whatever_the_chunks() -> None:
    data = b'{"id": 1}\n\n{"id": 2}\r\n   \n{"id": 3}'
    expected = [(1, b'{"id": 1}'), (3, b'{"id": 2}\r'), (5, b'{"id": 3}')]
    for size in (1, 2, 3, 7, 100):
        assert _split(data, size) == expected


def test_a_line_over_the_limit_is_reported_and_the_next_one_read() -> None:
    data = b"x" * 120 + b"\n" + b'{"id": 2}\n' + b"y" * 80
    for size in (1, 16, 1000):
        assert _split(data, size) == [(1, None), (2, b'{"id": 2}'), (3, None)]


def test_parse_line_makes_postings_and_errors() -> None:
    assert parse_line(b'{"id": "a", "title": "T", "text": "SQL"}', 1, 100) == Posting("a", "T", "SQL", 1)
    assert parse_line(b'{"text": "SQL and more"}', 4, 3) == Posting("4", "", "SQL", 4)
    assert parse_line(b'{"id": "b"}', 2, 100) == PostingError("b", 2, "no text")
    assert "not valid JSON" in parse_line(b"{oops", 3, 100).error  # type: ignore[union-attr]
    assert "not a JSON object" in parse_line(b"42", 5, 100).error  # type: ignore[union-attr]

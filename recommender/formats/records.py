"""Results as flat records for CSV: each list becomes its items' names joined by "; ", each object its JSON.

Written from the results' ``to_dict()`` (or the JSON lines ``score`` writes), so a field the library
adds to a result becomes a column without code here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any, TextIO

__all__ = ["SCORE_COLUMNS", "cell", "csv_text", "score_rows", "write_score_csv"]

_NAMES = ("skill", "label", "title", "name", "id", "text")


def _label(item: Any) -> str:
    if isinstance(item, dict):
        for key in _NAMES:
            if item.get(key) not in (None, ""):
                return str(item[key])
        return json.dumps(item, ensure_ascii=False)
    return str(item)


def cell(value: Any) -> Any:
    """One CSV cell: a list becomes its items' names joined by "; ", an object its JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_label(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_text(records: Sequence[dict[str, Any]]) -> str:
    """Records as CSV: a header of every key in first-seen order, one row per record."""
    names = list(dict.fromkeys(key for record in records for key in record))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([cell(record.get(name)) for name in names])
    return buffer.getvalue()


def _recommendation_fields() -> list[str]:
    from ..matching.results import Recommendation

    return [f.name for f in fields(Recommendation)]


SCORE_COLUMNS = ("posting_id", "posting_title", "error")


def score_rows(line: dict[str, Any]) -> Iterable[list[Any]]:
    """The CSV rows of one ``score`` answer: one per recommended credential, or one with the error."""
    names = _recommendation_fields()
    if "error" in line:
        yield [line.get("id", ""), "", line["error"], *([""] * len(names))]
        return
    for recommendation in line.get("recommendations", ()):
        yield [line.get("id", ""), line.get("title", ""), "", *(cell(recommendation.get(n)) for n in names)]


def write_score_csv(lines: Iterable[dict[str, Any]], out: TextIO) -> None:
    """``score``'s answers as CSV: a header, then a row per (posting, recommended credential)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*SCORE_COLUMNS, *_recommendation_fields()])
    for line in lines:
        writer.writerows(score_rows(line))

"""One posting's answer in compact form, the Parquet schema, and partition files written atomically.

Compact (the default) keeps what a workforce team aggregates: the role's skills (id, weight) and per
recommendation its rank, credential id, score, coverage and the matched and missing skill ids —
about 1/20 of the full explanation. ``explain`` adds the full answer (evidence texts, matched forms)
as today's ``score`` writes it: a JSON string column in Parquet, a nested object in JSONL.

A partition file is written under a temporary name in the output folder, flushed, then renamed,
so a reader (or a resumed run) never sees half a file.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..store.artifacts import file_sha256

__all__ = ["FORMATS", "SCHEMA", "compact_row", "partition_schema", "write_partition"]

FORMATS = ("parquet", "jsonl")

_SKILL = pa.struct([("id", pa.string()), ("weight", pa.float64())])
_RECOMMENDATION = pa.struct([
    ("rank", pa.int32()),
    ("id", pa.string()),
    ("score", pa.float64()),
    ("coverage", pa.float64()),
    ("matched", pa.list_(pa.string())),
    ("missing", pa.list_(pa.string())),
])  # fmt: skip
# One row per input posting; docs/scale.md documents each column.
SCHEMA = pa.schema([
    ("input", pa.int32()),
    ("row", pa.int64()),
    ("id", pa.string()),
    ("title", pa.string()),
    ("error", pa.string()),
    ("skills", pa.list_(_SKILL)),
    ("recommendations", pa.list_(_RECOMMENDATION)),
])  # fmt: skip


def partition_schema(explain: bool) -> pa.Schema:
    """The Parquet schema of a partition file; ``explain`` adds the ``explanation`` JSON column."""
    return SCHEMA.append(pa.field("explanation", pa.string())) if explain else SCHEMA


def compact_row(answer: dict[str, Any], *, input_number: int, row: int, explain: bool) -> dict[str, Any]:
    """A ``score_postings`` answer (``{id, title, role, recommendations}`` or ``{id, error}``) made compact."""
    if "error" in answer:
        compact: dict[str, Any] = {
            "input": input_number, "row": row, "id": answer["id"], "title": None, "error": answer["error"],
            "skills": [], "recommendations": [],
        }  # fmt: skip
    else:
        compact = {
            "input": input_number,
            "row": row,
            "id": answer["id"],
            "title": answer.get("title"),
            "error": None,
            "skills": [{"id": s["id"], "weight": s["weight"]} for s in answer["role"]["skills"]],
            "recommendations": [
                {
                    "rank": r["rank"],
                    "id": r["id"],
                    "score": r["score"],
                    "coverage": r["coverage"],
                    "matched": list(dict.fromkeys(m["skill_id"] for m in r["matched_skills"])),
                    "missing": [m["skill_id"] for m in r["missing_skills"]],
                }
                for r in answer["recommendations"]
            ],
        }
    if explain:
        compact["explanation"] = None if "error" in answer else answer
    return compact


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def write_partition(rows: Sequence[dict[str, Any]], path: Path, *, file_format: str, explain: bool) -> dict[str, Any]:
    """Write ``rows`` (compact rows) to ``path`` atomically; return ``{bytes, sha256}`` of the file."""
    temporary = _temporary(path)
    try:
        if file_format == "parquet":
            prepared = [
                {**row, "explanation": json.dumps(row["explanation"], ensure_ascii=False)}
                if explain and row.get("explanation") is not None
                else row
                for row in rows
            ]
            table = pa.Table.from_pylist(prepared, schema=partition_schema(explain))
            pq.write_table(table, temporary, compression="zstd")
        else:
            with temporary.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return {"bytes": path.stat().st_size, "sha256": file_sha256(path)}

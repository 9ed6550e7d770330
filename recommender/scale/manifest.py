"""The output folder's ``_manifest.json``: what was planned, what is done, and how to check it.

The manifest names the inputs (path, size, SHA-256, rows), the index (version folder, SHA-256 of its
manifest), the settings, and one entry per partition (row range, status, rows in/out/skipped, file
size and SHA-256). Only the client writes it, atomically, after each partition finishes, so after a
``kill -9`` of anything it still lists exactly the partitions whose files were completely written.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..store.artifacts import atomic_text_file, file_sha256
from .plan import InputFile, Partition

__all__ = ["MANIFEST_FILE", "RunTotals", "new_manifest", "read_manifest", "totals", "verified_done", "write_manifest"]

MANIFEST_FILE = "_manifest.json"
FORMAT = "recommender-scores/1"


def new_manifest(
    inputs: list[InputFile], partitions: list[Partition], *, index: dict[str, str], settings: dict[str, Any]
) -> dict[str, Any]:
    suffix = settings["format"]
    return {
        "format": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inputs": [item.to_dict() for item in inputs],
        "index": index,
        "settings": settings,
        "partitions": [
            {"number": p.number, "input": p.input, "start": p.start, "stop": p.stop, "file": p.name(suffix)}
            | {"status": "pending"}
            for p in partitions
        ],
    }


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(
            f"{folder} has no {MANIFEST_FILE}: it is not a scoring run's folder; start a new run (--overwrite)"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path} is corrupt ({exc}); start the run again with --overwrite") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInputError(f"{path} is not a {FORMAT} manifest; start the run again with --overwrite")
    return manifest


@dataclass(frozen=True)
class RunTotals:
    """Rows and partitions over a whole run (done partitions only for the row counts and bytes)."""

    partitions: int
    partitions_done: int
    partitions_failed: int
    rows_planned: int
    rows_in: int
    rows_out: int
    scored: int
    skipped: int
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def totals(manifest: dict[str, Any]) -> RunTotals:
    """The run's totals from its manifest's partition entries."""
    parts = manifest["partitions"]
    done = [p for p in parts if p["status"] == "done"]
    reasons: dict[str, int] = {}
    for p in done:
        for reason, count in p.get("skipped_reasons", {}).items():
            reasons[reason] = reasons.get(reason, 0) + count
    return RunTotals(
        partitions=len(parts),
        partitions_done=len(done),
        partitions_failed=sum(p["status"] == "failed" for p in parts),
        rows_planned=sum(p["stop"] - p["start"] for p in parts),
        rows_in=sum(p["rows_in"] for p in done),
        rows_out=sum(p["rows_out"] for p in done),
        scored=sum(p["scored"] for p in done),
        skipped=sum(p["skipped"] for p in done),
        skipped_reasons=reasons,
        bytes=sum(p["bytes"] for p in done),
    )


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    manifest["updated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    manifest["totals"] = totals(manifest).to_dict()
    with atomic_text_file(folder / MANIFEST_FILE, example=MANIFEST_FILE) as handle:
        json.dump(manifest, handle, indent=1)


def verified_done(folder: Path, entry: dict[str, Any]) -> bool:
    """True when a partition is recorded done and its file is there with the recorded size and SHA-256."""
    if entry.get("status") != "done":
        return False
    path = folder / entry["file"]
    try:
        return path.stat().st_size == entry["bytes"] and file_sha256(path) == entry["sha256"]
    except (OSError, KeyError):
        return False

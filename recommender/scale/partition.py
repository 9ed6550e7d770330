"""One partition scored: the unit of work a Dask task (or any other engine) runs.

:func:`score_partition` is the engine-free core: a ``pandas.DataFrame`` of postings in, a
``DataFrame`` of compact answers out (the Parquet schema's columns), so a team can run the same
code under Spark's ``mapInPandas`` (docs/scale.md). :func:`run_partition` is what a worker runs for
one planned range: read the rows, score them with ``matching.batch.score_postings`` (each distinct
segment encoded once per partition), write the partition file atomically, return its figures.

Each process loads an index once: :func:`worker_model` keeps it keyed by the index folder and the
SHA-256 of its manifest, so every later task in that process reuses it.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from ..errors import ArtifactError, InvalidInputError
from ..inputs.postings import Posting, PostingError, iter_postings, postings_from_records
from ..inputs.tabular import Record
from ..matching.batch import ScoreSummary, score_postings
from ..matching.engine import Recommender
from ..matching.filters import Filters
from ..store.artifacts import MANIFEST, file_sha256
from ..store.live import open_index
from .output import compact_row, write_partition

__all__ = ["PartitionTask", "index_fingerprint", "run_partition", "score_partition", "score_rows", "worker_model"]

# Per process: (index folder, manifest hash) -> the loaded index. A worker loads an index once.
_MODELS: dict[tuple[str, str], Recommender] = {}


def index_fingerprint(version: Path) -> str:
    """The SHA-256 of an index version's manifest (which lists every array's checksum)."""
    return file_sha256(version / MANIFEST)


def worker_model(version: str | Path, expected: str) -> Recommender:
    """The index at ``version`` (a version folder), loaded once per process; checked against ``expected``."""
    key = (str(version), expected)
    if key not in _MODELS:
        path = Path(version)
        if not (path / MANIFEST).is_file():
            raise ArtifactError(
                f"host {socket.gethostname()} (pid {os.getpid()}) cannot read the index at {path}: every worker "
                "must see the index folder at the same path (a shared or copied file system)"
            )
        found = index_fingerprint(path)
        if found != expected:
            raise ArtifactError(
                f"host {socket.gethostname()}: the index at {path} differs from the client's (manifest sha256 "
                f"{found[:12]} vs {expected[:12]}); give every worker the same index files"
            )
        _MODELS.clear()  # one index per process: a new run's index replaces the last one
        _MODELS[key] = open_index(path)
    return _MODELS[key]


def score_rows(
    model: Recommender,
    postings: Iterable[Posting | PostingError],
    *,
    input_number: int = 0,
    k: int = 10,
    filters: Filters | None = None,
    explain: bool = False,
    summary: ScoreSummary | None = None,
) -> list[dict[str, Any]]:
    """Compact answers (``output.compact_row``) for ``postings``, in order, one per posting.

    Scoring runs with one BLAS thread: parallelism comes from partitions, and a matrix product
    summed in the same order everywhere gives the same last bits in one process and on any
    worker (Dask starts its workers with one BLAS thread; with two, near-ties between skills
    could break differently).
    """
    postings = list(postings)
    with threadpool_limits(limits=1):
        answers = list(score_postings(model, postings, k=k, filters=filters, summary=summary))
    return [
        compact_row(answer, input_number=input_number, row=posting.row, explain=explain)
        for posting, answer in zip(postings, answers, strict=True)
    ]


def score_partition(
    frame: Any,
    model: Recommender,
    *,
    k: int = 10,
    filters: Filters | None = None,
    explain: bool = False,
    max_text_chars: int = 20000,
) -> Any:
    """Score a ``pandas.DataFrame`` of postings; return a ``DataFrame`` of compact answers.

    ``frame`` has a ``text`` column and optionally ``id``, ``title``, ``row`` (default: position + 1)
    and ``input`` (default 0). Rows without text come back with ``error`` set, never dropped. The
    result has the Parquet schema's columns (docs/scale.md), one row per input row, in order.
    """
    import pandas as pd

    if "text" not in frame.columns:
        raise InvalidInputError(f"the DataFrame has no 'text' column; it has: {', '.join(map(str, frame.columns))}")
    columns = [c for c in ("id", "title", "text") if c in frame.columns]
    rows = frame["row"].tolist() if "row" in frame.columns else list(range(1, len(frame) + 1))
    inputs = frame["input"].tolist() if "input" in frame.columns else [0] * len(frame)
    values = frame[columns].to_dict("records")
    records = (Record(int(row), value) for row, value in zip(rows, values, strict=True))
    postings = list(postings_from_records(records, {c: [c] for c in columns}, "DataFrame", max_text_chars))
    out = [
        {**row, "input": int(number)}
        for row, number in zip(score_rows(model, postings, k=k, filters=filters, explain=explain), inputs, strict=True)
    ]
    columns = [*_COLUMNS, *(["explanation"] if explain else [])]
    # Object columns keep None as None (pandas would make a missing string NaN); row numbers stay integers.
    result = pd.DataFrame({c: pd.Series([row[c] for row in out], dtype=object) for c in columns})
    return result.astype({"input": "int32", "row": "int64"})


_COLUMNS = ("input", "row", "id", "title", "error", "skills", "recommendations")


@dataclass(frozen=True)
class PartitionTask:
    """Everything a worker needs to score one partition (picklable; paths as every worker sees them)."""

    number: int
    input_number: int
    path: str
    start: int
    stop: int
    out_path: str
    file_format: str
    index_version: str
    index_sha256: str
    k: int = 10
    filters: Filters = field(default_factory=Filters)
    explain: bool = False
    mapping: Mapping[str, Sequence[str]] | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"


def run_partition(task: PartitionTask) -> dict[str, Any]:
    """Read, score and write one partition; return its manifest entry (counts, file size and checksum)."""
    started = time.perf_counter()
    model = worker_model(task.index_version, task.index_sha256)
    summary = ScoreSummary()
    postings = iter_postings(
        task.path, mapping=task.mapping, delimiter=task.delimiter, encoding=task.encoding, start=task.start,
        stop=task.stop,
    )  # fmt: skip
    rows = score_rows(
        model, postings, input_number=task.input_number, k=task.k, filters=task.filters, explain=task.explain,
        summary=summary,
    )  # fmt: skip
    planned = task.stop - task.start
    if len(rows) != planned:
        raise InvalidInputError(
            f"{task.path}: rows {task.start + 1}-{task.stop} were planned but {len(rows)} were read; "
            "the file changed since the run was planned: start a new run (--overwrite)"
        )
    written = write_partition(rows, Path(task.out_path), file_format=task.file_format, explain=task.explain)
    report = summary.to_dict()
    return {
        "status": "done",
        "rows_in": planned,
        "rows_out": len(rows),
        "scored": report["scored"],
        "skipped": report["skipped"],
        "skipped_reasons": report["skipped_reasons"],
        "segments": report["segments"],
        "segments_encoded": report["segments_encoded"],
        **written,
        "seconds": round(time.perf_counter() - started, 3),
        "worker": f"{socket.gethostname()}:{os.getpid()}",
    }

"""Inputs → partitions: which files, how many rows each, and the row ranges planned up front.

A run's inputs are files, folders (every postings file inside) or glob patterns. Each file is
counted and hashed once; its rows are cut into partitions of at most ``partition_size`` rows, each a
``(input, start, stop)`` range that any worker can read on its own. The plan is recorded in the
output's manifest, so a resumed run reads exactly the same ranges.
"""

from __future__ import annotations

import glob
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..inputs.tabular import read_records
from ..store.artifacts import file_sha256

__all__ = [
    "INPUT_SUFFIXES",
    "InputFile",
    "Partition",
    "count_rows",
    "describe_inputs",
    "plan_partitions",
    "resolve_inputs",
]

INPUT_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq")


@dataclass(frozen=True)
class InputFile:
    """One input file as planned: its path (absolute), size, SHA-256 and number of data rows."""

    path: str
    bytes: int
    sha256: str
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Partition:
    """Rows ``start:stop`` (0-based records) of input number ``input``, written to ``name``."""

    number: int
    input: int
    start: int
    stop: int

    @property
    def rows(self) -> int:
        return self.stop - self.start

    def name(self, suffix: str) -> str:
        return f"part-{self.number:05d}.{suffix}"


def _is_pattern(text: str) -> bool:
    return any(char in text for char in "*?[")


def resolve_inputs(inputs: list[str | Path]) -> list[Path]:
    """The files ``inputs`` name, in order: files as given, a folder's postings files, a glob's matches (sorted).

    Raises :class:`InvalidInputError` for a path that does not exist or a folder or pattern that
    names no postings file; a file named twice is read once.
    """
    if not inputs:
        raise InvalidInputError("no input given: pass one or more postings files, folders or glob patterns")
    found: list[Path] = []
    for item in inputs:
        text = str(item)
        if _is_pattern(text) and not Path(text).exists():
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True)) if Path(m).is_file()]
            if not matches:
                msg = f"the pattern {text} matches no file; check it (quote it so the shell leaves it alone)"
                raise InvalidInputError(msg)
            found.extend(matches)
        elif Path(text).is_dir():
            files = sorted(
                p for p in Path(text).rglob("*")
                if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith((".", "_"))
            )  # fmt: skip
            if not files:
                raise InvalidInputError(f"the folder {text} holds no postings file ({', '.join(INPUT_SUFFIXES)})")
            found.extend(files)
        elif Path(text).is_file():
            found.append(Path(text))
        else:
            raise InvalidInputError(f"postings file not found: {text}; check the path")
    unique = dict.fromkeys(p.resolve() for p in found)
    return list(unique)


def count_rows(path: Path, *, delimiter: str | None = None, encoding: str = "utf-8") -> int:
    """The number of data records of ``path`` (Parquet: from its footer, without reading the rows)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception as exc:  # pyarrow raises several kinds for a damaged file
            raise InvalidInputError(f"{path} is not a readable Parquet file ({exc}); rewrite it") from None
    return sum(1 for _ in read_records(path, delimiter=delimiter, encoding=encoding, kind="postings"))


def describe_inputs(paths: list[Path], *, delimiter: str | None = None, encoding: str = "utf-8") -> list[InputFile]:
    """Count and hash each input file (once per run: the manifest keeps the figures)."""
    return [
        InputFile(str(p), p.stat().st_size, file_sha256(p), count_rows(p, delimiter=delimiter, encoding=encoding))
        for p in paths
    ]


def plan_partitions(inputs: list[InputFile], partition_size: int) -> list[Partition]:
    """Cut every input's rows into consecutive ranges of at most ``partition_size`` rows."""
    if not isinstance(partition_size, int) or partition_size < 1:
        raise InvalidInputError(f"--partition-size must be a positive number of rows, got {partition_size!r}")
    partitions: list[Partition] = []
    for number, item in enumerate(inputs):
        for start in range(0, item.rows, partition_size):
            partitions.append(Partition(len(partitions), number, start, min(start + partition_size, item.rows)))
    return partitions

"""``recommender score``: every posting of one or many files scored — one JSON stream, or a folder of
partition files (Parquet or JSONL) with a manifest, in one process or on a Dask cluster, resumable."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..errors import InvalidInputError
from ..matching.filters import Filters
from ..progress import stage
from .common import (
    Currency,
    Delimiter,
    Encoding,
    Language,
    Level,
    MapOption,
    MaxCost,
    MaxHours,
    ModelDir,
    Quiet,
    Rates,
    Verbose,
    handle_errors,
    note,
    setup_logging,
)
from .query import cost_filters


class ScoreFormat(str, Enum):
    """jsonl or csv for a stream (stdout or FILE.jsonl / FILE.csv); parquet or jsonl for partition files."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class PostingsFormat(str, Enum):
    """What the postings files hold \\[default: told from each file]."""

    csv = "csv"
    jsonl = "jsonl"
    json = "json"
    parquet = "parquet"
    jobposting = "jobposting"


def _is_stream(out: Path | None) -> bool:
    return out is None or out.suffix.lower() in (".jsonl", ".csv")


@handle_errors
def score(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Postings: files (CSV, JSONL, JSON array or Parquet with id, title, text), folders of them, or "
            "glob patterns (quoted).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="A folder: one Parquet (or --format jsonl) file per partition plus _manifest.json, compact answers. "
            "A path ending in .jsonl or .csv, or none (stdout): one JSON line per posting with the full explanation "
            "(--format csv: one row per posting and credential).",
        ),
    ] = None,
    map: MapOption = None,
    k: Annotated[int, typer.Option("--top-k", "-k", help="Credentials per posting.")] = 10,
    model_dir: ModelDir = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run on a local Dask cluster of N worker processes (--out DIR).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run on an existing Dask cluster, e.g. tcp://host:8786 (every worker must read the index at the "
            "same path).",
        ),
    ] = None,
    partition_size: Annotated[int, typer.Option("--partition-size", help="Rows per partition (--out DIR).")] = 1000,
    output_format: Annotated[
        ScoreFormat | None,
        typer.Option(
            "--format",
            help="Output: jsonl or csv for a stream \\[default: jsonl, or csv for --out FILE.csv]; parquet or jsonl "
            "for partition files in --out DIR \\[default: parquet].",
        ),
    ] = None,
    input_format: Annotated[
        PostingsFormat | None,
        typer.Option("--input-format", help="What the postings files hold \\[default: told from each file]."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the full explanation (evidence, matched forms) to each answer.")
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted run in --out DIR: verified partitions are kept.")
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing run in --out DIR.")] = False,
    max_hours: MaxHours = None,
    max_cost: MaxCost = None,
    currency: Currency = None,
    rates: Rates = None,
    level: Level = None,
    language: Language = None,
    delimiter: Delimiter = None,
    encoding: Encoding = "utf-8",
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Score every posting: a JSON (or CSV) stream on stdout or in FILE, or partition files in a folder (--out DIR).

    Postings: CSV, JSONL, JSON or Parquet rows (id, title, text; --map for other columns), or schema.org
    JobPostings: a JSON-LD file, a web page embedding them, a folder of those, or JSON Lines of them.
    """
    setup_logging(verbose, quiet)
    filters = cost_filters(max_hours, max_cost, level, language, currency, rates)
    file_format = input_format.value if input_format is not None else None
    if _is_stream(out):
        chosen = output_format.value if output_format is not None else "csv" if out and out.suffix == ".csv" else None
        if chosen == "parquet":
            raise InvalidInputError("--format parquet writes partition files: give --out DIR (a folder)")
        _score_stream(inputs, out, map, k, model_dir, filters, delimiter, encoding, file_format, chosen or "jsonl",
                      quiet, workers=workers, scheduler=scheduler, resume=resume, overwrite=overwrite)  # fmt: skip
        return
    assert out is not None
    if output_format is ScoreFormat.csv:
        raise InvalidInputError("partition files are parquet or jsonl; for CSV give --out FILE.csv (one process)")
    if file_format is not None:
        raise InvalidInputError("--input-format applies to a stream (one file); partition runs tell each file apart")
    where = scheduler or (f"a local cluster of {workers} processes" if workers else "this process")
    with stage(f"scoring into {out} on {where}", show=not quiet) as advance:

        def on_progress(event: str, partitions: int, rows: int) -> None:
            if event == "plan":
                advance(0, total=rows, extra=f"{partitions} partitions")
            else:
                advance(rows)

        def on_cluster(dashboard: str | None, count: int) -> None:
            note(f"Dask: {count} workers on {where}" + (f"; dashboard {dashboard}" if dashboard else ""), quiet)

        totals = api.score_folder(
            inputs, out, model_dir=model_dir, mapping=map or [], k=k, filters=filters, explain=explain,
            file_format=(output_format or ScoreFormat.parquet).value, partition_size=partition_size,
            delimiter=delimiter, encoding=encoding, workers=workers, scheduler=scheduler, resume=resume,
            overwrite=overwrite, on_progress=on_progress, on_cluster=on_cluster, progress=not quiet,
        )  # fmt: skip
    reasons = ", ".join(f"{n} {why}" for why, n in totals.skipped_reasons.items())
    per_posting = totals.bytes / totals.rows_out if totals.rows_out else 0
    note(
        f"{totals.rows_in} rows in {totals.partitions} partitions: {totals.scored} scored, "
        f"{totals.skipped} skipped" + (f" ({reasons})" if reasons else "")
        + f"; {totals.rows_out} rows written to {out} ({per_posting:,.0f} bytes per posting)",
        quiet,
    )  # fmt: skip


def _score_stream(
    inputs: list[str], out: Path | None, map: list[str] | None, k: int, model_dir: Path | None, filters: Filters,
    delimiter: str | None, encoding: str, file_format: str | None, output_format: str, quiet: bool,
    **folder_only: object,
) -> None:  # fmt: skip
    """One stream (JSON lines or CSV): one input (a file or a folder of JobPostings), one process, full explanations."""
    used = [f"--{name.replace('_', '-')}" for name, value in folder_only.items() if value not in (None, False)]
    if used or len(inputs) != 1:
        what = ", ".join(used) if used else "several inputs"
        raise InvalidInputError(
            f"{what} need(s) --out DIR (a folder of partition files); a stream (stdout or --out FILE.jsonl / "
            "FILE.csv) scores one input in one process"
        )
    # The bar starts only once the index, -k and the postings file have been checked (on_start), so an
    # error is the first thing on stderr; answers on a terminal's stdout get no bar between them.
    show = not quiet and (out is not None or not sys.stdout.isatty())
    with ExitStack() as stack:
        bar: list[Callable[..., None]] = []
        summary = api.score_file(
            inputs[0], sys.stdout if out is None else out, model_dir=model_dir, mapping=map or [], k=k,
            filters=filters, delimiter=delimiter, encoding=encoding, file_format=file_format,
            on_start=lambda: bar.append(stack.enter_context(stage("scoring postings", show=show))),
            on_row=lambda: bar[0](1), progress=not quiet, output_format=output_format,
        )  # fmt: skip
    report = summary.to_dict()
    reasons = ", ".join(f"{n} {why}" for why, n in report["skipped_reasons"].items())
    note(
        f"{report['rows']} rows: {report['scored']} scored, {report['skipped']} skipped"
        + (f" ({reasons})" if reasons else "")
        + f"; {report['segments_encoded']} of {report['segments']} segments encoded (the rest repeated)"
        + (f"; wrote {out}" if out else ""),
        quiet,
    )

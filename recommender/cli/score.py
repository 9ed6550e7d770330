"""``recommender score``: every posting of one or many files scored — one JSON stream, or a folder of
partition files (Parquet or JSONL) with a manifest, in one process or on a Dask cluster, resumable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..errors import InvalidInputError
from ..matching.filters import Filters
from .common import (
    Delimiter,
    Encoding,
    Language,
    Level,
    MapOption,
    MaxCost,
    MaxHours,
    ModelDir,
    Verbose,
    handle_errors,
    progress_bar,
    setup_logging,
)
from .common import stderr as console


def _is_stream(out: Path | None) -> bool:
    return out is None or out.suffix.lower() == ".jsonl"


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
            "A path ending in .jsonl, or none (stdout): one JSON line per posting with the full explanation.",
        ),
    ] = None,
    map: MapOption = None,
    k: Annotated[int, typer.Option("-k", help="Credentials per posting.")] = 10,
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
        str, typer.Option("--format", help="Partition files: parquet or jsonl (--out DIR).")
    ] = "parquet",
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the full explanation (evidence, matched forms) to each answer.")
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted run in --out DIR: verified partitions are kept.")
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing run in --out DIR.")] = False,
    max_hours: MaxHours = None,
    max_cost: MaxCost = None,
    level: Level = None,
    language: Language = None,
    delimiter: Delimiter = None,
    encoding: Encoding = "utf-8",
    verbose: Verbose = False,
) -> None:
    """Score every posting: a JSON stream (stdout or FILE.jsonl), or partition files in a folder (--out DIR)."""
    setup_logging(verbose)
    filters = Filters(max_hours, max_cost, level, language)
    if _is_stream(out):
        _score_stream(inputs, out, map, k, model_dir, filters, delimiter, encoding,
                      workers=workers, scheduler=scheduler, resume=resume, overwrite=overwrite)  # fmt: skip
        return
    assert out is not None
    bar = progress_bar("scoring")
    tasks: dict[str, int] = {}

    def on_progress(event: str, partitions: int, rows: int) -> None:
        if event == "plan":
            tasks["partitions"] = bar.add_task("partitions", total=partitions)
            tasks["rows"] = bar.add_task("postings", total=rows)
            bar.start()
        else:
            bar.advance(tasks["partitions"], partitions)
            bar.advance(tasks["rows"], rows)

    def on_cluster(dashboard: str | None, count: int) -> None:
        where = scheduler or f"a local cluster of {workers} processes"
        console.print(f"Dask: {count} workers on {where}" + (f"; dashboard {dashboard}" if dashboard else ""))

    try:
        totals = api.score_folder(
            inputs, out, model_dir=model_dir, mapping=map or [], k=k, filters=filters, explain=explain,
            file_format=output_format, partition_size=partition_size, delimiter=delimiter, encoding=encoding,
            workers=workers, scheduler=scheduler, resume=resume, overwrite=overwrite, on_progress=on_progress,
            on_cluster=on_cluster, progress=True,
        )  # fmt: skip
    finally:
        if bar.live.is_started:
            bar.stop()
    reasons = ", ".join(f"{n} {why}" for why, n in totals.skipped_reasons.items())
    per_posting = totals.bytes / totals.rows_out if totals.rows_out else 0
    typer.echo(
        f"{totals.rows_in} rows in {totals.partitions} partitions: {totals.scored} scored, "
        f"{totals.skipped} skipped" + (f" ({reasons})" if reasons else "")
        + f"; {totals.rows_out} rows written to {out} ({per_posting:,.0f} bytes per posting)",
        err=True,
    )  # fmt: skip


def _score_stream(
    inputs: list[str], out: Path | None, map: list[str] | None, k: int, model_dir: Path | None, filters: Filters,
    delimiter: str | None, encoding: str, **folder_only: object,
) -> None:  # fmt: skip
    """Today's single JSONL stream: one input file, one process, full explanations."""
    used = [f"--{name.replace('_', '-')}" for name, value in folder_only.items() if value not in (None, False)]
    if used or len(inputs) != 1:
        what = ", ".join(used) if used else "several inputs"
        raise InvalidInputError(
            f"{what} need(s) --out DIR (a folder of partition files); a JSONL stream (stdout or --out FILE.jsonl) "
            "scores one file in one process"
        )
    # The bar starts only once the index, -k and the postings file have been checked, so an
    # error is the first thing on stderr.
    bar = progress_bar("scoring")
    task = bar.add_task("score", total=None)
    try:
        summary = api.score_file(
            inputs[0], sys.stdout if out is None else out, model_dir=model_dir, mapping=map or [], k=k,
            filters=filters, delimiter=delimiter, encoding=encoding,
            on_start=bar.start, on_row=lambda: bar.advance(task), progress=True,
        )  # fmt: skip
    finally:
        if bar.live.is_started:
            bar.stop()
    report = summary.to_dict()
    reasons = ", ".join(f"{n} {why}" for why, n in report["skipped_reasons"].items())
    typer.echo(
        f"{report['rows']} rows: {report['scored']} scored, {report['skipped']} skipped"
        + (f" ({reasons})" if reasons else "")
        + f"; {report['segments_encoded']} of {report['segments']} segments encoded (the rest repeated)"
        + (f"; wrote {out}" if out else ""),
        err=True,
    )

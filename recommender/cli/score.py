"""``recommender score``: every posting of a file scored, one JSON line each."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import api
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


@handle_errors
def score(
    postings: Annotated[Path, typer.Argument(help="Postings file: CSV, JSONL or JSON array with id, title, text.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write JSONL here (atomically) instead of stdout.")
    ] = None,
    map: MapOption = None,
    k: Annotated[int, typer.Option("-k", help="Credentials per posting.")] = 10,
    model_dir: ModelDir = None,
    max_hours: MaxHours = None,
    max_cost: MaxCost = None,
    level: Level = None,
    language: Language = None,
    delimiter: Delimiter = None,
    encoding: Encoding = "utf-8",
    verbose: Verbose = False,
) -> None:
    """Score every posting of a file: one JSON line each, with a progress bar and a summary."""
    setup_logging(verbose)
    # The bar starts only once the index, -k and the postings file have been checked, so an
    # error is the first thing on stderr.
    bar = progress_bar("scoring")
    task = bar.add_task("score", total=None)
    try:
        summary = api.score_file(
            postings, sys.stdout if out is None else out, model_dir=model_dir, mapping=map or [], k=k,
            filters=Filters(max_hours, max_cost, level, language), delimiter=delimiter, encoding=encoding,
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

"""``recommender export``: an index's skill profiles as Open Badges 3.0 alignments."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..store.artifacts import atomic_text_file
from .common import ModelDir, Verbose, handle_errors, setup_logging


class SkillSource(str, Enum):
    all = "all"
    declared = "declared"
    text = "text"


@handle_errors
def export(
    model_dir: ModelDir = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the JSON here instead of stdout.")] = None,
    ids: Annotated[list[str] | None, typer.Option("--id", help="Only this credential (repeatable).")] = None,
    min_weight: Annotated[
        float, typer.Option("--min-weight", help="Leave out profile skills weighing less (0-1; declared exact = 1).")
    ] = 0.0,
    source: Annotated[
        SkillSource, typer.Option(help="Skills declared by the catalog, found in the text, or all.")
    ] = SkillSource.all,
    verbose: Verbose = False,
) -> None:
    """Export the index's skill profiles as Open Badges 3.0 alignments (ESCO URIs), one entry per credential."""
    setup_logging(verbose)
    sources = ("declared", "text") if source is SkillSource.all else (source.value,)
    result = api.export_alignments(model_dir=model_dir, ids=ids, min_weight=min_weight, sources=sources)
    payload = json.dumps(result.credentials, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(payload)
    else:
        with atomic_text_file(out, example="alignments.json") as handle:
            handle.write(payload + "\n")
    missing = f"; ids not in the index: {', '.join(result.not_found)}" if result.not_found else ""
    typer.echo(f"exported {result.summary()}{missing}" + (f"; wrote {out}" if out else ""), err=True)

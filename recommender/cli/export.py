"""``recommender export``: an index's skill profiles as Open Badges 3.0 alignments."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..store.artifacts import atomic_text_file
from .common import ModelDir, Quiet, Verbose, envelope, handle_errors, note, setup_logging


class ExportFormat(str, Enum):
    """json: one envelope ({"credentials": [...], "not_found": [...], "notes": [...]}); jsonl: a credential a line."""

    json = "json"
    jsonl = "jsonl"


class SkillSource(str, Enum):
    all = "all"
    declared = "declared"
    text = "text"


@handle_errors
def export(
    model_dir: ModelDir = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the output here instead of stdout.")] = None,
    ids: Annotated[list[str] | None, typer.Option("--id", help="Only this credential (repeatable).")] = None,
    min_weight: Annotated[
        float, typer.Option("--min-weight", help="Leave out profile skills weighing less (0-1; declared exact = 1).")
    ] = 0.0,
    source: Annotated[
        SkillSource, typer.Option(help="Skills declared by the catalog, found in the text, or all.")
    ] = SkillSource.all,
    output: Annotated[
        ExportFormat, typer.Option("--format", help="json (one envelope) or jsonl (one credential a line).")
    ] = ExportFormat.json,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Export the index's skill profiles as Open Badges 3.0 alignments (ESCO URIs), one entry per credential."""
    setup_logging(verbose, quiet)
    sources = ("declared", "text") if source is SkillSource.all else (source.value,)
    result = api.export_alignments(model_dir=model_dir, ids=ids, min_weight=min_weight, sources=sources)
    missing = f"ids not in the index: {', '.join(result.not_found)}" if result.not_found else ""
    if output is ExportFormat.jsonl:
        payload = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in result.credentials)
    else:
        body = {"credentials": result.credentials, "not_found": list(result.not_found)}
        payload = json.dumps(envelope(body, [missing] if missing else []), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(payload, nl=False)
    else:
        with atomic_text_file(out, example=f"alignments.{output.value}") as handle:
            handle.write(payload)
    wrote = f"; wrote {out}" if out else ""
    note(f"exported {result.summary()}" + (f"; {missing}" if missing else "") + wrote, quiet)

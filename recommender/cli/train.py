"""``recommender train``: domain-adapt the encoder to ESCO skills on the shared data."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..inputs.datasets import shared_data_root
from .common import Verbose, handle_errors, progress_bar, setup_logging


class TrainMode(str, Enum):
    adapter = "adapter"
    full = "full"


@handle_errors
def train(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="The shared data folder: esco/, benchmarks/, postings/, catalogs/ \\[default: "
            "$RECOMMENDER_SHARED_DATA or ../shared/data].",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the trained encoder to.")] = Path(
        "models/encoder-esco"
    ),
    mode: Annotated[
        TrainMode,
        typer.Option(help="adapter: a residual layer on the frozen encoder (minutes); full: every weight (hours)."),
    ] = TrainMode.adapter,
    base: Annotated[
        Path | None, typer.Option(help="sentence-transformers folder to start from \\[default: all-MiniLM-L6-v2].")
    ] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps", help="Stop after this many steps.")] = None,
    epochs: Annotated[float | None, typer.Option(help="Passes over the pairs \\[default: per mode].")] = None,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", help="Pairs per step \\[default: per mode].")
    ] = None,
    learning_rate: Annotated[
        float | None, typer.Option("--learning-rate", help="Peak learning rate \\[default: per mode].")
    ] = None,
    eval_every: Annotated[
        int | None, typer.Option("--eval-every", help="Score the validation sets every N steps \\[default: per mode].")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(help="Pair sources (repeatable): sentence, span, alias, description, broader, catalog, tags."),
    ] = None,
    calibrate: Annotated[bool, typer.Option(help="Calibrate the skill-presence threshold on validation.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    verbose: Verbose = False,
) -> None:
    """Domain-adapt the encoder to ESCO skills on pairs built from the shared data; keep the best checkpoint."""
    from rich.progress import TextColumn

    setup_logging(verbose)
    bar = progress_bar("training", TextColumn("loss {task.fields[loss]}"))
    task = bar.add_task("train", total=None, loss="-")

    def on_step(step: int, total: int, loss: float) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=step, total=total, loss=f"{loss:.3f}")

    try:
        trained = api.train_encoder(
            data or shared_data_root(), out, mode=mode.value, base=base, max_steps=max_steps, epochs=epochs,
            batch_size=batch_size, learning_rate=learning_rate, eval_every=eval_every, sources=source,
            calibrate=calibrate, on_step=on_step,
        )  # fmt: skip
    finally:
        if bar.live.is_started:
            bar.stop()
    if as_json:
        typer.echo(json.dumps(trained.to_dict(), indent=2, default=str))
        return
    result = trained.result
    best: dict[str, float] = next((h for h in result.history if h["step"] == result.best_step), {})
    figures = ", ".join(f"{k} {100 * v:.1f}" for k, v in best.items() if k.endswith("rp@5"))
    typer.echo(f"Trained {result.steps} steps in {result.seconds / 60:.1f} min; kept step {result.best_step}")
    if figures:
        typer.echo(f"  validation RP@5: {figures}")
    typer.echo(f"  wrote {result.output} (model card: {result.output / 'README.md'}); use it as --encoder {out}")

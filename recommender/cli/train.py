"""``recommender train``: domain-adapt the encoder to ESCO skills on the shared data."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..defaults import default_trained_dir
from ..inputs.datasets import shared_data_root
from ..progress import stage
from .common import Quiet, SummaryFormat, SummaryOutput, Verbose, emit, envelope, handle_errors, setup_logging


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
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write the trained encoder to \\[default: $RECOMMENDER_TRAINED_ENCODER, else encoder-esco "
            "in the user's data folder, where ESCO indexes look for it].",
        ),
    ] = None,
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
    output: SummaryOutput = SummaryFormat.table,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Domain-adapt the encoder to ESCO skills on pairs built from the shared data; keep the best checkpoint."""
    setup_logging(verbose, quiet)
    folder = out if out is not None else default_trained_dir()
    with stage("training the encoder", show=not quiet) as advance:

        def on_step(step: int, total: int, loss: float) -> None:
            advance(completed=step, total=total, extra=f"loss {loss:.3f}")

        trained = api.train_encoder(
            data or shared_data_root(), folder, mode=mode.value, base=base, max_steps=max_steps, epochs=epochs,
            batch_size=batch_size, learning_rate=learning_rate, eval_every=eval_every, sources=source,
            calibrate=calibrate, on_step=on_step,
        )  # fmt: skip

    def table() -> None:
        result = trained.result
        best: dict[str, float] = next((h for h in result.history if h["step"] == result.best_step), {})
        figures = ", ".join(f"{k} {100 * v:.1f}" for k, v in best.items() if k.endswith("rp@5"))
        typer.echo(f"Trained {result.steps} steps in {result.seconds / 60:.1f} min; kept step {result.best_step}")
        if figures:
            typer.echo(f"  validation RP@5: {figures}")
        typer.echo(f"  wrote {result.output} (model card: {result.output / 'README.md'}); use it as --encoder {folder}")

    emit(envelope(_plain(trained.to_dict())), "", output, table)


def _plain(value: object) -> object:
    """``value`` with paths as strings (JSON-ready)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, Path) else value

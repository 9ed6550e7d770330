"""The ``recommender`` command: one typer app, its commands registered from one module per group."""

from __future__ import annotations

from typing import Annotated

import typer

from ..version import __version__
from .common import CONTEXT, EXIT_CODES
from .evaluate import evaluate_app
from .export import export
from .index import index
from .query import plan, query, skills
from .score import score
from .serve import serve
from .train import train

app = typer.Typer(
    help="Recommend micro-credentials for a job role from the skills both describe.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)
for command in (query, skills, plan, score, index, export, train, serve):
    app.command(epilog=EXIT_CODES)(command)
app.add_typer(evaluate_app, name="evaluate")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"recommender {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Recommend micro-credentials for a job role from the skills both describe."""

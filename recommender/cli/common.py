"""What every command shares: the option types, the error handler, logging, consoles and input text.

Errors from the library become one ``Error: ...`` line on stderr and exit code 1.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from ..errors import InvalidInputError, RecommenderError

# Tables piped to a file or another program get a readable width rather than 80 columns.
stdout = Console(width=None if sys.stdout.isatty() else 160)
stderr = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def handle_errors(command: F) -> F:
    """Turn library errors (and unusable paths) into ``Error: ...`` on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (RecommenderError, OSError) as exc:  # OSError: unwritable or misplaced paths
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("Error: interrupted", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s", stream=sys.stderr)


def read_text_file(path: Path, what: str) -> str:
    """The text of ``path`` (``-``: stdin), UTF-8 with or without a BOM."""
    if str(path) == "-":
        return sys.stdin.read()
    if not path.is_file():
        raise InvalidInputError(f"{what} file not found: {path}; check the path")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path} is not UTF-8 (byte {exc.start}); re-save it as UTF-8") from exc


def role_text(text: str | None, file: Path | None) -> str | None:
    """The job description given as an argument or a file (not both)."""
    if text is not None and file is not None:
        raise InvalidInputError("give the job description as TEXT or --file, not both")
    return read_text_file(file, "job description") if file is not None else text


def have_text(have: str | None) -> str | None:
    """``--have``: a skill list as given, or the text of a file it names (a CV)."""
    if have is None:
        return None
    path = Path(have)
    return read_text_file(path, "--have") if len(have) < 4096 and os.path.isfile(have) else have


def progress_bar(label: str, *extra: Any) -> Any:
    """A rich progress bar on stderr: ``label``, bar, done/total, ``extra`` columns, elapsed time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), *extra, TimeElapsedColumn(), console=stderr)


ModelDir = Annotated[
    Path | None,
    typer.Option("--model-dir", "-m", help="Index folder \\[default: $RECOMMENDER_MODEL_DIR or models/default]."),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="FIELD=COLUMN[+COLUMN...]: take a field from other columns (repeatable)."),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details to stderr.")]
MinScore = Annotated[
    float | None,
    typer.Option(
        "--min-score",
        min=0.0,
        max=1.0,
        help="Leave out skills found in the text with a lower similarity (0-1; a skill named word for word scores 1).",
    ),
]
Delimiter = Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed); \\t for tabs.")]
Encoding = Annotated[str, typer.Option(help="Text encoding of the input file.")]
MaxHours = Annotated[float | None, typer.Option("--max-hours", help="Only credentials of at most this many hours.")]
MaxCost = Annotated[float | None, typer.Option("--max-cost", help="Only credentials costing at most this much.")]
Level = Annotated[str | None, typer.Option(help="Only these levels (comma-separated), e.g. beginner,intermediate.")]
Language = Annotated[
    str | None,
    typer.Option(
        help="Only these languages, e.g. en or English \\[default for query and score: the job text's own "
        "language when it can be told; 'any' keeps every language]."
    ),
]
Format = Annotated[OutputFormat, typer.Option("--format", help="table for people, json for machines.")]
# The role, as query and plan take it.
RoleText = Annotated[str | None, typer.Argument(help="Job description text.")]
RoleFile = Annotated[
    Path | None, typer.Option("--file", "-f", help="Read the job description from a file (- for stdin).")
]
RoleSkills = Annotated[
    str | None, typer.Option(help="The role as an explicit skill list, e.g. 'SQL, Python, data warehouses'.")
]
HeldSkills = Annotated[
    str | None, typer.Option(help="Skills already held (a list, or a file such as a CV): not needed again.")
]
RoleTitle = Annotated[
    str | None,
    typer.Option(
        help="Job title, e.g. 'data engineer': with ESCO occupations in the index, the nearest occupation's "
        "essential (weight 1) and optional (0.5) skills join the role; alone, they are the role."
    ),
]

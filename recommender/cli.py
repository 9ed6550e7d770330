"""Command line: parse options, call one library function, format the result.

Errors from the library become one ``Error: ...`` line on stderr and exit code 1.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from . import __version__, api
from .errors import InvalidInputError, RecommenderError
from .filters import Filters

app = typer.Typer(
    help="Recommend micro-credentials for a job role from the skills both describe.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Tables piped to a file or another program get a readable width rather than 80 columns.
stdout = Console(width=None if sys.stdout.isatty() else 160)
stderr = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _handle_errors(command: F) -> F:
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


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s", stream=sys.stderr)


def _read_text_file(path: Path, what: str) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    if not path.is_file():
        raise InvalidInputError(f"{what} file not found: {path}; check the path")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path} is not UTF-8 (byte {exc.start}); re-save it as UTF-8") from exc


def _role_text(text: str | None, file: Path | None) -> str | None:
    if text is not None and file is not None:
        raise InvalidInputError("give the job description as TEXT or --file, not both")
    return _read_text_file(file, "job description") if file is not None else text


def _have_text(have: str | None) -> str | None:
    if have is None:
        return None
    path = Path(have)
    return _read_text_file(path, "--have") if len(have) < 4096 and os.path.isfile(have) else have


ModelDir = Annotated[
    Path | None,
    typer.Option("--model-dir", "-m", help="Index folder [default: $RECOMMENDER_MODEL_DIR or models/default]."),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="FIELD=COLUMN[+COLUMN...]: take a field from other columns (repeatable)."),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details to stderr.")]
Delimiter = Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed); \\t for tabs.")]
Encoding = Annotated[str, typer.Option(help="Text encoding of the input file.")]
MaxHours = Annotated[float | None, typer.Option("--max-hours", help="Only credentials of at most this many hours.")]
MaxCost = Annotated[float | None, typer.Option("--max-cost", help="Only credentials costing at most this much.")]
Level = Annotated[str | None, typer.Option(help="Only these levels (comma-separated), e.g. beginner,intermediate.")]
Language = Annotated[str | None, typer.Option(help="Only these languages, e.g. en or English.")]


@app.command()
@_handle_errors
def index(
    catalog: Annotated[Path, typer.Option(help="Catalog file: CSV, JSONL or JSON array.")],
    taxonomy: Annotated[
        Path | None,
        typer.Option(
            help="Skill vocabulary: ESCO export folder or skills_en.csv, or a CSV/JSONL "
            "id,label,aliases,description. Default: the catalog's declared skills."
        ),
    ] = None,
    model_dir: ModelDir = None,
    map: MapOption = None,
    encoder: Annotated[
        str | None, typer.Option(help="'default' (all-MiniLM-L6-v2), a sentence-transformers folder, or hash[:DIM].")
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = "utf-8",
    strict: Annotated[bool, typer.Option(help="Make duplicate ids an error instead of keeping the first.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    verbose: Verbose = False,
) -> None:
    """Build (or replace, atomically) an index from a catalog and a skill vocabulary."""
    _setup_logging(verbose)
    summary = api.build_index(
        catalog, model_dir=model_dir, mapping=map or [], taxonomy=taxonomy, encoder=encoder,
        delimiter=delimiter, encoding=encoding, strict=strict, progress=True,
    )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
        return
    counts = summary.counts
    typer.echo(f"Indexed {counts['credentials']} credentials into {summary.model_dir} ({summary.version})")
    typer.echo(f"  catalog: {summary.catalog_report}")
    typer.echo(
        f"  vocabulary: {counts['skills']} skills, {counts['surface_forms']} surface forms, "
        f"{counts['catalog_local_skills']} catalog-local; {counts['profile_entries']} profile entries"
    )
    typer.echo(f"  took {summary.seconds:.1f} s")


@app.command()
@_handle_errors
def query(
    text: Annotated[str | None, typer.Argument(help="Job description text.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the job description from a file (- for stdin).")
    ] = None,
    skills: Annotated[
        str | None, typer.Option(help="The role as an explicit skill list, e.g. 'SQL, Python, data warehouses'.")
    ] = None,
    have: Annotated[
        str | None, typer.Option(help="Skills already held (a list, or a file such as a CV): not needed again.")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="How many credentials to return.")] = 10,
    model_dir: ModelDir = None,
    max_hours: MaxHours = None,
    max_cost: MaxCost = None,
    level: Level = None,
    language: Language = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table for people, json for machines.")
    ] = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """Rank credentials for a role given as a job description or a skill list, and explain each."""
    _setup_logging(verbose)
    result = api.query(
        _role_text(text, file), model_dir=model_dir, skills=skills, have=_have_text(have), k=k,
        filters=Filters(max_hours, max_cost, level, language), progress=True,
    )  # fmt: skip
    if output is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .render import print_query_result

        print_query_result(result, stdout)


@app.command()
@_handle_errors
def skills(
    text: Annotated[str | None, typer.Argument(help="Text to read.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the text from a file (- for stdin).")] = None,
    model_dir: ModelDir = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """List the skills of the index's vocabulary that a text mentions, with evidence."""
    _setup_logging(verbose)
    content = _role_text(text, file)
    if not content or not content.strip():
        raise InvalidInputError("no text given: pass TEXT or --file")
    matches = api.text_skills(content, model_dir=model_dir, progress=True)
    if output is OutputFormat.json:
        typer.echo(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=2))
    else:
        from .render import print_skills

        print_skills(matches, stdout)


@app.command()
@_handle_errors
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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    _setup_logging(verbose)
    # The bar starts only once the index, -k and the postings file have been checked, so an
    # error is the first thing on stderr.
    bar = Progress(
        TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=False
    )
    task = bar.add_task("score", total=None)
    kwargs = dict(
        model_dir=model_dir, mapping=map or [], k=k, filters=Filters(max_hours, max_cost, level, language),
        delimiter=delimiter, encoding=encoding, on_start=bar.start, on_row=lambda: bar.advance(task), progress=True,
    )  # fmt: skip
    try:
        if out is None:
            summary = api.score_file(postings, sys.stdout, **kwargs)  # type: ignore[arg-type]
        else:
            if out.is_dir():
                raise InvalidInputError(f"--out {out} is a folder; give a file path such as {out}/scores.jsonl")
            out.parent.mkdir(parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed into place after writing
                "w", encoding="utf-8", dir=out.parent, prefix=f".{out.name}.", delete=False
            )
            try:
                with handle:
                    summary = api.score_file(postings, handle, **kwargs)  # type: ignore[arg-type]
                os.replace(handle.name, out)
            except BaseException:
                os.unlink(handle.name)
                raise
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


if __name__ == "__main__":  # pragma: no cover
    app()

"""What every command shares: the option types, the error handler, logging, output formats and inputs.

Conventions (Click's and simonw/llm's habits): ``-h``/``--help`` on every command; ``--format`` is always
the output format and ``--input-format`` an input's; ``--quiet``/``-q`` turns progress and notes on
stderr off; a job description is read from stdin when it is piped and no text is given. Exit codes:
0 success, 1 bad input (one ``Error: ...`` line on stderr), 2 usage (an unknown option, a bad value:
Click's message), 130 interrupted (Ctrl-C).

Every ``--format json`` prints one envelope: a JSON object holding the result's records in a list named
for them (``recommendations``, ``skills``, ``steps``, ``evaluations``, ``credentials``), whatever else the
result says beside them (``role``, ``totals``, ...), and ``notes`` (a list, possibly empty).
``--format jsonl`` prints those records one per line and ``--format csv`` one per row, both from the
records' ``to_dict()``, so fields the library adds flow through.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
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
CONTEXT = {"help_option_names": ["-h", "--help"]}
EXIT_CODES = "Exit codes: 0 success, 1 bad input (an 'Error: ...' line on stderr), 2 usage error, 130 interrupted."


class OutputFormat(str, Enum):
    """Output of commands that print records: a table for people, JSON, JSON Lines or CSV for machines."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class SummaryFormat(str, Enum):
    """Output of commands that print one summary (index, train): text for people or JSON."""

    table = "table"
    json = "json"


class RoleInputFormat(str, Enum):
    """What a job description file (or stdin) holds; ``auto`` tells it from the content."""

    auto = "auto"
    text = "text"
    json = "json"
    html = "html"


def handle_errors(command: F) -> F:
    """Turn library errors (and unusable paths) into ``Error: ...`` on stderr and exit code 1; Ctrl-C into 130."""

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


def setup_logging(verbose: bool, quiet: bool = False) -> None:
    """Library logs on stderr: details with ``--verbose``, warnings by default, errors only with ``--quiet``."""
    level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(level)


def note(message: str, quiet: bool) -> None:
    """A line for people on stderr (what was written, a summary), left out with ``--quiet``."""
    if not quiet:
        typer.echo(message, err=True)


# ---------------------------------------------------------------- output
def envelope(result: dict[str, Any], notes: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON envelope: the result's fields with ``notes`` always a list (``notes`` added to its own)."""
    return {**result, "notes": [*result.get("notes", ()), *notes]}


def emit(payload: dict[str, Any], records: str, output: Enum, table: Callable[[], None]) -> None:
    """Print ``payload`` (an envelope) as ``output``: ``table`` draws it for people; json prints it whole;
    jsonl and csv print ``payload[records]`` one record per line or row."""
    if output.value == "json":
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif output.value == "jsonl":
        for record in payload[records]:
            typer.echo(json.dumps(record, ensure_ascii=False))
    elif output.value == "csv":
        from ..formats.records import csv_text

        typer.echo(csv_text(payload[records]), nl=False)
    else:
        table()


# ---------------------------------------------------------------- inputs
_FILE_LIKE = re.compile(r"^[^,;\n]+\.(txt|pdf|docx?|md|rtf|odt|json|html?)$", re.IGNORECASE)


def piped_stdin() -> str | None:
    """stdin's text when something is piped in (not a terminal), else None."""
    stream = sys.stdin
    if stream is None or stream.closed:
        return None
    try:
        if stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    return data.decode("utf-8-sig", errors="replace") if data.strip() else None


def role_input(
    text: str | None, file: Path | None, input_format: RoleInputFormat = RoleInputFormat.auto, *, stdin: bool = True
) -> tuple[str | None, str | None]:
    """The job description and, from a JobPosting, its title: TEXT, ``--file`` (``-``: stdin), or stdin
    when it is piped and neither is given (``stdin``: allowed at all). A file or stdin may hold text, a
    schema.org JobPosting (JSON-LD) or a web page embedding one (``--input-format``, default: told apart)."""
    from ..inputs.documents import read_role

    if text is not None and file is not None:
        raise InvalidInputError("give the job description as TEXT or --file, not both")
    kind = None if input_format is RoleInputFormat.auto else input_format.value
    if file is not None and str(file) != "-":
        role = read_role(file, kind=kind)
        return role.text, role.title
    if file is not None or (text is None and stdin):
        piped = piped_stdin()
        if piped is None:
            if file is not None:
                raise InvalidInputError("--file - reads stdin, but nothing was piped in")
            return None, None
        role = read_role(piped.encode("utf-8"), name="stdin", kind=kind)
        return role.text, role.title
    if text is not None and kind in ("json", "html"):
        role = read_role(text.encode("utf-8"), name="TEXT", kind=kind)
        return role.text, role.title
    return text, None


def held_skills(have: str | None, have_file: Path | None) -> str | None:
    """What the person has: ``--have`` (a skill list) and/or the text of ``--have-file`` (a CV: PDF, Word, text)."""
    from ..inputs.documents import read_cv

    if have is not None and _FILE_LIKE.match(have.strip()) and " " not in have.strip():
        raise InvalidInputError(
            f"--have takes a skill list, and {have!r} looks like a file name; read a CV with --have-file {have}"
        )
    parts = [have] if have else []
    if have_file is not None:
        parts.append(read_cv(have_file, what="--have-file"))
    return "\n".join(parts) if parts else None


def title_of(given: str | None, from_posting: str | None) -> str | None:
    """``--title`` when given, else the JobPosting's title."""
    return given if given is not None else from_posting


# ---------------------------------------------------------------- options
ModelDir = Annotated[
    Path | None,
    typer.Option(
        "--model-dir",
        "-m",
        help="Index folder \\[default: $RECOMMENDER_MODEL_DIR, else the index shipped with the package].",
    ),
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
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no notes on stderr (errors still show).")]
Delimiter = Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed); \\t for tabs.")]
Encoding = Annotated[str, typer.Option(help="Text encoding of the input file.")]
MaxHours = Annotated[float | None, typer.Option("--max-hours", help="Only credentials of at most this many hours.")]
MaxCost = Annotated[
    float | None,
    typer.Option("--max-cost", help="Only credentials costing at most this much (in --currency; see --rates)."),
]
Currency = Annotated[
    str | None,
    typer.Option(
        help="The currency of --max-cost, e.g. USD \\[default: the catalog's, when it has one]; credentials in "
        "another currency need --rates."
    ),
]
Rates = Annotated[
    Path | None,
    typer.Option(
        help="Exchange rates for --max-cost across currencies: a JSON object or CSV currency,rate (units per 1 "
        "of --currency)."
    ),
]
Level = Annotated[str | None, typer.Option(help="Only these levels (comma-separated), e.g. beginner,intermediate.")]
Language = Annotated[
    str | None,
    typer.Option(
        help="Only these languages, e.g. en or English \\[default for query and score: the job text's own "
        "language when it can be told; 'any' keeps every language]."
    ),
]
Format = Annotated[OutputFormat, typer.Option("--format", help="table for people; json, jsonl or csv for machines.")]
SummaryOutput = Annotated[SummaryFormat, typer.Option("--format", help="table (text) for people, json for machines.")]
TopK = Annotated[int, typer.Option("--top-k", "-k", help="How many credentials to return.")]
# The role, as query, skills and plan take it.
RoleText = Annotated[
    str | None, typer.Argument(help="Job description text (or pipe it in: echo '...' | recommender query).")
]
RoleFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        help="Read the job description from a file: text, a schema.org JobPosting (.json) or a web page embedding "
        "one (.html); - for stdin.",
    ),
]
RoleFormat = Annotated[
    RoleInputFormat,
    typer.Option("--input-format", help="What --file or stdin holds \\[default: auto, told from the content]."),
]
RoleSkills = Annotated[
    str | None, typer.Option(help="The role as an explicit skill list, e.g. 'SQL, Python, data warehouses'.")
]
HeldSkills = Annotated[
    str | None, typer.Option(help="Skills already held, as a list, e.g. 'SQL, Excel': not needed again.")
]
HeldFile = Annotated[
    Path | None,
    typer.Option(
        "--have-file", help="Skills already held, read from a CV: PDF, Word (.docx) or text (PDF, Word: 'files' extra)."
    ),
]
RoleTitle = Annotated[
    str | None,
    typer.Option(
        help="Job title, e.g. 'data engineer': with ESCO occupations in the index, the nearest occupation's "
        "essential (weight 1) and optional (0.5) skills join the role; alone, they are the role."
    ),
]

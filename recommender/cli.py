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
    typer.Option("--model-dir", "-m", help="Index folder \\[default: $RECOMMENDER_MODEL_DIR or models/default]."),
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


@app.command()
@_handle_errors
def index(
    catalog: Annotated[
        Path,
        typer.Option(
            help="Catalog file: CSV, JSONL or JSON array, or an Open Badges 3.0, CTDL or European Learning Model "
            "JSON(-LD) document (detected)."
        ),
    ],
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
        str | None,
        typer.Option(
            help="'default' (all-MiniLM-L6-v2), 'static' (distilled from it with model2vec: ~50x faster, "
            "less exact; docs/performance.md), static:FOLDER, a sentence-transformers folder, or hash[:DIM]."
        ),
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = "utf-8",
    strict: Annotated[bool, typer.Option(help="Make duplicate ids an error instead of keeping the first.")] = False,
    catalog_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Force the catalog format: csv, jsonl, json, openbadges, ctdl or elm \\[default: detected].",
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language to read a standard catalog's language maps in (CTDL, ELM).")
    ] = "en",
    occupations: Annotated[
        Path | None,
        typer.Option(
            help="ESCO export folder whose occupations join role profiles "
            "\\[default: the --taxonomy folder when it holds occupations_en.csv]."
        ),
    ] = None,
    no_occupations: Annotated[
        bool, typer.Option("--no-occupations", help="Build role profiles from the text alone.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    verbose: Verbose = False,
) -> None:
    """Build (or replace, atomically) an index from a catalog and a skill vocabulary."""
    _setup_logging(verbose)
    summary = api.build_index(
        catalog, model_dir=model_dir, mapping=map or [], taxonomy=taxonomy, encoder=encoder,
        delimiter=delimiter, encoding=encoding, strict=strict, progress=True, file_format=catalog_format,
        catalog_language=lang, occupations=occupations, use_occupations=not no_occupations,
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
    text: RoleText = None,
    file: RoleFile = None,
    skills: RoleSkills = None,
    have: HeldSkills = None,
    title: RoleTitle = None,
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
        filters=Filters(max_hours, max_cost, level, language), progress=True, title=title,
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


class SolverChoice(str, Enum):
    auto = "auto"
    exact = "exact"
    greedy = "greedy"


def _write_atomically(path: Path, content: str) -> None:
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder; give a file path such as {path}/plan.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)


@app.command()
@_handle_errors
def plan(
    text: RoleText = None,
    file: RoleFile = None,
    skills: RoleSkills = None,
    have: HeldSkills = None,
    title: RoleTitle = None,
    model_dir: ModelDir = None,
    max_hours: Annotated[float | None, typer.Option("--max-hours", help="Hours the whole plan may take.")] = None,
    max_cost: Annotated[float | None, typer.Option("--max-cost", help="What the whole plan may cost.")] = None,
    max_credentials: Annotated[
        int | None, typer.Option("--max-credentials", help="At most this many credentials.")
    ] = None,
    level: Level = None,
    language: Language = None,
    solver: Annotated[
        SolverChoice, typer.Option(help="exact (integer programme), greedy, or auto: exact unless the instance is big.")
    ] = SolverChoice.auto,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table for people, json for machines.")
    ] = OutputFormat.table,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the plan as one self-contained HTML page.")
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Plan a stack of credentials that covers the role's missing skills within the budgets, in order."""
    _setup_logging(verbose)
    role_text = _role_text(text, file)
    result = api.plan(
        role_text, model_dir=model_dir, skills=skills, have=_have_text(have), title=title, max_hours=max_hours,
        max_cost=max_cost, max_credentials=max_credentials, level=level, language=language,
        solver=solver.value, progress=True,
    )  # fmt: skip
    if html is not None:
        from .plan_html import render_plan_html

        heading = (role_text or "").strip().splitlines()[0][:80] if role_text and role_text.strip() else ""
        heading = title or heading or f"the skills: {skills}"
        _write_atomically(html, render_plan_html(result, title=heading))
        typer.echo(f"wrote {html}", err=True)
    if output is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .plan_render import print_plan

        print_plan(result, stdout)


class SkillSource(str, Enum):
    all = "all"
    declared = "declared"
    text = "text"


@app.command()
@_handle_errors
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
    _setup_logging(verbose)
    sources = ("declared", "text") if source is SkillSource.all else (source.value,)
    result = api.export_alignments(model_dir=model_dir, ids=ids, min_weight=min_weight, sources=sources)
    payload = json.dumps(result.credentials, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(payload)
    else:
        _write_atomically(out, payload + "\n")
    missing = f"; ids not in the index: {', '.join(result.not_found)}" if result.not_found else ""
    typer.echo(f"exported {result.summary()}{missing}" + (f"; wrote {out}" if out else ""), err=True)


# ---------------------------------------------------------------- evaluate (recommender/evaluate.py)
evaluate_app = typer.Typer(
    help="Measure the engine on labelled data: a table for people, --format json for machines.",
    no_args_is_help=True,
)
app.add_typer(evaluate_app, name="evaluate")
Data = Annotated[Path, typer.Option("--data", help="The labelled file to evaluate on.")]
EncoderOption = Annotated[
    str | None, typer.Option(help="'default' (all-MiniLM-L6-v2), a sentence-transformers folder, static, or hash.")
]
EvalFormat = Annotated[OutputFormat, typer.Option("--format", help="table for people, json for machines.")]


def _print_evaluations(results: list[Any], output: OutputFormat) -> None:
    rows = [r.to_dict() for r in results]
    if output is OutputFormat.json:
        typer.echo(json.dumps(rows if len(rows) > 1 else rows[0], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    names = [k for k in rows[0] if k not in {"task", "data", "n", "details"}]
    table = Table("task", "data", "setting", "n", *names)
    for row in rows:
        details = row["details"]
        setting = details.get("profile") or details.get("forms") or details.get("vocabulary") or ""
        figures = [f"{100 * row[name]:.1f}" for name in names]
        table.add_row(row["task"], Path(row["data"]).name, str(setting), str(row["n"]), *figures)
    stdout.print(table)
    stdout.print("figures in %; --format json for the details", style="dim")


@evaluate_app.command("skills")
@_handle_errors
def evaluate_skills(
    data: Data,
    taxonomy: Annotated[Path, typer.Option(help="Skill vocabulary, e.g. ../shared/data/esco.")],
    encoder: EncoderOption = None,
    forms: Annotated[
        str,
        typer.Option(
            help="Rank by 'labels' only, 'all' surface forms (labels + aliases), 'hybrid' (all + exact forms "
            "+ character n-grams), 'both' (labels and all) or 'every' (the three)."
        ),
    ] = "all",
    labels: Annotated[
        Path | None,
        typer.Option(help="Only gold labels in this list count \\[default: skills_en_label.txt beside --data]."),
    ] = None,
    output: EvalFormat = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """Sentence → every skill ranked (TECH/HOUSE annotations or text,labels): RP@5, RP@10, MRR."""
    from . import evaluate
    from .taxonomy import load_taxonomy

    _setup_logging(verbose)
    chosen = {"both": ["labels", "all"], "every": list(evaluate.FORM_SETTINGS)}.get(forms, [forms])
    vocabulary = load_taxonomy(taxonomy)
    results = [evaluate.evaluate_skills(data, vocabulary, encoder=encoder, forms=f, labels=labels) for f in chosen]
    _print_evaluations(results, output)


@evaluate_app.command("titles")
@_handle_errors
def evaluate_titles(
    data: Data,
    occupations: Annotated[Path, typer.Option(help="ESCO export folder (occupations_en.csv).")],
    encoder: EncoderOption = None,
    output: EvalFormat = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """Job title → ESCO occupation by its labels and alternative labels: accuracy@1, accuracy@5, MRR."""
    from . import evaluate

    _setup_logging(verbose)
    _print_evaluations([evaluate.evaluate_titles(data, occupations, encoder=encoder)], output)


@evaluate_app.command("ranking")
@_handle_errors
def evaluate_ranking(
    data: Data,
    catalog: Annotated[Path, typer.Option(help="The catalog whose 0-based rows the pairs name.")],
    postings: Annotated[Path, typer.Option(help="The postings whose ids the pairs name.")],
    taxonomy: Annotated[
        Path | None, typer.Option(help="Skill vocabulary \\[default: the catalog's declared skills].")
    ] = None,
    occupations: Annotated[
        Path | None, typer.Option(help="ESCO folder: blend the nearest occupations into each role.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Score only the first N graded postings (a sample, in file order).")
    ] = None,
    encoder: EncoderOption = None,
    output: EvalFormat = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """Postings → ranked credentials against graded pairs (Wuzzuf × Coursera 2024): nDCG@10, Recall@50."""
    from .evaluate_ranking import evaluate_ranking as run

    _setup_logging(verbose)
    result = run(data, catalog=catalog, postings=postings, taxonomy=taxonomy, occupations=occupations,
                 encoder=encoder, limit=limit, progress=True)  # fmt: skip
    _print_evaluations([result], output)


@evaluate_app.command("roles")
@_handle_errors
def evaluate_roles(
    data: Data,
    taxonomy: Annotated[Path, typer.Option(help="ESCO export folder (skills and occupations).")],
    occupations: Annotated[
        Path | None, typer.Option(help="ESCO folder with occupations_en.csv \\[default: --taxonomy].")
    ] = None,
    profile: Annotated[
        list[str] | None, typer.Option(help="text, title or blend (repeatable) \\[default: all three].")
    ] = None,
    encoder: EncoderOption = None,
    output: EvalFormat = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """Job ad or occupation description → the role's skills (JSONL title,text,skills): Recall@20, MAP."""
    from . import evaluate

    _setup_logging(verbose)
    results = evaluate.evaluate_roles(
        data, taxonomy, occupations or taxonomy, encoder=encoder, profiles=profile or evaluate.PROFILES
    )
    _print_evaluations(results, output)


# ---------------------------------------------------------------- train (recommender/train.py)
class TrainMode(str, Enum):
    adapter = "adapter"
    full = "full"


@app.command()
@_handle_errors
def train(
    data: Annotated[
        Path, typer.Option("--data", help="The shared data folder: esco/, benchmarks/, postings/, catalogs/.")
    ] = Path(os.environ.get("RECOMMENDER_SHARED_DATA", "../shared/data")),
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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    _setup_logging(verbose)
    bar = Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TextColumn("loss {task.fields[loss]}"),
                   TimeElapsedColumn(), console=stderr)  # fmt: skip
    task = bar.add_task("train", total=None, loss="-")

    def on_step(step: int, total: int, loss: float) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=step, total=total, loss=f"{loss:.3f}")

    try:
        result, extra = api.train_encoder(
            data, out, mode=mode.value, base=base, max_steps=max_steps, epochs=epochs, batch_size=batch_size,
            learning_rate=learning_rate, eval_every=eval_every, sources=source, calibrate=calibrate, on_step=on_step,
        )  # fmt: skip
    finally:
        if bar.live.is_started:
            bar.stop()
    if as_json:
        typer.echo(json.dumps({**result.to_dict(), "extra": extra}, indent=2, default=str))
        return
    best = next((h for h in result.history if h["step"] == result.best_step), {})
    figures = ", ".join(f"{k} {100 * v:.1f}" for k, v in best.items() if k.endswith("rp@5"))
    typer.echo(f"Trained {result.steps} steps in {result.seconds / 60:.1f} min; kept step {result.best_step}")
    if figures:
        typer.echo(f"  validation RP@5: {figures}")
    typer.echo(f"  wrote {result.output} (model card: {result.output / 'README.md'}); use it as --encoder {out}")


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

"""``recommender evaluate``: measure the engine on labelled data (a table, or --format json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import api
from . import common
from .common import OutputFormat, Verbose, handle_errors, setup_logging

evaluate_app = typer.Typer(
    help="Measure the engine on labelled data: a table for people, --format json for machines.",
    no_args_is_help=True,
)
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
    common.stdout.print(table)
    common.stdout.print("figures in %; --format json for the details", style="dim")


@evaluate_app.command("skills")
@handle_errors
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
    setup_logging(verbose)
    _print_evaluations(api.evaluate_skills(data, taxonomy, encoder=encoder, forms=forms, labels=labels), output)


@evaluate_app.command("titles")
@handle_errors
def evaluate_titles(
    data: Data,
    occupations: Annotated[Path, typer.Option(help="ESCO export folder (occupations_en.csv).")],
    encoder: EncoderOption = None,
    output: EvalFormat = OutputFormat.table,
    verbose: Verbose = False,
) -> None:
    """Job title → ESCO occupation by its labels and alternative labels: accuracy@1, accuracy@5, MRR."""
    setup_logging(verbose)
    _print_evaluations([api.evaluate_titles(data, occupations, encoder=encoder)], output)


@evaluate_app.command("ranking")
@handle_errors
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
    setup_logging(verbose)
    result = api.evaluate_ranking(
        data, catalog=catalog, postings=postings, taxonomy=taxonomy, occupations=occupations, encoder=encoder,
        limit=limit, progress=True,
    )  # fmt: skip
    _print_evaluations([result], output)


@evaluate_app.command("roles")
@handle_errors
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
    setup_logging(verbose)
    results = api.evaluate_roles(data, taxonomy, occupations=occupations, profiles=profile, encoder=encoder)
    _print_evaluations(results, output)

"""``recommender evaluate``: measure the engine on labelled data (a table, or --format json)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import api
from . import common
from .common import CONTEXT, OutputFormat, Quiet, Verbose, emit, envelope, handle_errors, setup_logging

if TYPE_CHECKING:
    from ..evaluation.evaluate import Evaluation

evaluate_app = typer.Typer(
    help="Measure the engine on labelled data: a table for people, --format json, jsonl or csv for machines.",
    no_args_is_help=True,
    context_settings=CONTEXT,
)
Data = Annotated[Path, typer.Option("--data", help="The labelled file to evaluate on.")]
EncoderOption = Annotated[
    str | None, typer.Option(help="'default' (all-MiniLM-L6-v2), a sentence-transformers folder, static, or hash.")
]
PostingsMap = Annotated[
    list[str] | None,
    typer.Option(
        "--postings-map", help="FIELD=COLUMN[+COLUMN...] for the postings (repeatable) \\[default: the Wuzzuf columns]."
    ),
]
EvalFormat = Annotated[
    OutputFormat, typer.Option("--format", help="table for people; json, jsonl or csv for machines.")
]


def _print_evaluations(results: list[Evaluation], output: OutputFormat) -> None:
    rows = [r.to_dict() for r in results]

    def table() -> None:
        from rich.table import Table

        names = [k for k in rows[0] if k not in {"task", "data", "n", "details"}]
        counts = [k for k in ("unjudged@5", "unjudged@10") if k in rows[0]["details"]]
        table = Table("task", "data", "setting", "n", *names, *counts)
        for row in rows:
            details = row["details"]
            setting = (
                details.get("system") or details.get("profile") or details.get("forms") or details.get("vocabulary")
                or ""
            )  # fmt: skip
            figures = [f"{100 * row[name]:.1f}" for name in names]
            table.add_row(row["task"], Path(row["data"]).name, str(setting), str(row["n"]), *figures,
                          *(str(details[k]) for k in counts))  # fmt: skip
        common.stdout.print(table)
        note = "; unjudged: results without a judgment in the top 5 / 10 (scored 0)" if counts else ""
        common.stdout.print(f"figures in %{note}; --format json for the details", style="dim")

    emit(envelope({"evaluations": rows}), "evaluations", output, table)


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
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Sentence → every skill ranked (TECH/HOUSE annotations or text,labels): RP@5, RP@10, MRR."""
    setup_logging(verbose, quiet)
    _print_evaluations(api.evaluate_skills(data, taxonomy, encoder=encoder, forms=forms, labels=labels), output)


@evaluate_app.command("titles")
@handle_errors
def evaluate_titles(
    data: Data,
    occupations: Annotated[Path, typer.Option(help="ESCO export folder (occupations_en.csv).")],
    encoder: EncoderOption = None,
    output: EvalFormat = OutputFormat.table,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Job title → ESCO occupation by its labels and alternative labels: accuracy@1, accuracy@5, MRR."""
    setup_logging(verbose, quiet)
    _print_evaluations([api.evaluate_titles(data, occupations, encoder=encoder)], output)


@evaluate_app.command("ranking")
@handle_errors
def evaluate_ranking(
    data: Annotated[
        list[Path],
        typer.Option("--data", help="Graded pairs (repeatable: a later file's grade for a pair wins)."),
    ],
    catalog: Annotated[Path, typer.Option(help="The catalog the pairs name credentials of.")],
    postings: Annotated[Path, typer.Option(help="The postings whose ids the pairs name.")],
    catalog_map: Annotated[
        list[str] | None,
        typer.Option(
            "--catalog-map",
            help="FIELD=COLUMN[+COLUMN...] for the catalog (repeatable) \\[default: the Coursera 2024 columns].",
        ),
    ] = None,
    postings_map: PostingsMap = None,
    pairs_by: Annotated[
        str, typer.Option("--pairs-by", help="row: the pairs name a credential by its 0-based data row; id: by its id.")
    ] = "row",
    doc_column: Annotated[
        str | None, typer.Option("--doc-column", help="The pairs file's credential column \\[default: doc_id].")
    ] = None,
    model_dir: Annotated[
        Path | None, typer.Option("--model-dir", "-m", help="An index built from this catalog (else it is indexed).")
    ] = None,
    taxonomy: Annotated[
        Path | None, typer.Option(help="Skill vocabulary \\[default: the catalog's declared skills].")
    ] = None,
    occupations: Annotated[
        Path | None, typer.Option(help="ESCO folder: blend the nearest occupations into each role.")
    ] = None,
    system: Annotated[
        list[str] | None, typer.Option(help="engine, tfidf, dense or fusion (repeatable) \\[default: all four].")
    ] = None,
    min_grade: Annotated[int, typer.Option("--min-grade", help="Least grade that counts as relevant in P@5.")] = 2,
    limit: Annotated[
        int | None, typer.Option(help="Score only the first N graded postings (a sample, in file order).")
    ] = None,
    encoder: EncoderOption = None,
    output: EvalFormat = OutputFormat.table,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Postings → ranked credentials against graded pairs: the engine beside TF-IDF, dense and fusion baselines
    (nDCG@5, nDCG@10, P@5, unjudged results, condensed nDCG@5; the engine − fusion difference with a paired
    bootstrap 95% interval)."""
    setup_logging(verbose, quiet)
    results = api.evaluate_ranking(
        data, catalog=catalog, postings=postings, catalog_mapping=catalog_map or [],
        posting_mapping=postings_map or [], taxonomy=taxonomy, occupations=occupations, model_dir=model_dir,
        pairs_by=pairs_by, doc_column=doc_column, systems=system, min_grade=min_grade, limit=limit, encoder=encoder,
        progress=not quiet,
    )  # fmt: skip
    _print_evaluations(results, output)
    against = next((r.details["vs_fusion"] for r in results if "vs_fusion" in r.details), None)
    if against is not None and output is OutputFormat.table:
        low, high = against["ci95"]
        common.stdout.print(
            f"engine − fusion nDCG@5: {100 * against['ndcg@5']:+.1f} (paired bootstrap 95% interval "
            f"[{100 * low:+.1f}, {100 * high:+.1f}], {against['samples']} resamples of the postings)"
        )


@evaluate_app.command("explanations")
@handle_errors
def evaluate_explanations(
    data: Annotated[
        list[Path],
        typer.Option("--data", help="Judged claims, JSON Lines (repeatable: a later file's judgment of a claim wins)."),
    ],
    postings: Annotated[Path, typer.Option(help="The postings whose ids the judged claims name.")],
    postings_map: PostingsMap = None,
    model_dir: Annotated[Path | None, typer.Option("--model-dir", "-m", help="The index to explain with.")] = None,
    top: Annotated[int, typer.Option(help="Credentials per posting whose claims count.")] = 3,
    first: Annotated[int, typer.Option(help="Claims per credential that count (its first ones).")] = 5,
    pending: Annotated[
        Path | None, typer.Option(help="Write the claims no file judges here (JSON Lines), to judge them.")
    ] = None,
    output: EvalFormat = OutputFormat.table,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Are the explanations true? The engine's claims (top credentials × first matched skills) on the judged
    postings: the shares judged taught, required and both, overall and per match type; unjudged claims
    are counted and can be written out (--pending) to be judged."""
    setup_logging(verbose, quiet)
    result = api.evaluate_explanations(
        data, postings=postings, posting_mapping=postings_map or [], model_dir=model_dir, top=top, first=first,
        pending=pending, progress=not quiet,
    )  # fmt: skip
    _print_evaluations([result], output)
    if output is OutputFormat.table:
        details = result.details
        common.stdout.print(
            f"{details['claims']} claims: {details['judged']} judged, {details['pending']} not judged"
            + (f" (written to {pending})" if pending is not None else "")
        )
        for kind, figures in details["by_match"].items():
            common.stdout.print(
                f"  {kind}: {figures['claims']} claims, both ≥ 1 {100 * figures['both>=1']:.1f}%, "
                f"both = 2 {100 * figures['both=2']:.1f}%"
            )


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
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Job ad or occupation description → the role's skills (JSONL title,text,skills): Recall@20, MAP."""
    setup_logging(verbose, quiet)
    results = api.evaluate_roles(data, taxonomy, occupations=occupations, profiles=profile, encoder=encoder)
    _print_evaluations(results, output)

"""``recommender index``: build (or replace, atomically) an index from a catalog and a vocabulary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import api
from .common import (
    Delimiter,
    Encoding,
    MapOption,
    ModelDir,
    Quiet,
    SummaryFormat,
    SummaryOutput,
    Verbose,
    emit,
    envelope,
    handle_errors,
    setup_logging,
)


@handle_errors
def index(
    catalog: Annotated[
        Path,
        typer.Option(
            help="Catalog file: CSV, JSONL or JSON array, or a JSON(-LD) document in a credential standard: "
            "schema.org Course / EducationalOccupationalCredential, Open Badges 3.0, CTDL or the European Learning "
            "Model (detected)."
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
            "--input-format",
            help="Force the catalog format: csv, jsonl, json, schemaorg, openbadges, ctdl or elm \\[default: "
            "detected].",
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
    no_wait: Annotated[
        bool,
        typer.Option(
            "--no-wait", help="Fail at once when another index run is writing to --model-dir, instead of waiting."
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            help="Encode the texts the embedding cache lacks in N local processes (joblib; -1: every core). "
            "Same index as one process.",
        ),
    ] = 1,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Encode on a local Dask cluster of N processes instead.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Encode on an existing Dask cluster, e.g. tcp://host:8786.")
    ] = None,
    output: SummaryOutput = SummaryFormat.table,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Build (or replace, atomically) an index from a catalog and a skill vocabulary.

    One run at a time writes to a model dir: a second one waits for the first (and says so on stderr).
    """
    setup_logging(verbose, quiet)
    options = api.IndexOptions(
        mapping=tuple(map or ()), taxonomy=taxonomy, occupations=occupations, use_occupations=not no_occupations,
        encoder=encoder, delimiter=delimiter, encoding=encoding, file_format=catalog_format, strict=strict,
        catalog_language=lang, jobs=jobs,
    )  # fmt: skip
    if workers is not None or scheduler is not None:
        summary = api.build_index_distributed(
            catalog, model_dir, options, workers=workers, scheduler=scheduler, wait=not no_wait, progress=not quiet
        )
    else:
        summary = api.build_index(catalog, model_dir, options, wait=not no_wait, progress=not quiet)

    def table() -> None:
        counts = summary.counts
        typer.echo(f"Indexed {counts['credentials']} credentials into {summary.model_dir} ({summary.version})")
        typer.echo(f"  catalog: {summary.catalog_report}")
        typer.echo(
            f"  vocabulary: {counts['skills']} skills, {counts['surface_forms']} surface forms, "
            f"{counts['catalog_local_skills']} catalog-local; {counts['profile_entries']} profile entries"
        )
        typer.echo(f"  took {summary.seconds:.1f} s")

    emit(envelope(summary.to_dict()), "", output, table)

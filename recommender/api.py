"""The library call behind each command: query, skills, score, plan, export, index, train, evaluate, serve.

Each function does one whole job, so the CLI only parses arguments and formats the typed result it
returns. Opening and building an index live in ``store/`` (``open_index``, ``build_index``,
``IndexOptions``, re-exported here and from ``recommender``).

Only what opening an index and answering a query needs is imported at the top: a cold
``recommender query`` pays for every module it imports (docs/performance.md). The other commands
import their modules inside the functions, after checking that their extra is installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import InvalidInputError
from .extras import require_extra
from .inputs.postings import POSTING_FIELDS
from .matching.engine import Recommender
from .matching.filters import Filters
from .store.artifacts import atomic_text_file
from .store.build import IndexOptions, IndexSummary, build_index
from .store.live import locate_index, open_index

if TYPE_CHECKING:
    from .evaluation.evaluate import Evaluation
    from .formats.export import AlignmentExport
    from .matching.batch import ScoreSummary
    from .matching.results import QueryResult
    from .planning.results import PlanResult
    from .scale.manifest import RunTotals
    from .skills.results import SkillMatch
    from .training.common import TrainedEncoder

__all__ = [
    "IndexOptions", "IndexSummary", "build_index", "build_index_distributed", "evaluate_ranking", "evaluate_roles",
    "evaluate_skills", "evaluate_titles", "export_alignments", "locate_index", "open_index", "plan", "query",
    "score_ceiling", "score_file", "score_folder", "serve", "text_skills", "train_encoder",
]  # fmt: skip


def query(
    text: str | None = None,
    *,
    model_dir: str | Path | None = None,
    skills: str | None = None,
    have: str | None = None,
    k: int = 10,
    filters: Filters | None = None,
    progress: bool = False,
    title: str | None = None,
    min_score: float | None = None,
) -> QueryResult:
    """Ranked, explained credentials for a job description, a job title (ESCO indexes) or a skill list;
    ``min_score`` leaves out the text's skills found with a lower similarity."""
    model = open_index(model_dir, progress=progress)
    return model.recommend(text, skills=skills, have=have, k=k, filters=filters, title=title, min_score=min_score)


def score_ceiling(model_dir: str | Path | None = None) -> float:
    """The highest score a query can give on this index (``Settings.score_max`` of its stored settings)."""
    from .matching.settings import Settings
    from .store.artifacts import read_manifest, resolve_version

    return Settings(**read_manifest(resolve_version(locate_index(model_dir)))["settings"]).score_max


def text_skills(
    text: str, *, model_dir: str | Path | None = None, progress: bool = False, min_score: float | None = None
) -> list[SkillMatch]:
    """The vocabulary skills a text states, with evidence (``min_score``: the least similarity kept)."""
    return open_index(model_dir, progress=progress).skills(text, min_score=min_score)


# ---------------------------------------------------------------- score (matching/batch.py, scale/)
def score_file(
    postings: str | Path,
    out: TextIO | str | Path,
    *,
    model_dir: str | Path | None = None,
    mapping: Sequence[str] = (),
    k: int = 10,
    filters: Filters | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    file_format: str | None = None,
    on_start: Callable[[], None] | None = None,
    on_row: Callable[[], None] | None = None,
    progress: bool = False,
    output_format: str = "jsonl",
) -> ScoreSummary:
    """Write one JSON line per posting of ``postings`` to ``out`` (a stream, or a file path written
    atomically), or with ``output_format="csv"`` one CSV row per (posting, credential); return what was
    scored or skipped. ``postings`` may also be schema.org JobPostings: a JSON-LD file, a web page, a
    folder of them or JSON Lines of them (``inputs.postings``).

    The index, ``k`` and the postings file's columns are checked before ``on_start`` is called
    and before anything is written.
    """
    from .inputs.postings import iter_postings
    from .inputs.tabular import parse_mapping

    if output_format not in ("jsonl", "csv"):
        raise InvalidInputError(f"unknown output format {output_format!r} for scores; use jsonl or csv")
    model = open_index(model_dir, progress=progress)
    model.check_k(k)
    fields = parse_mapping(mapping, known_fields=POSTING_FIELDS) if mapping else None
    rows = iter_postings(postings, mapping=fields, delimiter=delimiter, encoding=encoding, file_format=file_format)
    if isinstance(out, (str, Path)):
        with atomic_text_file(out, example=f"scores.{output_format}") as handle:
            return _write_scores(model, rows, handle, k, filters, on_start, on_row, output_format)
    return _write_scores(model, rows, out, k, filters, on_start, on_row, output_format)


def _write_scores(
    model: Recommender,
    rows: Iterable[Any],
    out: TextIO,
    k: int,
    filters: Filters | None,
    on_start: Callable[[], None] | None,
    on_row: Callable[[], None] | None,
    output_format: str = "jsonl",
) -> ScoreSummary:
    from .matching.batch import ScoreSummary, score_postings

    if on_start is not None:
        on_start()
    summary = ScoreSummary()
    lines = score_postings(model, rows, k=k, filters=filters, summary=summary, on_row=on_row)
    if output_format == "csv":
        from .formats.records import write_score_csv

        write_score_csv(lines, out)
        return summary
    for line in lines:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return summary


def score_folder(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    model_dir: str | Path | None = None,
    mapping: Sequence[str] = (),
    k: int = 10,
    filters: Filters | None = None,
    explain: bool = False,
    file_format: str = "parquet",
    partition_size: int = 1000,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
    on_cluster: Callable[[str | None, int], None] | None = None,
    progress: bool = False,
) -> RunTotals:
    """Score every posting of ``inputs`` (files, folders, globs) into a folder of partition files
    plus ``_manifest.json``; return the run's totals (recommender/scale/, docs/scale.md).

    ``workers`` starts a local Dask cluster, ``scheduler`` joins an existing one; neither runs the
    partitions in this process. ``resume`` finishes an interrupted run, ``overwrite`` replaces one.
    ``on_cluster(dashboard, workers)`` is called once the cluster is up. Needs the ``scale`` extra.
    """
    require_extra("scale")
    from .inputs.tabular import parse_mapping
    from .scale.cluster import dashboard_link, open_client
    from .scale.run import RunOptions, score_to_folder

    model = open_index(model_dir, progress=progress)  # builds the default index when needed; checks it
    model.check_k(k)
    options = RunOptions(
        k=k, filters=filters or Filters(), explain=explain, file_format=file_format, partition_size=partition_size,
        mapping=parse_mapping(mapping, known_fields=POSTING_FIELDS) if mapping else None, delimiter=delimiter,
        encoding=encoding,
    )  # fmt: skip
    index_dir = locate_index(model_dir)
    if workers is None and scheduler is None:
        return score_to_folder(
            inputs, out, model_dir=index_dir, options=options, resume=resume, overwrite=overwrite,
            on_progress=on_progress,
        )  # fmt: skip
    with open_client(workers, scheduler) as client:
        if on_cluster is not None:
            on_cluster(dashboard_link(client), len(client.scheduler_info().get("workers", {})))
        return score_to_folder(
            inputs, out, model_dir=index_dir, options=options, resume=resume, overwrite=overwrite,
            on_progress=on_progress, client=client,
        )  # fmt: skip


# ---------------------------------------------------------------- index (store/build.py)
def build_index_distributed(
    catalog: str | Path,
    model_dir: str | Path | None = None,
    options: IndexOptions | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    wait: bool = True,
    progress: bool = False,
) -> IndexSummary:
    """``build_index`` with its encoding spread over a Dask cluster through joblib's dask backend:
    a local one of ``workers`` processes, or the one at ``scheduler``. Same index as one process."""
    require_extra("scale")
    from .scale.cluster import joblib_on_dask, open_client

    every_worker = replace(options or IndexOptions(), jobs=-1)
    with open_client(workers, scheduler) as client, joblib_on_dask(client):
        return build_index(catalog, model_dir, every_worker, wait=wait, progress=progress)


# ---------------------------------------------------------------- plan and export
def plan(
    text: str | None = None,
    *,
    model_dir: str | Path | None = None,
    skills: str | None = None,
    have: str | None = None,
    title: str | None = None,
    max_hours: float | None = None,
    max_cost: float | None = None,
    max_credentials: int | None = None,
    level: str | None = None,
    language: str | None = None,
    solver: str = "auto",
    progress: bool = False,
) -> PlanResult:
    """A learning pathway: the credentials that together best cover the role within the budgets.

    Ordered steps (prerequisites first, then by level), totals, the skills the plan leaves
    uncovered and the curriculum gap (skills no credential in the catalog covers).
    """
    from .planning.pathway import build_plan
    from .planning.results import Budget

    model = open_index(model_dir, progress=progress)
    budget = Budget(max_hours, max_cost, max_credentials)
    return build_plan(
        model, text, skills=skills, have=have, title=title, budget=budget, level=level, language=language,
        solver=solver,
    )  # fmt: skip


def export_alignments(
    *,
    model_dir: str | Path | None = None,
    ids: Sequence[str] | None = None,
    min_weight: float = 0.0,
    sources: Sequence[str] = ("declared", "text"),
    progress: bool = False,
) -> AlignmentExport:
    """The index's skill profiles as Open Badges 3.0 alignments, one entry per credential."""
    from .formats.export import export_alignments as export

    return export(open_index(model_dir, progress=progress), ids=ids, min_weight=min_weight, sources=sources)


# ---------------------------------------------------------------- train (recommender/training/)
def train_encoder(
    data: str | Path,
    out: str | Path,
    *,
    mode: str = "adapter",
    base: str | Path | None = None,
    max_steps: int | None = None,
    epochs: float | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    eval_every: int | None = None,
    sources: Sequence[str] | None = None,
    calibrate: bool = True,
    on_step: Callable[[int, int, float], None] | None = None,
) -> TrainedEncoder:
    """Domain-adapt the encoder on the shared data folder (``recommender train``; recommender/training/train.py).

    Needs the ``train`` extra.
    """
    require_extra("train")
    from .training.train import config_for, train_from_data

    config = config_for(
        mode, max_steps=max_steps, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
        eval_every=eval_every,
    )  # fmt: skip
    return train_from_data(data, out, base=base, config=config, sources=sources, calibrate=calibrate, on_step=on_step)


# ---------------------------------------------------------------- evaluate (recommender/evaluation/)
def evaluate_skills(
    data: str | Path,
    taxonomy: str | Path,
    *,
    encoder: str | None = None,
    forms: str = "all",
    labels: str | Path | None = None,
) -> list[Evaluation]:
    """Sentence → every skill ranked: RP@5, RP@10, MRR for each ranking ``forms`` names
    (``labels``, ``all``, ``hybrid``, ``both`` = labels and all, ``every`` = the three)."""
    require_extra("eval")
    from .evaluation.evaluate import FORM_SETTINGS
    from .evaluation.evaluate import evaluate_skills as run
    from .inputs.taxonomy import load_taxonomy

    chosen = {"both": ["labels", "all"], "every": list(FORM_SETTINGS)}.get(forms, [forms])
    vocabulary = load_taxonomy(taxonomy)
    return [run(data, vocabulary, encoder=encoder, forms=f, labels=labels) for f in chosen]


def evaluate_titles(data: str | Path, occupations: str | Path, *, encoder: str | None = None) -> Evaluation:
    """Job title → ESCO occupation: accuracy@1, accuracy@5, MRR."""
    require_extra("eval")
    from .evaluation.evaluate import evaluate_titles as run

    return run(data, occupations, encoder=encoder)


def evaluate_roles(
    data: str | Path,
    taxonomy: str | Path,
    *,
    occupations: str | Path | None = None,
    profiles: Sequence[str] | None = None,
    encoder: str | None = None,
) -> list[Evaluation]:
    """Job ad or occupation description → the role's skills: Recall@20 and MAP per profile."""
    require_extra("eval")
    from .evaluation.roles import PROFILES
    from .evaluation.roles import evaluate_roles as run

    return run(data, taxonomy, occupations or taxonomy, encoder=encoder, profiles=profiles or PROFILES)


def evaluate_ranking(
    data: str | Path | Sequence[str | Path],
    *,
    catalog: str | Path,
    postings: str | Path,
    catalog_mapping: Sequence[str] = (),
    posting_mapping: Sequence[str] = (),
    taxonomy: str | Path | None = None,
    occupations: str | Path | None = None,
    model_dir: str | Path | None = None,
    pairs_by: str = "row",
    doc_column: str | None = None,
    systems: Sequence[str] | None = None,
    min_grade: int = 2,
    limit: int | None = None,
    encoder: str | None = None,
    progress: bool = False,
) -> list[Evaluation]:
    """Postings → ranked credentials against graded pairs, for the engine and the TF-IDF, dense and fusion
    baselines in one run: nDCG@5, nDCG@10, P@5, unjudged results, condensed nDCG@5, and the engine − fusion
    nDCG@5 with its paired bootstrap interval (``data``: one pairs file or several, merged in order)."""
    require_extra("eval")
    from .evaluation.ranking import SYSTEMS
    from .evaluation.ranking import evaluate_ranking as run
    from .inputs.catalog import CATALOG_FIELDS
    from .inputs.tabular import parse_mapping

    catalog_fields = parse_mapping(catalog_mapping, known_fields=CATALOG_FIELDS) if catalog_mapping else None
    posting_fields = parse_mapping(posting_mapping, known_fields=POSTING_FIELDS) if posting_mapping else None
    return run(
        data, catalog=catalog, postings=postings, taxonomy=taxonomy, occupations=occupations, encoder=encoder,
        model_dir=model_dir, catalog_mapping=catalog_fields, posting_mapping=posting_fields, pairs_by=pairs_by,
        doc_column=doc_column, systems=systems or SYSTEMS, min_grade=min_grade, limit=limit, progress=progress,
    )  # fmt: skip


def evaluate_explanations(
    data: Sequence[str | Path],
    *,
    postings: str | Path,
    posting_mapping: Sequence[str] = (),
    model_dir: str | Path | None = None,
    top: int = 3,
    first: int = 5,
    pending: str | Path | None = None,
    progress: bool = False,
) -> Evaluation:
    """Claim precision: the engine's claims (top ``top`` credentials × first ``first`` matched skills) on the
    judged postings, joined with judged claims (``data``: JSON Lines files, later ones winning); ``pending``
    receives the claims no file judges (JSON Lines), to be judged blind before they are counted."""
    from .evaluation.explanations import evaluate_explanations as run
    from .inputs.datasets import WUZZUF
    from .inputs.tabular import parse_mapping

    fields = parse_mapping(posting_mapping, known_fields=POSTING_FIELDS) if posting_mapping else WUZZUF.fields()
    model = open_index(model_dir, progress=progress)
    result, unjudged = run(data, model=model, postings=postings, posting_mapping=fields, top=top, first=first)
    if pending is not None:
        with atomic_text_file(pending, example="pending.jsonl") as handle:
            for claim in unjudged:
                handle.write(json.dumps(asdict(claim), ensure_ascii=False) + "\n")
    return result


# ---------------------------------------------------------------- serve (recommender/service/)
def serve(
    model_dir: str | Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    max_body: int = 1_000_000,
    max_text_chars: int = 20_000,
    max_upload: int = 10_000_000,
    progress: bool = False,
    on_start: Callable[[], None] | None = None,
) -> None:
    """Serve the HTTP API and the web page over an index until interrupted (``recommender serve``).

    The index is opened first (the default one is built from the embedded catalog when missing,
    as for ``query``), so a bad model dir fails here with its message rather than in a worker;
    ``on_start`` is called once it is open, just before the server starts. Needs the ``serve`` extra.
    """
    require_extra("serve")
    from .service import ServiceConfig, run_server
    from .service.server import check_options

    check_options(port=port, workers=workers)
    path = locate_index(model_dir, progress=progress)
    model = open_index(path, progress=progress)
    config = ServiceConfig(max_body=max_body, max_text_chars=max_text_chars, max_upload=max_upload)
    if on_start is not None:
        on_start()
    run_server(path, host=host, port=port, workers=workers, config=config, model=model if workers == 1 else None)

"""The library calls behind each command: build an index, open one, query, list skills, score.

Each function does one whole job so the CLI only parses arguments and formats results.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

# Only what opening an index and answering a query needs is imported here: a cold `recommender query`
# pays for every module it imports (docs/performance.md). Building, scoring, planning and exporting
# import their modules inside the functions below.
from .defaults import CATALOG_FILE, SKILLS_FILE, default_model_dir, embedded_data_dir
from .errors import ArtifactError, InvalidInputError
from .inputs.postings import POSTING_FIELDS
from .matching.engine import Recommender, Settings
from .matching.filters import Filters
from .store.artifacts import CURRENT, MANIFEST, atomic_text_file, file_sha256, read_manifest, resolve_version
from .store.index_io import DOCUMENT_VECTORS, load_index

if TYPE_CHECKING:
    from .formats.export import AlignmentExport
    from .inputs.taxonomy import Vocabulary
    from .matching.batch import ScoreSummary
    from .matching.results import QueryResult
    from .planning.results import PlanResult
    from .skills.results import SkillMatch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexSummary:
    """What ``build_index`` wrote."""

    model_dir: str
    version: str
    counts: dict[str, int]
    catalog_report: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_dir": self.model_dir,
            "version": self.version,
            "counts": self.counts,
            "catalog_report": self.catalog_report,
            "seconds": round(self.seconds, 2),
        }


def _taxonomy_file(path: Path) -> Path:
    return path / "skills_en.csv" if path.is_dir() else path


def build_index(
    catalog: str | Path,
    *,
    model_dir: str | Path | None = None,
    mapping: Sequence[str] = (),
    taxonomy: str | Path | None = None,
    encoder: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    file_format: str | None = None,
    strict: bool = False,
    settings: Settings | None = None,
    progress: bool = False,
    embedded: bool = False,
    catalog_language: str = "en",
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    occupations: str | Path | None = None,
    use_occupations: bool = True,
    wait: bool = True,
    jobs: int = 1,
) -> IndexSummary:
    """Load a catalog (and a vocabulary), profile it, and write the index atomically.

    Embeddings are cached on disk (``cache_dir``, default ``$RECOMMENDER_CACHE_DIR`` or
    ``models/.embedding-cache``), so re-indexing encodes only texts it has not seen.
    ``catalog_language`` picks the language of a standard catalog's language maps (CTDL, ELM).
    ESCO occupations (``occupations``, or the ESCO ``taxonomy`` folder when it holds
    ``occupations_en.csv``; ``use_occupations=False`` turns this off) join role profiles.
    ``jobs`` > 1 (or -1: every core, or every Dask worker inside ``scale.cluster.joblib_on_dask``)
    encodes the texts the cache lacks in parallel joblib workers (encoders/parallel.py): same index.

    One run at a time writes to ``model_dir``: a second one waits for the first (logging that it
    does), or raises :class:`ArtifactError` at once with ``wait=False``.
    """
    from .store.locking import index_lock

    started = time.perf_counter()
    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    if model_dir.is_file():
        raise InvalidInputError(f"--model-dir {model_dir} is a file; give a folder for the index")
    with index_lock(model_dir, wait=wait):
        return _build_index_locked(
            catalog, model_dir, started, mapping=mapping, taxonomy=taxonomy, encoder=encoder, delimiter=delimiter,
            encoding=encoding, file_format=file_format, strict=strict, settings=settings, progress=progress,
            embedded=embedded, catalog_language=catalog_language, cache_dir=cache_dir, use_cache=use_cache,
            occupations=occupations, use_occupations=use_occupations, jobs=jobs,
        )  # fmt: skip


def _build_index_locked(
    catalog: str | Path,
    model_dir: Path,
    started: float,
    *,
    mapping: Sequence[str],
    taxonomy: str | Path | None,
    encoder: str | None,
    delimiter: str | None,
    encoding: str,
    file_format: str | None,
    strict: bool,
    settings: Settings | None,
    progress: bool,
    embedded: bool,
    catalog_language: str,
    cache_dir: str | Path | None,
    use_cache: bool,
    occupations: str | Path | None,
    use_occupations: bool,
    jobs: int = 1,
) -> IndexSummary:
    from .encoders.cache import CachedEncoder
    from .encoders.load import load_encoder
    from .encoders.parallel import ParallelEncoder
    from .encoders.trained import calibrated_settings, default_encoder_for
    from .formats.readers import load_catalog
    from .inputs.catalog import CATALOG_FIELDS
    from .inputs.tabular import parse_mapping
    from .inputs.taxonomy import load_taxonomy
    from .skills.occupations import OCCUPATIONS_FILE, RELATIONS_FILE, load_occupations
    from .store.index_io import save_index

    fields = parse_mapping(mapping, known_fields=CATALOG_FIELDS) if mapping else None
    loaded = load_catalog(
        catalog, mapping=fields, delimiter=delimiter, encoding=encoding, file_format=file_format, strict=strict,
        language=catalog_language,
    )  # fmt: skip
    logger.info("catalog: %s", loaded.report.summary())
    vocabulary = load_taxonomy(taxonomy) if taxonomy is not None else None
    if encoder is None:
        encoder = default_encoder_for(vocabulary)
    if settings is None:
        settings = calibrated_settings(Settings(), encoder)
    text_encoder = load_encoder(encoder)
    if jobs != 1:
        text_encoder = ParallelEncoder(text_encoder, jobs)
    if use_cache:
        text_encoder = CachedEncoder(text_encoder, cache_dir)
    structure = None
    if vocabulary is not None and vocabulary.source == "esco":
        from .inputs.skill_structure import load_skill_structure

        structure = load_skill_structure(Path(taxonomy), vocabulary)  # type: ignore[arg-type]
    model = Recommender(text_encoder, settings).fit(loaded, vocabulary, structure=structure, progress=progress)
    occupations_folder = _occupations_folder(occupations, taxonomy, vocabulary) if use_occupations else None
    if occupations_folder is not None:
        model.attach_occupations(load_occupations(occupations_folder), progress=progress)
    inputs: dict[str, Any] = {
        "embedded": embedded,
        "catalog": {
            "path": str(catalog),
            "sha256": file_sha256(Path(catalog)),
            "content_sha256": loaded.content_hash(),
            "mapping": list(mapping),
            "report": loaded.report.summary(),
        },
        "taxonomy": None
        if vocabulary is None
        else {
            "path": str(taxonomy),
            "sha256": file_sha256(_taxonomy_file(Path(taxonomy))),  # type: ignore[arg-type]
            "content_sha256": vocabulary.content_hash(),
            "source": vocabulary.source,
        },
    }
    if occupations_folder is not None:
        inputs["occupations"] = {
            "path": str(occupations_folder),
            "sha256": {name: file_sha256(occupations_folder / name) for name in (OCCUPATIONS_FILE, RELATIONS_FILE)},
        }
    version = save_index(model, model_dir, inputs=inputs)
    counts = read_manifest(version)["counts"]
    return IndexSummary(str(model_dir), version.name, counts, loaded.report.summary(), time.perf_counter() - started)


def _occupations_folder(
    occupations: str | Path | None, taxonomy: str | Path | None, vocabulary: Vocabulary | None
) -> Path | None:
    """The ESCO folder whose occupations join role profiles: given, or beside an ESCO taxonomy."""
    from .skills.occupations import OCCUPATIONS_FILE, RELATIONS_FILE, find_occupations_folder

    if occupations is not None:
        folder = find_occupations_folder(occupations)
        if folder is None:
            raise InvalidInputError(
                f"--occupations {occupations}: no {OCCUPATIONS_FILE} and {RELATIONS_FILE} there; "
                "pass ESCO's CSV export folder"
            )
        if vocabulary is None or vocabulary.source != "esco":
            raise InvalidInputError("--occupations needs an ESCO vocabulary: pass --taxonomy ESCO_FOLDER too")
        return folder
    if taxonomy is None or vocabulary is None or vocabulary.source != "esco":
        return None
    return find_occupations_folder(taxonomy)


def _embedded_inputs() -> tuple[Path, Path]:
    data = embedded_data_dir()
    return data / CATALOG_FILE, data / SKILLS_FILE


def _needs_default_build(model_dir: Path) -> bool:
    """True when the default model dir has no index, or one built from an older embedded catalog."""
    if not model_dir.exists() or not any(not p.name.startswith(".") for p in model_dir.iterdir()):
        return True  # nothing there, or only what a killed build left (a lock file, a temporary folder)
    if not (model_dir / CURRENT).exists() and not (model_dir / MANIFEST).exists():
        return False  # not an index: let resolve_version report it rather than overwrite the folder
    try:
        manifest = read_manifest(resolve_version(model_dir))
    except ArtifactError:
        return True
    inputs = manifest.get("inputs", {})
    if not inputs.get("embedded"):
        return False  # the user built their own index here: never replace it
    catalog_path, skills_path = _embedded_inputs()
    taxonomy = inputs.get("taxonomy") or {}
    return (
        inputs["catalog"].get("sha256") != file_sha256(catalog_path)
        or taxonomy.get("sha256") != file_sha256(skills_path)
        or manifest.get("encoder", {}).get("spec") != "default"
        or manifest.get("settings") != asdict(Settings())
        or manifest.get("documents") != DOCUMENT_VECTORS
    )


def build_default_index(model_dir: str | Path | None = None, *, progress: bool = False) -> IndexSummary:
    """Index the embedded catalog with its own skill vocabulary and the default encoder."""
    catalog_path, skills_path = _embedded_inputs()
    return build_index(catalog_path, model_dir=model_dir, taxonomy=skills_path, progress=progress, embedded=True)


def open_index(model_dir: str | Path | None = None, *, progress: bool = False) -> Recommender:
    """Load an index; the default model dir is built from the embedded catalog when missing or stale."""
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    if path.resolve() == default_model_dir().resolve() and _needs_default_build(path):
        logger.warning("building the default index from the embedded catalog in %s (first run only)", path)
        build_default_index(path, progress=progress)
    return _load_live(path)


def _load_live(path: Path) -> Recommender:
    """Load the live index; when a rebuild swapped it out (and removed it) while it was being read, load the new one.

    Each version folder is immutable, so whatever is returned comes from one complete index.
    """
    retries = 4
    while True:
        live = resolve_version(path)
        try:
            return load_index(path)
        except ArtifactError:
            if retries == 0 or resolve_version(path) == live:
                raise
            retries -= 1
            logger.info("the index in %s was replaced while loading; loading the new one", path)


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
) -> QueryResult:
    """Ranked, explained credentials for a job description, a job title (ESCO indexes) or a skill list."""
    model = open_index(model_dir, progress=progress)
    return model.recommend(text, skills=skills, have=have, k=k, filters=filters, title=title)


def text_skills(text: str, *, model_dir: str | Path | None = None, progress: bool = False) -> list[SkillMatch]:
    """The vocabulary skills a text mentions, with evidence."""
    return open_index(model_dir, progress=progress).skills(text)


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
) -> ScoreSummary:
    """Write one JSON line per posting of ``postings`` to ``out`` (a stream, or a file path written
    atomically); return what was scored or skipped.

    The index, ``k`` and the postings file's columns are checked before ``on_start`` is called
    and before anything is written.
    """
    from .inputs.postings import iter_postings
    from .inputs.tabular import parse_mapping

    model = open_index(model_dir, progress=progress)
    model._check_k(k)
    fields = parse_mapping(mapping, known_fields=POSTING_FIELDS) if mapping else None
    rows = iter_postings(postings, mapping=fields, delimiter=delimiter, encoding=encoding, file_format=file_format)
    if isinstance(out, (str, Path)):
        with atomic_text_file(out, example="scores.jsonl") as handle:
            return _write_scores(model, rows, handle, k, filters, on_start, on_row)
    return _write_scores(model, rows, out, k, filters, on_start, on_row)


def _write_scores(
    model: Recommender,
    rows: Any,
    out: TextIO,
    k: int,
    filters: Filters | None,
    on_start: Callable[[], None] | None,
    on_row: Callable[[], None] | None,
) -> ScoreSummary:
    from .matching.batch import ScoreSummary, score_postings

    if on_start is not None:
        on_start()
    summary = ScoreSummary()
    for line in score_postings(model, rows, k=k, filters=filters, summary=summary, on_row=on_row):
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
) -> dict[str, Any]:
    """Score every posting of ``inputs`` (files, folders, globs) into a folder of partition files
    plus ``_manifest.json``; return the run's totals (recommender/scale/, docs/scale.md).

    ``workers`` starts a local Dask cluster, ``scheduler`` joins an existing one; neither runs the
    partitions in this process. ``resume`` finishes an interrupted run, ``overwrite`` replaces one.
    ``on_cluster(dashboard, workers)`` is called once the cluster is up.
    """
    from .inputs.tabular import parse_mapping
    from .scale.cluster import dashboard_link, open_client
    from .scale.run import RunOptions, score_to_folder

    model = open_index(model_dir, progress=progress)  # builds the default index when needed; checks it
    model._check_k(k)
    options = RunOptions(
        k=k, filters=filters or Filters(), explain=explain, file_format=file_format, partition_size=partition_size,
        mapping=parse_mapping(mapping, known_fields=POSTING_FIELDS) if mapping else None, delimiter=delimiter,
        encoding=encoding,
    )  # fmt: skip
    index_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    run = dict(model_dir=index_dir, options=options, resume=resume, overwrite=overwrite, on_progress=on_progress)
    if workers is None and scheduler is None:
        return score_to_folder(inputs, out, **run)  # type: ignore[arg-type]
    with open_client(workers, scheduler) as client:
        if on_cluster is not None:
            on_cluster(dashboard_link(client), len(client.scheduler_info().get("workers", {})))
        return score_to_folder(inputs, out, client=client, **run)  # type: ignore[arg-type]


def build_index_distributed(
    catalog: str | Path, *, workers: int | None = None, scheduler: str | None = None, **options: Any
) -> IndexSummary:
    """``build_index`` with its encoding spread over a Dask cluster through joblib's dask backend:
    a local one of ``workers`` processes, or the one at ``scheduler``. Same index as one process."""
    from .scale.cluster import joblib_on_dask, open_client

    with open_client(workers, scheduler) as client, joblib_on_dask(client):
        return build_index(catalog, jobs=-1, **options)


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
) -> tuple[Any, dict[str, Any]]:
    """Domain-adapt the encoder on the shared data folder (``recommender train``); see recommender/training/train.py."""
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
) -> list[Any]:
    """Sentence → every skill ranked: RP@5, RP@10, MRR for each ranking ``forms`` names
    (``labels``, ``all``, ``hybrid``, ``both`` = labels and all, ``every`` = the three)."""
    from .evaluation.evaluate import FORM_SETTINGS
    from .evaluation.evaluate import evaluate_skills as run
    from .inputs.taxonomy import load_taxonomy

    chosen = {"both": ["labels", "all"], "every": list(FORM_SETTINGS)}.get(forms, [forms])
    vocabulary = load_taxonomy(taxonomy)
    return [run(data, vocabulary, encoder=encoder, forms=f, labels=labels) for f in chosen]


def evaluate_titles(data: str | Path, occupations: str | Path, *, encoder: str | None = None) -> Any:
    """Job title → ESCO occupation: accuracy@1, accuracy@5, MRR."""
    from .evaluation.evaluate import evaluate_titles as run

    return run(data, occupations, encoder=encoder)


def evaluate_roles(
    data: str | Path,
    taxonomy: str | Path,
    *,
    occupations: str | Path | None = None,
    profiles: Sequence[str] | None = None,
    encoder: str | None = None,
) -> list[Any]:
    """Job ad or occupation description → the role's skills: Recall@20 and MAP per profile."""
    from .evaluation.roles import PROFILES
    from .evaluation.roles import evaluate_roles as run

    return run(data, taxonomy, occupations or taxonomy, encoder=encoder, profiles=profiles or PROFILES)


def evaluate_ranking(
    data: str | Path,
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
) -> list[Any]:
    """Postings → ranked credentials against graded pairs, for the engine and the TF-IDF and dense
    baselines in one run: nDCG@5, nDCG@10, P@5, unjudged results, condensed nDCG@5."""
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


# ---------------------------------------------------------------- serve (recommender/service/)
def serve(
    model_dir: str | Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    max_body: int = 1_000_000,
    max_text_chars: int = 20_000,
    progress: bool = False,
    on_start: Callable[[], None] | None = None,
) -> None:
    """Serve the HTTP API and the web page over an index until interrupted (``recommender serve``).

    The index is opened first (the default one is built from the embedded catalog when missing,
    as for ``query``), so a bad model dir fails here with its message rather than in a worker;
    ``on_start`` is called once it is open, just before the server starts.
    """
    from .service import ServiceConfig, run_server
    from .service.server import check_options

    check_options(port=port, workers=workers)
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    model = open_index(path, progress=progress)
    config = ServiceConfig(max_body=max_body, max_text_chars=max_text_chars)
    if on_start is not None:
        on_start()
    run_server(path, host=host, port=port, workers=workers, config=config, model=model if workers == 1 else None)

"""Building an index: a catalog (and a vocabulary) profiled by a ``Recommender`` and written atomically.

``build_index(catalog, model_dir, IndexOptions(...))`` is what ``recommender index`` runs: it reads the
catalog and the vocabulary, picks the encoder (the trained ESCO one only where it won on validation),
fits the engine, attaches ESCO occupations found beside the taxonomy, and saves the index with the
hashes of its inputs (``index_io.save_index``), one writer per model dir (``locking.index_lock``).
Building needs the ``embed`` extra; the modules it uses are imported inside the functions, so opening
and querying an index never pays for them.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..defaults import CATALOG_FILE, SKILLS_FILE, default_model_dir, embedded_data_dir
from ..errors import InvalidInputError
from ..matching.settings import Settings
from ..progress import naming, stage
from .artifacts import CURRENT, file_sha256, read_manifest

if TYPE_CHECKING:
    from ..inputs.catalog import Catalog
    from ..inputs.taxonomy import Vocabulary

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexOptions:
    """How to build an index: how the catalog is read, the vocabulary, the encoder and its cache.

    ``mapping``: ``FIELD=COLUMN[+COLUMN...]`` specs for the catalog (``--map``); ``catalog_language``
    picks a standard catalog's language maps (CTDL, ELM). ``taxonomy``: the skill vocabulary (default:
    the catalog's declared skills); ESCO ``occupations`` (or the taxonomy folder, when it holds
    ``occupations_en.csv``; ``use_occupations=False`` turns this off) join role profiles.
    ``encoder``: a spec (default: the packaged model, or the trained ESCO one where it won);
    ``settings`` default to the ones calibrated for it. Embeddings are cached on disk (``cache_dir``,
    default ``$RECOMMENDER_CACHE_DIR`` or ``models/.embedding-cache``) unless ``use_cache=False``, so
    re-indexing encodes only new texts. ``jobs`` > 1 (or -1: every core, or every Dask worker inside
    ``scale.cluster.joblib_on_dask``) encodes what the cache lacks in joblib workers: the same index.
    ``embedded`` marks the default index built from the embedded catalog.
    """

    mapping: Sequence[str] = ()
    taxonomy: str | Path | None = None
    occupations: str | Path | None = None
    use_occupations: bool = True
    encoder: str | None = None
    settings: Settings | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    file_format: str | None = None
    strict: bool = False
    catalog_language: str = "en"
    cache_dir: str | Path | None = None
    use_cache: bool = True
    jobs: int = 1
    embedded: bool = False


@dataclass(frozen=True)
class IndexSummary:
    """What ``build_index`` wrote."""

    model_dir: str
    version: str
    counts: dict[str, int] = field(default_factory=dict)
    catalog_report: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_dir": self.model_dir,
            "version": self.version,
            "counts": self.counts,
            "catalog_report": self.catalog_report,
            "seconds": round(self.seconds, 2),
        }


def build_index(
    catalog: str | Path,
    model_dir: str | Path | None = None,
    options: IndexOptions | None = None,
    *,
    wait: bool = True,
    progress: bool = False,
) -> IndexSummary:
    """Load a catalog (and a vocabulary), profile it, and write the index into ``model_dir`` atomically.

    One run at a time writes to ``model_dir``: a second one waits for the first (logging that it
    does), or raises :class:`ArtifactError` at once with ``wait=False``.
    """
    from .locking import index_lock

    started = time.perf_counter()
    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    if folder.is_file():
        raise InvalidInputError(f"--model-dir {folder} is a file; give a folder for the index")
    created = _first_missing(folder)  # what this run creates, and removes again if it fails
    try:
        with index_lock(folder, wait=wait):
            return _build_locked(catalog, folder, options or IndexOptions(), progress, started)
    except BaseException:
        if created is not None and not (folder / CURRENT).exists():
            shutil.rmtree(created, ignore_errors=True)  # a failed first build leaves nothing behind
        raise


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder of ``folder``'s path that does not exist yet (None: ``folder`` exists)."""
    missing = None
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _build_locked(
    catalog: str | Path, model_dir: Path, options: IndexOptions, progress: bool, started: float
) -> IndexSummary:
    from ..encoders.trained import calibrated_settings, default_encoder_for
    from ..formats.readers import load_catalog
    from ..inputs.catalog import CATALOG_FIELDS
    from ..inputs.skill_structure import load_skill_structure
    from ..inputs.tabular import parse_mapping
    from ..inputs.taxonomy import load_taxonomy
    from ..matching.engine import Recommender
    from ..skills.occupations import load_occupations
    from .index_io import save_index

    fields = parse_mapping(options.mapping, known_fields=CATALOG_FIELDS) if options.mapping else None
    with stage(f"reading the catalog {Path(catalog).name}", show=progress):
        loaded = load_catalog(
            catalog, mapping=fields, delimiter=options.delimiter, encoding=options.encoding,
            file_format=options.file_format, strict=options.strict, language=options.catalog_language,
        )  # fmt: skip
    logger.info("catalog: %s", loaded.report.summary())
    vocabulary = None
    if options.taxonomy is not None:
        with stage(f"reading the skill vocabulary {Path(options.taxonomy).name}", show=progress):
            vocabulary = load_taxonomy(options.taxonomy)
    encoder = options.encoder if options.encoder is not None else default_encoder_for(vocabulary)
    settings = options.settings if options.settings is not None else calibrated_settings(Settings(), encoder)
    structure = None
    if vocabulary is not None and vocabulary.source == "esco" and options.taxonomy is not None:
        structure = load_skill_structure(options.taxonomy, vocabulary)  # ESCO's broader/related links
    text_encoder = _text_encoder(encoder, options, lambda: _stage_names(loaded, vocabulary))
    credentials = len(loaded.credentials)
    with stage(f"profiling {credentials:,} credentials", show=progress), naming("catalog segments"):
        model = Recommender(text_encoder, settings).fit(loaded, vocabulary, structure=structure, progress=progress)
    occupations = occupations_folder(options, vocabulary) if options.use_occupations else None
    if occupations is not None:
        found = load_occupations(occupations)
        with stage(f"indexing {len(found):,} ESCO occupations", show=progress), naming("occupation texts"):
            model.attach_occupations(found, progress=progress)
    inputs = _input_record(catalog, loaded, options, vocabulary, occupations)
    with stage(f"writing the index into {model_dir}", show=progress):
        version = save_index(model, model_dir, inputs=inputs)
    counts = read_manifest(version)["counts"]
    return IndexSummary(str(model_dir), version.name, counts, loaded.report.summary(), time.perf_counter() - started)


def _text_encoder(spec: str | None, options: IndexOptions, names: Callable[[], dict[str, set[str]]]) -> Any:
    """The encoder ``spec`` names (None: the default), over ``options.jobs`` workers, behind the embedding
    cache; ``names`` label its progress (``NamingEncoder``)."""
    from ..encoders.base import NamingEncoder
    from ..encoders.cache import CachedEncoder
    from ..encoders.load import load_encoder
    from ..encoders.parallel import ParallelEncoder

    encoder: Any = load_encoder(spec)
    if options.jobs != 1:
        encoder = ParallelEncoder(encoder, options.jobs)
    encoder = NamingEncoder(encoder, names())
    if options.use_cache:
        encoder = CachedEncoder(encoder, options.cache_dir)
    _encode_through_query_encoder(encoder, options)
    return encoder


def _encode_through_query_encoder(encoder: Any, options: IndexOptions) -> None:
    """A sentence-transformers model encodes the index through the ONNX export queries will use (made
    here once per model, then found by the save): index and queries get the same vectors, faster."""
    from ..encoders.backends import query_encoder_files, unwrap_encoder
    from ..encoders.sentence import SentenceTransformerEncoder

    inner = unwrap_encoder(encoder)
    if options.jobs != 1 or not isinstance(inner, SentenceTransformerEncoder):
        return  # worker processes (--jobs) load the model from its spec; hash and static encoders are fast
    files = query_encoder_files(encoder)  # as the save asks for it: the same folder, exported once
    if files is not None and files[1]["kind"] == "onnx":
        inner.use_onnx(files[0])


def _stage_names(loaded: Catalog, vocabulary: Vocabulary | None) -> dict[str, set[str]]:
    """What the encoder is given while an index is built, by name: the vocabulary's names and descriptions
    and the credentials' whole documents (the rest is catalog segments, or occupations)."""
    from ..inputs.taxonomy import vocabulary_from_catalog
    from ..matching.engine import credential_document

    names = {"credential documents": {credential_document(c) for c in loaded.credentials}}
    try:
        base = vocabulary if vocabulary is not None else vocabulary_from_catalog(loaded)
    except InvalidInputError:
        return names  # fitting says what is wrong with the catalog
    described = {skill.description for skill in base if skill.description}
    return {"skill names": set(base.surface_forms()[0]), "skill descriptions": described, **names}


def _input_record(
    catalog: str | Path, loaded: Catalog, options: IndexOptions, vocabulary: Vocabulary | None, occupations: Path | None
) -> dict[str, Any]:
    """The manifest's ``inputs``: each input's path, file hash and content hash (the catalog's mapping too)."""
    from ..skills.occupations import OCCUPATIONS_FILE, RELATIONS_FILE

    inputs: dict[str, Any] = {
        "embedded": options.embedded,
        "catalog": {
            "path": str(catalog),
            "sha256": file_sha256(Path(catalog)),
            "content_sha256": loaded.content_hash(),
            "mapping": list(options.mapping),
            "report": loaded.report.summary(),
        },
        "taxonomy": None,
    }
    if vocabulary is not None and options.taxonomy is not None:
        taxonomy = Path(options.taxonomy)
        inputs["taxonomy"] = {
            "path": str(options.taxonomy),
            "sha256": file_sha256(taxonomy / "skills_en.csv" if taxonomy.is_dir() else taxonomy),
            "content_sha256": vocabulary.content_hash(),
            "source": vocabulary.source,
        }
    if occupations is not None:
        inputs["occupations"] = {
            "path": str(occupations),
            "sha256": {name: file_sha256(occupations / name) for name in (OCCUPATIONS_FILE, RELATIONS_FILE)},
        }
    return inputs


def occupations_folder(options: IndexOptions, vocabulary: Vocabulary | None) -> Path | None:
    """The ESCO folder whose occupations join role profiles: given, or beside an ESCO taxonomy."""
    from ..skills.occupations import OCCUPATIONS_FILE, RELATIONS_FILE, find_occupations_folder

    if options.occupations is not None:
        folder = find_occupations_folder(options.occupations)
        if folder is None:
            raise InvalidInputError(
                f"--occupations {options.occupations}: no {OCCUPATIONS_FILE} and {RELATIONS_FILE} there; "
                "pass ESCO's CSV export folder"
            )
        if vocabulary is None or vocabulary.source != "esco":
            raise InvalidInputError("--occupations needs an ESCO vocabulary: pass --taxonomy ESCO_FOLDER too")
        return folder
    if options.taxonomy is None or vocabulary is None or vocabulary.source != "esco":
        return None
    return find_occupations_folder(options.taxonomy)


def embedded_inputs() -> tuple[Path, Path]:
    """The embedded catalog and its skill vocabulary (the default index's inputs)."""
    data = embedded_data_dir()
    return data / CATALOG_FILE, data / SKILLS_FILE


def build_default_index(model_dir: str | Path | None = None, *, progress: bool = False) -> IndexSummary:
    """Index the embedded catalog with its own skill vocabulary and the default encoder."""
    catalog, skills = embedded_inputs()
    return build_index(catalog, model_dir, IndexOptions(taxonomy=skills, embedded=True), progress=progress)

"""Where things live by default: the embedded catalog, the shipped default index, and the per-user folders.

Nothing goes where a command happens to run. Indexes and a trained encoder go in the user's data
folder and the embedding cache in the user's cache folder (platformdirs: ``~/.local/share/recommender``
and ``~/.cache/recommender`` on Linux, ``~/Library/Application Support/recommender`` and
``~/Library/Caches/recommender`` on macOS, ``%LOCALAPPDATA%\\recommender`` on Windows), each overridable by
an environment variable (:data:`ENVIRONMENT` lists every variable the package reads; docs/environment.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ArtifactError

APP_NAME = "recommender"
CATALOG_FILE = "catalog.jsonl"
SKILLS_FILE = "skills.csv"
PACKAGED_INDEX = "default-index"  # the default index built when the package is built (hatch_build.py)
MODEL_DIR_ENV = "RECOMMENDER_MODEL_DIR"
CACHE_DIR_ENV = "RECOMMENDER_CACHE_DIR"
TRAINED_ENCODER_ENV = "RECOMMENDER_TRAINED_ENCODER"

# Every environment variable the package reads, and what it does (docs/environment.md is this table).
ENVIRONMENT: dict[str, str] = {
    MODEL_DIR_ENV: "The index folder commands use without --model-dir (default: the index shipped in the package, "
    "else <user data>/default).",
    CACHE_DIR_ENV: "The embedding cache that makes re-indexing encode only new text "
    "(default: <user cache>/embeddings).",
    TRAINED_ENCODER_ENV: "The encoder `recommender train` wrote, used by ESCO indexes where it won on validation "
    "(default: <user data>/encoder-esco).",
    "RECOMMENDER_SHARED_DATA": "The shared real-data folder the tests, `train` and the benchmarks read "
    "(default: ../shared/data beside the repository).",
    "RECOMMENDER_API_KEY": "With it set, `serve` requires 'Authorization: Bearer <key>' on /v1.",
    "RECOMMENDER_BACKEND": "'reference' makes queries load sentence-transformers instead of the index's ONNX export.",
    "RECOMMENDER_ONNX_THREADS": "Threads the ONNX encoder uses (default: one per core).",
    "RECOMMENDER_ENCODER_PRECISION": "int8: encode queries and postings with the index's int8 twin of its ONNX "
    "encoder (about 1.5 x faster batch scoring per core; answers change slightly); default float32.",
    "RECOMMENDER_CANDIDATES": "'exact' makes an index of 20,000+ credentials scan every credential instead of its "
    "candidate stage (an HNSW graph over the credentials' documents and each skill's strongest holders).",
    "RECOMMENDER_ANN_EF": "How many candidates the candidate stage's HNSW search keeps (efSearch; default 128, "
    "raised to the depth asked for).",
    "RECOMMENDER_REFERENCE_NEIGHBORS": "'1' uses scikit-learn's neighbour indexes instead of their numpy twins.",
    "RECOMMENDER_SKIP_DEFAULT_INDEX": "'1' when building the package: ship no default index (the first query then "
    "builds it into <user data>/default, which needs the embed extra).",
    "NO_COLOR": "Tables and messages without colour (rich's convention).",
    "RECOMMENDER_SERVE_MODEL_DIR": "Internal: how `serve --workers N` hands its settings to the worker processes "
    "(with RECOMMENDER_SERVE_MAX_BODY, _MAX_TEXT and _MAX_UPLOAD); not for users to set.",
}


def data_home() -> Path:
    """The user's data folder for recommender (platformdirs' ``user_data_path``)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_home() -> Path:
    """The user's cache folder for recommender (platformdirs' ``user_cache_path``)."""
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def embedded_data_dir() -> Path:
    """The embedded catalog folder: packaged in the wheel, or ``data/`` beside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / CATALOG_FILE).exists():
            return candidate
    raise ArtifactError(
        f"the embedded catalog ({CATALOG_FILE}) is missing from this installation; reinstall recommender"
    )


def packaged_index_dir() -> Path | None:
    """The default index built when the package was built (``recommender/_data/default-index``), if shipped."""
    folder = Path(__file__).resolve().parent / "_data" / PACKAGED_INDEX
    return folder if (folder / "CURRENT").is_file() else None


def default_model_dir() -> Path:
    """``$RECOMMENDER_MODEL_DIR`` if set, else ``default`` in the user's data folder.

    Without the variable, an empty or missing folder here means "the index shipped in the package"
    (``store.live.locate_index``): nothing is written here unless that one is missing or stale.
    """
    return Path(os.environ.get(MODEL_DIR_ENV) or data_home() / "default")


def default_cache_dir() -> Path:
    """``$RECOMMENDER_CACHE_DIR`` if set, else ``embeddings`` in the user's cache folder."""
    return Path(os.environ.get(CACHE_DIR_ENV) or cache_home() / "embeddings")


def default_trained_dir() -> Path:
    """``$RECOMMENDER_TRAINED_ENCODER`` if set, else ``encoder-esco`` in the user's data folder (`train` writes
    there)."""
    return Path(os.environ.get(TRAINED_ENCODER_ENV) or data_home() / "encoder-esco")

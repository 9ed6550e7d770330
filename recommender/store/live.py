"""Opening an index: ``open_index``, the one way the CLI, the library, the HTTP service's hot swap and
the Dask workers get a ``Recommender`` from a model dir.

It reads the version ``CURRENT`` names (``index_io.load_index``, verified), retrying when a rebuild
swaps that version out while it is being read; the default model dir is first built from the
embedded catalog when it is missing or was built from an older one (never when the user built their
own index there).
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from pathlib import Path

from ..defaults import default_model_dir
from ..errors import ArtifactError
from ..matching.engine import Recommender
from ..matching.settings import Settings
from .artifacts import CURRENT, MANIFEST, file_sha256, read_manifest, resolve_version
from .build import build_default_index, embedded_inputs
from .index_io import DOCUMENT_VECTORS, load_index

logger = logging.getLogger(__name__)

SWAP_RETRIES = 4  # loads retried when the live version is replaced (and removed) while being read


def open_index(model_dir: str | os.PathLike[str] | None = None, *, progress: bool = False) -> Recommender:
    """The index in ``model_dir`` (default ``$RECOMMENDER_MODEL_DIR`` or ``models/default``), or a
    version folder in it. The default model dir is built from the embedded catalog when missing or stale.

    Each version folder is immutable, so what is returned comes from one complete index; when a
    rebuild swaps the live version out (and removes it) while it is being read, the new one is loaded.
    """
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    if path.resolve() == default_model_dir().resolve() and needs_default_build(path):
        logger.warning("building the default index from the embedded catalog in %s (first run only)", path)
        build_default_index(path, progress=progress)
    retries = SWAP_RETRIES
    while True:
        live = resolve_version(path)
        try:
            return load_index(path)
        except ArtifactError:
            if retries == 0 or resolve_version(path) == live:
                raise
            retries -= 1
            logger.info("the index in %s was replaced while loading; loading the new one", path)


def needs_default_build(model_dir: Path) -> bool:
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
    catalog_path, skills_path = embedded_inputs()
    taxonomy = inputs.get("taxonomy") or {}
    return (
        inputs["catalog"].get("sha256") != file_sha256(catalog_path)
        or taxonomy.get("sha256") != file_sha256(skills_path)
        or manifest.get("encoder", {}).get("spec") != "default"
        or manifest.get("settings") != asdict(Settings())
        or manifest.get("documents") != DOCUMENT_VECTORS
    )

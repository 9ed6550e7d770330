"""Opening an index: ``open_index``, the one way the CLI, the library, the HTTP service's hot swap and
the Dask workers get a ``Recommender`` from a model dir.

``locate_index`` says which folder a model dir means. Without one (and without
``$RECOMMENDER_MODEL_DIR``) it is the default index: the one shipped in the package, built from the
embedded catalog when the package was built (``hatch_build.py``) and verified like any index, read
where it was installed, so nothing is written where a command runs (into an empty
``$RECOMMENDER_MODEL_DIR`` it is copied). Only when the package shipped none, or one built from an
older catalog or with other settings, is the default index built, once, in the user's data folder
(``defaults.default_model_dir``), and rebuilt there when it goes stale (never when the user built their
own index there). ``open_index`` then reads the version ``CURRENT`` names (``index_io.load_index``,
verified), retrying when a rebuild swaps that version out while it is read.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from pathlib import Path

from ..defaults import MODEL_DIR_ENV, default_model_dir, packaged_index_dir
from ..errors import ArtifactError
from ..matching.engine import Recommender
from ..matching.settings import Settings
from .artifacts import CURRENT, MANIFEST, file_sha256, read_manifest, resolve_version
from .build import build_default_index, embedded_inputs
from .index_io import DOCUMENT_VECTORS, load_index

logger = logging.getLogger(__name__)

SWAP_RETRIES = 4  # loads retried when the live version is replaced (and removed) while being read


def open_index(model_dir: str | os.PathLike[str] | None = None, *, progress: bool = False) -> Recommender:
    """The index in ``model_dir`` (default: the default index, :func:`locate_index`), or a version folder in it.

    Each version folder is immutable, so what is returned comes from one complete index; when a
    rebuild swaps the live version out (and removes it) while it is being read, the new one is loaded.
    """
    path = locate_index(model_dir, progress=progress)
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


def locate_index(model_dir: str | os.PathLike[str] | None = None, *, progress: bool = False) -> Path:
    """The index folder ``model_dir`` means; for the default model dir, the default index (built if need be).

    ``model_dir`` None or the default model dir: that folder when it holds an index of the user's
    own or a current default index; else the index shipped in the package when it is current (read
    where it is; copied into ``$RECOMMENDER_MODEL_DIR`` when that is set); else the default index is
    built into the default model dir first (a one-off that needs the ``embed`` extra).
    """
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    if path.resolve() != default_model_dir().resolve() or not needs_default_build(path):
        return path
    packaged = packaged_index_dir()
    if packaged is not None and not is_stale_default(packaged):
        if not os.environ.get(MODEL_DIR_ENV):
            return packaged  # read where it was installed: nothing written
        copy_packaged_index(packaged, path)  # $RECOMMENDER_MODEL_DIR names where the default index lives
        return path
    if packaged is not None:
        logger.warning("the default index shipped in the package is out of date (built from another catalog)")
    logger.warning("building the default index from the embedded catalog in %s (first run only; about 2 minutes)", path)
    build_default_index(path, progress=progress)
    return path


def copy_packaged_index(packaged: Path, model_dir: Path) -> None:
    """Put the shipped default index's live version into ``model_dir`` (empty or missing) as its live
    index: copied beside, renamed into place, then ``CURRENT`` written; verified when it is loaded."""
    import shutil
    import uuid

    from .locking import index_lock

    version = resolve_version(packaged)
    with index_lock(model_dir):
        if (model_dir / CURRENT).exists():
            return  # another process put an index here first
        logger.info("copying the default index shipped in the package into %s", model_dir)
        temporary = model_dir / f".{version.name}.{uuid.uuid4().hex[:8]}"
        shutil.copytree(version, temporary, ignore=shutil.ignore_patterns(".*"))
        os.replace(temporary, model_dir / version.name)
        pointer = model_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
        pointer.write_text(version.name, encoding="utf-8")
        os.replace(pointer, model_dir / CURRENT)


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
    if not manifest.get("inputs", {}).get("embedded"):
        return False  # the user built their own index here: never replace it
    return is_stale_default(model_dir)


def is_stale_default(model_dir: Path) -> bool:
    """Whether a default index was built from another embedded catalog, encoder, settings or document format."""
    try:
        manifest = read_manifest(resolve_version(model_dir))
    except ArtifactError:
        return True
    inputs = manifest.get("inputs", {})
    catalog_path, skills_path = embedded_inputs()
    taxonomy = inputs.get("taxonomy") or {}
    return (
        not inputs.get("embedded")
        or inputs.get("catalog", {}).get("sha256") != file_sha256(catalog_path)
        or taxonomy.get("sha256") != file_sha256(skills_path)
        or manifest.get("encoder", {}).get("spec") != "default"
        or manifest.get("settings") != asdict(Settings())
        or manifest.get("documents") != DOCUMENT_VECTORS
    )


def build_packaged_index(model_dir: str | os.PathLike[str]) -> str:
    """Build the default index into ``model_dir`` for a package (``hatch_build.py``), unless a current
    one is there; verify it as any index is (checksums, then a query); return a one-line summary.

    The lock file and the verification stamp are left out: the installed copy is verified afresh.
    """
    from .artifacts import STAMP
    from .locking import LOCK_FILE

    path = Path(model_dir)
    if (path / CURRENT).is_file() and not is_stale_default(path):
        outcome = f"the default index in {path} is current"
    else:
        summary = build_default_index(path)
        outcome = f"built the default index in {path}: {summary.counts.get('credentials')} credentials"
    answer = load_index(path).recommend("SQL and Python for data analysis", k=3)
    if not answer.recommendations:
        raise ArtifactError(f"the default index in {path} answers nothing; it is not fit to ship")
    (path / LOCK_FILE).unlink(missing_ok=True)
    (resolve_version(path) / STAMP).unlink(missing_ok=True)
    return f"{outcome}; verified ({resolve_version(path).name})"

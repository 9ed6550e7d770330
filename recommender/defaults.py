"""Where the embedded default catalog lives and where indexes go by default."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ArtifactError

CATALOG_FILE = "catalog.jsonl"
SKILLS_FILE = "skills.csv"
MODEL_DIR_ENV = "RECOMMENDER_MODEL_DIR"
DEFAULT_MODEL_DIR = Path("models") / "default"


def embedded_data_dir() -> Path:
    """The embedded catalog folder: packaged in the wheel, or ``data/`` beside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / CATALOG_FILE).exists():
            return candidate
    raise ArtifactError(
        f"the embedded catalog ({CATALOG_FILE}) is missing from this installation; reinstall recommender"
    )


def default_model_dir() -> Path:
    """``$RECOMMENDER_MODEL_DIR`` if set, else ``models/default`` under the working directory."""
    return Path(os.environ.get(MODEL_DIR_ENV) or DEFAULT_MODEL_DIR)

"""A static (model2vec) encoder distilled from the default one: tens of times faster, a little less exact.

``--encoder static`` distils all-MiniLM-L6-v2 with model2vec once (about 15 s; needs torch and
``pip install 'recommender[distill]'``) into ``<embedding cache>/static/<source fingerprint>`` and
reuses it; ``--encoder static:PATH`` (or a path to a model2vec folder) uses an existing static
model. An index built with it carries a copy of the model, so queries need only ``model2vec``
(numpy, safetensors, tokenizers; ``pip install 'recommender[static]'``) — no torch. docs/performance.md
compares its speed and its quality on the TECH/HOUSE sets with the default encoder's.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidInputError
from ..extras import import_extra
from .base import normalize_rows, weights_fingerprint
from .sentence import default_model_path

logger = logging.getLogger(__name__)

STATIC = "static"
PCA_DIMS = 256


def is_static_model(path: Path) -> bool:
    """True when ``path`` is a model2vec folder (config.json says ``model_type: model2vec``, or
    modules.json starts with a ``StaticEmbedding`` kept in the folder itself)."""
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        if isinstance(config, dict) and config.get("model_type") == "model2vec":
            return True
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    first = modules[0] if isinstance(modules, list) and modules else {}
    return (
        str(first.get("type", "")).endswith("StaticEmbedding")
        and first.get("path") in {"", "."}
        and (path / "model.safetensors").exists()
    )


def distilled_path(cache_dir: str | Path | None = None) -> Path:
    """Where ``--encoder static`` keeps the model distilled from the default encoder."""
    from .cache import default_cache_dir

    source = default_model_path()
    return Path(cache_dir or default_cache_dir()) / STATIC / f"{weights_fingerprint(source)}-pca{PCA_DIMS}"


def distill_default(out: Path) -> Path:
    """Distil the default encoder into a model2vec folder at ``out`` (atomically)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    distill = import_extra("model2vec.distill", "distill").distill
    logger.warning("distilling a static encoder from the default one into %s (first use only)", out)
    model = distill(model_name=str(default_model_path()), pca_dims=PCA_DIMS, device="cpu")
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}")
    model.save_pretrained(str(temporary))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():  # another process finished first: keep its copy
        shutil.rmtree(temporary, ignore_errors=True)
    else:
        os.replace(temporary, out)
    return out


class StaticEncoder:
    """A model2vec ``StaticModel``: a token-embedding table, mean-pooled and normalised."""

    def __init__(self, path: str | Path | None = None, *, spec: str | None = None) -> None:
        self._distill = path is None
        self.path = distilled_path() if path is None else Path(path).expanduser()
        if not self._distill and not is_static_model(self.path):
            raise InvalidInputError(f"{self.path} is not a model2vec folder (config.json with model_type model2vec)")
        self._spec = spec or (STATIC if self._distill else f"{STATIC}:{self.path}")
        self._model: Any = None
        self._fingerprint: str | None = None

    @property
    def spec(self) -> str:
        return self._spec

    def folder(self) -> Path:
        """The model's folder (distilled from the default encoder first, for ``--encoder static``)."""
        if self._distill and not self.path.exists():
            distill_default(self.path)
        return self.path

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = "static-" + weights_fingerprint(self.folder())
        return self._fingerprint

    def load(self) -> Any:
        """The model2vec ``StaticModel``, loaded on first use (the ``static`` extra)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            StaticModel = import_extra("model2vec", "static").StaticModel
            self._model = StaticModel.from_pretrained(str(self.folder()), force_download=False)
        return self._model

    @property
    def dim(self) -> int:
        return int(self.load().dim)

    def encode(self, texts: Sequence[str], *, batch_size: int = 1024, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.load().encode(list(texts), use_multiprocessing=False, batch_size=max(batch_size, 1024))
        return normalize_rows(np.asarray(vectors, dtype=np.float32))

    def copy_to(self, out: Path) -> Path:
        """Copy the model's files into ``out`` (an index carries the encoder its queries use)."""
        shutil.copytree(self.folder(), out, ignore=shutil.ignore_patterns("*.md"))
        return out

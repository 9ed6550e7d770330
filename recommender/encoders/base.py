"""What every encoder is: the ``Encoder`` protocol, unit-length rows, and a weights fingerprint.

An encoder turns texts into L2-normalised float32 vectors. The concrete encoders (sentence-transformers,
ONNX, static, hashing) live beside this module; ``load.load_encoder`` picks one from a spec string.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..progress import naming, noun, showing, stage

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


class EncoderWrapper:
    """Something around another encoder (``inner``: a cache, a process pool) that gives its vectors:
    the same spec, size and fingerprint."""

    inner: Encoder

    @property
    def spec(self) -> str:
        return self.inner.spec

    @property
    def dim(self) -> int:
        return self.inner.dim

    def fingerprint(self) -> str:
        return self.inner.fingerprint()


class NamingEncoder(EncoderWrapper):
    """Names what each call encodes, for the progress label ("encoding 1,234 skill names"): a call whose
    first text is in one of ``names``' sets is named by its key; any other keeps the name around it
    (``progress.naming``). The vectors are the inner encoder's, untouched."""

    def __init__(self, encoder: Encoder, names: dict[str, set[str]]) -> None:
        self.inner = encoder
        self.names = names

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        first = texts[0] if len(texts) else None
        name = next((name for name, members in self.names.items() if first in members), None)
        if name is None:
            return self.inner.encode(texts, batch_size=batch_size, progress=progress)
        with naming(name):
            return self.inner.encode(texts, batch_size=batch_size, progress=progress)


def encode_in_chunks(
    encode: Callable[[list[str]], np.ndarray], texts: Sequence[str], *, progress: bool, chunk: int = 512
) -> np.ndarray:
    """``encode(texts)``, drawn as a bar "encoding N <what>" (``progress.naming``) when ``progress`` is
    asked for and stderr is a terminal: the texts then go through ``encode`` ``chunk`` at a time."""
    texts = list(texts)
    if not showing(progress) or len(texts) <= chunk:
        return encode(texts)
    parts = []
    with stage(f"encoding {len(texts):,} {noun()}", total=len(texts)) as advance:
        for start in range(0, len(texts), chunk):
            parts.append(encode(texts[start : start + chunk]))
            advance(len(parts[-1]))
    return np.vstack(parts)


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (zero rows stay zero) as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def weights_fingerprint(folder: Path) -> str:
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

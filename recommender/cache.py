"""A disk cache of embeddings keyed by encoder fingerprint and text hash.

Re-indexing a catalog after a few edits, or indexing a second catalog against the same
taxonomy, then encodes only the texts it has not seen. Entries live in append-only shards
(``keys-N.npy`` of 16-byte text hashes beside ``vectors-N.npy``) under one folder per encoder
fingerprint; a shard is written to a temporary name and renamed, so a crash never leaves a
half-written shard that a later run would trust.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .encoder import Encoder

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "RECOMMENDER_CACHE_DIR"
_KEY_BYTES = 16


def default_cache_dir() -> Path:
    """``$RECOMMENDER_CACHE_DIR`` if set, else ``models/.embedding-cache``."""
    return Path(os.environ.get(CACHE_DIR_ENV) or Path("models") / ".embedding-cache")


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY_BYTES).digest()


class CachedEncoder:
    """Wrap an encoder so each distinct text is encoded at most once across runs."""

    def __init__(self, encoder: Encoder, cache_dir: str | Path | None = None) -> None:
        self.inner = encoder
        self.folder = Path(cache_dir or default_cache_dir()) / encoder.fingerprint()
        self._rows: dict[bytes, tuple[int, int]] | None = None
        self._shards: list[np.ndarray] = []
        self.hits = 0
        self.misses = 0

    @property
    def spec(self) -> str:
        return self.inner.spec

    @property
    def dim(self) -> int:
        return self.inner.dim

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def _load(self) -> dict[bytes, tuple[int, int]]:
        if self._rows is None:
            self._rows = {}
            for keys_path in sorted(self.folder.glob("keys-*.npy")):
                vectors_path = keys_path.with_name(keys_path.name.replace("keys-", "vectors-"))
                try:
                    keys = np.load(keys_path, allow_pickle=False)
                    vectors = np.load(vectors_path, allow_pickle=False, mmap_mode="r")
                except (OSError, ValueError):
                    logger.warning("ignoring unreadable embedding cache shard %s", keys_path)
                    continue
                if len(keys) != len(vectors):
                    logger.warning("ignoring inconsistent embedding cache shard %s", keys_path)
                    continue
                shard = len(self._shards)
                self._shards.append(vectors)
                for row, key in enumerate(keys):
                    self._rows[bytes(key)] = (shard, row)
        return self._rows

    def _store(self, keys: list[bytes], vectors: np.ndarray) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = uuid.uuid4().hex[:12]
            for prefix, array in (("vectors", vectors), ("keys", np.array(keys, dtype=f"S{_KEY_BYTES}"))):
                temporary = self.folder / f".{prefix}-{name}.npy"
                np.save(temporary, array, allow_pickle=False)
                os.replace(temporary, self.folder / f"{prefix}-{name}.npy")
        except OSError as exc:  # a read-only cache must not break indexing
            logger.warning("could not write the embedding cache in %s: %s", self.folder, exc)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        rows = self._load()
        keys = [text_key(text) for text in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in rows:
                missing.setdefault(key, text)
        if missing:
            vectors = np.asarray(
                self.inner.encode(list(missing.values()), batch_size=batch_size, progress=progress), np.float32
            )
            self._store(list(missing), vectors)
            shard = len(self._shards)
            self._shards.append(vectors)
            for row, key in enumerate(missing):
                rows[key] = (shard, row)
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        first_shard, _ = rows[keys[0]]
        result = np.empty((len(keys), self._shards[first_shard].shape[1]), np.float32)
        for i, key in enumerate(keys):
            shard, row = rows[key]
            result[i] = self._shards[shard][row]
        return result

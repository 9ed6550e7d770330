"""Disk caches keyed by text hash: embeddings (per encoder) and nearest surface forms (per vocabulary).

Re-indexing a catalog after a few edits, or indexing a second catalog against the same taxonomy,
then encodes, and matches against the vocabulary, only the texts it has not seen. Entries live in
append-only shards (``keys-N.npy`` of 16-byte text hashes beside one ``<array>-N.npy`` per stored
array) under one folder per encoder fingerprint; a shard is written to temporary names and renamed,
keys last, so a crash never leaves a half-written shard that a later run would trust.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import Encoder

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "RECOMMENDER_CACHE_DIR"
_KEY_BYTES = 16


def default_cache_dir() -> Path:
    """``$RECOMMENDER_CACHE_DIR`` if set, else ``models/.embedding-cache``."""
    return Path(os.environ.get(CACHE_DIR_ENV) or Path("models") / ".embedding-cache")


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY_BYTES).digest()


class ShardStore:
    """Rows of named arrays keyed by 16-byte keys, kept in append-only ``.npy`` shards in ``folder``."""

    def __init__(self, folder: Path, arrays: Sequence[str]) -> None:
        self.folder = folder
        self.arrays = tuple(arrays)
        self._rows: dict[bytes, tuple[int, int]] | None = None
        self._shards: list[tuple[np.ndarray, ...]] = []

    def rows(self) -> dict[bytes, tuple[int, int]]:
        """Key → (shard, row), reading the shards on first use; unreadable shards are skipped."""
        if self._rows is None:
            self._rows = {}
            for keys_path in sorted(self.folder.glob("keys-*.npy")):
                try:
                    keys = np.load(keys_path, allow_pickle=False)
                    shard = tuple(
                        np.load(keys_path.with_name(keys_path.name.replace("keys-", f"{name}-")), mmap_mode="r")
                        for name in self.arrays
                    )
                except (OSError, ValueError):
                    logger.warning("ignoring unreadable cache shard %s", keys_path)
                    continue
                if any(len(array) != len(keys) for array in shard):
                    logger.warning("ignoring inconsistent cache shard %s", keys_path)
                    continue
                number = len(self._shards)
                self._shards.append(shard)
                for row, key in enumerate(keys):
                    self._rows[bytes(key)] = (number, row)
        return self._rows

    def add(self, keys: Sequence[bytes], *arrays: np.ndarray) -> None:
        """Keep rows for ``keys`` (in memory at once, on disk when the folder is writable)."""
        rows = self.rows()
        number = len(self._shards)
        self._shards.append(tuple(arrays))
        for row, key in enumerate(keys):
            rows[key] = (number, row)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = uuid.uuid4().hex[:12]
            named = [*zip(self.arrays, arrays, strict=True), ("keys", np.array(list(keys), dtype=f"S{_KEY_BYTES}"))]
            for prefix, array in named:
                temporary = self.folder / f".{prefix}-{name}.npy"
                np.save(temporary, array, allow_pickle=False)
                os.replace(temporary, self.folder / f"{prefix}-{name}.npy")
        except OSError as exc:  # a read-only cache must not break indexing
            logger.warning("could not write the cache in %s: %s", self.folder, exc)

    def get(self, keys: Sequence[bytes]) -> tuple[np.ndarray, ...]:
        """The stored rows of ``keys`` (all present), one array per name."""
        rows = self.rows()
        located = np.array([rows[key] for key in keys], dtype=np.int64).reshape(-1, 2)
        result = []
        for i, _ in enumerate(self.arrays):
            first = self._shards[int(located[0, 0])][i]
            out = np.empty((len(keys), *first.shape[1:]), first.dtype)
            for shard in np.unique(located[:, 0]):
                where = located[:, 0] == shard
                out[where] = self._shards[int(shard)][i][located[where, 1]]
            result.append(out)
        return tuple(result)


class CachedEncoder:
    """Wrap an encoder so each distinct text is encoded at most once across runs."""

    def __init__(self, encoder: Encoder, cache_dir: str | Path | None = None) -> None:
        self.inner = encoder
        self.root = Path(cache_dir or default_cache_dir())
        self.folder = self.root / encoder.fingerprint()
        self.store = ShardStore(self.folder, ["vectors"])
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

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        rows = self.store.rows()
        keys = [text_key(text) for text in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in rows:
                missing.setdefault(key, text)
        if missing:
            vectors = np.asarray(
                self.inner.encode(list(missing.values()), batch_size=batch_size, progress=progress), np.float32
            )
            self.store.add(list(missing), vectors)
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return self.store.get(keys)[0]


def neighbour_store(encoder: Encoder, forms_key: str, n_neighbors: int) -> ShardStore | None:
    """The store of nearest surface forms per segment text for ``encoder`` (a ``CachedEncoder``, else
    None: without an embedding cache there is nothing to key on) against the forms ``forms_key`` names."""
    if not isinstance(encoder, CachedEncoder):
        return None
    return ShardStore(encoder.folder / f"neighbours-{forms_key}-{n_neighbors}", ["indices", "similarities"])

"""Disk caches keyed by text hash: embeddings (per encoder) and nearest surface forms (per vocabulary).

Re-indexing a catalog after a few edits, or indexing a second catalog against the same taxonomy,
then encodes, and matches against the vocabulary, only the texts it has not seen. Entries live in
append-only shards (``keys-N.npy`` of 16-byte text hashes beside one ``<array>-N.npy`` per stored
array) under one folder per encoder fingerprint; a shard is written to temporary names, synced and
renamed, its checksums (``sums-N.json``: size and sha256 of every file) next and its keys last, so a
crash never leaves a half-written shard that a later run would trust, and a reader (another process
included) sees a shard whole or not at all. Shard files are never modified once renamed.

Every shard is verified on read: a truncated, zero-filled or bit-flipped file fails its checksum,
is logged once and deleted, and its entries are recomputed and written again by the caller. Shards
without checksums (written before they existed) are not used: their entries are recomputed into new,
checksummed shards (the old files are left alone, for other installations that share the folder).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..defaults import default_cache_dir
from .base import Encoder, EncoderWrapper

logger = logging.getLogger(__name__)

_KEY_BYTES = 16
_STALE_SECONDS = 3600  # a temporary shard file older than this belongs to a killed run


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY_BYTES).digest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _save_synced(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, array, allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


class ShardStore:
    """Rows of named arrays keyed by 16-byte keys, kept in append-only, checksummed ``.npy`` shards in ``folder``."""

    def __init__(self, folder: Path, arrays: Sequence[str]) -> None:
        self.folder = folder
        self.arrays = tuple(arrays)
        self._rows: dict[bytes, tuple[int, int]] | None = None
        self._shards: list[tuple[np.ndarray, ...]] = []

    def _files(self, name: str) -> dict[str, Path]:
        """The files of shard ``name``: one per array, then the keys."""
        return {prefix: self.folder / f"{prefix}-{name}.npy" for prefix in (*self.arrays, "keys")}

    def rows(self) -> dict[bytes, tuple[int, int]]:
        """Key → (shard, row), reading and verifying the shards on first use; damaged shards are dropped."""
        if self._rows is None:
            self._rows = {}
            unchecked = 0
            for keys_path in sorted(self.folder.glob("keys-*.npy")):
                name = keys_path.name[len("keys-") : -len(".npy")]
                if not (self.folder / f"sums-{name}.json").exists():
                    unchecked += 1
                    continue
                shard = self._read_shard(name)
                if shard is None:
                    continue
                keys, arrays = shard
                number = len(self._shards)
                self._shards.append(arrays)
                for row, key in enumerate(keys):
                    # numpy's S16 drops trailing zero bytes: pad them back, or 1 key in 256 never hits
                    self._rows[bytes(key).ljust(_KEY_BYTES, b"\0")] = (number, row)
            if unchecked:
                logger.warning(
                    "%d cache shards in %s carry no checksum (an older version wrote them): not used, their "
                    "entries are recomputed; delete those keys-*.npy files once no older version shares the folder",
                    unchecked, self.folder,
                )  # fmt: skip
            self._remove_stale_temporaries()
        return self._rows

    def _read_shard(self, name: str) -> tuple[np.ndarray, tuple[np.ndarray, ...]] | None:
        """The keys and arrays of shard ``name`` if every file matches its checksum; else log, delete, None."""
        files = self._files(name)
        sums_path = self.folder / f"sums-{name}.json"
        try:
            sums = json.loads(sums_path.read_text(encoding="utf-8"))["files"]
            for path in files.values():
                expected = sums[path.name]
                if path.stat().st_size != expected["bytes"]:
                    raise ValueError(f"{path.name} has {path.stat().st_size} bytes, not {expected['bytes']}")
                if _sha256(path) != expected["sha256"]:
                    raise ValueError(f"{path.name} does not match its checksum")
            keys = np.load(files["keys"], allow_pickle=False)
            arrays = tuple(np.load(files[prefix], mmap_mode="r", allow_pickle=False) for prefix in self.arrays)
            if any(len(array) != len(keys) for array in arrays):
                raise ValueError("its arrays differ in length")
        except FileNotFoundError as exc:
            if not files["keys"].exists():  # deleted meanwhile by a process that found it damaged
                return None
            problem = f"{Path(exc.filename or '?').name} is missing"
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problem = str(exc)
        else:
            return keys, arrays
        logger.warning("cache shard %s in %s is damaged (%s): deleted; its entries are recomputed", name, self.folder,
                       problem)  # fmt: skip
        for path in (files["keys"], sums_path, *files.values()):  # keys first: readers stop seeing it at once
            path.unlink(missing_ok=True)
        return None

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files that killed runs left (older than an hour: no live writer takes that long)."""
        cutoff = time.time() - _STALE_SECONDS
        for path in self.folder.glob(".*-*.*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue

    def add(self, keys: Sequence[bytes], *arrays: np.ndarray) -> None:
        """Keep rows for ``keys`` (in memory at once, on disk when the folder is writable)."""
        rows = self.rows()
        number = len(self._shards)
        self._shards.append(tuple(arrays))
        for row, key in enumerate(keys):
            rows[key] = (number, row)
        try:
            self._write_shard(keys, arrays)
        except OSError as exc:  # a read-only or full disk must not break indexing: the cache only saves time
            logger.warning("could not write the cache in %s: %s", self.folder, exc)

    def _write_shard(self, keys: Sequence[bytes], arrays: Sequence[np.ndarray]) -> None:
        """Arrays, then checksums, then keys, each synced to a temporary name and renamed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex[:12]
        files = self._files(name)
        values = {**dict(zip(self.arrays, arrays, strict=True)), "keys": np.array(list(keys), dtype=f"S{_KEY_BYTES}")}
        temporaries = {prefix: self.folder / f".{prefix}-{name}.npy" for prefix in files}
        sums_temporary = self.folder / f".sums-{name}.json"
        try:
            sums = {}
            for prefix, temporary in temporaries.items():
                _save_synced(temporary, np.ascontiguousarray(values[prefix]))
                sums[files[prefix].name] = {"bytes": temporary.stat().st_size, "sha256": _sha256(temporary)}
            for prefix in self.arrays:
                os.replace(temporaries[prefix], files[prefix])
            with sums_temporary.open("w", encoding="utf-8") as handle:
                json.dump({"files": sums}, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(sums_temporary, self.folder / f"sums-{name}.json")
            os.replace(temporaries["keys"], files["keys"])
        except BaseException:  # the keys were not published, so no reader can have used any of these
            for path in (*temporaries.values(), sums_temporary, *files.values(), self.folder / f"sums-{name}.json"):
                path.unlink(missing_ok=True)
            raise

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


class CachedEncoder(EncoderWrapper):
    """Wrap an encoder so each distinct text is encoded at most once across runs."""

    def __init__(self, encoder: Encoder, cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.inner = encoder
        self.root = Path(cache_dir or default_cache_dir())
        self.folder = self.root / encoder.fingerprint()
        self.store = ShardStore(self.folder, ["vectors"])
        self.hits = 0
        self.misses = 0

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

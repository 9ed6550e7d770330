"""Index folders: arrays and JSON documents beside a manifest, written atomically, verified on load.

Layout of a model directory::

    MODEL_DIR/CURRENT              name of the live version folder (replaced atomically)
    MODEL_DIR/index-<stamp>/       manifest.json, *.npy arrays, *.json documents

A new index is written to a hidden temporary folder, checked, renamed to a fresh version folder,
and only then published by atomically replacing ``CURRENT``. A reader therefore sees either the
old index or the new one, never a half-written one, and a crash leaves the old index live. The
version before the live one is kept so that readers that resolved it just before a switch can
still finish; older ones are removed.

Writers hold ``MODEL_DIR/.lock`` (:mod:`recommender.store.locking`), so the leftovers of a killed
run (a ``.tmp-*`` folder, a ``.CURRENT.*`` pointer, an unpublished version folder) are removed by
the next run without touching another live writer's files. The version folder's name ends in the
manifest's checksum, so a damaged manifest is named even where its JSON still parses. A disk
that fills up mid-write raises :class:`~recommender.errors.DiskFullError` naming where.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import orjson

from ..errors import ArtifactError, DiskFullError, InvalidInputError
from .locking import index_lock

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
STAMP = ".verified.json"  # not listed in the manifest: see verify_files
REBUILD = "rebuild the index (re-run `recommender index`)"
# index-<time>-<first 16 hex digits of the manifest's sha256>; older indexes end in 6 random hex digits.
_VERSION_NAME = re.compile(r"index-\d{8}T\d{6}-([0-9a-f]{6}|[0-9a-f]{16})")
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


def is_disk_full(exc: BaseException) -> bool:
    """True for the errors a full disk or an exhausted quota raises."""
    return isinstance(exc, OSError) and exc.errno in _NO_SPACE


def disk_full_error(exc: OSError, where: Path, fix: str, *, writing: Path | None = None) -> DiskFullError:
    """The error to raise for ``exc`` (a full disk) while writing under ``where``: says so, where, and the fix."""
    target = exc.filename or writing or where
    return DiskFullError(f"the disk is full: no space left on the device holding {where} (writing {target}); {fix}")


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_index(
    model_dir: str | Path,
    arrays: Mapping[str, np.ndarray],
    documents: Mapping[str, Any],
    manifest: Mapping[str, Any],
    folders: Mapping[str, Path] | None = None,
) -> Path:
    """Write a new index version into ``model_dir`` and make it the live one. Returns its folder.

    ``folders`` maps a sub-folder name to a folder whose files are copied (hard-linked when
    possible) into the index, each listed with its checksum like the arrays.
    """
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    if (model_dir / MANIFEST).exists():
        raise ArtifactError(
            f"{model_dir} holds a single index version (manifest.json at its top); "
            "write the new index to another --model-dir"
        )
    with index_lock(model_dir):
        try:
            return _write_locked(model_dir, arrays, documents, manifest, folders)
        except OSError as exc:
            if is_disk_full(exc):
                raise disk_full_error(
                    exc, model_dir, "free some space there or pass another --model-dir; the previous index is intact"
                ) from exc
            raise


def _remove_leftovers(model_dir: Path) -> None:
    """Remove what a killed writer left: temporary folders and pointers (the lock is held)."""
    for stale in model_dir.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in model_dir.glob(f".{CURRENT}.*"):
        stale.unlink(missing_ok=True)


def _write_locked(
    model_dir: Path,
    arrays: Mapping[str, np.ndarray],
    documents: Mapping[str, Any],
    manifest: Mapping[str, Any],
    folders: Mapping[str, Path] | None,
) -> Path:
    _remove_leftovers(model_dir)
    temporary = model_dir / f".tmp-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    try:
        files: dict[str, dict[str, Any]] = {}
        for name, array in arrays.items():
            path = temporary / f"{name}.npy"
            with path.open("wb") as handle:
                np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
            files[path.name] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
        for name, document in documents.items():
            path = temporary / f"{name}.json"
            _write_file(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
            files[path.name] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
        for name, source in (folders or {}).items():
            for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")):
                relative = f"{name}/{path.relative_to(source).as_posix()}"
                _link_or_copy(path, temporary / relative)
                files[relative] = {"sha256": file_sha256(temporary / relative), "bytes": path.stat().st_size}
        # build_id makes every manifest (and so every version folder name) unique.
        full_manifest = {"format_version": FORMAT_VERSION, **manifest, "build_id": uuid.uuid4().hex, "files": files}
        _write_file(temporary / MANIFEST, json.dumps(full_manifest, indent=2, ensure_ascii=False).encode())
        _write_stamp(temporary, full_manifest)
        _fsync_dir(temporary)
        version = model_dir / f"index-{time.strftime('%Y%m%dT%H%M%S')}-{file_sha256(temporary / MANIFEST)[:16]}"
        temporary.rename(version)
        pointer = model_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
        _write_file(pointer, version.name.encode())
        try:
            previous = _live_version_name(model_dir)
        except ArtifactError:  # a damaged pointer: the new index replaces it (that is the fix)
            previous = None
        os.replace(pointer, model_dir / CURRENT)
        _fsync_dir(model_dir)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    # Everything but the new and the previous version: older ones and those a killed run never published.
    for old in model_dir.glob("index-*"):
        if old.name not in {version.name, previous}:
            shutil.rmtree(old, ignore_errors=True)
    return version


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _live_version_name(model_dir: Path) -> str | None:
    """The name ``CURRENT`` holds (None without one); a name no writer makes means the pointer is damaged."""
    try:
        data = (model_dir / CURRENT).read_bytes()
    except FileNotFoundError:
        return None
    name = data.decode("utf-8", errors="replace").strip()
    if name and not re.fullmatch(r"index-[\w.-]+", name):
        raise ArtifactError(f"{model_dir / CURRENT} is damaged (it names no index version: {name[:40]!r}); {REBUILD}")
    return name or None


def resolve_version(model_dir: str | Path) -> Path:
    """The folder of the live index in ``model_dir`` (or ``model_dir`` itself if it is one)."""
    model_dir = Path(model_dir)
    if not model_dir.exists():
        raise ArtifactError(f"no index at {model_dir}; build one with `recommender index --model-dir {model_dir} ...`")
    if (model_dir / MANIFEST).exists():
        return model_dir
    name = _live_version_name(model_dir)
    if name is None:
        if (model_dir / CURRENT).exists():
            raise ArtifactError(f"{model_dir / CURRENT} is empty; {REBUILD}")
        raise ArtifactError(
            f"{model_dir} is not a recommender index (no {CURRENT} or {MANIFEST} in it); "
            f"build one with `recommender index --model-dir {model_dir} ...` or pass the right --model-dir"
        )
    version = model_dir / name
    if not version.is_dir():
        raise ArtifactError(f"{model_dir}/{CURRENT} names {name}, which is missing; {REBUILD}")
    return version


def read_manifest(version: Path) -> dict[str, Any]:
    """The manifest of an index version, checked for a format this library reads."""
    try:
        data = (version / MANIFEST).read_bytes()
    except FileNotFoundError as exc:
        raise ArtifactError(f"{version} has no {MANIFEST}: {version / MANIFEST} is missing; {REBUILD}") from exc
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{version / MANIFEST} is corrupt ({exc}); {REBUILD}") from exc
    if not isinstance(manifest, dict) or "format_version" not in manifest:
        raise ArtifactError(f"{version / MANIFEST} is not a recommender manifest; {REBUILD}")
    found = manifest["format_version"]
    if found != FORMAT_VERSION:
        raise ArtifactError(
            f"index at {version} has format version {found}; this library reads version "
            f"{FORMAT_VERSION}. Rebuild it with `recommender index`"
        )
    named = _VERSION_NAME.fullmatch(version.name)
    if named and len(named.group(1)) == 16 and hashlib.sha256(data).hexdigest()[:16] != named.group(1):
        raise ArtifactError(
            f"{version / MANIFEST} is corrupt (its checksum does not match the one in the folder name); {REBUILD}"
        )
    if not isinstance(manifest.get("files", {}), dict):
        raise ArtifactError(f"{version / MANIFEST} is corrupt (no file list); {REBUILD}")
    return manifest


def _file_states(version: Path, manifest: Mapping[str, Any]) -> dict[str, list[int]] | None:
    """Size, modification and change times (ns) and inode of every listed file; None if one is missing."""
    states: dict[str, list[int]] = {}
    for name in manifest.get("files", {}):
        try:
            stat = (version / name).stat()
        except OSError:
            return None
        states[name] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    return states


def _stamp_value(version: Path, manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    states = _file_states(version, manifest)
    if states is None:
        return None
    return {"manifest_sha256": file_sha256(version / MANIFEST), "files": states}


def _write_stamp(version: Path, manifest: Mapping[str, Any]) -> None:
    """Record that the files were verified (or just written) as they are now; best effort."""
    value = _stamp_value(version, manifest)
    if value is None:
        return
    try:
        temporary = version / f".{STAMP}.{uuid.uuid4().hex[:8]}"
        temporary.write_text(json.dumps(value), encoding="utf-8")
        os.replace(temporary, version / STAMP)
    except OSError:  # a read-only index is verified in full on every load instead
        pass


def verify_files(version: Path, manifest: Mapping[str, Any]) -> None:
    """Check that every file the manifest lists exists with its recorded size and checksum.

    The full sha256 check runs once per state of the files: afterwards a stamp records each
    file's size, modification and change times (ns) and inode, and later loads re-hash only when
    one of these differs. Any write, copy, replacement or truncation changes them (the change time
    cannot be set from user space), so the check stays as safe as hashing against accidental or
    partial modification while costing a few ``stat`` calls.
    """
    stamp = version / STAMP
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = None
    if recorded is not None and recorded == _stamp_value(version, manifest):
        return
    for name, meta in manifest.get("files", {}).items():
        path = version / name
        if not path.is_file():
            raise ArtifactError(f"index file {path} is missing; {REBUILD}")
        if not isinstance(meta, dict) or path.stat().st_size != meta.get("bytes"):
            raise ArtifactError(f"index file {path} is corrupt (its size differs from the manifest's); {REBUILD}")
        if file_sha256(path) != meta.get("sha256"):
            raise ArtifactError(f"index file {path} is corrupt (checksum mismatch); {REBUILD}")
    _write_stamp(version, manifest)


def load_array(version: Path, name: str, *, mmap: bool = False) -> np.ndarray:
    """Load a verified ``.npy`` array (never with pickle)."""
    try:
        return np.load(version / f"{name}.npy", allow_pickle=False, mmap_mode="r" if mmap else None)
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read {version / (name + '.npy')}: {exc}; {REBUILD}") from exc


def load_document(version: Path, name: str) -> Any:
    """Load a verified JSON document.

    orjson parses an ESCO index's 15 MB of documents several times faster than ``json`` (a large share
    of a cold query); what it refuses and ``json`` reads (``NaN``, integers beyond 64 bits) goes to ``json``.
    """
    path = version / f"{name}.json"
    try:
        content = path.read_bytes()
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            return json.loads(content.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read {path}: {exc}; {REBUILD}") from exc


@contextmanager
def atomic_text_file(path: str | Path, *, example: str = "out.txt") -> Iterator[TextIO]:
    """Open ``path`` for writing text so that it appears whole or not at all.

    The text goes to a hidden temporary file beside ``path`` (``.NAME.<random>.incomplete``, so a
    run killed mid-way leaves nothing that looks finished), renamed over it when the block ends
    without an error, and removed when it raises; a full disk raises :class:`DiskFullError` naming
    ``path``. ``example`` names a file in the error for a folder.
    """
    path = Path(path)
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder; give a file path such as {path / example}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.incomplete")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        if is_disk_full(exc):
            fix = f"{path} was not written; free some space there or write elsewhere"
            raise disk_full_error(exc, path.parent, fix, writing=path) from exc
        raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

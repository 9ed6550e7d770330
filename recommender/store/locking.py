"""One writer per index folder: an exclusive lock file that a second ``index`` run waits on (or refuses).

Cron jobs and pipelines start ``recommender index`` twice at once by mistake, often on shared disks.
Both runs would build a complete index and the later publish would win, but they would also race
on the cleanup of each other's temporary folders. The lock (``MODEL_DIR/.lock``, an OS-level lock
through ``filelock``: released by the kernel when the holder dies, even on ``kill -9``) serialises
them: the second run waits, saying so in the log, or fails at once with ``wait=False``.

Readers never take the lock: they follow the ``CURRENT`` pointer, which is replaced atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import ArtifactError

logger = logging.getLogger(__name__)

LOCK_FILE = ".lock"


@contextmanager
def index_lock(model_dir: str | Path, *, wait: bool = True) -> Iterator[Path]:
    """Hold the write lock of ``model_dir`` (created if needed) for the block; yields the lock file.

    Re-entrant within a thread (``save_index`` inside ``build_index`` takes it again). When another
    process holds it, log a warning and wait (``wait=True``) or raise :class:`ArtifactError`.
    """
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / LOCK_FILE
    # One FileLock object per path in this process, so nested calls count up instead of deadlocking.
    lock = FileLock(path, is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise ArtifactError(
                f"another `recommender index` is writing to {model_dir} (it holds {path}); "
                "let it finish, or drop --no-wait to queue behind it"
            ) from None
        logger.warning("waiting for another `recommender index` writing to %s to finish (lock %s)", model_dir, path)
        lock.acquire()
        logger.warning("lock on %s acquired; writing the index", model_dir)
    try:
        yield path
    finally:
        lock.release()

"""The live index of a model dir, swapped without downtime when ``recommender index`` replaces it.

``recommender index`` writes a new version folder and then atomically replaces ``CURRENT``
(store/artifacts.py). :class:`LiveIndex` notices the switch (one small read of ``CURRENT`` at most
every ``check_every`` seconds, on the request path), loads the new version in a background thread
while requests go on being answered by the old one, and then replaces its reference in one
assignment. A request takes the reference once, at its start (:meth:`LiveIndex.current`), so it is
answered entirely by one index; requests in flight when the switch happens finish on the old one,
whose folder the writer keeps (it deletes only versions older than the previous one, and an
already memory-mapped array stays readable after its file is deleted).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ArtifactError, RecommenderError
from ..matching.engine import Recommender
from ..store.artifacts import CURRENT, MANIFEST, resolve_version
from ..store.live import open_index

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """One loaded index version: the model, its version folder's name and when it was loaded."""

    model: Recommender
    version: str
    loaded_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _pointer(model_dir: Path) -> str | None:
    """What ``CURRENT`` names now (None for a single-version folder or while it cannot be read)."""
    try:
        return (model_dir / CURRENT).read_text().strip() or None
    except OSError:
        return None


class LiveIndex:
    """The index a server answers from: loaded once, replaced when ``CURRENT`` names a new version.

    ``loader`` (default ``open_index``) is given the model dir and returns a fitted ``Recommender``;
    ``first`` is an already loaded one (to avoid loading twice). ``check_every`` bounds how often
    ``CURRENT`` is read (seconds; 0 reads it on every request).
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        loader: Callable[[Path], Recommender] = open_index,
        first: Recommender | None = None,
        check_every: float = 1.0,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.loader = loader
        self.check_every = check_every
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._loading: str | None = None
        self.last_error: str | None = None
        self.swaps = 0
        version = resolve_version(self.model_dir).name  # raises ArtifactError naming the fix
        self._live = Loaded(first if first is not None else loader(self.model_dir), version)

    def current(self) -> Loaded:
        """The live index; starts loading a newer version in the background when ``CURRENT`` moved."""
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            self._checked = now
            self._maybe_reload()
        return self._live

    def _maybe_reload(self) -> None:
        name = _pointer(self.model_dir)
        if name is None or name == self._live.version or (self.model_dir / MANIFEST).exists():
            return
        with self._lock:
            if self._loading is not None:
                return
            self._loading = name
        threading.Thread(target=self._reload, args=(name,), name=f"load-{name}", daemon=True).start()

    def _reload(self, name: str) -> None:
        try:
            model = self.loader(self.model_dir)
            # CURRENT may have moved again while we loaded: the model is what the folder it names holds.
            loaded_name = model.path_.name if model.path_ is not None else name
            self._live = Loaded(model, loaded_name)
            self.swaps += 1
            self.last_error = None
            logger.info("index swapped: now answering from %s", loaded_name)
        except (RecommenderError, OSError) as exc:  # keep answering from the old index
            self.last_error = f"could not load {name}: {exc}"
            logger.error("index swap failed, still answering from %s: %s", self._live.version, exc)
        finally:
            with self._lock:
                self._loading = None

    def wait_for(self, version: str, timeout: float = 30.0) -> Loaded:
        """Block until ``version`` is live (tests, scripts); raises ArtifactError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._checked = 0.0
            live = self.current()
            if live.version == version:
                return live
            time.sleep(0.02)
        raise ArtifactError(f"{self.model_dir}: version {version} did not become live in {timeout:g} s")

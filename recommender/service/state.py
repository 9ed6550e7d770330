"""What the routes share: the server's limits (``ServiceConfig``) and its state (``Service``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio

from .swap import LiveIndex

API_KEY_ENV = "RECOMMENDER_API_KEY"
T = TypeVar("T")


@dataclass(frozen=True)
class ServiceConfig:
    """The server's limits.

    ``max_body`` bytes per JSON request (413 beyond; for ``/v1/score`` it bounds each line); ``max_upload``
    bytes per file upload request (``/v1/recommend/files``: a posting and a CV);
    ``max_text_chars`` per text (cut, with a warning); ``api_key`` (default ``$RECOMMENDER_API_KEY``)
    makes ``/v1`` require ``Authorization: Bearer KEY``; ``threads`` bounds concurrent CPU work;
    ``check_every`` seconds between looks at the index's ``CURRENT`` pointer.
    """

    max_body: int = 1_000_000
    max_upload: int = 10_000_000
    max_text_chars: int = 20_000
    api_key: str | None = field(default_factory=lambda: os.environ.get(API_KEY_ENV) or None)
    threads: int = 1
    check_every: float = 1.0


class Service:
    """What the routes share: the live index, the limits, and the thread limiter for CPU work."""

    def __init__(self, live: LiveIndex, config: ServiceConfig) -> None:
        self.live = live
        self.config = config
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` in a worker thread (at most ``config.threads`` at once)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.config.threads)
        return await anyio.to_thread.run_sync(work, limiter=self._limiter)

"""``create_app(model_dir)``: the FastAPI app over one loaded index (``recommender serve`` runs it).

Loaded once per worker process, shared by every request; CPU work (encoding, ranking, planning)
runs in a worker thread, at most ``ServiceConfig.threads`` at a time, so the event loop stays free
for new connections and health checks. Routes live in ``routes.py``; errors and the access log in
``problems.py``; the index hot swap in ``swap.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

import anyio
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __version__
from ..defaults import default_model_dir
from ..matching.engine import Recommender
from ..store.index_io import load_index
from .problems import PROBLEM_TYPE, RequestPlumbing, install_error_handlers
from .routes import install_routes
from .swap import LiveIndex

API_KEY_ENV = "RECOMMENDER_API_KEY"
T = TypeVar("T")


@dataclass(frozen=True)
class ServiceConfig:
    """The server's limits.

    ``max_body`` bytes per JSON request (413 beyond; for ``/v1/score`` it bounds each line);
    ``max_text_chars`` per text (cut, with a warning); ``api_key`` (default ``$RECOMMENDER_API_KEY``)
    makes ``/v1`` require ``Authorization: Bearer KEY``; ``threads`` bounds concurrent CPU work;
    ``check_every`` seconds between looks at the index's ``CURRENT`` pointer.
    """

    max_body: int = 1_000_000
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


def create_app(
    model_dir: str | Path | None = None,
    *,
    config: ServiceConfig | None = None,
    model: Recommender | None = None,
    loader: Callable[[Path], Recommender] = load_index,
    access_log: TextIO | None = None,
) -> FastAPI:
    """The HTTP API and web page over the index in ``model_dir`` (default: ``default_model_dir()``;
    ``recommender.api.serve`` builds the default index from the embedded catalog first when needed).

    ``model`` is an already loaded index of ``model_dir`` (not loaded again); ``loader`` loads a
    new version after a swap; ``access_log`` receives the JSON access lines (stderr by default).
    """
    config = config or ServiceConfig()
    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    first = model if model is not None else loader(folder)
    live = LiveIndex(folder, loader=loader, first=first, check_every=config.check_every)
    app = FastAPI(
        title="recommender",
        version=__version__,
        description="Skills in job descriptions and micro-credentials; ranked, explained credentials; plans.",
        docs_url=None,  # FastAPI's pages load their scripts from a CDN; the page at / is self-contained
        redoc_url=None,
    )
    app.state.service = Service(live, config)
    install_error_handlers(app)
    install_routes(app)
    app.add_middleware(RequestPlumbing, max_body=config.max_body, unlimited=("/v1/score",), log=access_log)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with error responses under ``application/problem+json`` only, and the
    bearer scheme (and 401s) only when the server has an API key."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    keyed = app.state.service.config.api_key is not None
    if not keyed:
        document.get("components", {}).pop("securitySchemes", None)
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if not keyed:
                operation.pop("security", None)
                operation.get("responses", {}).pop("401", None)
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45":  # FastAPI's own 422 (HTTPValidationError) included: we answer problems
                    response["content"] = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document


def app_from_environment() -> FastAPI:
    """The app ``recommender serve --workers N`` starts in each worker (uvicorn's factory)."""
    return create_app(os.environ.get("RECOMMENDER_SERVE_MODEL_DIR") or None, config=ServiceConfig(
        max_body=int(os.environ.get("RECOMMENDER_SERVE_MAX_BODY", ServiceConfig.max_body)),
        max_text_chars=int(os.environ.get("RECOMMENDER_SERVE_MAX_TEXT", ServiceConfig.max_text_chars)),
    ))  # fmt: skip

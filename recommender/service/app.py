"""``create_app(model_dir)``: the FastAPI app over one loaded index (``recommender serve`` runs it).

Loaded once per worker process, shared by every request; CPU work (encoding, ranking, planning)
runs in a worker thread, at most ``ServiceConfig.threads`` at a time, so the event loop stays free
for new connections and health checks. Routes live in ``routes.py``; errors and the access log in
``problems.py``; the index hot swap in ``swap.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ..matching.engine import Recommender
from ..store.live import locate_index, open_index
from ..version import __version__
from .problems import PROBLEM_TYPE, RequestPlumbing, install_error_handlers
from .routes import UPLOADS, install_routes
from .state import Service, ServiceConfig
from .swap import LiveIndex


def create_app(
    model_dir: str | Path | None = None,
    *,
    config: ServiceConfig | None = None,
    model: Recommender | None = None,
    loader: Callable[[Path], Recommender] = open_index,
    access_log: TextIO | None = None,
) -> FastAPI:
    """The HTTP API and web page over the index in ``model_dir`` (default: the default index, as
    ``open_index`` finds it: ``store.live.locate_index``).

    ``model`` is an already opened index of ``model_dir`` (not opened again); ``loader`` (default
    ``open_index``) opens the first one and each new version after a swap; ``access_log`` receives
    the JSON access lines (stderr by default).
    """
    config = config or ServiceConfig()
    folder = locate_index(model_dir)
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
    app.add_middleware(
        RequestPlumbing, max_body=config.max_body, unlimited=("/v1/score",), uploads=UPLOADS,
        max_upload=config.max_upload, log=access_log,
    )  # fmt: skip
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
        max_upload=int(os.environ.get("RECOMMENDER_SERVE_MAX_UPLOAD", ServiceConfig.max_upload)),
    ))  # fmt: skip

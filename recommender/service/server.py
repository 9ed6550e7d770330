"""Run the app under uvicorn: one process, or ``workers`` processes that each load the index once.

With several workers, uvicorn imports the app factory in each process (``app_from_environment``),
so the settings travel in environment variables. Index arrays are memory-mapped (store/index_io.py),
so the workers share their pages through the page cache instead of holding a copy each.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InvalidInputError
from ..matching.engine import Recommender
from .app import create_app
from .state import ServiceConfig

LOOPBACK = "127.0.0.1"


def check_options(*, port: int, workers: int) -> None:
    """Reject a port or worker count that cannot work, before anything is loaded."""
    if workers < 1:
        raise InvalidInputError(f"--workers must be at least 1 (got {workers})")
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"--port must be between 0 and 65535 (got {port})")


def run_server(
    model_dir: str | Path,
    *,
    host: str = LOOPBACK,
    port: int = 8000,
    workers: int = 1,
    config: ServiceConfig | None = None,
    model: Recommender | None = None,
) -> None:
    """Serve until interrupted (blocks). ``model`` is the already loaded index (one worker only)."""
    import uvicorn

    check_options(port=port, workers=workers)
    config = config or ServiceConfig()
    common = {"host": host, "port": port, "access_log": False, "log_level": "warning", "server_header": False}
    if workers == 1:
        app = create_app(model_dir, config=config, model=model)
        uvicorn.run(app, **common)  # type: ignore[arg-type]
        return
    os.environ["RECOMMENDER_SERVE_MODEL_DIR"] = str(model_dir)
    os.environ["RECOMMENDER_SERVE_MAX_BODY"] = str(config.max_body)
    os.environ["RECOMMENDER_SERVE_MAX_TEXT"] = str(config.max_text_chars)
    os.environ["RECOMMENDER_SERVE_MAX_UPLOAD"] = str(config.max_upload)
    uvicorn.run("recommender.service.app:app_from_environment", factory=True, workers=workers, **common)  # type: ignore[arg-type]

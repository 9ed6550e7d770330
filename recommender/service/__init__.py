"""Service: the engine over HTTP — one loaded index answering JSON requests and a web page.

- ``app``: ``create_app(model_dir, config=ServiceConfig(...))``, the FastAPI app.
- ``state``: ``ServiceConfig`` (body, text and thread limits, the optional API key from
  ``RECOMMENDER_API_KEY``) and ``Service``, what the routes share.
- ``routes``: ``/v1/skills``, ``/v1/recommend``, ``/v1/plan`` (JSON or the HTML page), ``/v1/score``
  (NDJSON), ``/v1/credentials``, ``/v1/index``, ``/healthz``, ``/readyz`` and the page at ``/``.
- ``models``: the pydantic request bodies and the response schemas (the library's result dataclasses).
- ``ndjson``: streamed batch scoring for ``/v1/score`` (``score_stream``).
- ``problems``: errors as ``application/problem+json``, request ids, the access log, the body limit.
- ``swap``: ``LiveIndex``, the live index, swapped without downtime when ``CURRENT`` moves.
- ``server``: ``run_server`` (uvicorn; ``workers`` processes), ``check_options``.
- ``static/``: the page's own HTML, JavaScript and CSS (no external request of any kind).

Public names: ``create_app``, ``ServiceConfig``, ``LiveIndex``, ``run_server``. Needs the ``serve`` extra
(``pip install 'recommender[serve]'``): importing this package without it raises ``MissingExtraError``.
"""

from ..extras import require_extra

require_extra("serve")

from .app import create_app  # noqa: E402
from .server import run_server  # noqa: E402
from .state import ServiceConfig  # noqa: E402
from .swap import LiveIndex  # noqa: E402

__all__ = ["LiveIndex", "ServiceConfig", "create_app", "run_server"]

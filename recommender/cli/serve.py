"""``recommender serve``: the HTTP API and the web page over one loaded index."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import api
from .common import ModelDir, Quiet, Verbose, handle_errors, note, setup_logging


@handle_errors
def serve(
    model_dir: ModelDir = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 (this machine only) unless you open it on purpose.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Processes, each with the index loaded once (arrays shared).")] = 1,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest JSON body in bytes (413 beyond); for /v1/score, per line.")
    ] = 1_000_000,
    max_text: Annotated[
        int, typer.Option("--max-text", help="Texts longer than this many characters are cut, with a warning.")
    ] = 20_000,
    max_upload: Annotated[
        int, typer.Option("--max-upload", help="Largest upload in bytes (/v1/recommend/files: a posting and a CV).")
    ] = 10_000_000,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Serve the API (/v1/..., /openapi.json) and a web page (/) until Ctrl-C; RECOMMENDER_API_KEY sets a key.

    The index is loaded once per worker; when `recommender index` replaces it in the same
    --model-dir, the server switches to the new one without a restart. One JSON access-log line
    per request goes to stderr.
    """
    setup_logging(verbose, quiet)
    api.serve(
        model_dir, host=host, port=port, workers=workers, max_body=max_body, max_text_chars=max_text,
        max_upload=max_upload, progress=not quiet,
        on_start=lambda: note(f"serving on http://{host}:{port}/ (Ctrl-C stops)", quiet),
    )  # fmt: skip

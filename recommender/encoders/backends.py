"""Which encoder answers queries: the one an index carries in its ``encoder/`` folder.

At index time ``query_encoder_files`` prepares a folder that can encode queries without torch:
an ONNX export of a sentence-transformers model (made once per weights fingerprint under
``<embedding cache>/onnx/``), or the files of a static model2vec encoder. ``Recommender.save``
copies it into the index and records it in the manifest as ``encoder.runtime``. At load,
``runtime_encoder`` opens it; ``$RECOMMENDER_BACKEND=reference`` (or a missing onnxruntime) makes
the index load the encoder from its spec instead, as sentence-transformers.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from .base import Encoder
from .sentence import SentenceTransformerEncoder

logger = logging.getLogger(__name__)

BACKEND_ENV = "RECOMMENDER_BACKEND"
RUNTIME_FOLDER = "encoder"


def unwrap_encoder(encoder: Encoder) -> Encoder:
    """The model under the wrappers (CachedEncoder, NamingEncoder, ParallelEncoder)."""
    while hasattr(encoder, "inner"):
        encoder = encoder.inner
    return encoder


def query_encoder_files(encoder: Encoder, cache_dir: str | Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """A folder of query-time encoder files for ``encoder`` and its manifest entry, or None."""
    from .static import StaticEncoder

    inner = unwrap_encoder(encoder)
    if isinstance(inner, StaticEncoder):
        return inner.folder(), {"kind": "static", "folder": RUNTIME_FOLDER}
    if not isinstance(inner, SentenceTransformerEncoder) or os.environ.get(BACKEND_ENV) == "reference":
        return None
    from .cache import default_cache_dir
    from .onnx import CONFIG, export_onnx, quantize

    root = Path(cache_dir) if cache_dir is not None else _cache_root(encoder) or default_cache_dir()
    folder = root / "onnx" / inner.fingerprint()
    if not (folder / CONFIG).exists():
        logger.info("exporting the encoder to ONNX in %s (once per model)", folder)
        try:
            exported = export_onnx(inner.load(), inner.model_path, folder, inner.fingerprint())
        except Exception as exc:  # export is an optimisation: never fail indexing for it
            logger.warning("ONNX export failed (%s): queries will load sentence-transformers", exc)
            return None
        if exported is None:
            return None
    quantize(folder)  # the int8 twin queries may choose (RECOMMENDER_ENCODER_PRECISION=int8)
    return folder, {"kind": "onnx", "folder": RUNTIME_FOLDER}


def _cache_root(encoder: Encoder) -> Path | None:
    folder = getattr(encoder, "folder", None)  # CachedEncoder: <cache root>/<fingerprint>
    return Path(folder).parent if folder is not None else None


def runtime_encoder(version: Path, meta: dict[str, Any]) -> Encoder | None:
    """The encoder stored in an index version, or None to load it from ``meta['spec']``."""
    runtime = meta.get("runtime")
    choice = os.environ.get(BACKEND_ENV, "auto")
    if not runtime or choice == "reference":
        return None
    folder = version / runtime["folder"]
    if runtime["kind"] == "static":
        from .static import StaticEncoder

        return StaticEncoder(folder, spec=meta["spec"])
    if runtime["kind"] == "onnx":
        from .onnx import OnnxEncoder, runtime_available

        if runtime_available():
            return OnnxEncoder(folder, spec=meta["spec"])
        logger.info("onnxruntime or tokenizers is missing: loading the encoder with sentence-transformers")
    return None

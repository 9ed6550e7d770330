"""Pick the encoder a spec names: ``default``, ``hash[:DIM]``, ``static[:PATH]`` or a model folder.

An index records its encoder's spec in its manifest, so a saved index re-creates the encoder it was
built with.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidInputError
from .base import DEFAULT_ENCODER, Encoder
from .hashing import HashingEncoder
from .sentence import SentenceTransformerEncoder


def load_encoder(spec: str | None = None) -> Encoder:
    """Build an encoder from a spec: ``default``, ``hash`` / ``hash:DIM``, ``static`` / ``static:PATH``
    (model2vec, see static.py), or a model folder path."""
    if spec is None or spec == DEFAULT_ENCODER:
        return SentenceTransformerEncoder()
    if spec == "hash" or spec.startswith("hash:"):
        _, _, dim = spec.partition(":")
        try:
            return HashingEncoder(int(dim) if dim else 256)
        except ValueError as exc:
            raise InvalidInputError(f"bad encoder spec {spec!r}: use hash or hash:DIM, e.g. hash:256") from exc
    if spec == "static" or spec.startswith("static:") or _is_model2vec_folder(spec):
        from .static import StaticEncoder

        path = spec.partition(":")[2] if spec.startswith("static") else spec
        return StaticEncoder(path or None, spec=spec)
    return SentenceTransformerEncoder(spec)


def _is_model2vec_folder(spec: str) -> bool:
    from .static import is_static_model

    return is_static_model(Path(spec).expanduser())



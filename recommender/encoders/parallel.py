"""Encode a large batch of texts in parallel chunks with joblib (local processes, or Dask's workers).

:class:`ParallelEncoder` wraps an encoder: a call with many texts is cut into chunks that
``joblib.Parallel`` hands to worker processes (loky by default). Each worker process builds the
encoder from its spec once (kept in a per-process dict) and encodes its chunks; the parent stacks
the rows in order. Inside ``joblib.parallel_config(backend="dask")`` with a ``distributed.Client``
open, the same chunks run on a Dask cluster's workers instead: one mechanism for both.

Put it *under* a :class:`~recommender.encoders.cache.CachedEncoder` so that only the texts the
embedding cache does not hold are sent to the workers, and the parent alone writes the cache.
Every text is encoded on its own (the hashing encoder) or in batches of sorted lengths (a sentence
model), so chunking gives the same vectors as one call: byte-identical for the hashing encoder,
cosine ≥ 0.9999 for a sentence model (padding within a batch moves the last bits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import ArtifactError
from ..progress import noun, stage
from .base import Encoder, EncoderWrapper

__all__ = ["ParallelEncoder", "encode_chunk", "worker_encoder"]

# Per worker process: spec -> (encoder, fingerprint). A worker loads a model once, not per chunk.
_WORKER_ENCODERS: dict[str, tuple[Encoder, str]] = {}


def worker_encoder(spec: str) -> tuple[Encoder, str]:
    """The encoder ``spec`` names and its fingerprint, loaded once per process."""
    if spec not in _WORKER_ENCODERS:
        from .load import load_encoder

        encoder = load_encoder(spec)
        _WORKER_ENCODERS[spec] = (encoder, encoder.fingerprint())
    return _WORKER_ENCODERS[spec]


def encode_chunk(spec: str, texts: list[str], batch_size: int = 64) -> tuple[str, np.ndarray]:
    """Run in a worker: encode ``texts`` with the encoder ``spec`` names; return (fingerprint, vectors)."""
    encoder, fingerprint = worker_encoder(spec)
    return fingerprint, np.asarray(encoder.encode(texts, batch_size=batch_size), np.float32)


class ParallelEncoder(EncoderWrapper):
    """An encoder that spreads calls of at least ``min_texts`` texts over ``n_jobs`` joblib workers.

    ``n_jobs=-1`` uses every worker the active joblib backend has (all cores for loky; every Dask
    worker under ``parallel_config(backend="dask")``). Smaller calls run in this process.
    """

    def __init__(self, encoder: Encoder, n_jobs: int = -1, *, chunk_size: int = 2048, min_texts: int = 1024) -> None:
        self.inner = encoder
        self.n_jobs = n_jobs
        self.chunk_size = chunk_size
        self.min_texts = min_texts
        self.chunks_sent = 0

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if len(texts) < self.min_texts or self.n_jobs == 1:
            return self.inner.encode(texts, batch_size=batch_size, progress=progress)
        from joblib import Parallel, delayed

        texts = list(texts)
        # At least a few chunks per worker, so a slow worker does not hold up the end.
        workers = self.n_jobs if self.n_jobs > 0 else 4
        size = max(64, min(self.chunk_size, math.ceil(len(texts) / (workers * 3))))
        chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
        self.chunks_sent += len(chunks)
        label = f"encoding {len(texts):,} {noun()} in {len(chunks)} chunks over {workers} workers"
        results: list[tuple[str, np.ndarray]] = []
        with stage(label, total=len(texts), show=progress) as advance:
            # return_as="generator": results come back in order as they finish, so the bar moves.
            for fingerprint, vectors in Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(encode_chunk)(self.spec, chunk, batch_size) for chunk in chunks
            ):
                results.append((fingerprint, vectors))
                advance(len(vectors))
        expected = self.fingerprint()
        for fingerprint, _ in results:
            if fingerprint != expected:
                raise ArtifactError(
                    f"a worker's encoder {self.spec!r} has fingerprint {fingerprint}, this process's {expected}: "
                    "the workers must load the same model files (same path, same version)"
                )
        return np.vstack([vectors for _, vectors in results])

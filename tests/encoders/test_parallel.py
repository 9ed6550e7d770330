"""ParallelEncoder: joblib workers (loky processes) give the vectors one process gives, and the same index."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from recommender import IndexOptions, build_index
from recommender.encoders.hashing import HashingEncoder
from recommender.encoders.parallel import ParallelEncoder, encode_chunk, worker_encoder
from recommender.errors import ArtifactError
from recommender.store.artifacts import MANIFEST, resolve_version

from ..helpers import HASH_SETTINGS

TEXTS = [f"posting {i}: write SQL queries and Python scripts for report {i % 7}" for i in range(300)]


def test_chunks_encoded_in_worker_processes_equal_one_call() -> None:
    inner = HashingEncoder(128)
    parallel = ParallelEncoder(inner, n_jobs=2, chunk_size=64, min_texts=10)
    vectors = parallel.encode(TEXTS)
    assert parallel.chunks_sent >= 4
    assert vectors.dtype == np.float32 and vectors.tobytes() == inner.encode(TEXTS).tobytes()


def test_small_calls_stay_in_this_process() -> None:
    parallel = ParallelEncoder(HashingEncoder(128), n_jobs=2, min_texts=1000)
    parallel.encode(TEXTS)
    assert parallel.chunks_sent == 0


def test_a_worker_with_another_model_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    inner = HashingEncoder(128)
    monkeypatch.setattr(HashingEncoder, "fingerprint", lambda self: "this-process")  # workers keep the real one
    with pytest.raises(ArtifactError, match="must load the same model files"):
        ParallelEncoder(inner, n_jobs=2, chunk_size=64, min_texts=10).encode(TEXTS)


def test_encode_chunk_loads_the_encoder_once_per_process() -> None:
    first, _ = encode_chunk("hash:64", ["a"])
    loaded, _ = worker_encoder("hash:64")
    encode_chunk("hash:64", ["b"])
    assert worker_encoder("hash:64")[0] is loaded and first == loaded.fingerprint()


def index_files(model_dir: Path) -> dict[str, bytes]:
    version = resolve_version(model_dir)
    # Every file but the load-time stamp (.verified.json: inodes and times); the manifest included, less
    # its build_id (unique per build by design: it names the version folder).
    files = {p.name: p.read_bytes() for p in sorted(version.iterdir()) if not p.name.startswith(".") and p.is_file()}
    manifest = json.loads(files[MANIFEST])
    assert manifest.pop("build_id")
    files[MANIFEST] = json.dumps(manifest, sort_keys=True).encode()
    return files


def test_a_parallel_index_build_is_byte_identical(
    tiny_catalog_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = tiny_catalog_path.read_text(encoding="utf-8").splitlines()
    catalog = tmp_path / "catalog.jsonl"  # enough texts that the forms and segments go to the workers
    rows = [json.loads(line) for line in lines]
    catalog.write_text(
        "".join(
            json.dumps({**row, "id": f"{row['id']}-{i}", "skills": [*row["skills"], f"skill {i}", f"tool {i}"],
                        "text": f"{row['text']} Module {i} of {row['id']}. Lab {i} on {row['title']}."}) + "\n"
            for i in range(300) for row in rows
        ),
        encoding="utf-8",
    )  # fmt: skip
    common = IndexOptions(encoder="hash", settings=HASH_SETTINGS, use_occupations=False)
    build_index(catalog, tmp_path / "one", replace(common, cache_dir=tmp_path / "cache-one"))
    sent: list[int] = []
    encode = ParallelEncoder.encode

    def spy(self: ParallelEncoder, texts: list[str], **options: object) -> np.ndarray:
        vectors = encode(self, texts, **options)  # type: ignore[arg-type]
        sent.append(self.chunks_sent)
        return vectors

    monkeypatch.setattr(ParallelEncoder, "encode", spy)
    build_index(catalog, tmp_path / "two", replace(common, cache_dir=tmp_path / "cache-two", jobs=2))
    assert max(sent) > 1  # the segments went to the workers in chunks
    one, two = index_files(tmp_path / "one"), index_files(tmp_path / "two")
    assert MANIFEST in one and one.keys() == two.keys() and one == two

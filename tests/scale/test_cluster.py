"""Dask clusters: joblib's dask backend runs ParallelEncoder's chunks on the workers (same index);
workers that cannot read the index are named before any task runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from recommender import IndexOptions, api
from recommender.errors import ArtifactError
from recommender.scale.cluster import check_workers, open_client
from recommender.scale.partition import index_fingerprint
from recommender.store.artifacts import resolve_version

from ..encoders.test_parallel import index_files
from ..helpers import HASH_SETTINGS


def test_an_index_built_on_a_local_dask_cluster_is_byte_identical(tiny_catalog_path: Path, tmp_path: Path) -> None:
    common = IndexOptions(encoder="hash", settings=HASH_SETTINGS, use_occupations=False)
    lines = tiny_catalog_path.read_text(encoding="utf-8").splitlines()
    catalog = tmp_path / "catalog.jsonl"  # > 1024 distinct segments: encoded in chunks on the workers
    catalog.write_text("".join(
        line.replace('"text": "', f'"text": "Unit {i} of course {n}. Lab {i} for group {n}. ').replace(
            '"id": "', f'"id": "{i}-')
        + "\n" for i in range(300) for n, line in enumerate(lines)
    ), encoding="utf-8")  # fmt: skip
    api.build_index(catalog, tmp_path / "one", replace(common, cache_dir=tmp_path / "cache-one"))
    on_dask = replace(common, cache_dir=tmp_path / "cache-dask")
    api.build_index_distributed(catalog, tmp_path / "dask", on_dask, workers=2)
    assert index_files(tmp_path / "one") == index_files(tmp_path / "dask")


def test_a_worker_that_cannot_read_the_index_is_named(tiny_catalog_path: Path, tmp_path: Path) -> None:
    options = IndexOptions(encoder="hash", settings=HASH_SETTINGS, cache_dir=tmp_path / "cache", use_occupations=False)
    api.build_index(tiny_catalog_path, tmp_path / "index", options)
    version = resolve_version(tmp_path / "index")
    with open_client(workers=1) as client:
        assert check_workers(client, str(version), index_fingerprint(version)) == 1
        with pytest.raises(ArtifactError, match=r"worker tcp://.*cannot read the index at /nowhere/index"):
            check_workers(client, "/nowhere/index", index_fingerprint(version))
        with pytest.raises(ArtifactError, match="sees a different index"):
            check_workers(client, str(version), "0" * 64)

"""Fixtures of the service tests: small indexes on the hashing encoder and an in-process client."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from recommender import IndexOptions, api
from recommender.service import ServiceConfig, create_app

from ..helpers import HASH_SETTINGS, TINY_CATALOG

ANALYST = "We need an analyst who writes SQL against PostgreSQL and builds Tableau dashboards."


def build_hash_index(model_dir: Path, rows: list[dict[str, Any]]) -> str:
    """Index ``rows`` into ``model_dir`` with the hashing encoder; returns the new version's name."""
    catalog = model_dir.parent / f"{model_dir.name}-catalog-{len(rows)}.jsonl"
    catalog.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    options = IndexOptions(encoder="hash:256", settings=HASH_SETTINGS, use_cache=False)
    summary = api.build_index(catalog, model_dir, options)
    return summary.version


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model_dir = tmp_path_factory.mktemp("service") / "index"
    build_hash_index(model_dir, TINY_CATALOG)
    return model_dir


def make_client(model_dir: Path, **config: Any) -> tuple[TestClient, io.StringIO]:
    options = {"api_key": None, "max_body": 20_000, "max_text_chars": 2_000, "check_every": 0.0, **config}
    log = io.StringIO()
    return TestClient(create_app(model_dir, config=ServiceConfig(**options), access_log=log)), log


@pytest.fixture(scope="session")
def session_client(hash_index: Path) -> Iterator[TestClient]:
    client, _ = make_client(hash_index)
    with client:
        yield client

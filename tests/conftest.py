"""Shared fixtures: the real-data folder, a tiny catalog and an engine fitted on the hashing encoder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender import Recommender
from recommender.encoders.hashing import HashingEncoder
from recommender.formats.readers import load_catalog
from recommender.inputs.datasets import shared_data_root

from .helpers import HASH_SETTINGS, TINY_CATALOG


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared_data: needs ../shared/data (skipped when absent)")
    config.addinivalue_line("markers", "real_model: uses the real default encoder (all-MiniLM-L6-v2)")


@pytest.fixture(autouse=True, scope="session")
def no_trained_encoder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests see a fresh install: no trained encoder in models/ becomes the ESCO default
    (recommender/encoders/trained.py). Session-wide, so that session fixtures (indexes built once) see it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECOMMENDER_TRAINED_ENCODER", str(tmp_path_factory.getbasetemp() / "no-trained-encoder"))
        yield


@pytest.fixture(autouse=True, scope="session")
def user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's data and cache folders (platformdirs: $XDG_DATA_HOME, $XDG_CACHE_HOME on Linux) are temporary
    ones: no test writes into the home folder of whoever runs them."""
    base = tmp_path_factory.getbasetemp()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(base / "user-data"))
        patch.setenv("XDG_CACHE_HOME", str(base / "user-cache"))
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder (``$RECOMMENDER_SHARED_DATA`` or ``<repo>/../shared/data``); skips when absent."""
    path = shared_data_root()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}; set RECOMMENDER_SHARED_DATA to run this test")
    return path


@pytest.fixture()
def tiny_catalog_path(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in TINY_CATALOG), encoding="utf-8")
    return path


@pytest.fixture()
def tiny_model(tiny_catalog_path: Path) -> Recommender:
    return Recommender(HashingEncoder(256), HASH_SETTINGS).fit(load_catalog(tiny_catalog_path))

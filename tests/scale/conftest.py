"""Fixtures for the scale-out tests: a hashing-encoder index of real Coursera courses, real Wuzzuf postings.

The index is built once per module in a temporary folder (its declared skills are the vocabulary:
no model to load); the postings are the first rows of the Wuzzuf file, copied to a temporary CSV.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender import IndexOptions, build_index
from recommender.inputs.datasets import COURSERA_2024, WUZZUF

from ..helpers import HASH_SETTINGS, head_csv

COURSES = 400
POSTING_MAP = WUZZUF.mapping
# The Coursera 2024 columns, its subject as the text: the hashing encoder needs some text to profile.
CATALOG_MAP = (*COURSERA_2024.mapping[:4], "text=Title+Subject")


@pytest.fixture(scope="module")
def scale_index(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale-index")
    catalog = head_csv(COURSERA_2024.file(shared_data), folder / "courses.csv", COURSES)
    options = IndexOptions(mapping=CATALOG_MAP, encoder="hash", settings=HASH_SETTINGS, cache_dir=folder / "cache")
    build_index(catalog, folder / "index", options)
    return folder / "index"


@pytest.fixture(scope="module")
def wuzzuf(shared_data: Path) -> Path:
    return WUZZUF.file(shared_data)

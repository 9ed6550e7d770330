"""Fixtures for the scale-out tests: a hashing-encoder index of real Coursera courses, real Wuzzuf postings.

The index is built once per module in a temporary folder (its declared skills are the vocabulary:
no model to load); the postings are the first rows of the Wuzzuf file, copied to a temporary CSV.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.api import build_index

from ..helpers import HASH_SETTINGS, head_csv

COURSES = 400
POSTING_MAP = ["id=job_id", "title=job_title", "text=job_description+job_requirements"]
CATALOG_MAP = ["title=Title", "provider=Institution", "level=Level", "skills=Gained Skills", "text=Title+Subject"]


@pytest.fixture(scope="module")
def scale_index(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale-index")
    catalog = head_csv(shared_data / "catalogs" / "coursera_2024_gained_skills.csv", folder / "courses.csv", COURSES)
    build_index(
        catalog, model_dir=folder / "index", mapping=CATALOG_MAP, encoder="hash", settings=HASH_SETTINGS,
        cache_dir=folder / "cache",
    )  # fmt: skip
    return folder / "index"


@pytest.fixture(scope="module")
def wuzzuf(shared_data: Path) -> Path:
    return shared_data / "postings" / "wuzzuf" / "job_postings_with_id.csv"

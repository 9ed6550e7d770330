"""The shared real-data folder and the known data sets in it: where each file lies, how its columns
map onto the library's fields.

``shared_data_root()`` is the one place the folder is resolved: ``$RECOMMENDER_SHARED_DATA``, else
``../shared/data`` beside the repository (a source checkout; an installed package looks beside the
working directory). Evaluation, training, the scripts and the tests take the catalogs' and postings'
column mappings from here (``EDX.mapping`` as ``--map`` specs, ``EDX.fields()`` as the readers'
``{field: [column, ...]}``), so a mapping exists once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .tabular import parse_mapping

SHARED_DATA_ENV = "RECOMMENDER_SHARED_DATA"
_CHECKOUT = Path(__file__).resolve().parents[2]  # the repository root, when the package runs from a checkout


def shared_data_root() -> Path:
    """``$RECOMMENDER_SHARED_DATA``, else ``../shared/data`` from the repository root (from the
    working directory when the package is installed rather than run from a checkout)."""
    configured = os.environ.get(SHARED_DATA_ENV)
    if configured:
        return Path(configured)
    if (_CHECKOUT / "pyproject.toml").is_file():
        return _CHECKOUT.parent / "shared" / "data"
    return Path("..") / "shared" / "data"


@dataclass(frozen=True)
class DataSet:
    """A file of the shared data: its path under the root and its columns as ``FIELD=COLUMN[+COLUMN...]``."""

    name: str
    path: str
    mapping: tuple[str, ...] = ()

    def file(self, root: str | Path | None = None) -> Path:
        """Where the file lies under ``root`` (default: :func:`shared_data_root`)."""
        return Path(root if root is not None else shared_data_root()) / self.path

    def fields(self) -> dict[str, list[str]]:
        """The mapping as the readers take it: ``{field: [column, ...]}``."""
        return parse_mapping(self.mapping)


EDX = DataSet(
    "edX courses",
    "catalogs/edx_courses.csv",
    (
        "id=course_url", "title=title", "provider=institution", "level=Level",
        "text=summary+course_description+course_syllabus", "language=language",
        "hours=course_effort+course_length", "cost=price", "field=subject", "url=course_url",
    ),
)  # fmt: skip
COURSERA_2024 = DataSet(
    "Coursera 2024 courses",
    "catalogs/coursera_2024_gained_skills.csv",
    ("title=Title", "provider=Institution", "level=Level", "skills=Gained Skills", "field=Subject",
     "type=Learning Product"),
)  # fmt: skip
COURSERA_CERTS = DataSet(
    "Coursera certificates",
    "catalogs/coursera_certs_1139_skills.csv",
    ("title=course", "provider=partner", "skills=skills", "level=level", "type=certificatetype"),
)
WUZZUF = DataSet(
    "Wuzzuf postings",
    "postings/wuzzuf/job_postings_with_id.csv",
    ("id=job_id", "title=job_title", "text=job_description+job_requirements"),
)
WUZZUF_TAGS = DataSet("Wuzzuf recruiter tags", "postings/wuzzuf/job_skills.csv")
GOOGLE_JOBS = DataSet("Google job postings", "postings/google_jobs/google_job_skills.csv")
ESCO = DataSet("ESCO v1.1.1 (English CSV export)", "esco")
JUDGED = DataSet("judged Wuzzuf × edX recommendations", "benchmarks/judged_recommendations/wuzzuf_x_edx_judged.csv")
TAG_OVERLAP = DataSet(
    "Wuzzuf × Coursera 2024 tag overlap", "benchmarks/postings_x_courses/wuzzuf_x_coursera2024_tag_overlap_ge2.csv"
)

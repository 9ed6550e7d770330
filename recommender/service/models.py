"""Request and response bodies of the HTTP API, declared so that ``/openapi.json`` is exact.

Requests are pydantic models with bounds (a value out of bounds is a 422 that names the field).
Responses are the library's own result dataclasses (the JSON the CLI prints with ``--format json``)
plus a ``warnings`` list; pydantic derives their schema from the dataclasses, so the document
follows the library when a result gains a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..inputs.catalog import Credential
from ..matching.results import ProfileSkill, QueryResult
from ..planning.results import PlanResult
from ..skills.results import SkillMatch

MAX_K = 100
MAX_CREDENTIALS = 50
MAX_BUDGET = 1_000_000.0
SHORT_TEXT = 2_000  # titles, skill lists, levels and languages

TEXT_HELP = "A job description (cut at the server's text limit, with a warning)."
POSTING_HELP = (
    "A job posting as a schema.org JobPosting (a JSON-LD object, as job boards publish it): its title and its "
    "description, responsibilities, qualifications, skills, experience, education and occupationalCategory are "
    "the role. Give text or posting, not both."
)
RATES_HELP = "Exchange rates for max_cost across currencies: units of each currency per 1 of currency."
MIN_SCORE_HELP = "Leave out skills found in the text with a lower similarity (1: named word for word)."


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SkillsRequest(_Request):
    """``POST /v1/skills``: the text to read, or a JobPosting."""

    text: str | None = Field(
        None, min_length=1, description="The text to read (cut at the server's text limit, with a warning)."
    )
    posting: dict[str, Any] | None = Field(None, description=POSTING_HELP)
    min_score: float | None = Field(None, ge=0, le=1, description=MIN_SCORE_HELP)


class RecommendRequest(_Request):
    """``POST /v1/recommend``: a role as text, a skill list or a job title, with what the person has."""

    text: str | None = Field(None, description=TEXT_HELP)
    posting: dict[str, Any] | None = Field(None, description=POSTING_HELP)
    skills: str | None = Field(None, max_length=SHORT_TEXT, description="Comma-separated skills the role needs.")
    title: str | None = Field(None, max_length=SHORT_TEXT, description="A job title (indexes with ESCO occupations).")
    have: str | None = Field(None, description="Skills the person already has: a list or a CV's text.")
    k: int = Field(10, ge=1, le=MAX_K, description="How many credentials to return.")
    max_hours: float | None = Field(None, ge=0, le=MAX_BUDGET, description="Only credentials of at most these hours.")
    max_cost: float | None = Field(None, ge=0, le=MAX_BUDGET, description="Only credentials costing at most this.")
    currency: str | None = Field(
        None, max_length=10, description="The currency of max_cost (default: the catalog's, when it has one)."
    )
    rates: dict[str, float] | None = Field(None, max_length=300, description=RATES_HELP)
    level: str | None = Field(None, max_length=SHORT_TEXT, description="Levels, comma-separated.")
    language: str | None = Field(None, max_length=SHORT_TEXT, description="Languages, comma-separated.")
    min_score: float | None = Field(None, ge=0, le=1, description=MIN_SCORE_HELP)


class PlanRequest(_Request):
    """``POST /v1/plan``: a role, what the person has, and budgets for the whole plan."""

    text: str | None = Field(None, description=TEXT_HELP)
    posting: dict[str, Any] | None = Field(None, description=POSTING_HELP)
    skills: str | None = Field(None, max_length=SHORT_TEXT, description="Comma-separated skills the role needs.")
    title: str | None = Field(None, max_length=SHORT_TEXT, description="A job title (indexes with ESCO occupations).")
    have: str | None = Field(None, description="Skills the person already has: a list or a CV's text.")
    max_hours: float | None = Field(None, ge=0, le=MAX_BUDGET, description="Hours the whole plan may take.")
    max_cost: float | None = Field(None, ge=0, le=MAX_BUDGET, description="What the whole plan may cost.")
    max_credentials: int | None = Field(None, ge=1, le=MAX_CREDENTIALS, description="At most this many credentials.")
    level: str | None = Field(None, max_length=SHORT_TEXT, description="Levels, comma-separated.")
    language: str | None = Field(None, max_length=SHORT_TEXT, description="Languages, comma-separated.")
    min_score: float | None = Field(None, ge=0, le=1, description=MIN_SCORE_HELP)


@dataclass(frozen=True)
class RecommendResponse(QueryResult):
    """What ``recommender query --format json`` prints (``score_max``: the highest score this index gives),
    plus the server's warnings."""

    score_max: float = 0.0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanResponse(PlanResult):
    """What ``recommender plan --format json`` prints, plus the server's warnings."""

    warnings: tuple[str, ...] = ()


class SkillsResponse(BaseModel):
    """What ``recommender skills --format json`` prints (``skills``), plus the server's warnings."""

    skills: list[SkillMatch]
    warnings: list[str] = []


@dataclass(frozen=True)
class CredentialDetail(Credential):
    """A catalog entry and its skill profile (what the index thinks it teaches, and why)."""

    profile: tuple[ProfileSkill, ...] = ()


class CredentialSummary(BaseModel):
    """One line of a catalog search."""

    id: str
    title: str
    provider: str
    hours: float | None
    cost: float | None
    currency: str
    level: str
    language: str
    url: str


class CredentialList(BaseModel):
    """``GET /v1/credentials``: the entries that match ``q`` (all when empty), first ``limit`` of ``total``."""

    total: int
    credentials: list[CredentialSummary]


class IndexInfo(BaseModel):
    """``GET /v1/index``: which index is live and what it holds."""

    version: str
    built_at: str
    counts: dict[str, int]
    encoder: str
    vocabulary: str
    catalog: str
    loaded_at: str


class Health(BaseModel):
    """``GET /healthz`` and ``GET /readyz``."""

    status: str
    index: str | None = None


class Problem(BaseModel):
    """An error as RFC 9457 problem details (``application/problem+json``); ``detail`` says the fix."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None
    request_id: str | None = None


PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the errors a route can answer."""
    titles = {400: "Malformed request", 401: "Missing or wrong API key", 404: "Not found",
              413: "Body too large", 422: "Invalid input", 503: "Index not available"}  # fmt: skip
    return {
        status: {"description": titles[status], "model": Problem, "content": PROBLEM_CONTENT} for status in statuses
    }

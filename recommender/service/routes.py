"""The endpoints: ``/v1/...`` (JSON, the same bodies the CLI prints), health checks and the page at ``/``.

A request takes the live index once, at its start, and is answered by it alone (``X-Index-Version``
says which); no request names a file or a model dir.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, overload

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..errors import InvalidInputError
from ..inputs.catalog import Credential
from ..inputs.documents import read_cv, read_role
from ..inputs.fields import truncate_text
from ..inputs.jobposting import postings_in_jsonld
from ..matching.filters import Filters
from ..planning.html import plan_heading, render_plan_html
from ..planning.pathway import build_plan
from ..planning.results import Budget
from ..store.artifacts import MANIFEST
from .models import (
    MAX_BUDGET,
    MAX_K,
    MIN_SCORE_HELP,
    SHORT_TEXT,
    TEXT_HELP,
    CredentialDetail,
    CredentialList,
    Health,
    IndexInfo,
    PlanRequest,
    PlanResponse,
    RecommendRequest,
    RecommendResponse,
    SkillsRequest,
    SkillsResponse,
    problem_responses,
)
from .ndjson import score_stream
from .state import Service
from .swap import Loaded

VERSION_HEADER = "X-Index-Version"
UPLOADS = ("/v1/recommend/files",)  # routes taking file uploads: ServiceConfig.max_upload bytes
NDJSON = "application/x-ndjson"
STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# The page talks only to this server: no CDN, font, image or script from anywhere else.
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

bearer = HTTPBearer(auto_error=False, description="Set when the server runs with RECOMMENDER_API_KEY.")


def _service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


async def require_key(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """With an API key set, ``/v1`` needs ``Authorization: Bearer KEY`` (compared in constant time)."""
    key = _service(request).config.api_key
    if key is None:
        return
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode("utf-8"), key.encode("utf-8")):
        raise HTTPException(
            401, "send the server's API key as 'Authorization: Bearer KEY'", headers={"WWW-Authenticate": "Bearer"}
        )


def _query_names(dependant: Any) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_query_only(request: Request) -> None:
    """A query parameter the route does not declare is a 422 naming it (not silently ignored)."""
    route = request.scope.get("route")
    declared = _query_names(route.dependant) if route is not None else set()
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise RequestValidationError(
            [{"type": "extra_forbidden", "loc": ("query", name), "msg": "Unknown query parameter", "input": None}
             for name in unknown]
        )  # fmt: skip


def _json(body: Any, live: Loaded, status: int = 200) -> Response:
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(content, status, media_type="application/json", headers={VERSION_HEADER: live.version})


@overload
def _cut(service: Service, value: str, name: str, warnings: list[str]) -> str: ...
@overload
def _cut(service: Service, value: str | None, name: str, warnings: list[str]) -> str | None: ...
def _cut(service: Service, value: str | None, name: str, warnings: list[str]) -> str | None:
    limit = service.config.max_text_chars
    if value is None or len(value) <= limit:
        return value
    warnings.append(f"{name} was cut to {limit} characters (it had {len(value)}): the server's text limit")
    return truncate_text(value, limit)


def _posting(service: Service, posting: dict[str, Any], warnings: list[str]) -> tuple[str, str | None]:
    """The text and title of the one schema.org JobPosting in ``posting`` (a JSON-LD object)."""
    postings = postings_in_jsonld(posting)
    if not postings:
        raise InvalidInputError('posting holds no schema.org JobPosting: send a JSON-LD object, "@type": "JobPosting"')
    if len(postings) > 1:
        raise InvalidInputError(f"posting holds {len(postings)} JobPostings: send one (POST /v1/score takes many)")
    found = postings[0]
    if not found.text:
        raise InvalidInputError("posting: the JobPosting has no description, responsibilities, qualifications, skills")
    return _cut(service, found.text, "posting", warnings), found.title or None


def _role_text(
    service: Service, text: str | None, posting: dict[str, Any] | None, title: str | None, warnings: list[str]
) -> tuple[str | None, str | None]:
    """The role's text and title: ``text``, or a JobPosting's (not both); ``title`` wins over the posting's."""
    if posting is None:
        return _cut(service, text, "text", warnings), title
    if text:
        raise InvalidInputError("give text or posting, not both")
    found, posting_title = _posting(service, posting, warnings)
    return found, title or posting_title


def _score_max(live: Loaded) -> float:
    return live.model.settings.score_max


@lru_cache(maxsize=2)  # the live index and the one before a swap
def _haystacks(live: Loaded) -> tuple[str, ...]:
    return tuple(" ".join((c.id, c.title, c.provider, *c.skills)).casefold() for c in live.model.credentials_)


def _summary(credential: Credential) -> dict[str, Any]:
    keys = ("id", "title", "provider", "hours", "cost", "currency", "level", "language", "url")
    return {key: getattr(credential, key) for key in keys}


def _built_at(live: Loaded) -> str:
    """When the version was written: its folder's stamp (index-YYYYmmddTHHMMSS-...), else its manifest's time."""
    stamp = live.version.split("-")[1] if live.version.startswith("index-") else ""
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S").isoformat()
    except ValueError:
        path = live.model.path_
        when = (path / MANIFEST).stat().st_mtime if path is not None else 0.0
        return datetime.fromtimestamp(when, timezone.utc).isoformat(timespec="seconds")


def _index_info(live: Loaded) -> dict[str, Any]:
    manifest = live.model.manifest_
    catalog = manifest.get("inputs", {}).get("catalog", {})
    vocabulary = live.model.vocabulary_
    return {
        "version": live.version,
        "built_at": _built_at(live),
        "counts": manifest.get("counts", {"credentials": len(live.model.credentials_)}),
        "encoder": manifest.get("encoder", {}).get("spec", getattr(live.model.encoder, "spec", "")),
        "vocabulary": f"{vocabulary.source} ({len(vocabulary)} skills)",
        "catalog": ("embedded: " if manifest.get("inputs", {}).get("embedded") else "") + catalog.get("report", ""),
        "loaded_at": live.loaded_at,
    }


def install_routes(app: FastAPI) -> None:
    """Add the page, the health checks and the ``/v1`` API to ``app``."""
    v1 = APIRouter(
        prefix="/v1", dependencies=[Depends(require_key), Depends(known_query_only)], responses=problem_responses(401)
    )
    page = resources.files(__package__).joinpath("static")

    @app.get("/", include_in_schema=False)
    async def index_page() -> HTMLResponse:
        html = page.joinpath("index.html").read_text(encoding="utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_POLICY})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(page.joinpath("favicon.svg").read_bytes(), media_type=STATIC["favicon.svg"])

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404, f"no static file {name!r}; the page uses {', '.join(STATIC)}")
        return Response(page.joinpath(name).read_bytes(), media_type=STATIC[name])

    @app.get("/healthz", response_model=Health, summary="The process is up")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get("/readyz", response_model=Health, summary="An index is loaded", responses=problem_responses(503))
    async def readyz(request: Request) -> Any:
        live = _service(request).live.current()
        if live.model.path_ is not None and not live.model.path_.exists():
            raise HTTPException(503, f"the live index folder {live.version} is gone; rebuild the index")
        return {"status": "ready", "index": live.version}

    @v1.get("/index", response_model=IndexInfo, summary="The live index: version, counts, encoder, vocabulary")
    async def index_info(request: Request) -> Response:
        live = _service(request).live.current()
        return _json(_index_info(live), live)

    @v1.post("/skills", response_model=None, summary="The vocabulary's skills a text mentions, with evidence",
             responses={200: {"model": SkillsResponse}, **problem_responses(400, 413, 422)})  # fmt: skip
    async def skills(body: SkillsRequest, request: Request) -> Response:
        service = _service(request)
        live = service.live.current()
        warnings: list[str] = []
        text, _ = _role_text(service, body.text, body.posting, None, warnings)
        if not text:
            raise InvalidInputError("give text (the text to read) or posting (a schema.org JobPosting)")
        matches = await service.run(lambda: live.model.skills(text, min_score=body.min_score))
        return _json({"skills": [m.to_dict() for m in matches], "notes": [], "warnings": warnings}, live)

    @v1.post("/recommend", response_model=None, summary="Ranked, explained credentials for a role",
             responses={200: {"model": RecommendResponse}, **problem_responses(400, 413, 422)})  # fmt: skip
    async def recommend(body: RecommendRequest, request: Request) -> Response:
        service = _service(request)
        live = service.live.current()
        warnings: list[str] = []
        text, title = _role_text(service, body.text, body.posting, body.title, warnings)
        have = _cut(service, body.have, "have", warnings)
        filters = Filters(body.max_hours, body.max_cost, body.level, body.language, currency=body.currency,
                          rates=body.rates)  # fmt: skip
        result = await service.run(
            lambda: live.model.recommend(
                text, skills=body.skills, have=have, k=body.k, filters=filters, title=title, min_score=body.min_score
            )
        )
        return _json({**result.to_dict(), "score_max": _score_max(live), "warnings": warnings}, live)

    @v1.post(
        UPLOADS[0].removeprefix("/v1"),
        response_model=None,
        summary="Ranked credentials for an uploaded job posting and CV (multipart/form-data)",
        responses={200: {"model": RecommendResponse}, **problem_responses(400, 413, 422)},
    )
    async def recommend_files(
        request: Request,
        posting: UploadFile | None = File(
            None, description="The job posting: text, a schema.org JobPosting (.json) or a web page embedding one."
        ),
        cv: UploadFile | None = File(None, description="What the person has: a CV as PDF, Word (.docx) or text."),
        text: str | None = Form(None, description=TEXT_HELP),
        skills: str | None = Form(None, max_length=SHORT_TEXT, description="Comma-separated skills the role needs."),
        title: str | None = Form(None, max_length=SHORT_TEXT, description="A job title."),
        have: str | None = Form(None, description="Skills the person already has, as a list."),
        k: int = Form(10, ge=1, le=MAX_K, description="How many credentials to return."),
        max_hours: float | None = Form(None, ge=0, le=MAX_BUDGET),
        max_cost: float | None = Form(None, ge=0, le=MAX_BUDGET),
        currency: str | None = Form(None, max_length=10),
        level: str | None = Form(None, max_length=SHORT_TEXT),
        language: str | None = Form(None, max_length=SHORT_TEXT),
        min_score: float | None = Form(None, ge=0, le=1, description=MIN_SCORE_HELP),
    ) -> Response:
        service = _service(request)
        live = service.live.current()
        warnings: list[str] = []
        role_text, role_title = _cut(service, text, "text", warnings), title
        if posting is not None:
            if text:
                raise InvalidInputError("give text or posting, not both")
            data, name = await posting.read(), posting.filename or "posting"
            role = await service.run(lambda: read_role(data, name=name))
            role_text, role_title = _cut(service, role.text, "posting", warnings), title or role.title
        held = [have] if have else []
        if cv is not None:
            cv_data, cv_name = await cv.read(), cv.filename or "cv"
            held.append(_cut(service, await service.run(lambda: read_cv(cv_data, name=cv_name, what="cv")), "cv",
                             warnings))  # fmt: skip
        filters = Filters(max_hours, max_cost, level, language, currency=currency)
        result = await service.run(
            lambda: live.model.recommend(
                role_text, skills=skills, have="\n".join(held) or None, k=k, filters=filters, title=role_title,
                min_score=min_score,
            )
        )
        return _json({**result.to_dict(), "score_max": _score_max(live), "warnings": warnings}, live)

    plan_ok = {"model": PlanResponse, "content": {"text/html": {"schema": {"type": "string"}}}}

    @v1.post("/plan", response_model=None, summary="A stack of credentials covering the role within budgets",
             responses={200: plan_ok, **problem_responses(400, 413, 422)})  # fmt: skip
    async def plan(
        body: PlanRequest,
        request: Request,
        format: Literal["json", "html"] = Query("json", description="json, or html: the self-contained plan page."),
    ) -> Response:
        service = _service(request)
        live = service.live.current()
        warnings: list[str] = []
        text, title = _role_text(service, body.text, body.posting, body.title, warnings)
        have = _cut(service, body.have, "have", warnings)
        budget = Budget(body.max_hours, body.max_cost, body.max_credentials)
        result = await service.run(
            lambda: build_plan(live.model, text, skills=body.skills, have=have, title=title, budget=budget,
                               level=body.level, language=body.language, min_score=body.min_score)
        )  # fmt: skip
        if format == "html":
            html = render_plan_html(result, title=plan_heading(text, title, body.skills))
            return HTMLResponse(html, headers={VERSION_HEADER: live.version})
        return _json({**result.to_dict(), "warnings": warnings}, live)

    @v1.post(
        "/score",
        summary="Batch scoring: NDJSON postings ({id, title, text} a line) in, one NDJSON line each out, in order",
        response_class=StreamingResponse,
        responses={200: {"content": {NDJSON: {"schema": {"type": "string"}}}}, **problem_responses(413, 422)},
        openapi_extra={"requestBody": {"required": True, "content": {NDJSON: {"schema": {"type": "string"}}}}},
    )
    async def score(
        request: Request,
        k: int = Query(10, ge=1, le=MAX_K, description="Credentials per posting."),
        max_hours: float | None = Query(None, ge=0, le=MAX_BUDGET),
        max_cost: float | None = Query(None, ge=0, le=MAX_BUDGET),
        level: str | None = Query(None, max_length=2000),
        language: str | None = Query(None, max_length=2000),
    ) -> Response:
        service = _service(request)
        live = service.live.current()
        live.model.check_k(k)  # 422 before anything is streamed
        lines = score_stream(
            live.model, request.stream(), service.run, k=k, filters=Filters(max_hours, max_cost, level, language),
            max_line=service.config.max_body, max_text_chars=service.config.max_text_chars,
        )  # fmt: skip
        return DuplexStreamingResponse(lines, media_type=NDJSON, headers={VERSION_HEADER: live.version})

    @v1.get("/credentials", response_model=CredentialList, summary="Browse or search the catalog")
    async def credentials(
        request: Request,
        q: str = Query("", max_length=200, description="Words to find in id, title, provider or skills."),
        limit: int = Query(20, ge=1, le=100),
    ) -> Response:
        live = _service(request).live.current()
        words = q.casefold().split()
        hits = [i for i, text in enumerate(_haystacks(live)) if all(word in text for word in words)]
        found = [_summary(live.model.credentials_[i]) for i in hits[:limit]]
        return _json({"total": len(hits), "credentials": found}, live)

    @v1.get("/credentials/{credential_id}", response_model=None, summary="One credential and its skill profile",
            responses={200: {"model": CredentialDetail}, **problem_responses(404)})  # fmt: skip
    async def credential(credential_id: str, request: Request) -> Response:
        service = _service(request)
        live = service.live.current()
        position = live.model.position(credential_id)
        if position is None:
            raise HTTPException(404, f"no credential with id {credential_id!r}; find ids with GET /v1/credentials?q=")
        found = live.model.credentials_[position]
        profile = await service.run(lambda: live.model.profile(credential_id))
        return _json({**found.to_dict(), "profile": [p.to_dict() for p in profile]}, live)

    app.include_router(v1)


class DuplexStreamingResponse(StreamingResponse):
    """Streams the response while the request body is still being read.

    Starlette's StreamingResponse may listen for a disconnect by calling ``receive`` alongside the
    body generator, which would take request body chunks away from ``/v1/score``'s reader; a client
    that goes away surfaces as a failed ``send`` here instead.
    """

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.stream_response(send)

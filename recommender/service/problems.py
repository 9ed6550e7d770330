"""Errors as ``application/problem+json`` and the per-request plumbing: request id, access log, body limit.

Every error a client can cause gets a status, a title and a ``detail`` that says the fix; an
unexpected failure is a 500 that names the request id, its traceback goes to the server's log and
never into the response.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TextIO

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ArtifactError, InvalidInputError

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_TITLES = {400: "Malformed request", 401: "Missing or wrong API key", 404: "Not found", 405: "Method not allowed",
           413: "Body too large", 415: "Unsupported media type", 422: "Invalid input",
           500: "Internal error", 503: "Index not available"}  # fmt: skip


class BodyTooLarge(StarletteHTTPException):
    """The request body passed the server's limit (raised while it is read)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"the body is larger than {limit} bytes, the server's limit; send a shorter text or a smaller file"
        )


def problem(status: int, detail: str, *, request_id: str | None = None, **extra: Any) -> JSONResponse:
    """A problem-details response (RFC 9457)."""
    body = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status, "detail": detail}
    body.update({key: value for key, value in extra.items() if value is not None})
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE)


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        where = next((e.get("ctx", {}).get("error", "") for e in errors if e.get("type") == "json_invalid"), "")
        return problem(
            400, f"the body is not valid JSON ({where}); send one JSON object", request_id=_request_id(request)
        )
    listed = [{"field": _field(e["loc"]), "message": e["msg"]} for e in errors]
    detail = "; ".join(f"{item['field']}: {item['message']}" for item in listed[:5])
    return problem(422, f"fix these fields: {detail}", errors=listed, request_id=_request_id(request))


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to a problem response."""

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, str(exc.detail), request_id=_request_id(request))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(InvalidInputError)
    async def invalid(request: Request, exc: InvalidInputError) -> JSONResponse:
        return problem(422, http_terms(str(exc)), request_id=_request_id(request))

    @app.exception_handler(ArtifactError)
    async def artifact(request: Request, exc: ArtifactError) -> JSONResponse:
        return problem(503, str(exc), request_id=_request_id(request))


# The library's messages name the command line's options; an API client sends fields.
_PHRASES = (
    ("(text or --file)", "(text or posting)"),
    ("TEXT or --file", "text or posting"),
    ("pass TEXT, --file FILE, or pipe the text in", "send text or posting"),
    ("--rates FILE", "rates"),
    ("--currency CODE", "currency"),
)
_FIELDS = {"--file": "posting", "--have-file": "cv", "--model-dir": "the server's index", "--map": "fields"}
_FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-k)\b")


def http_terms(message: str) -> str:
    """A library message in the API's terms: ``--max-cost`` → ``max_cost``, ``-k`` → ``k``, ``--file`` → ``posting``."""
    for cli, http in _PHRASES:
        message = message.replace(cli, http)
    return _FLAG.sub(lambda m: _FIELDS.get(m.group(1), m.group(1).lstrip("-").replace("-", "_")), message)


class RequestPlumbing:
    """Pure ASGI middleware: a request id (``X-Request-ID``, kept when the client sends a sane one),
    the body size limit (413 before the body is read when ``Content-Length`` says so, and while it
    is read otherwise; ``unlimited`` paths stream and check per line themselves) and one JSON
    access-log line per request on ``log`` (stderr by default)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        unlimited: tuple[str, ...] = (),
        uploads: tuple[str, ...] = (),
        max_upload: int = 0,
        log: TextIO | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.unlimited = unlimited
        self.uploads = uploads  # paths taking file uploads: max_upload bytes
        self.max_upload = max(max_upload, max_body)
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
        given = headers.get("x-request-id", "")
        request_id = given if 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        status = {"code": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["started"] = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        limited = not scope["path"].startswith(self.unlimited)
        limit = self.max_upload if self.uploads and scope["path"] in self.uploads else self.max_body
        try:
            if limited and _declared_length(headers) > limit:
                response = problem(413, str(BodyTooLarge(limit).detail), request_id=request_id)
                await response(scope, receive, send_with_id)
                return
            await self.app(scope, self._counting(receive, limit) if limited else receive, send_with_id)
        except Exception:
            # An unexpected failure: the traceback goes to the log, the client gets a problem naming the request.
            logger.exception("request %s failed", request_id)
            if status["started"]:
                raise
            detail = f"the server failed on this request (id {request_id}); its log has the cause"
            await problem(500, detail, request_id=request_id)(scope, receive, send_with_id)
        finally:
            self._access(scope, status["code"], started, request_id)

    def _counting(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        return counted

    def _access(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "request_id": request_id,
        }
        out = self.log if self.log is not None else sys.stderr
        out.write(json.dumps(line) + "\n")
        out.flush()


def _declared_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0

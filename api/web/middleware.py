"""ASGI middleware for everything under /api: a body size limit, security headers (Netlify's
header rules do not reach proxied responses), an access log without client addresses, and a
last catch for unexpected errors."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.i18n import Lang, as_lang, negotiate
from api.web.errors import error_json
from api.web.language import STATE_KEY, request_language
from api.web.routes import API_PREFIX

access_logger = logging.getLogger("api.access")
logger = logging.getLogger(__name__)

# The name of the catch-all route that answers unknown /api paths (see api.web.app).
FALLBACK_ROUTE = "api_fallback"
JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI at /api/docs: every file from this origin (api/web/routes/docs.py), no inline code.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
PUBLIC_PATHS = ("/api/openapi.json", "/api/docs", "/api/config")


def _is_api(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return scope["type"] == "http" and (path == API_PREFIX or path.startswith(API_PREFIX + "/"))


def _route(scope: Scope) -> str:
    """The template of the route that served the request (`/api/dpa`, `/api/{rest:path}`),
    never the path as sent: a path or query may hold anything, an email address included."""
    route = scope.get("route")
    # The fallback is a plain Starlette route (see api.web.app): its endpoint carries the name.
    if FALLBACK_ROUTE in (
        getattr(route, "name", None),
        getattr(scope.get("endpoint"), "name", None),
    ):
        return "<unknown path>"
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else "<no route>"


def _body_language(body: bytes) -> Lang | None:
    if b'"language"' not in body:
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return None
    return as_lang(data.get("language")) if isinstance(data, dict) else None


class RequestBody:
    """Answer 413 before a route reads more than `max_bytes` of body, and decide the request's
    language once (see `api.web.language`): the body's `language`, else Accept-Language."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        state[STATE_KEY] = negotiate(headers.get("accept-language"))
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = headers.get("content-length")
        too_large = False
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                too_large = False
        chunks: list[bytes] = []
        size = 0
        if not too_large:
            # Buffer the (small) body so an oversized chunked body is caught too.
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_bytes:
                    too_large = True
                    break
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
        if too_large:
            response = error_json(
                scope, 413, "payload_too_large", state[STATE_KEY], headers={"Connection": "close"}
            )
            await response(scope, receive, send)
            return
        body = b"".join(chunks)
        body_lang = _body_language(body)
        if body_lang is not None:
            # Errors raised before the route parses the body (429, 503) still speak it.
            state[STATE_KEY] = body_lang
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class HeadAsGet:
    """HEAD wherever GET works: the request is handled as a GET and answered without its body
    (the headers, Content-Length included, are the GET's). FastAPI's routes list GET only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope) or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # In place, so the routing below is seen by the access log around it (ApiHeaders).
        scope["method"] = "GET"
        try:
            await self.app(scope, receive, headers_only)
        finally:
            scope["method"] = "HEAD"


class CatchUnexpected:
    """Answer an unexpected error with the JSON 500 and keep it from the server.

    Starlette's outermost middleware re-raises every exception after its handler has answered,
    and uvicorn (or Mangum) then logs it with its text and traceback, where submitted data can
    appear (a value quoted by a driver or a validator). Only the type is logged here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope):
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # the last line: whatever it is, it must not escape
            method = scope.get("method")
            logger.error("unhandled %s on %s %s", type(exc).__name__, method, _route(scope))
            if not started:
                response = error_json(
                    scope, 500, "internal_error", request_language(Request(scope))
                )
                await response(scope, receive, send)


class ApiHeaders:
    """Security headers and caching rules on every /api response, errors included."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method = scope.get("method")
        started = time.perf_counter()
        status: dict[str, int] = {}

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                headers["Content-Security-Policy"] = (
                    DOCS_CSP if path.startswith("/api/docs") else JSON_CSP
                )
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
                if path in PUBLIC_PATHS or path.startswith("/api/docs/"):
                    headers.setdefault("Cache-Control", "no-cache")
                else:
                    # Anything else may carry personal data (or reflect it in an error).
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            code = status.get("code", "-")
            access_logger.info(
                "%s %s %s %.1fms",
                method,
                _route(scope),
                code,
                (time.perf_counter() - started) * 1000,
            )


class StartupMessages:
    """When start-up is refused (api.web.startup.StartupRefused), the server prints the
    refusal's sentence instead of the traceback Starlette reports: the person reading the log
    learns what to do, in one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def plain(message: Message) -> None:
            refused = getattr(scope["app"].state, "startup_refused", None)
            if message["type"] == "lifespan.startup.failed" and refused:
                message = {**message, "message": refused}
            await send(message)

        await self.app(scope, receive, plain)

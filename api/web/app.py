"""The API application: `create_app()` wires settings, store, captcha, limits and mail onto
`app.state` and mounts one router per resource under /api."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount, Route
from starlette.types import Receive, Scope, Send

from api.captcha import CaptchaVerifier
from api.content import ContentError, get_content
from api.content.completeness import refusal
from api.core.crypto import cipher_from_settings
from api.core.settings import Settings, docs_assets_installed, get_settings
from api.db.store import Store
from api.dpa import pdf
from api.mail.sender import sender_from_settings
from api.ratelimit import RateLimiter
from api.web.errors import install_error_handlers
from api.web.middleware import (
    FALLBACK_ROUTE,
    ApiHeaders,
    CatchUnexpected,
    HeadAsGet,
    RequestBody,
    StartupMessages,
)
from api.web.routes import API_PREFIX, contact, docs, dpa, health, subscriptions
from api.web.routes import config as config_routes
from api.web.startup import open_store

logger = logging.getLogger(__name__)

LOOPBACK_ORIGIN = r"http://(127\.0\.0\.1|localhost)(:\d+)?"


def production_refusal(settings: Settings) -> str | None:
    """Why a production API must not start on its content (None: it may), as one message for
    the entry points to print: a DPA issued now would show an example value (the same rule as
    the production site build, `api.content.completeness`), or the content is invalid."""
    if settings.is_development:
        return None
    try:
        content = get_content(settings.DATA_DIR)
    except ContentError as error:
        return "refusing to start in production: invalid content:\n  " + "\n  ".join(error.problems)
    return refusal(content)


def register_health_check(app: FastAPI, name: str, check: Callable[[], str]) -> None:
    """Add a line to `GET /api/health`, e.g. `register_health_check(app, "pdf", pdf_status)`
    where the callable returns a short word such as "available" or "unavailable"."""
    app.state.health_checks[name] = check


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # Migrated and its key checked; if the database is down, a task that waits for it.
    waiting = await open_store(app)
    # What killed processes left of PDF conversions (plaintext DPAs, running LibreOffices).
    await asyncio.to_thread(pdf.sweep)
    if settings.captcha_mode == "development":
        logger.warning("captcha in DEVELOPMENT mode: tokens are not checked")
    if not settings.SMTP_URL.get_secret_value():
        logger.warning("no SMTP_URL: mail is kept in the outbox and not sent")
    task: asyncio.Task[None] | None = None
    if settings.OUTBOX_INTERVAL > 0 and app.state.mail_sender is not None:
        from api.mail.outbox import run_outbox_loop

        task = asyncio.create_task(run_outbox_loop(app.state, settings.OUTBOX_INTERVAL))
    try:
        yield
    finally:
        for background in (task, waiting):
            if background is not None:
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background
        await app.state.captcha.aclose()
        app.state.store.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.getLogger("api").setLevel(settings.LOG_LEVEL.upper())

    app = FastAPI(
        title="UNOY Trust Center API",
        version="1.0.0",
        summary="Privacy inquiries and Data Processing Agreements for UNOY's Trust Center.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        # FastAPI's docs pages load Swagger UI from a CDN: api/web/routes/docs.py serves it.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=_lifespan,
    )
    cipher = cipher_from_settings(settings)
    app.state.settings = settings
    # Connected on first use: see api/db/store.py. Not ready while the lifespan waits for a
    # database that was down at start-up (api/web/startup.py).
    app.state.store = Store(settings.database_url)
    app.state.store_ready = True
    app.state.cipher = cipher
    app.state.captcha = CaptchaVerifier(settings)
    app.state.rate_limiter = RateLimiter(settings.RATE_LIMIT_STORAGE, cipher.digest)
    app.state.mail_sender = sender_from_settings(settings)
    app.state.health_checks = {}
    register_health_check(app, "pdf", pdf.health_check(settings))
    # resident | starting | idle | per-call: see api/dpa/converter.py.
    pdf.configure(settings)
    register_health_check(app, "pdf_converter", pdf.converter_check(settings))

    install_error_handlers(app)
    # The last added runs first: headers and the access log around everything, then the catch.
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestBody, max_bytes=settings.MAX_BODY_BYTES)
    if settings.is_development:
        # `make serve` (mkdocs serve on another port) lets writers try the forms against this
        # API; a deployed API is reached through the site's own origin and allows no other.
        app.add_middleware(
            CORSMiddleware,
            allow_origin_regex=LOOPBACK_ORIGIN,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept", "Accept-Language", "Idempotency-Key"],
            expose_headers=[
                "Content-Disposition",
                "X-DPA-Reference",
                "X-DPA-SHA256",
                "X-DPA-Draft",
            ],
        )
    app.add_middleware(CatchUnexpected)
    app.add_middleware(ApiHeaders, hsts=not settings.is_development)
    app.add_middleware(StartupMessages)

    for resource in (health, config_routes, contact, dpa, subscriptions):
        app.include_router(resource.router)
    if settings.API_DOCS:
        if docs_assets_installed():
            app.include_router(docs.router)
        else:
            logger.warning("no Swagger UI files installed (fastapi-offline): /api/docs is off")
    # Last: unknown /api paths, and any method (TRACE, PROPFIND, ...) on a known one, answer
    # JSON 404/405 here instead of falling through to the static site that api.main mounts at
    # "/". A route whose endpoint is an ASGI app (not a function) matches every method.
    app.router.routes.append(
        Route(f"{API_PREFIX}/{{rest:path}}", _ApiFallback(), name=FALLBACK_ROUTE)
    )
    return app


class _ApiFallback:
    name = FALLBACK_ROUTE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Mounts (the static site at "/") answer every path; only API routes count here.
        others = [
            route
            for route in scope["app"].router.routes
            if not isinstance(route, Mount) and getattr(route, "name", None) != FALLBACK_ROUTE
        ]
        allowed = [
            method
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
            if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in others)
        ]
        if "GET" in allowed:  # HeadAsGet answers HEAD wherever GET works
            allowed.insert(1, "HEAD")
        if allowed:
            raise StarletteHTTPException(405, headers={"Allow": ", ".join(allowed)})
        raise StarletteHTTPException(404)

"""`GET /api/health`: liveness and readiness for load balancers and people."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.web.routes import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["health"])


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["reachable", "unreachable"]
    captcha: Literal["hcaptcha", "development"]
    mail: Literal["smtp", "outbox-only"]
    # Further checks registered with api.web.app.register_health_check, e.g. {"pdf": "available"}.
    checks: dict[str, str]


# How long a health request waits for the probe; a database that has not answered by then
# counts as unreachable (the probe goes on, and the next request may find its result).
HEALTH_WAIT = 3.0


def _probe(state: Any) -> tuple[bool, dict[str, str]]:
    """Blocking (a database round trip; checks such as looking up LibreOffice on PATH): run
    in a worker thread, never on the event loop."""
    reachable = state.store_ready and state.store.reachable()
    checks: dict[str, str] = {}
    for name, check in state.health_checks.items():
        try:
            checks[name] = str(check())
        except Exception:  # a broken check reports itself, it does not break health
            checks[name] = "error"
    return reachable, checks


async def _current(state: Any) -> tuple[bool, dict[str, str]]:
    """The probe's result. The probe runs on threads of its own (never queued behind the
    threads other routes hold, e.g. inquiries waiting for a slow database), one at a time:
    requests arriving while it runs share it rather than starting another."""
    loop = asyncio.get_running_loop()
    probe: asyncio.Future[tuple[bool, dict[str, str]]] | None = getattr(state, "health_probe", None)
    # Per event loop: Mangum may run each Lambda invocation in a loop of its own.
    if probe is None or probe.done() or probe.get_loop() is not loop:
        limiter = anyio.CapacityLimiter(1)  # the probe's own thread, outside the shared pool
        probe = state.health_probe = asyncio.ensure_future(
            anyio.to_thread.run_sync(_probe, state, limiter=limiter)
        )
    try:
        return await asyncio.wait_for(asyncio.shield(probe), HEALTH_WAIT)
    except TimeoutError:
        return False, {}


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database is unreachable."}},
)
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    reachable, checks = await _current(state)
    body = Health(
        status="ok" if reachable else "degraded",
        database="reachable" if reachable else "unreachable",
        captcha=state.settings.captcha_mode,
        mail="smtp" if state.mail_sender is not None else "outbox-only",
        checks=checks,
    )
    return JSONResponse(body.model_dump(), status_code=200 if reachable else 503)

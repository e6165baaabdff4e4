"""`GET /api/health`: liveness and readiness for load balancers and people."""

from __future__ import annotations

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


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database is unreachable."}},
)
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    reachable, checks = await anyio.to_thread.run_sync(_probe, state)
    body = Health(
        status="ok" if reachable else "degraded",
        database="reachable" if reachable else "unreachable",
        captcha=state.settings.captcha_mode,
        mail="smtp" if state.mail_sender is not None else "outbox-only",
        checks=checks,
    )
    return JSONResponse(body.model_dump(), status_code=200 if reachable else 503)

"""The AWS Lambda entry point: API Gateway events through Mangum, schedules drain the outbox."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select, update

from api.content import load_content
from api.core.clock import utcnow
from api.core.crypto import generate_key
from api.core.settings import get_settings
from api.db.subscription import Subscription
from tests.support.aio import in_own_thread
from tests.support.app import valid_body
from tests.support.smtp import SmtpServer


@pytest.fixture
def handler_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ModuleType]:
    monkeypatch.setenv("TRUSTCENTER_DATABASE_URL", f"sqlite:///{tmp_path / 'lambda.db'}")
    monkeypatch.setenv("TRUSTCENTER_DATA_KEYS", generate_key())
    monkeypatch.setenv("TRUSTCENTER_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("TRUSTCENTER_OUTBOX_INTERVAL", "0")
    get_settings.cache_clear()
    sys.modules.pop("api.lambda_handler", None)
    module = importlib.import_module("api.lambda_handler")
    from api.db import migrate

    migrate.upgrade(module.app.state.store.engine)  # `trustcenter migrate` at deploy time
    yield module
    sys.modules.pop("api.lambda_handler", None)
    get_settings.cache_clear()


def _event(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "accept-language": "en"},
        "requestContext": {
            "http": {
                "method": method,
                "path": path,
                "sourceIp": "198.51.100.77",
                "protocol": "HTTP/1.1",
            },
            "domainName": "api.trust.unoy.example",
            "stage": "$default",
            "requestId": "r1",
            "accountId": "1",
            "apiId": "a",
        },
        "body": base64.b64encode(raw).decode(),
        "isBase64Encoded": True,
    }


def invoke(module: ModuleType, event: dict[str, Any]) -> Any:
    """The handler as Lambda calls it: on a thread with no event loop running (Playwright's
    sync API leaves one marked as running on the main thread of a worker that ran a browser
    test)."""

    def call() -> Any:
        loop = asyncio.new_event_loop()  # Lambda's main thread has one set, not running
        asyncio.set_event_loop(loop)
        try:
            return module.handler(event, None)
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    return in_own_thread(call)


def test_http_events_reach_the_app(handler_module: ModuleType) -> None:
    health = invoke(handler_module, _event("GET", "/api/health"))
    assert health["statusCode"] == 200
    assert json.loads(health["body"])["database"] == "reachable"
    created = invoke(handler_module, _event("POST", "/api/contact", valid_body()))
    assert created["statusCode"] == 201, created
    assert json.loads(created["body"])["reference"].startswith("PRV-")
    assert created["headers"]["cache-control"] == "no-store"


def test_a_schedule_event_drains_the_outbox(
    handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(handler_module, _event("POST", "/api/contact", valid_body()))
    scheduled = invoke(handler_module, {"source": "aws.events"})
    assert {key: scheduled[key] for key in ("sent", "failed", "kept")} == {
        "sent": 0,
        "failed": 0,
        "kept": 2,
    }
    with SmtpServer() as smtp:
        from api.mail.sender import parse_smtp_url

        handler_module.app.state.mail_sender = parse_smtp_url(smtp.url)
        assert invoke(handler_module, {"source": "aws.events"})["sent"] == 2
        assert len(smtp.wait_for(2)) == 2


def test_a_cold_start_loads_no_module_it_does_not_need(tmp_path: Path) -> None:
    """What a Lambda pays at every cold start: migrations, the DPA stack, the captcha's HTTP
    client and the mail client load on first use only."""

    probe = (
        "import json, sys\n"
        "import api.lambda_handler\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")},
        "TRUSTCENTER_VAR_DIR": str(tmp_path),
        "TRUSTCENTER_DATA_KEYS": generate_key(),
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    deferred = {"alembic", "docxtpl", "docx", "lxml", "httpx2", "aiosmtplib", "jinja2", "click"}
    assert loaded & deferred == set()
    assert "fastapi" in loaded  # the probe did import the app


def test_a_schedule_event_also_notifies_subscribers(
    handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The Lambda's schedule is `trustcenter notify` where no one runs commands."""
    from tests.support.subscriptions import Announced, confirmation_token, data_with

    with SmtpServer() as smtp:
        from api.mail.sender import parse_smtp_url

        state = handler_module.app.state
        state.mail_sender = parse_smtp_url(smtp.url)
        body = {"email": "lambda.leser@kunde.example", "language": "en"}
        assert (
            invoke(handler_module, _event("POST", "/api/subscriptions", body))["statusCode"] == 202
        )
        invoke(handler_module, {"source": "aws.events"})  # sends the confirmation
        token = confirmation_token(smtp.wait_for(1)[0])
        confirmed = invoke(
            handler_module, _event("POST", "/api/subscriptions/confirm", {"token": token})
        )
        assert confirmed["statusCode"] == 200
        # The function is deployed with a new change in its data.
        state.content = load_content(data_with(tmp_path / "data", Announced("hubspot")))
        first = invoke(handler_module, {"source": "aws.events"})
        assert first["notices"] == {"queued": 1, "sent": 1, "waiting": 0}
        assert "objections by" in str(smtp.wait_for(2)[1]["Subject"])
        assert invoke(handler_module, {"source": "aws.events"})["notices"]["queued"] == 0
        # Off, the schedule sends no notice but still deletes unconfirmed subscriptions.
        state.settings = state.settings.model_copy(update={"NOTIFY_ON_SCHEDULE": False})
        state.content = load_content(
            data_with(tmp_path / "later", Announced("hubspot"), Announced("stripe"))
        )
        body = {"email": "never.confirms@kunde.example", "language": "de"}
        invoke(handler_module, _event("POST", "/api/subscriptions", body))
        with state.store.engine.begin() as connection:
            connection.execute(
                update(Subscription)
                .where(Subscription.status == "pending")
                .values(confirm_expires_at=utcnow() - timedelta(seconds=1))
            )
        assert "notices" not in invoke(handler_module, {"source": "aws.events"})
        assert len(smtp.wait_for(4, timeout=0.5)) == 3  # two confirmations and one notice
        with state.store.engine.connect() as connection:
            states = connection.execute(select(Subscription.status)).scalars().all()
        assert states == ["confirmed"]

"""Fixtures for API tests: settings on a temporary SQLite (or a fresh PostgreSQL database),
a running app behind TestClient, and helpers to look into the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.core.crypto import generate_key
from api.core.settings import Settings
from api.db.inquiry import Inquiry
from api.db.outbox import OutboxMessage
from api.web.app import create_app
from tests.support.services import postgres_database

SettingsFactory = Callable[..., Settings]
ClientFactory = Callable[..., TestClient]

# A body nested deeper than the JSON parser recurses, with a `language` to look for.
TOO_DEEP = b'{"language": "en", "x": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"


def valid_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "request_type": "access",
        "requester_role": "customer",
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.com",
        "company": "Beispiel AG",
        "message": "Bitte teilen Sie mir mit,\nwelche Daten Sie über mich speichern.",
        "language": "de",
        "privacy_notice_accepted": True,
        "captcha_token": "token-ok",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that uses this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'trustcenter.db'}"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'trustcenter.db'}"


@pytest.fixture
def make_settings(tmp_path: Path, sqlite_url: str) -> SettingsFactory:
    key = generate_key()

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "ENV": "development",
            "VAR_DIR": tmp_path / "var",
            "DATABASE_URL": sqlite_url,
            "DATA_KEYS": key,
            "SMTP_URL": "",
            "MAIL_FROM": "trustcenter@unoy.example",
            "PRIVACY_INBOX": "privacy@unoy.example",
            "RATE_LIMIT_STORAGE": "memory://",
            "RATE_LIMIT_CONTACT": "10000/minute",
            "OUTBOX_INTERVAL": 0,
            "HCAPTCHA_SECRET": "",
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_client(make_settings: SettingsFactory) -> Iterator[ClientFactory]:
    clients: list[TestClient] = []

    def make(
        settings: Settings | None = None,
        *,
        peer: tuple[str, int] = ("203.0.113.7", 50000),
        **overrides: Any,
    ) -> TestClient:
        app = create_app(settings or make_settings(**overrides))
        client = TestClient(app, raise_server_exceptions=True, client=peer)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


def count(app: Any) -> tuple[int, int]:
    """(inquiries, outbox rows) in the app's store."""
    with app.state.session_factory() as session:
        inquiries = session.scalar(select(func.count()).select_from(Inquiry)) or 0
        mails = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    return inquiries, mails

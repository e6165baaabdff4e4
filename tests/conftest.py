"""Fixtures shared by the tests of the app (tests/web, tests/dpa, tests/cli): settings on a
temporary SQLite (or a fresh PostgreSQL database), and a running app behind TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.crypto import generate_key
from api.core.settings import Settings
from api.web.app import create_app
from tests.support.app import ClientFactory, SettingsFactory
from tests.support.services import postgres_database


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
            "RATE_LIMIT_SUBSCRIBE": "10000/minute",
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

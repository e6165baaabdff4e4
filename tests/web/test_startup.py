"""Start-up against an unlucky environment: a database that is down (a clear line, 503 until it
is back, then it recovers by itself) and a development key that went missing (refused with
what to do, never silently replaced)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.exc import OperationalError

from api.core.settings import Settings
from api.web.app import create_app
from tests.support.app import ClientFactory, SettingsFactory, count, valid_body

DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"


def test_a_database_down_at_start_up_is_one_clear_line_and_503_until_it_is_back(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        client = make_client(DATABASE_URL=DOWN, MIGRATE_ON_START=True)
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING and "database" in r.msg]
    assert len(problems) == 1
    assert "unreachable" in problems[0].getMessage()
    assert problems[0].exc_info is None and problems[0].exc_text is None
    assert "Traceback" not in caplog.text
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json()["database"] == "unreachable"
    answer = client.post("/api/contact", json=valid_body(language="en"))
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "service_unavailable"


def test_the_api_recovers_by_itself_when_the_database_comes_back(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.db import migrate

    real_upgrade = migrate.upgrade
    attempts: list[int] = []

    def down_at_first(engine: object, revision: str = "head") -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("connect", {}, ConnectionRefusedError("down"))
        real_upgrade(engine, revision)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "upgrade", down_at_first)
    monkeypatch.setattr("api.web.startup.RETRY_SECONDS", 0.05)
    client = make_client(MIGRATE_ON_START=True)
    deadline = time.monotonic() + 10
    while client.get("/api/health").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get("/api/health").status_code == 200
    assert client.post("/api/contact", json=valid_body()).status_code == 201
    assert len(attempts) >= 2


def _with_one_inquiry(make_settings: SettingsFactory, var: Path) -> Settings:
    settings = make_settings(DATA_KEYS="", VAR_DIR=var)
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/contact", json=valid_body()).status_code == 201
        assert count(client.app) == (1, 2)
    return settings


def test_a_lost_development_key_is_never_silently_replaced(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    var = tmp_path / "var"
    settings = _with_one_inquiry(make_settings, var)
    (var / "data.key").unlink()
    with pytest.raises(Exception) as caught, TestClient(create_app(settings)):
        pass
    message = str(caught.value)
    assert "TRUSTCENTER_DATA_KEYS" in message
    assert str(var / "data.key") in message
    assert "restore" in message.lower()
    assert not (var / "data.key").exists()  # no new key left behind to encrypt with


def test_a_key_that_does_not_decrypt_the_stored_data_is_refused(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from api.core.crypto import generate_key

    var = tmp_path / "var"
    settings = _with_one_inquiry(make_settings, var)
    wrong = settings.model_copy(update={"DATA_KEYS": SecretStr(generate_key())})
    with pytest.raises(Exception) as caught, TestClient(create_app(wrong)):
        pass
    assert "TRUSTCENTER_DATA_KEYS" in str(caught.value)
    assert "rotate-keys" in str(caught.value)

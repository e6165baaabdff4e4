"""GET /api/health and GET /api/config."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.db.session import POSTGRES_CONNECT_TIMEOUT, create_db_engine, database_reachable
from api.web.app import register_health_check
from tests.support.app import ClientFactory
from tests.support.blackhole import Blackhole, finishes_within


def test_health_reports_database_captcha_and_mail(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    data = response.json()
    assert {key: data[key] for key in ("status", "database", "captcha", "mail")} == {
        "status": "ok",
        "database": "reachable",
        "captcha": "development",
        "mail": "outbox-only",
    }
    assert isinstance(data["checks"], dict)


def test_an_unreachable_database_is_a_503(make_client: ClientFactory, tmp_path: Path) -> None:
    client = make_client(
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        MIGRATE_ON_START=False,
    )
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "degraded"


def test_an_unreachable_database_refuses_submissions_without_a_500(
    make_client: ClientFactory,
) -> None:
    from tests.support.app import valid_body

    client = make_client(
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        MIGRATE_ON_START=False,
    )
    response = client.post("/api/contact", json=valid_body(language="en"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_other_resources_can_add_checks(client: TestClient) -> None:
    register_health_check(client.app, "extra", lambda: "available")  # type: ignore[arg-type]

    def broken() -> str:
        raise RuntimeError("soffice vanished")

    register_health_check(client.app, "broken", broken)  # type: ignore[arg-type]
    checks = client.get("/api/health").json()["checks"]
    assert checks["extra"] == "available"
    assert checks["broken"] == "error"


def test_config_tells_the_form_what_it_needs(client: TestClient) -> None:
    response = client.get("/api/config")
    assert response.json() == {
        "captcha": {"mode": "development", "sitekey": None},
        "message_max_length": 5000,
        "name_max_length": 200,
    }
    assert response.headers["cache-control"] == "no-cache"


def test_a_silent_database_is_reported_within_seconds() -> None:
    """A PostgreSQL that accepts and never answers: health says "unreachable" after the
    connect timeout instead of waiting as long as the operating system keeps the socket."""
    with Blackhole() as silent:
        engine = create_db_engine(f"postgresql+psycopg://nobody@127.0.0.1:{silent.port}/none")
        result: list[bool] = []
        check = threading.Thread(target=lambda: result.append(database_reachable(engine)))
        assert finishes_within(POSTGRES_CONNECT_TIMEOUT * 2 + 5, check)
        engine.dispose()
    assert result == [False]


def test_checks_run_off_the_event_loop(client: TestClient) -> None:
    """A check may block (the PDF one searches PATH): it must not stall every other request."""
    on_loop: list[bool] = []

    def check() -> str:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            on_loop.append(False)
        else:
            on_loop.append(True)
        return "available"

    register_health_check(client.app, "probe", check)  # type: ignore[arg-type]
    assert client.get("/api/health").json()["checks"]["probe"] == "available"
    assert on_loop == [False]


def test_health_answers_while_every_shared_worker_thread_is_busy(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inquiries stuck in a slow database hold every thread of the shared pool; health,
    which load balancers ask, must not queue behind them."""
    from concurrent.futures import ThreadPoolExecutor

    import anyio

    from tests.support.app import valid_body

    client = make_client()
    release = threading.Event()
    inside = threading.Semaphore(0)

    def stuck(*args: object, **kwargs: object) -> None:
        inside.release()
        release.wait(30)
        raise RuntimeError("never stored")

    monkeypatch.setattr("api.inquiries.service.submit", stuck)

    async def shared_threads() -> int:
        return int(anyio.to_thread.current_default_thread_limiter().total_tokens)

    assert client.portal is not None
    threads = client.portal.call(shared_threads)
    with ThreadPoolExecutor(max_workers=threads + 1) as pool:
        busy = [pool.submit(client.post, "/api/contact", json=valid_body()) for _ in range(threads)]
        try:
            for _ in range(threads):
                assert inside.acquire(timeout=30)
            started = time.monotonic()
            health = pool.submit(client.get, "/api/health").result(timeout=10)
            assert health.status_code == 200
            assert time.monotonic() - started < 5
        finally:
            release.set()
        assert {future.result().status_code for future in busy} == {500}


def test_a_probe_in_progress_is_shared_not_waited_for_twice(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hung database probe: every health request answers within HEALTH_WAIT, and no second
    probe piles up behind the first."""
    from concurrent.futures import ThreadPoolExecutor

    from api.web.routes import health as health_route

    client = make_client()
    monkeypatch.setattr(health_route, "HEALTH_WAIT", 0.5)
    calls: list[int] = []
    release = threading.Event()

    def hung() -> bool:
        calls.append(1)
        release.wait(10)
        return True

    monkeypatch.setattr(client.app.state.store, "reachable", hung)  # type: ignore[attr-defined]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            started = time.monotonic()
            answers = list(pool.map(lambda _: client.get("/api/health"), range(4)))
        assert time.monotonic() - started < 5
        assert {a.status_code for a in answers} == {503}
        assert {a.json()["database"] for a in answers} == {"unreachable"}
        assert len(calls) == 1
    finally:
        release.set()

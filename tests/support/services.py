"""The PostgreSQL and Redis the tests may use: skipped with a reason when not configured or
not reachable, except with TRUSTCENTER_TEST_REQUIRE_SERVICES=1 (CI), where that fails."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _required() -> bool:
    return os.environ.get("TRUSTCENTER_TEST_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip, or fail when the services are required."""
    if _required():
        pytest.fail(f"{reason} (TRUSTCENTER_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def postgres_url() -> str:
    url = os.environ.get("TRUSTCENTER_TEST_POSTGRES_URL", "")
    if not url:
        unavailable("TRUSTCENTER_TEST_POSTGRES_URL is empty")
    return url


def redis_url() -> str:
    url = os.environ.get("TRUSTCENTER_TEST_REDIS_URL", "")
    if not url:
        unavailable("TRUSTCENTER_TEST_REDIS_URL is empty")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        unavailable(f"Redis at {url} is unreachable: {type(exc).__name__}")
    return url


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty database on the test server; dropped afterwards."""
    base = make_url(postgres_url())
    name = f"trustcenter_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {base.render_as_string()} is unreachable: {type(exc).__name__}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

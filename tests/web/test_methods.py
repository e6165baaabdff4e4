"""Every method on every /api path gets the API's answer, with the static site mounted at "/"
as `make run` does: HEAD wherever GET works, a JSON 405 (with Allow) for any other method, and
an access log line that names the route, never the path as sent."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi import FastAPI

from api.web.site_server import mount_site
from tests.support.app import ClientFactory
from tests.support.asgi import call

ADDRESS = "wilhelmina.zwetschgenbaum@example.net"


@pytest.fixture
def app(make_client: ClientFactory, tmp_path: Path) -> FastAPI:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>site</h1>", encoding="utf-8")
    client = make_client()
    app: FastAPI = client.app  # type: ignore[assignment]
    mount_site(app, site)
    return app


@pytest.mark.parametrize("path", ["/api/health", "/api/config", "/api/openapi.json"])
def test_head_works_wherever_get_does(app: FastAPI, path: str) -> None:
    get, head = call(app, "GET", path), call(app, "HEAD", path)
    assert get.status == head.status == 200
    assert head.body == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/api/contact", "POST"),
        ("TRACE", f"/api/{ADDRESS}", None),
        ("PROPFIND", "/api/health", "GET, HEAD"),
        ("FOO", "/api/dpa", "POST"),
        ("CONNECT", "/api/config", "GET, HEAD"),
        ("DELETE", "/api/health", "GET, HEAD"),
        ("HEAD", "/api/contact", "POST"),
    ],
)
def test_any_other_method_gets_the_apis_json_405(
    app: FastAPI, method: str, path: str, allow: str | None
) -> None:
    answer = call(app, method, path)
    if allow is None:  # no such resource, whatever the method
        assert answer.status == 404
    else:
        assert answer.status == 405
        assert answer.headers["allow"] == allow
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    if method != "HEAD":
        assert b'"error"' in answer.body


def test_odd_requests_to_an_address_log_no_address(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        call(app, "TRACE", f"/api/{ADDRESS}")
        call(app, "FOO", f"/api/contact/{ADDRESS}")
        call(app, "POST", f"/api/{ADDRESS}", body=b"x" * 100_000)
        call(app, "HEAD", f"/api/{ADDRESS}")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "TRACE <unknown path> 404" in logged
    assert "FOO <unknown path> 404" in logged
    assert "HEAD <unknown path> 404" in logged
    assert "POST <no route> 413" in logged
    assert "zwetschgenbaum" not in logged.lower()

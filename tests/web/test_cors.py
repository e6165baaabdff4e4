"""Cross-origin requests: only a development API lets a page on another loopback port (the
writers' `make serve`) use it; a production API and any other origin get no CORS headers."""

from __future__ import annotations

from tests.support.app import ClientFactory

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,idempotency-key",
}


def test_a_development_api_answers_the_writers_preview(make_client: ClientFactory) -> None:
    client = make_client()
    origin = "http://127.0.0.1:8001"
    answer = client.options("/api/contact", headers={"Origin": origin, **PREFLIGHT})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == origin
    config = client.get("/api/config", headers={"Origin": origin})
    assert config.headers["access-control-allow-origin"] == origin
    assert (
        "x-dpa-reference"
        in client.get("/api/dpa/options", headers={"Origin": origin})
        .headers["access-control-expose-headers"]
        .lower()
    )


def test_other_origins_get_nothing(make_client: ClientFactory) -> None:
    client = make_client()
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null"):
        answer = client.get("/api/config", headers={"Origin": origin})
        assert "access-control-allow-origin" not in answer.headers, origin
        preflight = client.options("/api/contact", headers={"Origin": origin, **PREFLIGHT})
        assert "access-control-allow-origin" not in preflight.headers, origin

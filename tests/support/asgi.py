"""Calling an ASGI app with a request exactly as written: HTTP clients tidy a path before they
send it (`/./contact/` becomes `/contact/`, `//contact/` a host), servers do not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message

from tests.support.aio import run_async


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def call(app: ASGIApp, method: str, path: str, *, body: bytes = b"") -> Answer:
    """One request to `app` (no lifespan) with `path` as the server would pass it on."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("203.0.113.9", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[Message] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    async def request() -> None:
        await app(scope, receive, send)

    run_async(request())
    start = next(message for message in sent if message["type"] == "http.response.start")
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in start["headers"]
    }
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], headers, payload)

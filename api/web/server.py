"""How `trustcenter serve` (make run, containers) runs uvicorn: with a deadline for a request's
headers and a cap on connections, which plain uvicorn lacks.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`, but has no timer from
a connection's start to the end of its request headers: a client that connects and sends
nothing, or drips a header byte a second (slowloris), holds its connection for as long as it
likes, and with `limit_concurrency` alone a few dozen of them turn every real request into a 503
for good. `HeaderDeadline` closes a connection whose request headers are not complete within
SERVER_HEADER_TIMEOUT seconds (from the connection's start, or from the first byte of the next
request on a keep-alive connection); then the cap (SERVER_MAX_CONNECTIONS: beyond it, a 503)
recovers by itself. A slow *body* is not cut here: the API reads at most MAX_BODY_BYTES.

It relies on uvicorn's h11 protocol class (`data_received`, `conn.their_state`): uvicorn is
pinned in pyproject.toml and tests/cli/test_serve.py holds it to this behaviour with real slow
clients.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.core.settings import Settings


class HeaderDeadline(H11Protocol):
    header_timeout = 10.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:  # a request (the next, on keep-alive) begins
            self._arm()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # its headers are complete (or refused)
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` / `uvicorn.Config`, besides the app and address."""
    protocol = type(
        "HeaderDeadline", (HeaderDeadline,), {"header_timeout": settings.SERVER_HEADER_TIMEOUT}
    )
    return {
        "http": protocol,
        "limit_concurrency": settings.SERVER_MAX_CONNECTIONS,
        "timeout_keep_alive": settings.SERVER_KEEPALIVE,
        # The uvicorn access log shows client addresses; api.access logs requests without.
        "access_log": False,
        # TRUSTED_PROXIES decides whom to believe about the client address, not uvicorn.
        "proxy_headers": False,
        "server_header": False,
    }

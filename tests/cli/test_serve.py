"""`trustcenter serve`'s server against real slow clients on loopback: a connection that sends
nothing, one that drips its headers (slowloris), one that drips its next request on keep-alive;
each is closed at the header deadline, and the connection cap answers 503 and recovers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from api.web.app import create_app
from api.web.server import uvicorn_options
from tests.support.app import SettingsFactory

DEADLINE = 1.0
CAP = 6


@pytest.fixture
def server(make_settings: SettingsFactory) -> Iterator[int]:
    settings = make_settings(SERVER_HEADER_TIMEOUT=DEADLINE, SERVER_MAX_CONNECTIONS=CAP)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        **uvicorn_options(settings),
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert running.started
    yield port
    running.should_exit = True
    thread.join(10)


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def _closed_after(sock: socket.socket, drip: bytes = b"", limit: float = 8.0) -> float | None:
    """Seconds until the server closed `sock` (sending one byte of `drip` every 0.2 s)."""
    started = time.monotonic()
    sock.settimeout(0.2)
    position = 0
    while time.monotonic() - started < limit:
        if position < len(drip):
            try:
                sock.send(drip[position : position + 1])
            except OSError:
                return time.monotonic() - started
            position += 1
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - started
    return None


def _status_line(sock: socket.socket) -> bytes:
    """Read one whole response (headers, then Content-Length bytes); its status line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "closed before the response"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed within the body"
        body += chunk
    return head.split(b"\r\n", 1)[0]


def _get(port: int) -> bytes:
    with _connect(port) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return _status_line(sock)


HEADERS = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200


def test_a_silent_connection_is_closed_at_the_header_deadline(server: int) -> None:
    with _connect(server) as sock:
        closed = _closed_after(sock)
    assert closed is not None and DEADLINE - 0.1 < closed < DEADLINE + 2


def test_dripped_headers_are_cut_at_the_deadline(server: int) -> None:
    with _connect(server) as sock:
        closed = _closed_after(sock, drip=HEADERS)
    assert closed is not None and closed < DEADLINE + 2


def test_a_dripped_request_on_a_kept_alive_connection_is_cut(server: int) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _status_line(sock) == b"HTTP/1.1 200 OK"
        closed = _closed_after(sock, drip=HEADERS)
    assert closed is not None and closed < DEADLINE + 2


def test_a_prompt_request_is_served_and_kept_alive(server: int) -> None:
    with _connect(server) as sock:
        for _ in range(3):
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _status_line(sock) == b"HTTP/1.1 200 OK"
            time.sleep(DEADLINE * 1.2)  # idle between requests is the keep-alive's business


def test_the_connection_cap_answers_503_and_recovers(server: int) -> None:
    idle = [_connect(server) for _ in range(CAP)]
    try:
        time.sleep(0.2)
        assert _get(server).startswith(b"HTTP/1.1 503")
        time.sleep(DEADLINE + 0.8)  # the idle ones are closed at their deadline
        assert _get(server).startswith(b"HTTP/1.1 200")
    finally:
        for sock in idle:
            sock.close()

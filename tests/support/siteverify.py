"""A real loopback HTTP stand-in for hCaptcha's siteverify endpoint.

    with Siteverify() as stub:            # listens on 127.0.0.1:<free port>
        stub.url                          # -> TRUSTCENTER_HCAPTCHA_VERIFY_URL
        stub.configure(success=False, error_codes=["invalid-input-response"])
        stub.configure(hostname="evil.example", delay=3.0, status=500)
        stub.configure(single_use=True)     # a token verifies once, as at hCaptcha
        stub.requests                     # the form fields of every verification received

Tokens listed in `rejected_tokens` fail with `invalid-input-response` whatever the
configuration, so one server can answer good and bad tokens in the same test.
Run `python -m tests.support.siteverify PORT` to serve it stand-alone; `GET` on it answers
`{"requests": <verifications so far>}`. `Siteverify(tls=context)` serves HTTPS with that
server context's certificate.
"""

from __future__ import annotations

import json
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Behaviour:
    success: bool = True
    error_codes: list[str] = field(default_factory=list)
    hostname: str = "127.0.0.1"
    delay: float = 0.0
    status: int = 200
    body: str | None = None  # raw body instead of JSON, e.g. "not json"
    # As hCaptcha's endpoint: a token verifies once, and again only as already seen.
    single_use: bool = False


class Siteverify:
    def __init__(self, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.behaviour = Behaviour()
        self.requests: list[dict[str, str]] = []
        self.rejected_tokens: set[str] = set()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as hCaptcha's own endpoint: a verifier reuses its connection. Headers
            # and body go out in two writes: without TCP_NODELAY, Nagle's algorithm holds the
            # second until the client's delayed ACK, 40 ms later.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8")
                form = {key: values[0] for key, values in parse_qs(raw).items()}
                with stub._lock:
                    seen = any(r.get("response") == form.get("response") for r in stub.requests)
                    stub.requests.append(form)
                    behaviour = Behaviour(**vars(stub.behaviour))
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                payload: dict[str, Any] = {"success": behaviour.success}
                if behaviour.success:
                    payload["hostname"] = behaviour.hostname
                    payload["challenge_ts"] = "2026-11-26T21:00:00Z"
                if behaviour.error_codes:
                    payload["error-codes"] = behaviour.error_codes
                if form.get("response") in stub.rejected_tokens:
                    payload = {"success": False, "error-codes": ["invalid-input-response"]}
                elif behaviour.single_use and seen:
                    seen_code = "invalid-or-already-seen-response"
                    payload = {"success": False, "error-codes": [seen_code]}
                if self.headers.get("Content-Type", "").split(";")[0] != (
                    "application/x-www-form-urlencoded"
                ):
                    payload = {"success": False, "error-codes": ["bad-request"]}
                body = (behaviour.body or json.dumps(payload)).encode()
                try:
                    self.send_response(behaviour.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def do_GET(self) -> None:
                # How many verifications arrived: for a stand-in run as its own process.
                with stub._lock:
                    body = json.dumps({"requests": len(stub.requests)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # a burst of verifications, not refused connections

        self.server = Server(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/siteverify"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def configure(self, **changes: Any) -> None:
        with self._lock:
            self.behaviour = Behaviour(**{**vars(Behaviour()), **changes})

    def start(self) -> Siteverify:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Siteverify:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    stub = Siteverify(int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    sys.stdout.write(f"{stub.url}\n")
    sys.stdout.flush()
    threading.Event().wait()

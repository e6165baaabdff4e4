"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

server = SmtpServer().start()      # a free port on 127.0.0.1, a relay without SMTPUTF8
SmtpServer(smtputf8=True)          # one that offers SMTPUTF8 (RFC 6531)
server.url                         # -> TRUSTCENTER_SMTP_URL
server.messages                    # email.message.EmailMessage objects, in arrival order
server.raw                         # the bytes of each as received (DATA)
server.envelopes                   # (MAIL FROM, [RCPT TO]) of each
server.smtputf8_used               # whether each was sent with the SMTPUTF8 option
server.stop(); server.start()      # down and back up on the same port
"""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.raw.append(envelope.original_content)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.server.smtputf8_used.append(bool(envelope.smtp_utf8))
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int | None = None, *, smtputf8: bool = False) -> None:
        self.port = port or free_port()
        self.smtputf8 = smtputf8
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.smtputf8_used: list[bool] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

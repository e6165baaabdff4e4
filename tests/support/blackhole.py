"""A loopback server that accepts connections and never answers: what a hung database, a
Redis behind a dropping firewall or a stuck SMTP relay looks like to a client. Anything that
talks to it without a timeout waits forever."""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class Blackhole:
    def __init__(self) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port: int = self._server.getsockname()[1]
        self._accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:  # closed
                return
            self._accepted.append(connection)  # held open, never read or written

    def __enter__(self) -> Blackhole:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.close()
        for connection in self._accepted:
            connection.close()


def finishes_within(seconds: float, work: threading.Thread) -> bool:
    """Run `work` (a daemon thread) and say whether it ended in time; a hung one is left."""
    work.daemon = True
    work.start()
    work.join(seconds)
    return not work.is_alive()

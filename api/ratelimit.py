"""Rate limits with the `limits` library (memory, or Redis through RATE_LIMIT_STORAGE).

Keys are keyed digests, so the store never holds a client address or an email address.
`limiter.hit(limit, "namespace", value)` counts one request and raises RateLimited when over;
the web layer offers it per client address as a route dependency.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.core.errors import RateLimited

logger = logging.getLogger(__name__)

# redis-py waits forever for a silent server by default; a request must not (the limiter
# then lets it through, see `hit`). `?socket_timeout=` in the URL still wins.
STORAGE_TIMEOUT_SECONDS = 2.0
_REDIS_SCHEMES = ("redis", "rediss", "redis+unix")


def storage_options(uri: str) -> dict[str, float | str | bool]:
    scheme = uri.partition("://")[0].lower()
    if scheme in _REDIS_SCHEMES:
        return {
            "socket_timeout": STORAGE_TIMEOUT_SECONDS,
            "socket_connect_timeout": STORAGE_TIMEOUT_SECONDS,
        }
    return {}


class RateLimiter:
    def __init__(self, storage_uri: str, digest: Callable[[str], str]) -> None:
        self.storage = storage_from_string(storage_uri, **storage_options(storage_uri))
        self._strategy = MovingWindowRateLimiter(self.storage)
        self._digest = digest

    def hit(self, limit: str, namespace: str, value: str) -> None:
        """Count one request; raise RateLimited (with the seconds to wait) when over the limit.
        A storage outage lets the request through (logged): the captcha still guards, and
        an unreachable Redis must not turn away privacy requests."""
        key = self._digest(f"{namespace}:{value}")
        for item in parse_many(limit):
            try:
                allowed = self._strategy.hit(item, namespace, key)
                if allowed:
                    continue
                stats = self._strategy.get_window_stats(item, namespace, key)
            except Exception as exc:  # the storage backend's errors vary by driver
                logger.error("rate-limit storage failed (%s); not limiting", type(exc).__name__)
                return
            raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))

    def reset(self) -> None:
        self.storage.reset()

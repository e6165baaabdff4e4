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
from functools import cached_property
from typing import TYPE_CHECKING

from limits import parse_many

from api.core.errors import RateLimited

if TYPE_CHECKING:
    from limits.storage import Storage
    from limits.strategies import MovingWindowRateLimiter

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
        self._uri = storage_uri
        self._digest = digest

    @cached_property
    def storage(self) -> Storage:
        # Made (and the Redis client imported) on the first request that is limited, not at
        # every cold start.
        from limits.storage import Storage, storage_from_string

        storage = storage_from_string(self._uri, **storage_options(self._uri))
        if not isinstance(storage, Storage):  # an async+… URI: limits' asyncio storages
            raise ValueError("RATE_LIMIT_STORAGE must name a synchronous storage")
        return storage

    @cached_property
    def _strategy(self) -> MovingWindowRateLimiter:
        from limits.strategies import MovingWindowRateLimiter

        return MovingWindowRateLimiter(self.storage)

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

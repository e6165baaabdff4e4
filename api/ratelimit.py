"""Rate limits with the `limits` library (memory, or Redis through RATE_LIMIT_STORAGE).

Keys are keyed digests, so the store never holds a client address or an email address.
Use `Depends(rate_limit("RATE_LIMIT_DPA"))` for a per-address limit on a route, and
`limiter.hit(limit, "namespace", value)` for anything else (e.g. per email).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from api.client_address import request_client_address
from api.errors import ApiError

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
        """Count one request; raise ApiError 429 with Retry-After when over the limit.
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
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise ApiError(
                429,
                "rate_limited",
                headers={"Retry-After": str(retry_after)},
                params={"retry_after": retry_after},
            )

    def reset(self) -> None:
        self.storage.reset()


def rate_limit(setting: str, namespace: str | None = None) -> Callable[..., None]:
    """A dependency limiting requests per client address by the limit in `Settings.<setting>`."""

    def dependency(
        request: Request, address: Annotated[str, Depends(request_client_address)]
    ) -> None:
        state = request.app.state
        limit = str(getattr(state.settings, setting))
        state.rate_limiter.hit(limit, namespace or setting.lower(), address)

    return dependency

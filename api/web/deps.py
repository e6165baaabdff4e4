"""Dependency aliases for routes: `def route(settings: SettingsDep, session: SessionDep)`.

Everything lives on `app.state` (set up by `api.web.app.create_app`), so two apps with different
settings (as in tests) never share state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.applications import Starlette

from api.captcha import CaptchaVerifier
from api.content import Content, get_content
from api.core.crypto import Cipher
from api.core.errors import StoreUnavailable
from api.core.messages import Messages
from api.core.settings import Settings
from api.db.store import Store
from api.ratelimit import RateLimiter
from api.web.client_address import request_client_address
from api.web.language import LangDep


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def app_content(app: Starlette) -> Content:
    """The app's content: loaded on first use, then kept (its DATA_DIR never changes)."""
    content: Content | None = getattr(app.state, "content", None)
    if content is None:
        content = app.state.content = get_content(app.state.settings.DATA_DIR)
    return content


# The dependencies are coroutines though they never wait: FastAPI runs a plain function in
# its thread pool, a hop that costs more than the attribute lookup it would run.
async def get_content_of(request: Request) -> Content:
    return app_content(request.app)


async def get_messages(request: Request) -> Messages:
    return app_content(request.app).messages


async def get_store(request: Request) -> Store:
    if not request.app.state.store_ready:  # down at start-up, not back yet (api/web/startup.py)
        raise StoreUnavailable("the database is not ready")
    store: Store = request.app.state.store
    return store


async def get_cipher(request: Request) -> Cipher:
    cipher: Cipher = request.app.state.cipher
    return cipher


async def get_captcha(request: Request) -> CaptchaVerifier:
    captcha: CaptchaVerifier = request.app.state.captcha
    return captcha


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ContentDep = Annotated[Content, Depends(get_content_of)]
MessagesDep = Annotated[Messages, Depends(get_messages)]
StoreDep = Annotated[Store, Depends(get_store)]
CipherDep = Annotated[Cipher, Depends(get_cipher)]
CaptchaDep = Annotated[CaptchaVerifier, Depends(get_captcha)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
# The same callable as in `rate_limit` below: FastAPI works it out once per request.
ClientAddressDep = Annotated[str, Depends(request_client_address)]


def rate_limit(setting: str, namespace: str | None = None) -> Callable[..., None]:
    """A dependency limiting requests per client address by the limit in `Settings.<setting>`,
    e.g. `dependencies=[Depends(rate_limit("RATE_LIMIT_DPA", "dpa-address"))]`."""

    def dependency(
        settings: SettingsDep, limiter: RateLimiterDep, address: ClientAddressDep
    ) -> None:
        limiter.hit(str(getattr(settings, setting)), namespace or setting.lower(), address)

    return dependency


__all__ = [
    "CaptchaDep",
    "CipherDep",
    "ClientAddressDep",
    "ContentDep",
    "LangDep",
    "MessagesDep",
    "RateLimiterDep",
    "SettingsDep",
    "StoreDep",
    "rate_limit",
]

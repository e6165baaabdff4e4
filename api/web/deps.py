"""Dependency aliases for routes: `def route(settings: SettingsDep, session: SessionDep)`.

Everything lives on `app.state` (set up by `api.web.app.create_app`), so two apps with different
settings (as in tests) never share state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from api.captcha import CaptchaVerifier
from api.content import Content, get_content
from api.core.crypto import Cipher
from api.core.messages import Messages
from api.core.settings import Settings
from api.ratelimit import RateLimiter
from api.web.client_address import request_client_address
from api.web.language import LangDep


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_content_of(request: Request) -> Content:
    return get_content(get_app_settings(request).DATA_DIR)


def get_messages(content: Annotated[Content, Depends(get_content_of)]) -> Messages:
    return content.messages


def get_session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def get_session(request: Request) -> Iterator[Session]:
    with get_session_factory(request)() as session:
        yield session


def get_cipher(request: Request) -> Cipher:
    cipher: Cipher = request.app.state.cipher
    return cipher


def get_captcha(request: Request) -> CaptchaVerifier:
    captcha: CaptchaVerifier = request.app.state.captcha
    return captcha


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ContentDep = Annotated[Content, Depends(get_content_of)]
MessagesDep = Annotated[Messages, Depends(get_messages)]
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]
SessionDep = Annotated[Session, Depends(get_session)]
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
    "SessionDep",
    "SessionFactoryDep",
    "SettingsDep",
    "rate_limit",
]

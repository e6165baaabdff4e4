"""Dependency aliases for routes: `def route(settings: SettingsDep, session: SessionDep)`.

Everything lives on `app.state` (set up by `api.app.create_app`), so two apps with different
settings (as in tests) never share state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from api.captcha import CaptchaVerifier
from api.client_address import request_client_address
from api.crypto import Cipher
from api.i18n import Lang, negotiate
from api.ratelimit import RateLimiter
from api.settings import Settings


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


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


def get_accept_lang(request: Request) -> Lang:
    return negotiate(request.headers.get("accept-language"))


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]
SessionDep = Annotated[Session, Depends(get_session)]
CipherDep = Annotated[Cipher, Depends(get_cipher)]
CaptchaDep = Annotated[CaptchaVerifier, Depends(get_captcha)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
# The same callable as in api.ratelimit.rate_limit: FastAPI works it out once per request.
ClientAddressDep = Annotated[str, Depends(request_client_address)]
AcceptLangDep = Annotated[Lang, Depends(get_accept_lang)]

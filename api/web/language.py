"""The language of a request, decided once: the body's `language` where the request has one
(noted by `api.web.middleware.RequestBody` before the route runs), else Accept-Language. Every
error, including those raised before a route parses its body, speaks it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from api.core.i18n import Lang, negotiate

STATE_KEY = "lang"


def request_language(request: Request) -> Lang:
    lang: Lang | None = request.scope.get("state", {}).get(STATE_KEY)
    return lang if lang is not None else negotiate(request.headers.get("accept-language"))


async def _language(request: Request) -> Lang:
    return request_language(request)


LangDep = Annotated[Lang, Depends(_language)]

"""Every API error as `{"error": {"code", "message", "fields"}}`, in the request's language.

Domain code raises `api.core.errors.DomainError` subclasses; `STATUS` below is the one table that
gives each a status code (looked up along the class's MRO, so a subclass needs no row of its own).
FastAPI's validation errors and Starlette's HTTP errors are turned into the same shape, so a
client (and a person reading the message) meets one format. The texts come from the message
catalogue (`error.<code>` and `field.<key>` in `data/messages.yml`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api.captcha import CaptchaFailed, CaptchaUnavailable
from api.core.crypto import DataKeyError
from api.core.errors import (
    ContentError,
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    RateLimited,
    StoreUnavailable,
)
from api.core.i18n import Lang
from api.core.messages import Messages
from api.dpa.pdf import PdfError, PdfUnavailable
from api.subscriptions.errors import ConfirmationExpired, ConfirmationUnknown, UnsubscribeUnknown
from api.web.deps import app_content
from api.web.language import request_language

logger = logging.getLogger(__name__)

STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    IdempotencyConflict: 409,
    CaptchaFailed: 400,
    RateLimited: 429,
    CaptchaUnavailable: 503,
    StoreUnavailable: 503,
    PdfUnavailable: 503,
    PdfError: 503,
    ConfirmationUnknown: 404,
    ConfirmationExpired: 410,
    UnsubscribeUnknown: 404,
    ContentError: 500,
    DataKeyError: 500,
    DomainError: 500,
}

# Starlette's HTTP errors (routing, the fallback below /api) by status.
HTTP_CODES = {
    400: "malformed_body",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}

# pydantic's error types whose message at the field is the catalogue's `field.<key>`.
FIELD_KEYS = {
    "string_too_short": "missing",
    "too_long": "string_too_long",
    "literal_error": "one_of",
    "enum": "one_of",
    "bool_type": "yes_no",
    "bool_parsing": "yes_no",
    "too_short": "at_least_one",
}
# Said when the catalogue itself cannot be read (the content is broken): never a second error.
LAST_RESORT = "An unexpected error occurred. Please try again later."


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str]


class ErrorResponse(BaseModel):
    """The documented error shape (used in OpenAPI `responses=`)."""

    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for OpenAPI so documented errors match what is sent."""
    return {status: {"model": ErrorResponse} for status in statuses}


def app_messages(scope: Scope) -> Messages | None:
    """The catalogue of the app serving `scope`; None if the content cannot be loaded."""
    try:
        return app_content(scope["app"]).messages
    except ContentError:
        logger.error("the message catalogue cannot be loaded")
        return None


def _text(messages: Messages, key: str, lang: Lang, params: Mapping[str, object]) -> str:
    if key not in messages:
        key = "field.invalid" if key.startswith("field.") else "error.http_error"
    try:
        return messages.t(key, lang, **params)
    except (KeyError, IndexError, ValueError):
        return messages.t(key, lang)


def error_json(
    scope: Scope,
    status_code: int,
    code: str,
    lang: Lang,
    *,
    fields: Mapping[str, str] | None = None,
    field_params: Mapping[str, Mapping[str, object]] | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, object] | None = None,
) -> JSONResponse:
    """The error response. `fields` maps a field to the key of its message (`field.<key>`),
    filled with `field_params[field]`, else with `params`."""
    params = params or {}
    field_params = field_params or {}
    messages = app_messages(scope)
    if messages is None:
        message, texts = LAST_RESORT, dict.fromkeys(fields or {}, LAST_RESORT)
    else:
        message = _text(messages, f"error.{code}", lang, params)
        texts = {
            name: _text(messages, f"field.{key}", lang, field_params.get(name, params))
            for name, key in (fields or {}).items()
        }
    content = {"error": {"code": code, "message": message, "fields": texts}}
    response = JSONResponse(content, status_code=status_code, headers=dict(headers or {}))
    response.headers["Content-Language"] = lang
    return response


def status_of(error: DomainError) -> int:
    return next(STATUS[cls] for cls in type(error).__mro__ if cls in STATUS)


def domain_error_response(scope: Scope, error: DomainError, lang: Lang) -> JSONResponse:
    status = status_of(error)
    if status >= 500 and not error.retry_after:
        logger.error("%s (%s)", type(error).__name__, error.code)
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
    return error_json(
        scope,
        status,
        error.code if status != 500 else "internal_error",
        lang,
        fields=error.fields,
        headers=headers,
        params=error.params,
    )


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "header", "path", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def _field_key(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type"))
    return FIELD_KEYS.get(kind, kind)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = request_language(request)
    errors = exc.errors()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        request.method in ("POST", "PUT", "PATCH")
        and content_type
        and not (content_type == "application/json" or content_type.endswith("+json"))
    ) and any(str(e.get("loc", ("",))[0]) == "body" for e in errors):
        return error_json(request.scope, 415, "unsupported_media_type", lang)
    whole_body = [
        e for e in errors if not _field_name(e.get("loc", ())) or e.get("loc") == ("body",)
    ]
    if any(e.get("type") == "json_invalid" for e in errors) or whole_body:
        return error_json(request.scope, 400, "malformed_body", lang)
    fields: dict[str, str] = {}
    field_params: dict[str, Mapping[str, object]] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        if name not in fields:  # the first problem of a field is the one to fix first
            fields[name] = _field_key(error)
            field_params[name] = dict(error.get("ctx") or {})
    return error_json(
        request.scope, 422, "validation_error", lang, fields=fields, field_params=field_params
    )


async def _domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_error_response(request.scope, exc, request_language(request))


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    return error_json(
        request.scope,
        exc.status_code,
        code,
        request_language(request),
        headers=getattr(exc, "headers", None),
    )


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    # Only the exception type: its text may carry submitted data. (Under /api the
    # CatchUnexpected middleware answers first; this covers anything outside it.)
    logger.error("unhandled %s on %s", type(exc).__name__, request.method)
    return error_json(request.scope, 500, "internal_error", request_language(request))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(DomainError, _domain_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
    app.add_exception_handler(Exception, _unexpected_handler)

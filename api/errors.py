"""Every API error as `{"error": {"code", "message", "fields"}}`, in the request's language.

Routes raise `ApiError`; FastAPI's validation errors and Starlette's HTTP errors are turned
into the same shape here, so a client (and a person reading the message) meets one format.
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

from api.i18n import DEFAULT_LANG, Lang, Localized, as_lang, negotiate

logger = logging.getLogger(__name__)

# Top-level messages per error code.
MESSAGES: dict[str, Localized] = {
    "validation_error": {
        "de": "Bitte prüfen Sie die markierten Angaben.",
        "en": "Please check the marked fields.",
    },
    "malformed_body": {
        "de": "Die Anfrage konnte nicht gelesen werden: erwartet wird ein JSON-Objekt.",
        "en": "The request could not be read: a JSON object is expected.",
    },
    "unsupported_media_type": {
        "de": "Bitte senden Sie die Anfrage als JSON (Content-Type: application/json).",
        "en": "Please send the request as JSON (Content-Type: application/json).",
    },
    "payload_too_large": {
        "de": "Die Anfrage ist zu groß. Bitte kürzen Sie Ihre Angaben.",
        "en": "The request is too large. Please shorten what you entered.",
    },
    "not_found": {
        "de": "Diese Adresse gibt es nicht.",
        "en": "There is nothing at this address.",
    },
    "method_not_allowed": {
        "de": "Diese Methode ist hier nicht erlaubt.",
        "en": "This method is not allowed here.",
    },
    "rate_limited": {
        "de": "Zu viele Anfragen. Bitte versuchen Sie es in {retry_after} Sekunden erneut.",
        "en": "Too many requests. Please try again in {retry_after} seconds.",
    },
    "captcha_failed": {
        "de": "Die Captcha-Prüfung ist fehlgeschlagen. Bitte lösen Sie das Captcha erneut.",
        "en": "The captcha check failed. Please solve the captcha again.",
    },
    "captcha_unavailable": {
        "de": "Die Captcha-Prüfung ist gerade nicht erreichbar. Es wurde nichts gespeichert; "
        "bitte versuchen Sie es in einigen Minuten erneut.",
        "en": "The captcha check is unavailable right now. Nothing was stored; "
        "please try again in a few minutes.",
    },
    "service_unavailable": {
        "de": "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später erneut.",
        "en": "The service is temporarily unavailable. Please try again later.",
    },
    "internal_error": {
        "de": "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
        "en": "An unexpected error occurred. Please try again later.",
    },
    "http_error": {
        "de": "Die Anfrage konnte nicht bearbeitet werden.",
        "en": "The request could not be processed.",
    },
}

_FILL_IN: Localized = {
    "de": "Bitte füllen Sie dieses Feld aus.",
    "en": "Please fill in this field.",
}
_SHORTEN: Localized = {
    "de": "Bitte kürzen Sie auf höchstens {max_length} Zeichen.",
    "en": "Please shorten this to at most {max_length} characters.",
}
_CHOOSE: Localized = {
    "de": "Bitte wählen Sie einen der angebotenen Werte: {expected}.",
    "en": "Please choose one of the offered values: {expected}.",
}
_YES_NO: Localized = {
    "de": "Erwartet wird ja oder nein (true/false).",
    "en": "Expected yes or no (true/false).",
}

# Per-field messages keyed by pydantic error type (custom types come from api.validation).
FIELD_MESSAGES: dict[str, Localized] = {
    "missing": _FILL_IN,
    "string_too_short": _FILL_IN,
    "string_too_long": _SHORTEN,
    "too_long": _SHORTEN,
    "string_unicode": {
        "de": "Der Text enthält ungültige Zeichen.",
        "en": "The text contains invalid characters.",
    },
    "literal_error": _CHOOSE,
    "enum": _CHOOSE,
    "string_type": {"de": "Bitte geben Sie einen Text ein.", "en": "Please enter text."},
    "bool_type": _YES_NO,
    "bool_parsing": _YES_NO,
    "extra_forbidden": {
        "de": "Dieses Feld ist unbekannt; bitte lassen Sie es weg.",
        "en": "This field is unknown; please leave it out.",
    },
}
FIELD_FALLBACK: Localized = {
    "de": "Dieser Wert ist ungültig.",
    "en": "This value is not valid.",
}


def register_messages(
    messages: Mapping[str, Localized] | None = None,
    field_messages: Mapping[str, Localized] | None = None,
) -> None:
    """Let other resources (e.g. the DPA) add their codes to the catalogue at import time."""
    MESSAGES.update(messages or {})
    FIELD_MESSAGES.update(field_messages or {})


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


class ApiError(Exception):
    """An error a person can act on. `message` overrides the catalogue entry for `code`;
    `fields` maps field name → message (localized mapping or a plain string)."""

    def __init__(
        self,
        status_code: int,
        code: str,
        *,
        message: Localized | None = None,
        fields: Mapping[str, Localized | str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(code)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        self.params = dict(params or {})


def store_unavailable(reason: BaseException | str) -> ApiError:
    """The store could not take the request: 503 with Retry-After, the same for every
    resource. Only the exception's type is logged: a database error quotes the row's values."""
    logger.error(
        "store unavailable (%s)", reason if isinstance(reason, str) else type(reason).__name__
    )
    return ApiError(503, "service_unavailable", headers={"Retry-After": "30"})


def request_lang(request: Request, body: object = None) -> Lang:
    """The body's `language` when known, else Accept-Language."""
    lang = getattr(request.state, "lang", None)
    if lang is None and isinstance(body, Mapping):
        lang = as_lang(body.get("language"))
    return lang or negotiate(request.headers.get("accept-language"))


def _render(text: Localized | str, lang: Lang, params: Mapping[str, object]) -> str:
    template = text if isinstance(text, str) else text.get(lang) or text[DEFAULT_LANG]
    try:
        return template.format(**params) if params else template
    except (KeyError, IndexError, ValueError):
        return template


def error_json(
    status_code: int,
    code: str,
    lang: Lang,
    *,
    message: Localized | None = None,
    fields: Mapping[str, Localized | str] | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, object] | None = None,
) -> JSONResponse:
    params = params or {}
    text = message or MESSAGES.get(code) or MESSAGES["http_error"]
    content = {
        "error": {
            "code": code,
            "message": _render(text, lang, params),
            "fields": {name: _render(msg, lang, params) for name, msg in (fields or {}).items()},
        }
    }
    response = JSONResponse(content, status_code=status_code, headers=dict(headers or {}))
    response.headers["Content-Language"] = lang
    return response


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "header", "path", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def _field_message(error: Mapping[str, Any], lang: Lang) -> str:
    ctx = dict(error.get("ctx") or {})
    text = FIELD_MESSAGES.get(str(error.get("type")), FIELD_FALLBACK)
    return _render(text, lang, ctx)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = request_lang(request, exc.body)
    errors = exc.errors()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        request.method in ("POST", "PUT", "PATCH")
        and content_type
        and not (content_type == "application/json" or content_type.endswith("+json"))
    ) and any(str(e.get("loc", ("",))[0]) == "body" for e in errors):
        return error_json(415, "unsupported_media_type", lang)
    whole_body = [
        e for e in errors if not _field_name(e.get("loc", ())) or e.get("loc") == ("body",)
    ]
    if any(e.get("type") == "json_invalid" for e in errors) or whole_body:
        return error_json(400, "malformed_body", lang)
    fields: dict[str, str] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        fields.setdefault(name, _field_message(error, lang))
    return error_json(422, "validation_error", lang, fields=fields)


async def _api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_json(
        exc.status_code,
        exc.code,
        request_lang(request),
        message=exc.message,
        fields=exc.fields,
        headers=exc.headers,
        params=exc.params,
    )


_HTTP_CODES = {
    400: "malformed_body",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_json(
        exc.status_code, code, request_lang(request), headers=getattr(exc, "headers", None)
    )


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    # Only the exception type: its text may carry submitted data. (Under /api the
    # CatchUnexpected middleware answers first; this covers anything outside it.)
    logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_json(500, "internal_error", request_lang(request))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
    app.add_exception_handler(Exception, _unexpected_handler)

"""`POST /api/dpa`: the customer's details in, their filled DPA (.docx or PDF) out."""

from __future__ import annotations

import logging
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from api.captcha import CaptchaVerifier
from api.content import Content, Option, get_content
from api.crypto import Cipher
from api.deps import CaptchaDep, CipherDep, ClientAddressDep, SessionFactoryDep, SettingsDep
from api.dpa import pdf
from api.dpa.context import UnknownOptionError, check_processing, collation_key
from api.dpa.filename import content_disposition
from api.dpa.issue import issue
from api.dpa.render import DOCX_MEDIA_TYPE
from api.dpa.schemas import COUNTRY_CODES, DpaRequest
from api.errors import ApiError, error_responses
from api.i18n import DEFAULT_LANG, Lang, Localized, country_name
from api.ratelimit import rate_limit
from api.settings import Settings

logger = logging.getLogger(__name__)

router = APIRouter(tags=["dpa"])

# A DPA holds a thread while it renders, and up to pdf.TIMEOUT_SECONDS while LibreOffice
# converts. DPA work runs on threads of its own, at most this many at once, so a burst of DPA
# requests queues here instead of taking every thread of the pool the other routes share.
DPA_THREADS = pdf.MAX_PARALLEL + 1


def dpa_limiter(app: FastAPI) -> anyio.CapacityLimiter:
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "dpa_limiter", None)
    if limiter is None:  # made on first use, inside the app's event loop
        limiter = app.state.dpa_limiter = anyio.CapacityLimiter(DPA_THREADS)
    return limiter


def content_for(settings: Settings) -> Content:
    return get_content(settings.DATA_DIR)


class OptionOut(BaseModel):
    id: str
    label: str
    default: bool


class CountryOut(BaseModel):
    code: str
    name: str


class DpaFormOptions(BaseModel):
    """What the DPA form offers, in one language, from the same data the document uses."""

    language: Lang
    template_version: str
    countries: list[CountryOut]
    data_subject_categories: list[OptionOut]
    personal_data_categories: list[OptionOut]


def _options(options: list[Option], lang: Lang) -> list[OptionOut]:
    return [OptionOut(id=o.id, label=o.label(lang), default=o.default) for o in options]


@router.get("/dpa/options", response_model=DpaFormOptions)
def dpa_options(
    settings: SettingsDep, language: Annotated[Lang, Query()] = DEFAULT_LANG
) -> DpaFormOptions:
    content = content_for(settings)
    countries = [CountryOut(code=code, name=country_name(code, language)) for code in COUNTRY_CODES]
    countries.sort(key=lambda country: collation_key(country.name))
    return DpaFormOptions(
        language=language,
        template_version=content.dpa.template_version,
        countries=countries,
        data_subject_categories=_options(content.dpa.data_subject_categories, language),
        personal_data_categories=_options(content.dpa.personal_data_categories, language),
    )


@router.post(
    "/dpa",
    response_class=Response,
    responses={
        200: {
            "description": "The filled DPA. Its reference and the SHA-256 of the bytes sent "
            "are in the X-DPA-Reference and X-DPA-SHA256 headers.",
            "content": {DOCX_MEDIA_TYPE: {}, pdf.PDF_MEDIA_TYPE: {}},
        },
        **error_responses(400, 413, 415, 422, 429, 503),
    },
    dependencies=[Depends(rate_limit("RATE_LIMIT_DPA", "dpa-address"))],
)
async def create_dpa(
    body: DpaRequest,
    request: Request,
    settings: SettingsDep,
    factory: SessionFactoryDep,
    cipher: CipherDep,
    captcha: CaptchaDep,
    address: ClientAddressDep,
) -> Response:
    request.state.lang = body.language
    work = partial(_create_dpa, body, settings, factory, cipher, captcha, address)
    return await anyio.to_thread.run_sync(work, limiter=dpa_limiter(request.app))


def _create_dpa(
    body: DpaRequest,
    settings: Settings,
    factory: sessionmaker[Session],
    cipher: Cipher,
    captcha: CaptchaVerifier,
    address: str,
) -> Response:
    """Blocking: captcha check, render, conversion, record."""
    content = content_for(settings)
    try:
        check_processing(body.processing, content)
    except UnknownOptionError as error:
        raise ApiError(422, "validation_error", fields={error.field: _UNKNOWN_OPTION}) from None
    soffice = pdf.find_soffice(settings) if body.format == "pdf" else None
    if body.format == "pdf" and soffice is None:
        raise ApiError(503, "pdf_unavailable", fields={"format": _PDF_UNAVAILABLE})
    captcha.verify(body.captcha_token, address)
    try:
        issued = issue(body, content, factory, cipher, soffice=soffice)
    except pdf.PdfError:
        raise ApiError(503, "pdf_failed", headers={"Retry-After": "30"}) from None
    logger.info("issued %s (%s, %s)", issued.reference, body.language, body.format)
    return Response(
        content=issued.body,
        media_type=issued.media_type,
        headers={
            "Content-Disposition": content_disposition(
                body.customer.legal_name, issued.reference, issued.extension
            ),
            "X-DPA-Reference": issued.reference,
            "X-DPA-SHA256": issued.sha256,
            "Cache-Control": "no-store",
        },
    )


_UNKNOWN_OPTION: Localized = {
    "de": "Bitte wählen Sie nur aus den angebotenen Einträgen.",
    "en": "Please choose only from the offered entries.",
}
_PDF_UNAVAILABLE: Localized = {
    "de": "PDF ist hier nicht verfügbar; bitte wählen Sie .docx.",
    "en": "PDF is not available here; please choose .docx.",
}

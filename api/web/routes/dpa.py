"""`POST /api/dpa`: the customer's details in, their filled DPA (.docx or PDF) out."""

from __future__ import annotations

import logging
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel

from api.content import Option
from api.core.i18n import DEFAULT_LANG, Lang, country_name
from api.dpa import pdf
from api.dpa.context import check_processing, collation_key
from api.dpa.filename import content_disposition
from api.dpa.render import DOCX_MEDIA_TYPE
from api.dpa.schemas import COUNTRY_CODES, DpaRequest
from api.web.deps import (
    CaptchaDep,
    CipherDep,
    ClientAddressDep,
    ContentDep,
    SettingsDep,
    StoreDep,
    rate_limit,
)
from api.web.errors import error_responses
from api.web.routes import API_PREFIX

logger = logging.getLogger(__name__)

router = APIRouter(prefix=API_PREFIX, tags=["dpa"])

# A DPA holds a thread while it renders, and a PDF up to pdf.TIMEOUT_SECONDS more while
# LibreOffice converts. DPA work runs on threads of its own, at most this many at once, so a
# burst of DPA requests queues here instead of taking every thread of the pool the other routes
# share; .docx and PDF queue apart, so a .docx (tens of milliseconds) never waits behind
# conversions (the resident converter does one at a time; a soffice each takes ~1 s).
DOCX_THREADS = 4
PDF_THREADS = pdf.MAX_PARALLEL


def dpa_limiter(app: FastAPI, file_format: str) -> anyio.CapacityLimiter:
    """The limiter of `file_format` ("docx" or "pdf"), made on first use in the app's loop."""
    limiters: dict[str, anyio.CapacityLimiter] | None = getattr(app.state, "dpa_limiters", None)
    if limiters is None:
        limiters = app.state.dpa_limiters = {
            "docx": anyio.CapacityLimiter(DOCX_THREADS),
            "pdf": anyio.CapacityLimiter(PDF_THREADS),
        }
    return limiters[file_format]


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
    content: ContentDep, language: Annotated[Lang, Query()] = DEFAULT_LANG
) -> DpaFormOptions:
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
    content: ContentDep,
    store: StoreDep,
    cipher: CipherDep,
    captcha: CaptchaDep,
    address: ClientAddressDep,
) -> Response:
    # The store (and the DPA stack under it) load with the first DPA, not at a cold start.
    from api.dpa import issue as issuing

    chosen = check_processing(body.processing, content)
    soffice = pdf.find_soffice(settings) if body.format == "pdf" else None
    if body.format == "pdf" and soffice is None:
        raise pdf.PdfUnavailable()
    await captcha.verify(body.captcha_token, address)
    work = partial(
        issuing.issue,
        body,
        chosen,
        content,
        store.session_factory,
        cipher,
        template_dir=settings.TEMPLATES_DIR,
        soffice=soffice,
    )
    issued = await anyio.to_thread.run_sync(work, limiter=dpa_limiter(request.app, body.format))
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

"""`POST /api/dpa`: the customer's details in, their filled DPA out: the requested format's
file, or (for `Accept: application/json`, as the DPA page asks) both formats of the one
agreement, base64-encoded in one JSON answer."""

from __future__ import annotations

import base64
import logging
from functools import partial
from typing import TYPE_CHECKING, Annotated, Literal

import anyio
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.content import Option
from api.core.i18n import DEFAULT_LANG, Lang, country_name
from api.dpa import pdf
from api.dpa.context import check_processing, collation_key
from api.dpa.filename import content_disposition, download_name
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

if TYPE_CHECKING:
    from api.dpa.issue import IssuedDpa

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


class DpaFileOut(BaseModel):
    format: Literal["docx", "pdf"]
    filename: str = Field(description="The file name to save it as (it says DRAFT for a draft).")
    media_type: str
    sha256: str = Field(description="SHA-256 of the file's bytes, as the record keeps it.")
    content_base64: str


class IssuedDpaOut(BaseModel):
    """Every format of one agreement: one reference, one record."""

    reference: str
    draft: bool = Field(
        description="True while a fact the agreement shows is an example value: then every "
        "page says so and the agreement must not be signed."
    )
    files: list[DpaFileOut] = Field(
        description="The requested format first, then the other one where it was made "
        "(the PDF where LibreOffice is available)."
    )


def wants_json(request: Request) -> bool:
    """The DPA page asks for both files at once with `Accept: application/json`."""
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == "application/json" for part in accept.split(","))


def both_formats(issued: IssuedDpa, customer: str, draft: str) -> IssuedDpaOut:
    """The JSON answer: every file of the one agreement, each with its download name."""
    return IssuedDpaOut(
        reference=issued.reference,
        draft=issued.draft,
        files=[
            DpaFileOut(
                format=file.format,
                filename=download_name(
                    customer, issued.reference, file.extension, ascii_only=False, draft=draft
                ),
                media_type=file.media_type,
                sha256=file.sha256,
                content_base64=base64.b64encode(file.body).decode("ascii"),
            )
            for file in issued.files
        ],
    )


@router.post(
    "/dpa",
    response_class=Response,
    responses={
        200: {
            "description": "The filled DPA. Its reference and the SHA-256 of the bytes sent "
            "are in the X-DPA-Reference and X-DPA-SHA256 headers. With `Accept: "
            "application/json`: every format of the one agreement (the .docx, and its PDF "
            "where LibreOffice is available) in one JSON object.",
            "model": IssuedDpaOut,
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
    both = wants_json(request)
    soffice = pdf.find_soffice(settings) if body.format == "pdf" or both else None
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
        both=both,
    )
    # A PDF (asked for, or made beside the .docx for the page) waits for a PDF slot; a .docx
    # alone never waits behind conversions.
    makes_pdf = soffice is not None
    limiter = dpa_limiter(request.app, "pdf" if makes_pdf else "docx")
    issued = await anyio.to_thread.run_sync(work, limiter=limiter)
    formats = "+".join(file.format for file in issued.files)
    logger.info(
        "issued %s (%s, %s%s)",
        issued.reference,
        body.language,
        formats,
        ", draft" if issued.draft else "",
    )
    # A draft's file name says so, in the document's language.
    draft = content.messages.t("dpa_document.draft", body.language) if issued.draft else ""
    customer = body.customer.legal_name
    headers = {"X-DPA-Reference": issued.reference, "Cache-Control": "no-store"}
    if both:
        answer = both_formats(issued, customer, draft)
        return JSONResponse(answer.model_dump(mode="json"), headers=headers)
    requested = issued.requested
    return Response(
        content=requested.body,
        media_type=requested.media_type,
        headers={
            **headers,
            "Content-Disposition": content_disposition(
                customer, issued.reference, requested.extension, draft
            ),
            "X-DPA-SHA256": requested.sha256,
            "X-DPA-Draft": "true" if issued.draft else "false",
        },
    )

"""Issue one DPA: render, convert if asked, hash, record. Nothing is stored unless the file
is ready to be sent, so a failed render or conversion leaves no record behind; a store that
cannot take the record answers 503 like the contact endpoint, and no file is sent without
its record."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.content import Content
from api.core.clock import local_day, utcnow
from api.core.crypto import Cipher
from api.core.reference import DPA, new_reference
from api.db.dpa import DpaRecord
from api.db.session import store_unavailable, transaction
from api.dpa import pdf
from api.dpa.context import ChosenProcessing, build_context, data_digest, data_version
from api.dpa.render import DOCX_MEDIA_TYPE, render_docx, template_path, template_sha256
from api.dpa.schemas import DpaRequest

REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class IssuedDpa:
    reference: str
    issued_at: datetime
    body: bytes
    media_type: str
    extension: str
    sha256: str


def render(
    request: DpaRequest,
    chosen: ChosenProcessing,
    content: Content,
    *,
    reference: str,
    issued_at: datetime,
    template_dir: Path | None = None,
    soffice: str | None = None,
) -> bytes:
    """The document's bytes; PDF only with a `soffice` (raises pdf.PdfUnavailable)."""
    path = template_path(request.language, template_dir)
    context = build_context(
        request, chosen, content, reference=reference, issued_on=local_day(issued_at)
    )
    docx = render_docx(path, context)
    if request.format == "pdf":
        if soffice is None:
            raise pdf.PdfUnavailable("no LibreOffice")
        return pdf.docx_to_pdf(docx, soffice)
    return docx


def issue(
    request: DpaRequest,
    chosen: ChosenProcessing,
    content: Content,
    factory: sessionmaker[Session],
    cipher: Cipher,
    *,
    template_dir: Path | None = None,
    soffice: str | None = None,
) -> IssuedDpa:
    issued_at = utcnow()
    template_hash = template_sha256(template_path(request.language, template_dir))
    # The same for every reference drawn below.
    version, facts = data_version(content), data_digest(content)
    processing = json.dumps(chosen.option_ids())
    customer = cipher.encrypt(request.customer.model_dump_json(by_alias=True))
    for _ in range(REFERENCE_ATTEMPTS):
        reference = new_reference(DPA, issued_at.year)
        body = render(
            request,
            chosen,
            content,
            reference=reference,
            issued_at=issued_at,
            template_dir=template_dir,
            soffice=soffice,
        )
        digest = hashlib.sha256(body).hexdigest()
        record = DpaRecord(
            reference=reference,
            issued_at=issued_at,
            language=request.language,
            format=request.format,
            template_version=content.dpa.template_version,
            template_sha256=template_hash,
            data_version=version,
            data_sha256=facts,
            output_sha256=digest,
            processing=processing,
            special_categories=chosen.special_categories,
            customer_enc=customer,
        )
        try:
            with transaction(factory) as session:
                session.add(record)
        except IntegrityError:
            # A reference drawn twice (1 in ~900 million): draw again, the document names it.
            continue
        except SQLAlchemyError as exc:
            raise store_unavailable(exc) from None
        pdf_out = request.format == "pdf"
        return IssuedDpa(
            reference=reference,
            issued_at=issued_at,
            body=body,
            media_type=pdf.PDF_MEDIA_TYPE if pdf_out else DOCX_MEDIA_TYPE,
            extension="pdf" if pdf_out else "docx",
            sha256=digest,
        )
    raise store_unavailable("no unused reference drawn")

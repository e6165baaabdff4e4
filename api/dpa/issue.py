"""Issue one DPA: render, convert, hash, record. One generation renders the .docx and, where
asked and LibreOffice is available, converts it to PDF: both files carry the one reference and
the one record holds both hashes. Nothing is stored unless the files are ready to be sent, so a
failed render or conversion leaves no record behind; a store that cannot take the record answers
503 like the contact endpoint, and no file is sent without its record."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.content import Content
from api.content.completeness import is_complete
from api.core.clock import local_day, utcnow
from api.core.crypto import Cipher
from api.core.reference import DPA, new_reference
from api.db.dpa import DpaRecord
from api.db.session import store_unavailable, transaction
from api.dpa import pdf
from api.dpa.context import ChosenProcessing, build_context, data_digest, data_version
from api.dpa.render import DOCX_MEDIA_TYPE, render_docx, template_path, template_sha256
from api.dpa.schemas import DpaRequest

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5
Format = Literal["docx", "pdf"]
MEDIA_TYPES: dict[Format, str] = {"docx": DOCX_MEDIA_TYPE, "pdf": pdf.PDF_MEDIA_TYPE}


@dataclass(frozen=True)
class DpaFile:
    format: Format
    body: bytes
    sha256: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def extension(self) -> str:
        return self.format


def _file(fmt: Format, body: bytes) -> DpaFile:
    return DpaFile(fmt, body, hashlib.sha256(body).hexdigest())


@dataclass(frozen=True)
class IssuedDpa:
    reference: str
    issued_at: datetime
    # Made while a fact it shows was an example value: marked as a draft throughout.
    draft: bool
    # The requested format first, then the other one where it was made.
    files: tuple[DpaFile, ...]

    @property
    def requested(self) -> DpaFile:
        return self.files[0]

    def hash_of(self, fmt: Format) -> str | None:
        return next((file.sha256 for file in self.files if file.format == fmt), None)


def render_files(
    request: DpaRequest,
    chosen: ChosenProcessing,
    content: Content,
    *,
    reference: str,
    issued_at: datetime,
    template_dir: Path | None = None,
    soffice: str | None = None,
    both: bool = False,
) -> tuple[DpaFile, ...]:
    """The requested format first. A PDF needs a `soffice` (else pdf.PdfUnavailable); with
    `both`, a .docx request also gets its PDF where LibreOffice is there and converts it."""
    path = template_path(request.language, template_dir)
    context = build_context(
        request, chosen, content, reference=reference, issued_on=local_day(issued_at)
    )
    docx = _file("docx", render_docx(path, context))
    if request.format == "pdf":
        if soffice is None:
            raise pdf.PdfUnavailable("no LibreOffice")
        return (_file("pdf", pdf.docx_to_pdf(docx.body, soffice)), docx)
    if both and soffice is not None:
        try:
            return (docx, _file("pdf", pdf.docx_to_pdf(docx.body, soffice)))
        except pdf.PdfError:
            # The .docx was asked for and is ready; the PDF is a convenience (logged in pdf.py).
            logger.warning("PDF conversion failed: answering with the .docx only")
    return (docx,)


def issue(
    request: DpaRequest,
    chosen: ChosenProcessing,
    content: Content,
    factory: sessionmaker[Session],
    cipher: Cipher,
    *,
    template_dir: Path | None = None,
    soffice: str | None = None,
    both: bool = False,
) -> IssuedDpa:
    issued_at = utcnow()
    template_hash = template_sha256(template_path(request.language, template_dir))
    # The same for every reference drawn below.
    version, facts = data_version(content), data_digest(content)
    draft = not is_complete(content, "dpa")
    processing = json.dumps(chosen.option_ids())
    customer = cipher.encrypt(request.customer.model_dump_json(by_alias=True))
    for _ in range(REFERENCE_ATTEMPTS):
        reference = new_reference(DPA, issued_at.year)
        files = render_files(
            request,
            chosen,
            content,
            reference=reference,
            issued_at=issued_at,
            template_dir=template_dir,
            soffice=soffice,
            both=both,
        )
        issued = IssuedDpa(reference, issued_at, draft, files)
        record = DpaRecord(
            reference=reference,
            issued_at=issued_at,
            language=request.language,
            format=request.format,
            template_version=content.dpa.template_version,
            template_sha256=template_hash,
            data_version=version,
            data_sha256=facts,
            output_sha256=issued.requested.sha256,
            docx_sha256=issued.hash_of("docx"),
            pdf_sha256=issued.hash_of("pdf"),
            draft=draft,
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
        return issued
    raise store_unavailable("no unused reference drawn")

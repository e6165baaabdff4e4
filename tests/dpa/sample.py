"""A complete DPA request, the document rendered from it, a way to read every piece of text out
of a .docx, and a way to edit a template's XML as Word would."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx.document import Document

from api.content import Content
from api.dpa import issue
from api.dpa.context import check_processing
from api.dpa.schemas import DpaRequest

CUSTOMER: dict[str, Any] = {
    "legal_name": "Müller & Söhne <GmbH>",
    "street": 'Rue "de l\'Église" 7',
    "postal_code": "1010",
    "city": "Wien",
    "country": "AT",
    "register": "Handelsgericht Wien, FN 123456a",
    "vat_id": "ATU12345678",
    "contact": {
        "name": "Zoë O'Brien",
        "position": "Head of Legal & Compliance",
        "email": "zoe.obrien@mueller-soehne.example",
        "phone": "+43 1 234 56 78",
    },
    "dpo": {"name": "Dr. Ülkü Yılmaz", "email": "dpo@mueller-soehne.example"},
    "signatory": {"name": "Jörg Müller", "position": "Geschäftsführer"},
}

# Written out in the document's language (babel).
COUNTRY = {"de": "Österreich", "en": "Austria"}


def dpa_body(language: str = "de", fmt: str = "docx", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "language": language,
        "format": fmt,
        "customer": {
            **CUSTOMER,
            "contact": dict(CUSTOMER["contact"]),
            "dpo": dict(CUSTOMER["dpo"]),
            "signatory": dict(CUSTOMER["signatory"]),
        },
        "captcha_token": "token-ok",
    }
    body.update(changes)
    return body


def customer_values(customer: dict[str, Any]) -> list[str]:
    """Every string the customer typed, except the country code (written out instead)."""
    out: list[str] = []
    for key, value in customer.items():
        if isinstance(value, dict):
            out.extend(customer_values(value))
        elif isinstance(value, str) and key != "country":
            out.append(value)
    return out


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _cell_texts(table: Any) -> list[str]:
    texts: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            texts.extend(p.text for p in cell.paragraphs)
            for inner in cell.tables:
                texts.extend(_cell_texts(inner))
    return texts


def body_texts(document: Document) -> list[str]:
    """Paragraphs of the body, including those inside tables."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(_cell_texts(table))
    return texts


def header_texts(document: Document) -> list[str]:
    return [p.text for section in document.sections for p in section.header.paragraphs]


def footer_texts(document: Document) -> list[str]:
    return [p.text for section in document.sections for p in section.footer.paragraphs]


def all_text(document: Document) -> str:
    return "\n".join(body_texts(document) + header_texts(document) + footer_texts(document))


def render(body: dict[str, Any], content: Content, reference: str, issued_at: datetime) -> bytes:
    """The requested format's bytes of the DPA `body` asks for (no record is made)."""
    request = DpaRequest.model_validate(body)
    chosen = check_processing(request.processing, content)
    files = issue.render_files(request, chosen, content, reference=reference, issued_at=issued_at)
    return files[0].body


def edit_document_xml(src: Path, dst_dir: Path, change: Callable[[str], str]) -> None:
    """Copy a template into `dst_dir` with `change` applied to its document XML."""
    dst = dst_dir / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)

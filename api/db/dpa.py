"""Every DPA handed out, so the privacy team can find it by its reference and show exactly
what it said: which template (version and file hash), which data (version and hash) and
which bytes (SHA-256 of the file sent, and of each format the one generation made), and whether
it was a draft. The customer's details are personal data (names, emails of their staff) and are
kept only as a Fernet token, for the retention period (`trustcenter dpa purge`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime
from api.db.encrypted import encrypted_columns


@encrypted_columns("customer_enc")
class DpaRecord(Base):
    __tablename__ = "dpa_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str] = mapped_column(String(2))
    format: Mapped[str] = mapped_column(String(8))
    template_version: Mapped[str] = mapped_column(String(64))
    template_sha256: Mapped[str] = mapped_column(String(64))
    data_version: Mapped[str] = mapped_column(String(32))
    data_sha256: Mapped[str] = mapped_column(String(64))
    # The file sent in answer (`format`); the page's JSON answer sends both formats.
    output_sha256: Mapped[str] = mapped_column(String(64))
    # Each format of the one generation: the .docx always, the PDF where it was made.
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # Issued while a fact it shows was still an example value (marked as a draft throughout).
    draft: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The chosen option ids of data/dpa.yml (JSON): not personal data.
    processing: Mapped[str] = mapped_column(Text)
    special_categories: Mapped[bool] = mapped_column(Boolean)
    # JSON of the request's `customer` object, encrypted.
    customer_enc: Mapped[str] = mapped_column(Text)

"""Every DPA handed out, so the privacy team can find it by its reference and show exactly
what it said: which template (version and file hash), which data (version and hash) and
which bytes (SHA-256 of the file sent). The customer's details are personal data (names,
emails of their staff) and are kept only as a Fernet token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
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
    output_sha256: Mapped[str] = mapped_column(String(64))
    # The chosen option ids of data/dpa.yml (JSON): not personal data.
    processing: Mapped[str] = mapped_column(Text)
    special_categories: Mapped[bool] = mapped_column(Boolean)
    # JSON of the request's `customer` object, encrypted.
    customer_enc: Mapped[str] = mapped_column(Text)

"""Privacy inquiries. Only metadata is in clear; the `*_enc` columns hold Fernet tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime
from api.db.encrypted import encrypted_columns


@encrypted_columns("name_enc", "email_enc", "company_enc", "message_enc")
class Inquiry(Base):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    request_type: Mapped[str] = mapped_column(String(32))
    requester_role: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_by: Mapped[date] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # SHA-256 of the client's Idempotency-Key: a retried submission finds its first answer.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # A keyed digest of the request first sent with that key: the key reused with another
    # request is refused (api.core.errors.IdempotencyConflict). Not reversible to the request.
    idempotency_body: Mapped[str | None] = mapped_column(String(64), nullable=True)

    name_enc: Mapped[str] = mapped_column(Text)
    email_enc: Mapped[str] = mapped_column(Text)
    company_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_enc: Mapped[str] = mapped_column(Text)

"""Mail waiting to be sent. Rows are written in the same transaction as what they announce,
so an inquiry never exists without its mail, and the mail is encrypted like the inquiry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime
from api.db.encrypted import encrypted_columns


@encrypted_columns("message_enc")
class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # e.g. "inquiry.notification", "inquiry.acknowledgement"
    kind: Mapped[str] = mapped_column(String(64))
    # The reference of what the mail is about (not personal data); shown in `outbox list`.
    reference: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True, nullable=True
    )
    # "draft": message_enc holds the mail's draft (JSON), built into a message when sent;
    # "rfc5322": the complete message (rows queued before migration 0003). Encrypted either way.
    format: Mapped[str] = mapped_column(String(16), default="draft", server_default="rfc5322")
    message_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # A sender holds a row until then, so two senders never deliver the same mail.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Proof of what was sent: the Message-ID, and the SHA-256 of the bytes handed to the SMTP
    # server (not personal data; set when the server accepted the mail).
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    sent_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Class of the last failure and SMTP code only: never message text or addresses.
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)

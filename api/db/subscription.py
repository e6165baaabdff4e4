"""Subscriptions to subprocessor changes, the proof of every notice sent, and what both need to
find an address without keeping it in clear.

An address is kept only as a Fernet token (`email_enc`) and found by a keyed hash
(`email_digest`) whose key is a secret of the database itself (`LookupKey`, encrypted with the
data keys): unlike a key derived from the newest data key, it stays the same across
`trustcenter rotate-keys`, so a subscriber and their proof records are still found afterwards.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime
from api.db.encrypted import encrypted_columns


@encrypted_columns("key_enc")
class LookupKey(Base):
    """A random HMAC key for lookups by keyed hash, made once per purpose on first use."""

    __tablename__ = "lookup_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


@encrypted_columns("email_enc", "unsubscribe_token_enc")
class Subscription(Base):
    """One address's subscription: "pending" until confirmed, "confirmed", or "unsubscribed"
    (then nothing personal is left: no address, no hash of it, only the dates)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SUB-2026-7KQ3ZC: how the privacy team names a subscriber (`trustcenter subscribers show`).
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    language: Mapped[str] = mapped_column(String(2))
    email_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Keyed hashes of the address as given (case-folded), and of its canonical form (no
    # +suffix), which the one-mail-an-hour limit counts by.
    email_digest: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    canonical_digest: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The latest confirmation link: SHA-256 of its token (the token itself is only in the mail),
    # until when it is good, and the language it was asked for in.
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    confirm_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirm_language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    # The unsubscribe link of every notice: its token, encrypted for the next notice, and its
    # SHA-256 to find the subscription (kept after unsubscribing, so the link still answers).
    unsubscribe_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unsubscribe_token_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class ConfirmationThrottle(Base):
    """When a confirmation mail last went to a canonical address: at most one an hour."""

    __tablename__ = "subscription_throttle"

    canonical_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SubscriptionNotice(Base):
    """Proof of one notice: a change-log entry told to one subscriber, in which mail, when it
    was queued and handed to the SMTP server, and the SHA-256 of the bytes handed over.

    It outlives the subscription: it keeps the keyed hash of the address (never the address),
    and copies the outbox row's proof before that row (which holds the address) is deleted."""

    __tablename__ = "subscription_notices"
    __table_args__ = (UniqueConstraint("subscription_id", "change_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="SET NULL"), index=True, nullable=True
    )
    subscriber_digest: Mapped[str] = mapped_column(String(64), index=True)
    # The change-log entry (`Change.key`): notice date, subprocessor, kind, effective date.
    change_key: Mapped[str] = mapped_column(String(128), index=True)
    subprocessor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    notice_date: Mapped[date] = mapped_column(Date)
    effective_date: Mapped[date] = mapped_column(Date)
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True, nullable=True
    )
    message_id: Mapped[str] = mapped_column(String(255))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # From the outbox row once the SMTP server accepted the mail (see api.subscriptions.proof).
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)

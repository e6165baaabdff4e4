"""Proof of notice: for every (subscriber, change) pair, when the notice was queued and handed to
the SMTP server, its Message-ID and the SHA-256 of the bytes handed over (which the outbox
records as it sends; nothing is hashed twice), and the change's notice and effective dates.

A record names its subscriber by reference and by the keyed hash of the address, never by the
address, and outlives the subscription. `settle` copies the outbox's proof into the records
before anything deletes an outbox row (a sent mail still holds the address).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from api.core.clock import utcnow
from api.db.outbox import OutboxMessage
from api.db.session import reading, transaction
from api.db.subscription import Subscription, SubscriptionNotice

# How long a proof record is kept (the privacy notice says three years after sending).
RETENTION_DAYS = 3 * 365 + 1


def settle(session: Session) -> int:
    """Copy the proof of every sent notice mail into its records; how many were copied."""
    rows = session.execute(
        select(SubscriptionNotice, OutboxMessage.sent_at, OutboxMessage.sent_sha256)
        .join(OutboxMessage, SubscriptionNotice.outbox_id == OutboxMessage.id)
        .where(SubscriptionNotice.handed_at.is_(None), OutboxMessage.status == "sent")
    ).all()
    for record, sent_at, sent_sha256 in rows:
        record.handed_at = sent_at
        record.sent_sha256 = sent_sha256
    return len(rows)


@dataclass(frozen=True)
class NoticeRecord:
    change: str
    subprocessor: str
    kind: str
    notice_date: date
    effective_date: date
    subscriber: str | None
    subscriber_status: str | None
    subscriber_digest: str
    queued_at: datetime
    handed_at: datetime | None
    message_id: str
    sha256: str | None

    @property
    def status(self) -> str:
        return "sent" if self.handed_at is not None else "pending"

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "subprocessor": self.subprocessor,
            "kind": self.kind,
            "notice_date": self.notice_date.isoformat(),
            "effective_date": self.effective_date.isoformat(),
            "subscriber": self.subscriber,
            "subscriber_status": self.subscriber_status,
            "subscriber_digest": self.subscriber_digest,
            "status": self.status,
            "queued_at": self.queued_at.isoformat(),
            "handed_to_smtp_at": self.handed_at.isoformat() if self.handed_at else None,
            "message_id": self.message_id,
            "sha256": self.sha256,
        }


def records(
    factory: sessionmaker[Session],
    *,
    change: str | None = None,
    subscriber_digest: str | None = None,
) -> list[NoticeRecord]:
    """Every proof record, by change and time queued; a mail sent but not yet settled shows
    the outbox's proof."""
    query = (
        select(
            SubscriptionNotice,
            Subscription.reference,
            Subscription.status,
            OutboxMessage.status,
            OutboxMessage.sent_at,
            OutboxMessage.sent_sha256,
        )
        .outerjoin(Subscription, SubscriptionNotice.subscription_id == Subscription.id)
        .outerjoin(OutboxMessage, SubscriptionNotice.outbox_id == OutboxMessage.id)
        .order_by(
            SubscriptionNotice.effective_date,
            SubscriptionNotice.change_key,
            SubscriptionNotice.queued_at,
            SubscriptionNotice.id,
        )
    )
    if change is not None:
        query = query.where(SubscriptionNotice.change_key == change)
    if subscriber_digest is not None:
        query = query.where(SubscriptionNotice.subscriber_digest == subscriber_digest)
    found = []
    with reading(factory) as session:
        for notice, reference, state, mail_status, sent_at, sent_sha256 in session.execute(query):
            sent = mail_status == "sent"
            found.append(
                NoticeRecord(
                    change=notice.change_key,
                    subprocessor=notice.subprocessor,
                    kind=notice.kind,
                    notice_date=notice.notice_date,
                    effective_date=notice.effective_date,
                    subscriber=reference,
                    subscriber_status=state,
                    subscriber_digest=notice.subscriber_digest,
                    queued_at=notice.queued_at,
                    handed_at=notice.handed_at or (sent_at if sent else None),
                    message_id=notice.message_id,
                    sha256=notice.sent_sha256 or (sent_sha256 if sent else None),
                )
            )
    return found


def purge(factory: sessionmaker[Session], older_than_days: int) -> int:
    """Retention: delete the proof records of notices queued more than DAYS ago, and ended
    subscriptions that no record names any more; how many records were deleted."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    with transaction(factory) as session:
        settle(session)
        result: Any = session.execute(
            delete(SubscriptionNotice).where(SubscriptionNotice.queued_at < cutoff)
        )
        named = select(SubscriptionNotice.subscription_id).where(
            SubscriptionNotice.subscription_id.is_not(None)
        )
        session.execute(
            delete(Subscription).where(
                Subscription.status == "unsubscribed", Subscription.id.not_in(named)
            )
        )
        return int(result.rowcount or 0)

"""The transactional outbox: mail is written with what it announces and sent afterwards.

A row is claimed for a lease before sending, so two senders (the server's background loop and
`trustcenter outbox retry`, or two containers) never deliver the same mail. Crash safety: a
sender claims one mail at a time, sends it within SEND_DEADLINE and marks it right after, and
one process has one mail in flight; so a sender killed at any moment (kill -9) leaves at most
one mail claimed, which may have gone out and is then sent once more, and its short LEASE lets
any sender (the restarted one included) pick it up within a minute. Failures back off
exponentially up to OUTBOX_BACKOFF_MAX and are retried forever, except a mail the relay can
never carry (`Undeliverable`, e.g. an address that needs SMTPUTF8 on a relay without it): that
one ends as `failed`, with its reason for the privacy team, instead of being retried forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.core.clock import utcnow
from api.core.crypto import Cipher
from api.db.outbox import OutboxMessage
from api.db.session import transaction
from api.mail.addresses import Undeliverable
from api.mail.compose import Draft

logger = logging.getLogger(__name__)

# How a row's message_enc is kept: a draft (JSON, see api/mail/compose.py) or, for rows
# queued before drafts existed, the complete RFC 5322 message.
DRAFT = "draft"
RFC5322 = "rfc5322"
# A claim lasts LEASE; a send that takes longer than SEND_DEADLINE is given up (and retried
# later) before the lease ends, so no second sender takes a mail that is still being sent.
# Picked up after a crash within LEASE plus one OUTBOX_INTERVAL (15 s): under a minute.
LEASE = timedelta(seconds=30)
SEND_DEADLINE = 20.0


class Sender(Protocol):
    async def send(self, message: EmailMessage) -> str:
        """Deliver `message`; the SHA-256 (hex) of the bytes handed to the server. Raise
        `api.mail.addresses.Undeliverable` for a mail no retry can deliver."""
        ...


def queued(
    cipher: Cipher,
    mail: Draft,
    *,
    kind: str,
    reference: str | None,
    inquiry_id: int | None = None,
) -> OutboxMessage:
    """The outbox row of a mail (its draft, encrypted), for the caller to add to the same
    transaction as what the mail announces; made before that transaction begins, it does not
    lengthen it."""
    now = utcnow()
    return OutboxMessage(
        kind=kind,
        reference=reference,
        inquiry_id=inquiry_id,
        format=DRAFT,
        message_enc=cipher.encrypt(mail.to_json()),
        status="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )


def enqueue(
    session: Session,
    cipher: Cipher,
    mail: Draft,
    *,
    kind: str,
    reference: str | None,
    inquiry_id: int | None = None,
) -> OutboxMessage:
    """Add a mail to the caller's transaction."""
    row = queued(cipher, mail, kind=kind, reference=reference, inquiry_id=inquiry_id)
    session.add(row)
    return row


def decode(cipher: Cipher, row: OutboxMessage) -> EmailMessage:
    return _decrypt(cipher, row.format, row.message_enc)


def _decrypt(cipher: Cipher, kind: str, token: str) -> EmailMessage:
    """The message to send: built from its draft, or (rows queued before drafts) as stored."""
    if kind == DRAFT:
        return Draft.from_json(cipher.decrypt(token)).message()
    parsed = message_from_bytes(cipher.decrypt_bytes(token), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@dataclass
class DrainResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    kept: int = 0


def _claim(factory: sessionmaker[Session], *, force: bool) -> tuple[int, str, str] | None:
    """The next due mail, claimed for LEASE: (id, format, message_enc), or None."""
    now = utcnow()
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    with transaction(factory) as session:
        query = select(OutboxMessage.id, OutboxMessage.format, OutboxMessage.message_enc).where(
            OutboxMessage.status == "pending", free
        )
        if not force:
            query = query.where(OutboxMessage.next_attempt_at <= now)
        # PostgreSQL: racing senders skip each other's row instead of waiting for it (SQLite
        # has no row locks; its writer lock already serialises this transaction).
        query = query.order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True)
        found = session.execute(query).one_or_none()
        if found is None:
            return None
        # Conditional update: of two racing senders only one sees rowcount 1.
        result: Any = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == found.id, OutboxMessage.status == "pending", free)
            .values(claimed_until=now + LEASE)
        )
        if result.rowcount != 1:
            return None
        return found.id, found.format, found.message_enc


def _mark_sent(
    factory: sessionmaker[Session], row_id: int, message_id: str | None, sha256: str
) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxMessage, row_id)
        if row is not None:
            row.status = "sent"
            row.sent_at = utcnow()
            row.message_id = message_id
            row.sent_sha256 = sha256
            row.attempts += 1
            row.claimed_until = None
            row.last_error = None


def _mark_failed(
    factory: sessionmaker[Session], row_id: int, error: str, base: float, cap: float
) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxMessage, row_id)
        if row is not None:
            row.attempts += 1
            delay = min(cap, base * 2 ** (row.attempts - 1))
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            row.claimed_until = None
            row.last_error = error[:200]


def _mark_undeliverable(factory: sessionmaker[Session], row_id: int, reason: str) -> None:
    """No retry can deliver it: `failed`, with the reason `trustcenter outbox list` shows."""
    with transaction(factory) as session:
        row = session.get(OutboxMessage, row_id)
        if row is not None:
            row.status = "failed"
            row.attempts += 1
            row.claimed_until = None
            row.last_error = reason[:200]


def _describe(exc: BaseException) -> str:
    # The class and SMTP code only: server replies can quote recipient addresses.
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__}" + (f" {code}" if isinstance(code, int) else "")


async def drain(
    factory: sessionmaker[Session],
    cipher: Cipher,
    sender: Sender | None,
    *,
    force: bool = False,
    backoff_base: float = 30.0,
    backoff_max: float = 3600.0,
    limit: int | None = None,
) -> DrainResult:
    """Send what is due (everything pending with `force`), one mail at a time, at most
    `limit` mails; safe to run concurrently (each mail is claimed before it is sent)."""
    result = DrainResult()
    if sender is None:
        pending = await asyncio.to_thread(pending_count, factory)
        result.kept = pending
        return result
    while limit is None or len(result.sent) + len(result.failed) < limit:
        claimed = await asyncio.to_thread(_claim, factory, force=force)
        if claimed is None:
            break
        row_id, kind, token = claimed
        message = None
        try:
            message = _decrypt(cipher, kind, token)
            digest = await asyncio.wait_for(sender.send(message), SEND_DEADLINE)
        except Undeliverable as exc:
            logger.error("outbox: mail %d cannot be delivered (%s)", row_id, exc.reason)
            await asyncio.to_thread(_mark_undeliverable, factory, row_id, exc.reason)
            result.failed.append(row_id)
        except Exception as exc:  # any other failure is retried later; never lost
            logger.warning("outbox: mail %d not sent (%s); will retry", row_id, _describe(exc))
            await asyncio.to_thread(
                _mark_failed, factory, row_id, _describe(exc), backoff_base, backoff_max
            )
            result.failed.append(row_id)
            # Usually the server is down: stop hammering it this round.
            break
        else:
            message_id = str(message["Message-ID"]) if message["Message-ID"] else None
            await asyncio.to_thread(_mark_sent, factory, row_id, message_id, digest)
            logger.info("outbox: mail %d sent", row_id)
            result.sent.append(row_id)
    return result


def pending_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(func.count()).select_from(OutboxMessage)
        return int(session.scalar(query.where(OutboxMessage.status == "pending")) or 0)


def list_messages(
    factory: sessionmaker[Session], status: str | None = None
) -> Sequence[OutboxMessage]:
    with factory() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if status:
            query = query.where(OutboxMessage.status == status)
        return list(session.scalars(query))


def _sending(state: Any) -> asyncio.Lock:
    """The app's one sending slot. Per event loop: Mangum may run each Lambda invocation in
    a new loop, and a lock cannot move between loops."""
    loop = asyncio.get_running_loop()
    held: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = getattr(
        state, "outbox_sending", None
    )
    if held is None or held[0] is not loop:
        held = state.outbox_sending = (loop, asyncio.Lock())
    return held[1]


async def drain_state(state: Any, *, force: bool = False) -> DrainResult:
    """Drain using an app's state (settings, session factory, cipher, sender). The server's
    background loop and the delivery after each request take turns: one process has one
    mail in flight, so a crash duplicates at most that one."""
    settings = state.settings
    async with _sending(state):
        return await drain(
            state.store.session_factory,
            state.cipher,
            state.mail_sender,
            force=force,
            backoff_base=settings.OUTBOX_BACKOFF_BASE,
            backoff_max=settings.OUTBOX_BACKOFF_MAX,
        )


async def deliver_soon(state: Any) -> None:
    """Run after a response: send what was just queued; anything failing stays queued."""
    try:
        await drain_state(state)
    except Exception as exc:  # the periodic sender or `outbox retry` will pick it up
        logger.error("outbox: immediate delivery failed (%s)", type(exc).__name__)


async def run_outbox_loop(state: Any, interval: float) -> None:
    """The server's background sender (started in the app's lifespan)."""
    while True:
        try:
            await drain_state(state)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # e.g. the database is briefly gone; try again next round
            logger.error("outbox run failed (%s)", type(exc).__name__)
        await asyncio.sleep(interval)

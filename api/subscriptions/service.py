"""Subscribing (double opt-in), confirming, unsubscribing, and what the privacy team sees: the
one place that encrypts and decrypts subscribers' addresses.

Subscribing answers the same whether the address is new, waiting for confirmation or already
confirmed; what differs happens out of sight: a confirmation mail, at most one an hour per
canonical address (`ConfirmationThrottle`, claimed with one atomic upsert, so two concurrent
requests cannot both send). Unsubscribing deletes the address, the keyed hashes of it and every
mail of the subscription that holds it; only the proof records (keyed hash, dates, hashes of the
mails) and the dates of the subscription remain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.content import Content
from api.core.clock import utcnow
from api.core.crypto import Cipher
from api.core.reference import SUBSCRIPTION, new_reference
from api.core.settings import Settings
from api.db.outbox import OutboxMessage
from api.db.session import reading, store_unavailable, transaction
from api.db.subscription import ConfirmationThrottle, Subscription, SubscriptionNotice
from api.mail.outbox import queued
from api.subscriptions import mails, proof
from api.subscriptions.address import canonical, identity
from api.subscriptions.errors import ConfirmationExpired, ConfirmationUnknown, UnsubscribeUnknown
from api.subscriptions.keys import hasher, insert_into, new_token, token_hash
from api.subscriptions.schemas import SubscribeRequest

logger = logging.getLogger(__name__)

PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"
STATES = (PENDING, CONFIRMED, UNSUBSCRIBED)
CONFIRMATION_VALID_DAYS = 7
CONFIRMATION_VALID = timedelta(days=CONFIRMATION_VALID_DAYS)
CONFIRMATION_INTERVAL = timedelta(hours=1)
CONFIRMATION_MAIL = "subscription.confirmation"
NOTICE_MAIL = "subscription.notice"
MAIL_KINDS = (CONFIRMATION_MAIL, NOTICE_MAIL)
ATTEMPTS = 5


@dataclass(frozen=True)
class Requested:
    """What a subscribe request did (for the log and the tests, never for the client)."""

    reference: str
    mailed: bool


def links(settings: Settings) -> mails.Links:
    return mails.Links(settings.PUBLIC_URL)


def subscribe(
    factory: sessionmaker[Session],
    cipher: Cipher,
    settings: Settings,
    content: Content,
    data: SubscribeRequest,
) -> Requested:
    """Store a new address as pending, and send a confirmation link unless one went to this
    canonical address within the hour. The latest link wins; confirming it also sets the
    language it was asked in."""
    try:
        keys = hasher(factory, cipher)
    except SQLAlchemyError as exc:
        raise store_unavailable(exc) from None
    email_digest = keys.email(identity(data.email))
    canonical_digest = keys.canonical(canonical(data.email))
    for _ in range(ATTEMPTS):
        # Prepared before the transaction: on SQLite it holds the one writer lock.
        token, unsubscribe = new_token(), new_token()
        mail = queued(
            cipher,
            mails.confirmation(
                to=data.email,
                lang=data.language,
                token=token,
                links=links(settings),
                content=content,
                sender=settings.MAIL_FROM,
                reply_to=settings.PRIVACY_INBOX,
                valid_days=CONFIRMATION_VALID_DAYS,
            ),
            kind=CONFIRMATION_MAIL,
            reference=None,
        )
        fresh = {
            "email_enc": cipher.encrypt(data.email),
            "unsubscribe_token_enc": cipher.encrypt(unsubscribe),
            "unsubscribe_token_hash": token_hash(unsubscribe),
        }
        now = utcnow()
        try:
            with transaction(factory) as session:
                row = session.scalar(
                    select(Subscription).where(Subscription.email_digest == email_digest)
                )
                if row is None:
                    row = Subscription(
                        reference=new_reference(SUBSCRIPTION, now.year),
                        status=PENDING,
                        language=data.language,
                        email_digest=email_digest,
                        canonical_digest=canonical_digest,
                        created_at=now,
                        **fresh,
                    )
                    session.add(row)
                    session.flush()
                if not _claim_confirmation_mail(session, canonical_digest, now):
                    outcome = Requested(row.reference, mailed=False)
                else:
                    row.confirm_token_hash = token_hash(token)
                    row.confirm_expires_at = now + CONFIRMATION_VALID
                    row.confirm_language = data.language
                    mail.reference = row.reference
                    session.add(mail)
                    outcome = Requested(row.reference, mailed=True)
        except IntegrityError:
            continue  # the same address subscribing at the same moment, or a reference taken
        except SQLAlchemyError as exc:
            raise store_unavailable(exc) from None
        logger.info(
            "subscription %s requested (%s)",
            outcome.reference,
            "confirmation mail queued" if outcome.mailed else "no mail: one sent within the hour",
        )
        return outcome
    raise store_unavailable("no subscription stored")


def _claim_confirmation_mail(session: Session, canonical_digest: str, now: datetime) -> bool:
    """Whether a confirmation mail may go to this canonical address now; if so, it is noted."""
    statement = (
        insert_into(session, ConfirmationThrottle)
        .values(canonical_digest=canonical_digest, last_sent_at=now)
        .on_conflict_do_update(
            index_elements=["canonical_digest"],
            set_={"last_sent_at": now},
            where=ConfirmationThrottle.last_sent_at <= now - CONFIRMATION_INTERVAL,
        )
        # A row comes back when inserted or updated, none when the hour is not over.
        .returning(ConfirmationThrottle.canonical_digest)
    )
    return session.execute(statement).first() is not None


def confirm(factory: sessionmaker[Session], token: str) -> str:
    """Confirm the subscription of a confirmation link; its reference. Confirming twice is
    fine; an unknown link raises ConfirmationUnknown, an old one ConfirmationExpired."""
    digest = token_hash(token)
    try:
        with transaction(factory) as session:
            row = session.scalar(
                select(Subscription).where(Subscription.confirm_token_hash == digest)
            )
            if row is None:
                raise ConfirmationUnknown("unknown confirmation link")
            now = utcnow()
            if row.confirm_expires_at is None or row.confirm_expires_at < now:
                raise ConfirmationExpired("confirmation link expired")
            if row.status == PENDING:
                row.status = CONFIRMED
                row.confirmed_at = now
            row.language = row.confirm_language or row.language
            reference = row.reference
    except SQLAlchemyError as exc:
        raise store_unavailable(exc) from None
    logger.info("subscription %s confirmed", reference)
    return reference


def unsubscribe(factory: sessionmaker[Session], token: str) -> str:
    """End the subscription of an unsubscribe link; its reference. Again is fine."""
    digest = token_hash(token)
    try:
        with transaction(factory) as session:
            row = session.scalar(
                select(Subscription).where(Subscription.unsubscribe_token_hash == digest)
            )
            if row is None:
                raise UnsubscribeUnknown("unknown unsubscribe link")
            if row.status != UNSUBSCRIBED:
                _forget(session, row, utcnow())
            reference = row.reference
    except SQLAlchemyError as exc:
        raise store_unavailable(exc) from None
    logger.info("subscription %s ended", reference)
    return reference


def _forget(session: Session, row: Subscription, now: datetime) -> None:
    """Keep the proof and the dates, drop everything that holds or reveals the address."""
    _drop_mails(session, [row.reference], now)
    row.status = UNSUBSCRIBED
    row.unsubscribed_at = now
    row.email_enc = None
    row.email_digest = None
    row.canonical_digest = None
    row.confirm_token_hash = None
    row.confirm_expires_at = None
    row.confirm_language = None
    row.unsubscribe_token_enc = None


def _drop_mails(session: Session, references: list[str], now: datetime) -> None:
    """Delete the subscriptions' mails (each holds the address), after copying the proof of
    those sent. A mail being sent right now (claimed) stays until `purge` finds it done; one
    not sent yet is cancelled, with its proof records."""
    if not references:
        return
    proof.settle(session)
    mails_of = (
        OutboxMessage.kind.in_(MAIL_KINDS),
        OutboxMessage.reference.in_(references),
        or_(
            OutboxMessage.status == "sent",
            OutboxMessage.claimed_until.is_(None),
            OutboxMessage.claimed_until < now,
        ),
    )
    unsent = select(OutboxMessage.id).where(*mails_of, OutboxMessage.status != "sent")
    session.execute(delete(SubscriptionNotice).where(SubscriptionNotice.outbox_id.in_(unsent)))
    session.execute(delete(OutboxMessage).where(*mails_of))


def purge(factory: sessionmaker[Session]) -> int:
    """Retention: unconfirmed subscriptions whose link has expired (7 days) with their mail,
    the one-mail-an-hour notes older than an hour, and what mail of ended subscriptions was
    still being sent when they ended; how many unconfirmed subscriptions were deleted."""
    now = utcnow()
    expired = and_(
        Subscription.status == PENDING,
        or_(
            Subscription.confirm_expires_at < now,
            and_(
                Subscription.confirm_expires_at.is_(None),
                Subscription.created_at < now - CONFIRMATION_VALID,
            ),
        ),
    )
    with transaction(factory) as session:
        unconfirmed = list(session.scalars(select(Subscription.reference).where(expired)))
        ended = list(
            session.scalars(
                select(Subscription.reference).where(
                    Subscription.status == UNSUBSCRIBED,
                    Subscription.reference.in_(
                        select(OutboxMessage.reference).where(OutboxMessage.kind.in_(MAIL_KINDS))
                    ),
                )
            )
        )
        _drop_mails(session, unconfirmed + ended, now)
        session.execute(delete(Subscription).where(Subscription.reference.in_(unconfirmed)))
        session.execute(
            delete(ConfirmationThrottle).where(
                ConfirmationThrottle.last_sent_at <= now - CONFIRMATION_INTERVAL
            )
        )
    if unconfirmed:
        logger.info("purged %d unconfirmed subscriptions", len(unconfirmed))
    return len(unconfirmed)


# The privacy team's view (see api.cli.subscriptions) --------------------------------------


@dataclass(frozen=True)
class SubscriberView:
    reference: str
    status: str
    language: str
    created_at: datetime
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    email: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "reference": self.reference,
            "status": self.status,
            "language": self.language,
            "created_at": self.created_at.isoformat(),
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "unsubscribed_at": self.unsubscribed_at.isoformat() if self.unsubscribed_at else None,
        }
        if self.email is not None:
            data["email"] = self.email
        return data


def _view(row: Subscription, cipher: Cipher | None = None) -> SubscriberView:
    email = None
    if cipher is not None and row.email_enc is not None:
        email = cipher.decrypt(row.email_enc)
    return SubscriberView(
        reference=row.reference,
        status=row.status,
        language=row.language,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        unsubscribed_at=row.unsubscribed_at,
        email=email,
    )


def counts(factory: sessionmaker[Session]) -> dict[str, dict[str, int]]:
    """{status: {language: count}} for every status, zeros included."""
    with reading(factory) as session:
        rows = session.execute(
            select(Subscription.status, Subscription.language, func.count()).group_by(
                Subscription.status, Subscription.language
            )
        ).all()
    found: dict[str, dict[str, int]] = {status: {} for status in STATES}
    for status, language, number in rows:
        found.setdefault(status, {})[language] = int(number)
    return found


def list_subscribers(
    factory: sessionmaker[Session], status: str | None = None
) -> list[SubscriberView]:
    with reading(factory) as session:
        query = select(Subscription).order_by(Subscription.created_at, Subscription.id)
        if status:
            query = query.where(Subscription.status == status)
        return [_view(row) for row in session.scalars(query)]


def get_subscriber(
    factory: sessionmaker[Session], cipher: Cipher, reference: str
) -> SubscriberView | None:
    with reading(factory) as session:
        row = session.scalar(select(Subscription).where(Subscription.reference == reference))
        return _view(row, cipher) if row is not None else None

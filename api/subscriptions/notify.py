"""`trustcenter notify` and the Lambda schedule: tell every confirmed subscriber, in one mail
per run, each change-log entry not yet effective (effective today or later) that they have not
been told, however long ago it was announced.

A notice is queued in the outbox with its proof records in one transaction, and the unique
(subscription, change) pair makes a second run (or two runs at once) queue nothing new. The run
then hands the mail to the SMTP server itself, so it needs no server process (a cron job, a
Lambda schedule); what the server did not take stays in the outbox and is retried.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.content import Change, Content
from api.core.clock import local_day, utcnow
from api.core.crypto import Cipher
from api.core.i18n import DEFAULT_LANG, Lang, as_lang
from api.core.settings import Settings
from api.db.outbox import OutboxMessage
from api.db.session import reading, transaction
from api.db.subscription import Subscription, SubscriptionNotice
from api.mail.outbox import Sender, drain, queued
from api.subscriptions import mails, proof, service

logger = logging.getLogger(__name__)


def pending_changes(content: Content, today: date) -> list[Change]:
    """The change-log entries not yet effective, earliest effective date first."""
    changes = [
        change for change in content.subprocessors.changelog if change.effective_date >= today
    ]
    return sorted(changes, key=lambda change: (change.effective_date, change.notice_date))


@dataclass(frozen=True)
class Planned:
    """One subscriber's mail of this run."""

    subscription_id: int
    reference: str
    language: Lang
    changes: list[Change]


@dataclass
class Report:
    changes: list[Change]
    planned: list[Planned] = field(default_factory=list)
    # Notice mails: queued in this run, handed to the SMTP server in this run, still waiting.
    queued: int = 0
    sent: int = 0
    pending: int = 0
    # Other mail the run sent from the outbox (e.g. confirmations), and sends that failed.
    other_sent: int = 0
    failed: int = 0
    dry_run: bool = False


def plan(factory: sessionmaker[Session], changes: list[Change]) -> list[Planned]:
    """Who gets which of `changes`: confirmed subscribers, less what they were told."""
    if not changes:
        return []
    keys = [change.key for change in changes]
    with reading(factory) as session:
        subscribers = session.execute(
            select(Subscription.id, Subscription.reference, Subscription.language)
            .where(Subscription.status == service.CONFIRMED)
            .order_by(Subscription.id)
        ).all()
        told = set(
            session.execute(
                select(SubscriptionNotice.subscription_id, SubscriptionNotice.change_key).where(
                    SubscriptionNotice.change_key.in_(keys)
                )
            ).all()
        )
    planned = []
    for subscription_id, reference, language in subscribers:
        todo = [change for change in changes if (subscription_id, change.key) not in told]
        if todo:
            lang = as_lang(language) or DEFAULT_LANG
            planned.append(Planned(subscription_id, reference, lang, todo))
    return planned


def _queue(
    factory: sessionmaker[Session],
    cipher: Cipher,
    settings: Settings,
    content: Content,
    planned: Planned,
) -> int | None:
    """Queue one subscriber's notice with its proof records; the outbox row's id, or None when
    the subscription ended or another run told them first."""
    with reading(factory) as session:
        row = session.get(Subscription, planned.subscription_id)
        if row is None or row.status != service.CONFIRMED:
            return None
        assert row.email_enc is not None and row.unsubscribe_token_enc is not None
        email = cipher.decrypt(row.email_enc)
        unsubscribe = cipher.decrypt(row.unsubscribe_token_enc)
        digest = row.email_digest or ""
    draft = mails.notice(
        to=email,
        lang=planned.language,
        changes=planned.changes,
        unsubscribe_token=unsubscribe,
        links=service.links(settings),
        content=content,
        sender=settings.MAIL_FROM,
        reply_to=settings.PRIVACY_INBOX,
    )
    mail = queued(cipher, draft, kind=service.NOTICE_MAIL, reference=planned.reference)
    try:
        with transaction(factory) as session:
            current = session.get(Subscription, planned.subscription_id)
            if current is None or current.status != service.CONFIRMED:
                return None  # unsubscribed in the meantime
            session.add(mail)
            session.flush()
            session.add_all(
                SubscriptionNotice(
                    subscription_id=planned.subscription_id,
                    subscriber_digest=digest,
                    change_key=change.key,
                    subprocessor=change.subprocessor,
                    kind=change.kind,
                    notice_date=change.notice_date,
                    effective_date=change.effective_date,
                    outbox_id=mail.id,
                    message_id=draft.message_id,
                    queued_at=mail.created_at,
                )
                for change in planned.changes
            )
    except IntegrityError:
        return None  # a concurrent run queued these notices
    return mail.id


def _notice_mails(factory: sessionmaker[Session], sent: list[int]) -> tuple[int, int]:
    """Of the mails just sent, how many were notices; how many notices still wait."""
    notices = (OutboxMessage.kind == service.NOTICE_MAIL,)
    count = select(func.count()).select_from(OutboxMessage)
    with reading(factory) as session:
        handed = session.scalar(count.where(*notices, OutboxMessage.id.in_(sent))) if sent else 0
        waiting = session.scalar(count.where(*notices, OutboxMessage.status == "pending"))
    return int(handed or 0), int(waiting or 0)


def _settle(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        proof.settle(session)


def retention(factory: sessionmaker[Session]) -> None:
    """The subscriptions' retention rules: unconfirmed subscriptions after 7 days, proof
    records after three years (every `notify` applies them; so does the Lambda's schedule)."""
    service.purge(factory)
    proof.purge(factory, proof.RETENTION_DAYS)


async def notify(
    factory: sessionmaker[Session],
    cipher: Cipher,
    settings: Settings,
    content: Content,
    sender: Sender | None,
    *,
    dry_run: bool = False,
    force: bool = False,
    today: date | None = None,
) -> Report:
    """Queue this run's notices and hand every mail due (every one pending, with `force`) to
    the SMTP server; with `dry_run`, only say who would get what. Every run first applies the
    retention rules (unconfirmed subscriptions, proof records older than three years)."""
    today = today or local_day(utcnow())
    report = Report(changes=pending_changes(content, today), dry_run=dry_run)
    if not dry_run:
        await asyncio.to_thread(retention, factory)
    report.planned = await asyncio.to_thread(plan, factory, report.changes)
    if dry_run:
        return report
    for planned in report.planned:
        if await asyncio.to_thread(_queue, factory, cipher, settings, content, planned):
            report.queued += 1
    sent: list[int] = []
    if sender is not None:
        result = await drain(
            factory,
            cipher,
            sender,
            force=force,
            backoff_base=settings.OUTBOX_BACKOFF_BASE,
            backoff_max=settings.OUTBOX_BACKOFF_MAX,
        )
        sent, report.failed = result.sent, len(result.failed)
        report.other_sent = len(sent)
        await asyncio.to_thread(_settle, factory)
    report.sent, report.pending = await asyncio.to_thread(_notice_mails, factory, sent)
    report.other_sent -= report.sent
    logger.info(
        "notify: %d changes not yet effective, %d notice mails queued, %d sent, %d waiting",
        len(report.changes),
        report.queued,
        report.sent,
        report.pending,
    )
    return report

"""Storing and handling inquiries: the one place that encrypts and decrypts them."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.core.clock import utcnow
from api.core.crypto import Cipher
from api.core.errors import IdempotencyConflict
from api.core.i18n import DEFAULT_LANG, as_lang
from api.core.messages import Messages
from api.core.reference import INQUIRY, new_reference
from api.core.settings import Settings
from api.db.inquiry import Inquiry
from api.db.outbox import OutboxMessage
from api.db.session import reading, store_unavailable, transaction
from api.inquiries import mails
from api.inquiries.deadline import due_by as deadline
from api.inquiries.schemas import ContactReceipt, ContactRequest
from api.mail.outbox import queued

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5


def idempotency_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def request_digest(cipher: Cipher, data: ContactRequest) -> str:
    """What an Idempotency-Key is bound to: the request as validated (key order and spacing do
    not matter), without the captcha token, which a retry may carry afresh. Keyed, so the
    stored digest cannot be checked against guessed requests."""
    fields = data.model_dump(mode="json", exclude={"captcha_token"})
    return cipher.digest(json.dumps(fields, sort_keys=True, ensure_ascii=False))


def _replay(row: Inquiry, messages: Messages, body_digest: str | None) -> ContactReceipt:
    """The first receipt for a retry of the same request; a different request is refused."""
    if body_digest and row.idempotency_body and row.idempotency_body != body_digest:
        raise IdempotencyConflict("Idempotency-Key reused with another request")
    return receipt(row, messages)


def receipt(row: Inquiry, messages: Messages) -> ContactReceipt:
    lang = as_lang(row.language) or DEFAULT_LANG
    notice = (
        messages.t("inquiry.controller_notice", lang)
        if row.requester_role == "customer_data_subject"
        else None
    )
    return ContactReceipt(
        reference=row.reference, received_at=row.received_at, due_by=row.due_by, notice=notice
    )


def find_by_idempotency_key(
    factory: sessionmaker[Session], messages: Messages, key: str, body_digest: str | None = None
) -> ContactReceipt | None:
    """The receipt of the inquiry first sent with `key`, or None; raises IdempotencyConflict
    when that inquiry was another request (`body_digest`, see `request_digest`)."""
    try:
        with reading(factory) as session:
            row = session.scalar(
                select(Inquiry).where(Inquiry.idempotency_key == idempotency_digest(key))
            )
    except SQLAlchemyError as exc:
        raise store_unavailable(exc) from None
    return _replay(row, messages, body_digest) if row is not None else None


def submit(
    factory: sessionmaker[Session],
    cipher: Cipher,
    settings: Settings,
    messages: Messages,
    data: ContactRequest,
    *,
    idempotency_key: str | None = None,
) -> tuple[ContactReceipt, bool]:
    """Store the inquiry with its two mails in one transaction. Returns (receipt, created);
    created is False when the Idempotency-Key was seen before (nothing new is stored).

    Everything that can be prepared (encryption, the mails' drafts) is, before the transaction
    begins: on SQLite the transaction holds the one writer lock other inquiries wait for."""
    digest = idempotency_digest(idempotency_key) if idempotency_key else None
    body_digest = request_digest(cipher, data) if idempotency_key else None
    personal = {
        "name_enc": cipher.encrypt(data.name),
        "email_enc": cipher.encrypt(data.email),
        "company_enc": cipher.encrypt_optional(data.company),
        "message_enc": cipher.encrypt(data.message),
    }
    for _ in range(REFERENCE_ATTEMPTS):
        received_at = utcnow()
        row = Inquiry(
            reference=new_reference(INQUIRY, received_at.year),
            request_type=data.request_type.value,
            requester_role=data.requester_role.value,
            language=data.language,
            status="open",
            received_at=received_at,
            due_by=deadline(received_at),
            idempotency_key=digest,
            idempotency_body=body_digest,
            **personal,
        )
        mails_out = _mails(cipher, settings, messages, row, data)
        try:
            with transaction(factory) as session:
                session.add(row)
                session.flush()  # the inquiry's id, for its mails
                for mail in mails_out:
                    mail.inquiry_id = row.id
                session.add_all(mails_out)
        except IntegrityError:
            if idempotency_key:
                existing = find_by_idempotency_key(factory, messages, idempotency_key, body_digest)
                if existing is not None:
                    return existing, False
            continue  # a reference collision: draw another
        except SQLAlchemyError as exc:
            raise store_unavailable(exc) from None
        logger.info("inquiry %s stored (%s)", row.reference, row.request_type)
        if settings.SMTP_URL.get_secret_value() == "":
            logger.info("inquiry %s: mail kept in the outbox (no SMTP_URL)", row.reference)
        return receipt(row, messages), True
    raise store_unavailable("no unused reference drawn")


def _mails(
    cipher: Cipher, settings: Settings, messages: Messages, row: Inquiry, data: ContactRequest
) -> list[OutboxMessage]:
    """The outbox rows of the inquiry's two mails: to the privacy team, and to the person."""
    mail = mails.InquiryMail(
        reference=row.reference,
        request_type=row.request_type,
        requester_role=row.requester_role,
        language=data.language,
        received_at=row.received_at,
        due_by=row.due_by,
        name=data.name,
        email=data.email,
        company=data.company,
        message=data.message,
    )
    sender, inbox = settings.MAIL_FROM, settings.PRIVACY_INBOX
    return [
        queued(
            cipher,
            build(mail, messages, sender=sender, privacy_inbox=inbox),
            kind=kind,
            reference=row.reference,
        )
        for kind, build in (
            ("inquiry.notification", mails.notification),
            ("inquiry.acknowledgement", mails.acknowledgement),
        )
    ]


# The privacy team's operations (see api.cli) ----------------------------------------------


@dataclass(frozen=True)
class InquiryView:
    reference: str
    request_type: str
    requester_role: str
    language: str
    status: str
    received_at: datetime
    due_by: date
    closed_at: datetime | None
    name: str | None = None
    email: str | None = None
    company: str | None = None
    message: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "reference": self.reference,
            "request_type": self.request_type,
            "requester_role": self.requester_role,
            "language": self.language,
            "status": self.status,
            "received_at": self.received_at.isoformat(),
            "due_by": self.due_by.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }
        if self.name is not None:
            data.update(
                name=self.name, email=self.email, company=self.company, message=self.message
            )
        return data


def _view(row: Inquiry, cipher: Cipher | None = None) -> InquiryView:
    personal: dict[str, str | None] = {}
    if cipher is not None:
        personal = {
            "name": cipher.decrypt(row.name_enc),
            "email": cipher.decrypt(row.email_enc),
            "company": cipher.decrypt_optional(row.company_enc),
            "message": cipher.decrypt(row.message_enc),
        }
    return InquiryView(
        reference=row.reference,
        request_type=row.request_type,
        requester_role=row.requester_role,
        language=row.language,
        status=row.status,
        received_at=row.received_at,
        due_by=row.due_by,
        closed_at=row.closed_at,
        **personal,
    )


def list_inquiries(
    factory: sessionmaker[Session],
    *,
    status: str | None = None,
    due_within: int | None = None,
    today: date | None = None,
) -> list[InquiryView]:
    with factory() as session:
        query = select(Inquiry).order_by(Inquiry.due_by, Inquiry.received_at)
        if status:
            query = query.where(Inquiry.status == status)
        if due_within is not None:
            limit = (today or utcnow().date()) + timedelta(days=due_within)
            query = query.where(Inquiry.due_by <= limit)
        return [_view(row) for row in session.scalars(query)]


def get_inquiry(
    factory: sessionmaker[Session], cipher: Cipher, reference: str
) -> InquiryView | None:
    with factory() as session:
        row = session.scalar(select(Inquiry).where(Inquiry.reference == reference))
        return _view(row, cipher) if row is not None else None


def close_inquiry(factory: sessionmaker[Session], reference: str) -> InquiryView | None:
    with transaction(factory) as session:
        row = session.scalar(select(Inquiry).where(Inquiry.reference == reference))
        if row is None:
            return None
        if row.status != "closed":
            row.status = "closed"
            row.closed_at = utcnow()
        return _view(row)


def purge_closed(factory: sessionmaker[Session], older_than_days: int) -> int:
    """Delete closed inquiries (and their mail) closed more than N days ago (retention)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    with transaction(factory) as session:
        ids = list(
            session.scalars(
                select(Inquiry.id).where(Inquiry.status == "closed", Inquiry.closed_at < cutoff)
            )
        )
        if ids:
            session.execute(delete(OutboxMessage).where(OutboxMessage.inquiry_id.in_(ids)))
            session.execute(delete(Inquiry).where(Inquiry.id.in_(ids)))
        return len(ids)

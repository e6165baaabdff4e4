"""The two mails of an inquiry: a notification to UNOY's privacy team with everything the person
sent, and an acknowledgement to the person in their language.

The acknowledgement carries only what the server decided (reference, type, dates) and none of
the text the sender typed, so the form cannot be used to send someone else a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from api.core.clock import LOCAL_TZ
from api.core.i18n import BABEL_LOCALES, DEFAULT_LANG, Lang
from api.core.messages import Messages
from api.mail.compose import Draft, draft, render_body


@dataclass(frozen=True)
class InquiryMail:
    """Everything a mail about one inquiry may say; personal fields only reach the team."""

    reference: str
    request_type: str
    requester_role: str
    language: Lang
    received_at: datetime
    due_by: date
    name: str
    email: str
    company: str | None
    message: str

    @property
    def controller_notice(self) -> bool:
        """UNOY is only the processor of the data asked about: its customer must answer."""
        return self.requester_role == "customer_data_subject"


def _facts(mail: InquiryMail, messages: Messages, lang: Lang) -> dict[str, object]:
    from babel.dates import format_date
    from babel.dates import format_datetime as babel_datetime

    locale = BABEL_LOCALES[lang]
    return {
        "reference": mail.reference,
        "request_type": messages.t(f"inquiry.request_type.{mail.request_type}", lang),
        "requester_role": messages.t(f"inquiry.requester_role.{mail.requester_role}", lang),
        "received_at": babel_datetime(
            mail.received_at.astimezone(LOCAL_TZ), "d MMMM y, HH:mm zzz", locale=locale
        ),
        "due_by": format_date(mail.due_by, "long", locale=locale),
        "controller_notice": mail.controller_notice,
    }


def acknowledgement(
    mail: InquiryMail, messages: Messages, *, sender: str, privacy_inbox: str
) -> Draft:
    lang = mail.language
    facts = _facts(mail, messages, lang)
    return draft(
        subject=messages.t("mail.acknowledgement.subject", lang, reference=mail.reference),
        body=render_body(
            "acknowledgement.txt", messages, lang, privacy_inbox=privacy_inbox, **facts
        ),
        sender=sender,
        to=mail.email,
        reply_to=privacy_inbox,
        auto=True,
    )


def notification(
    mail: InquiryMail,
    messages: Messages,
    *,
    sender: str,
    privacy_inbox: str,
    lang: Lang = DEFAULT_LANG,
) -> Draft:
    facts = _facts(mail, messages, lang)
    subject = messages.t(
        "mail.notification.subject",
        lang,
        reference=mail.reference,
        request_type=facts["request_type"],
        due_by=facts["due_by"],
    )
    body = render_body(
        "notification.txt",
        messages,
        lang,
        language=mail.language,
        name=mail.name,
        email=mail.email,
        company=mail.company,
        message=mail.message,
        **facts,
    )
    return draft(
        subject=subject, body=body, sender=sender, to=privacy_inbox, reply_to=mail.email, auto=False
    )

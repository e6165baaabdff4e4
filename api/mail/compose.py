"""Builds the two mails of an inquiry from the de/en templates in `templates/`.

The acknowledgement carries only what the server decided (reference, type, dates) and none of
the text the sender typed, so the form cannot be used to send someone else a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache
from importlib import resources
from string import Template

from babel.dates import format_date
from babel.dates import format_datetime as babel_datetime

from api.i18n import BABEL_LOCALES, Lang
from api.inquiries.deadline import LOCAL_TZ
from api.inquiries.labels import CONTROLLER_NOTICE, REQUEST_TYPES, REQUESTER_ROLES

TEAM: dict[Lang, str] = {"de": "Ihr Datenschutzteam von UNOY", "en": "UNOY's privacy team"}


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


@cache
def _template(name: str, lang: Lang) -> tuple[Template, Template]:
    text = resources.files("api.mail").joinpath(f"templates/{name}.{lang}.txt").read_text("utf-8")
    head, _, body = text.partition("\n\n")
    subject = head.removeprefix("Subject: ").strip()
    return Template(subject), Template(body)


def _dates(mail: InquiryMail, lang: Lang) -> dict[str, str]:
    locale = BABEL_LOCALES[lang]
    return {
        "received_at": babel_datetime(
            mail.received_at.astimezone(LOCAL_TZ), "d MMMM y, HH:mm zzz", locale=locale
        ),
        "due_by": format_date(mail.due_by, "long", locale=locale),
    }


def _message(
    *, subject: str, body: str, sender: str, to: str, reply_to: str | None, auto: bool
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(datetime.now(LOCAL_TZ))
    domain = sender.rpartition("@")[2].strip(">") or None
    # A stable Message-ID lets receivers drop a duplicate if a send is ever repeated.
    message["Message-ID"] = make_msgid(domain=domain)
    if auto:
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back
    message.set_content(body)
    return message


def acknowledgement(mail: InquiryMail, *, sender: str, privacy_inbox: str) -> EmailMessage:
    lang = mail.language
    subject, body = _template("acknowledgement", lang)
    notice = CONTROLLER_NOTICE[lang] if mail.requester_role == "customer_data_subject" else ""
    values = {
        "reference": mail.reference,
        "request_type": REQUEST_TYPES[mail.request_type][lang],
        "controller_notice": f"\n{notice}\n" if notice else "",
        "privacy_inbox": privacy_inbox,
        "team": TEAM[lang],
        **_dates(mail, lang),
    }
    return _message(
        subject=subject.substitute(values),
        body=body.substitute(values),
        sender=sender,
        to=mail.email,
        reply_to=privacy_inbox,
        auto=True,
    )


def notification(
    mail: InquiryMail, *, sender: str, privacy_inbox: str, lang: Lang = "de"
) -> EmailMessage:
    subject, body = _template("notification", lang)
    notice = (
        f"\n{CONTROLLER_NOTICE[lang]}\n" if mail.requester_role == "customer_data_subject" else ""
    )
    values = {
        "reference": mail.reference,
        "request_type": REQUEST_TYPES[mail.request_type][lang],
        "requester_role": REQUESTER_ROLES[mail.requester_role][lang],
        "language": mail.language,
        "controller_notice": notice,
        "name": mail.name,
        "email": mail.email,
        "company": mail.company or "-",
        "message": mail.message,
        **_dates(mail, lang),
    }
    return _message(
        subject=subject.substitute(values),
        body=body.substitute(values),
        sender=sender,
        to=privacy_inbox,
        reply_to=mail.email,
        auto=False,
    )

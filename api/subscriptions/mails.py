"""The two mails of a subscription: the confirmation link (double opt-in), and the notice of
the changes not yet effective, with the deadline to object, how to object, and the unsubscribe
link in the body and in the RFC 8058 headers.

Every link is built on PUBLIC_URL (https in production): the site's pages for people, the API's
one-click URL for mail programs. The paths are the site's (`docs/` and the exports of
`overrides/hooks/site_exports.py`); tests/site checks that each one exists in the built site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from api.content import Change, Content
from api.core.i18n import Lang, language_prefix, long_date
from api.core.messages import Messages
from api.mail.compose import Draft, draft, render_body

CONFIRM_PAGE = "subscription-confirm/"
UNSUBSCRIBE_PAGE = "unsubscribe/"
SUBPROCESSORS_PAGE = "subprocessors/"
CONTACT_PAGE = "contact/"
JSON_EXPORT = "subprocessors.json"
FEED = "subprocessors.atom"
ONE_CLICK = "/api/subscriptions/unsubscribe"
OBJECTION_TYPE = "subprocessor_objection"


@dataclass(frozen=True)
class Links:
    """The Trust Center's public URLs, in a reader's language."""

    base: str

    def page(self, lang: Lang, path: str) -> str:
        return f"{self.base}/{language_prefix(lang)}{path}"

    def confirm(self, lang: Lang, token: str) -> str:
        # In the fragment: the browser never sends it, so no server log keeps it.
        return f"{self.page(lang, CONFIRM_PAGE)}#token={token}"

    def unsubscribe_page(self, lang: Lang, token: str) -> str:
        return f"{self.page(lang, UNSUBSCRIBE_PAGE)}#token={token}"

    def one_click(self, token: str) -> str:
        return f"{self.base}{ONE_CLICK}?token={token}"

    def objection(self, lang: Lang) -> str:
        return f"{self.page(lang, CONTACT_PAGE)}?request_type={OBJECTION_TYPE}"


def objection_deadline(change: Change, content: Content) -> date:
    return change.notice_date + timedelta(days=content.company.subprocessor_objection_days)


def confirmation(
    *,
    to: str,
    lang: Lang,
    token: str,
    links: Links,
    content: Content,
    sender: str,
    reply_to: str,
    valid_days: int,
) -> Draft:
    messages = content.messages
    name = content.company.name
    body = render_body(
        "subscription_confirmation.txt",
        messages,
        lang,
        company=name,
        link=links.confirm(lang, token),
        valid_days=valid_days,
        page=links.page(lang, SUBPROCESSORS_PAGE),
    )
    return draft(
        subject=messages.t("subscription.mail.confirm_subject", lang, name=name),
        body=body,
        sender=sender,
        to=to,
        reply_to=reply_to,
        auto=True,
    )


def _change_facts(
    change: Change, content: Content, messages: Messages, lang: Lang
) -> dict[str, object]:
    subprocessor = content.subprocessors.get(change.subprocessor)
    locations = [
        f"{messages.t(label, lang)}: {place(lang)}"
        for label, place in (
            ("page.subprocessors.eu", subprocessor.location_eu),
            ("page.subprocessors.us", subprocessor.location_us),
        )
        if place is not None
    ]
    return {
        "name": subprocessor.name,
        "kind": messages.t(f"change.{change.kind}", lang),
        "purpose": subprocessor.purpose(lang),
        "locations": "; ".join(locations) or messages.t("page.subprocessors.none", lang),
        "summary": change.summary(lang),
        "notice_date": long_date(change.notice_date, lang),
        "effective_date": long_date(change.effective_date, lang),
        "deadline": long_date(objection_deadline(change, content), lang),
    }


def notice(
    *,
    to: str,
    lang: Lang,
    changes: list[Change],
    unsubscribe_token: str,
    links: Links,
    content: Content,
    sender: str,
    reply_to: str,
) -> Draft:
    """One mail for every change the subscriber has not been told yet, earliest deadline first
    in the subject."""
    messages = content.messages
    name = content.company.name
    deadline = min(objection_deadline(change, content) for change in changes)
    body = render_body(
        "subscription_notice.txt",
        messages,
        lang,
        company=name,
        changes=[_change_facts(change, content, messages, lang) for change in changes],
        objection_days=content.company.subprocessor_objection_days,
        objection_link=links.objection(lang),
        page=links.page(lang, SUBPROCESSORS_PAGE),
        json=f"{links.base}/{JSON_EXPORT}",
        feed=links.page(lang, FEED),
        unsubscribe=links.unsubscribe_page(lang, unsubscribe_token),
    )
    return draft(
        subject=messages.t(
            "subscription.mail.notice_subject", lang, name=name, deadline=long_date(deadline, lang)
        ),
        body=body,
        sender=sender,
        to=to,
        reply_to=reply_to,
        auto=True,
        headers={
            # RFC 2369 and RFC 8058: mail programs offer "unsubscribe" and POST to it.
            "List-Unsubscribe": f"<{links.one_click(unsubscribe_token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )

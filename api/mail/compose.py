"""Building a mail: the body from a template of `templates/` in the reader's language (its
sentences from the message catalogue), then a `Draft` that the outbox keeps and turns into the
message with its headers when it sends it.

Turning a draft into an RFC 5322 message (the standard library parses every header it sets and
folds them again to write them) costs more than everything else a privacy inquiry does: it
happens in the outbox's sender, not in the request. The draft fixes what the mail says, its
Message-ID and its Date at the request, so a retried send is the same mail.

Templates are Jinja with plain-text output: `t("key", …)` looks a sentence up in the reader's
language, `| wrap` folds a paragraph to 76 columns, `table([(label, value), …])` aligns
"label: value" lines whatever the length of the labels in that language.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache
from typing import TYPE_CHECKING, Any

from api.core.clock import LOCAL_TZ
from api.core.i18n import Lang
from api.core.messages import Messages

if TYPE_CHECKING:
    from jinja2 import Environment

WIDTH = 76


def wrap(text: str) -> str:
    return textwrap.fill(text, WIDTH, break_long_words=False, break_on_hyphens=False)


def table(rows: Sequence[tuple[str, object]]) -> str:
    width = max(len(label) for label, _ in rows) + 1
    return "\n".join(f"{label + ':':<{width}} {value}" for label, value in rows)


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # on the first mail

    env = Environment(
        loader=PackageLoader("api.mail", "templates"),
        autoescape=False,  # noqa: S701 (plain-text mail, never HTML)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Installed templates do not change while the process runs: no stat() per mail.
        auto_reload=False,
    )
    env.filters["wrap"] = wrap
    env.globals["table"] = table
    return env


def render_body(template: str, messages: Messages, lang: Lang, **values: Any) -> str:
    """The text of `templates/<template>` in `lang`."""

    def t(key: str, **params: object) -> str:
        return messages.t(key, lang, **params)

    return _environment().get_template(template).render(t=t, **values)


@dataclass(frozen=True)
class Draft:
    """Everything a mail says, decided when it is queued; `message()` builds it to send."""

    subject: str
    body: str
    sender: str
    to: str
    reply_to: str | None
    date: str
    message_id: str
    # RFC 3834: an automatic mail gets no automatic replies back.
    auto: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Draft:
        return cls(**json.loads(text))

    def message(self) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = self.subject
        mail["From"] = self.sender
        mail["To"] = self.to
        if self.reply_to:
            mail["Reply-To"] = self.reply_to
        mail["Date"] = self.date
        mail["Message-ID"] = self.message_id
        if self.auto:
            mail["Auto-Submitted"] = "auto-generated"
        for name, value in self.headers.items():
            mail[name] = value
        mail.set_content(self.body)
        return mail


def draft(
    *,
    subject: str,
    body: str,
    sender: str,
    to: str,
    reply_to: str | None,
    auto: bool,
    headers: Mapping[str, str] | None = None,
) -> Draft:
    domain = sender.rpartition("@")[2].strip(">") or None
    return Draft(
        subject=subject,
        body=body,
        sender=sender,
        to=to,
        reply_to=reply_to,
        date=format_datetime(datetime.now(LOCAL_TZ)),
        # Fixed now: a send that is ever repeated repeats the Message-ID, and receivers drop
        # the duplicate.
        message_id=make_msgid(domain=domain),
        auto=auto,
        headers=dict(headers or {}),
    )

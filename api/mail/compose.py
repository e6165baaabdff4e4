"""Building a mail: the body from a template of `templates/` in the reader's language (its
sentences from the message catalogue), and the message with its headers.

Templates are Jinja with plain-text output: `t("key", …)` looks a sentence up in the reader's
language, `| wrap` folds a paragraph to 76 columns, `table([(label, value), …])` aligns
"label: value" lines whatever the length of the labels in that language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
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
    )
    env.filters["wrap"] = wrap
    env.globals["table"] = table
    return env


def render_body(template: str, messages: Messages, lang: Lang, **values: Any) -> str:
    """The text of `templates/<template>` in `lang`."""

    def t(key: str, **params: object) -> str:
        return messages.t(key, lang, **params)

    return _environment().get_template(template).render(t=t, **values)


def message(
    *, subject: str, body: str, sender: str, to: str, reply_to: str | None, auto: bool
) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = sender
    mail["To"] = to
    if reply_to:
        mail["Reply-To"] = reply_to
    mail["Date"] = format_datetime(datetime.now(LOCAL_TZ))
    domain = sender.rpartition("@")[2].strip(">") or None
    # A stable Message-ID lets receivers drop a duplicate if a send is ever repeated.
    mail["Message-ID"] = make_msgid(domain=domain)
    if auto:
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back
    mail.set_content(body)
    return mail

"""What the subscription tests share: a copy of data/ with announced changes, and reading the
links out of the mails."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response  # what TestClient answers with (see pyproject.toml)

from api.core.clock import local_day, utcnow
from tests.support.site_build import PROJECT_ROOT

CONFIRM_LINK = re.compile(r"(\S+/subscription-confirm/)#token=([A-Za-z0-9_-]+)")
UNSUBSCRIBE_LINK = re.compile(r"(\S+/unsubscribe/)#token=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Announced:
    """A change-log entry to add: dates relative to today."""

    subprocessor: str
    kind: str = "removed"
    notice_in_days: int = 0
    effective_in_days: int = 40
    summary_de: str = "Wir beenden die Zusammenarbeit."
    summary_en: str = "We end the engagement."

    def entry(self, today: date) -> str:
        notice = today + timedelta(days=self.notice_in_days)
        effective = today + timedelta(days=self.effective_in_days)
        return (
            f"  - kind: {self.kind}\n"
            f"    subprocessor: {self.subprocessor}\n"
            f"    notice_date: {notice.isoformat()}\n"
            f"    effective_date: {effective.isoformat()}\n"
            f"    summary:\n"
            f"      de: {self.summary_de}\n"
            f"      en: {self.summary_en}\n"
        )

    def key(self, today: date) -> str:
        notice = today + timedelta(days=self.notice_in_days)
        effective = today + timedelta(days=self.effective_in_days)
        return f"{notice}/{self.subprocessor}/{self.kind}/{effective}"


def data_with(target: Path, *changes: Announced, today: date | None = None) -> Path:
    """A copy of the project's data/ at `target` with `changes` appended to the change log."""
    shutil.copytree(PROJECT_ROOT / "data", target)
    day = today or local_day(utcnow())
    path = target / "subprocessors.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "".join(change.entry(day) for change in changes),
        encoding="utf-8",
    )
    return target


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def confirmation_token(message: EmailMessage) -> str:
    found = CONFIRM_LINK.search(text_of(message))
    assert found, text_of(message)
    return found[2]


def unsubscribe_token(message: EmailMessage) -> str:
    found = UNSUBSCRIBE_LINK.search(text_of(message))
    assert found, text_of(message)
    return found[2]


def one_click_url(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<") and header.endswith(">"), header
    return header[1:-1]


def subscribe(client: TestClient, email: str, language: str = "de", **extra: Any) -> Response:
    body = {"email": email, "language": language, "captcha_token": "token-ok", **extra}
    response: Response = client.post("/api/subscriptions", json=body)
    return response

"""What tests of the app share: a valid inquiry body, a look into the app's store, and the
types of the app fixtures of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.core.settings import Settings
from api.db.inquiry import Inquiry
from api.db.outbox import OutboxMessage

SettingsFactory = Callable[..., Settings]
ClientFactory = Callable[..., TestClient]

# A body nested deeper than the JSON parser recurses, with a `language` to look for.
TOO_DEEP = b'{"language": "en", "x": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"


def valid_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "request_type": "access",
        "requester_role": "customer",
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.com",
        "company": "Beispiel AG",
        "message": "Bitte teilen Sie mir mit,\nwelche Daten Sie über mich speichern.",
        "language": "de",
        "privacy_notice_accepted": True,
        "captcha_token": "token-ok",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def count(app: Any) -> tuple[int, int]:
    """(inquiries, outbox rows) in the app's store."""
    with app.state.store.session_factory() as session:
        inquiries = session.scalar(select(func.count()).select_from(Inquiry)) or 0
        mails = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    return inquiries, mails

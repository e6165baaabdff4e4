"""Mail through a real SMTP server on loopback (aiosmtpd): both mails arrive, an outage loses
nothing, and nothing is sent twice."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.outbox import OutboxMessage
from api.mail.outbox import drain, drain_state
from api.mail.sender import parse_smtp_url
from tests.support.aio import run_async
from tests.support.app import ClientFactory, valid_body
from tests.support.smtp import SmtpServer

INBOX = "privacy@unoy.example"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {str(m["To"]): m for m in messages}


def _outbox(client: TestClient) -> list[OutboxMessage]:
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_both_mails_arrive(make_client: ClientFactory, smtp: SmtpServer) -> None:
    client = make_client(SMTP_URL=smtp.url)
    body = valid_body(language="en")
    receipt = client.post("/api/contact", json=body).json()
    messages = _by_recipient(smtp.wait_for(2))
    assert set(messages) == {INBOX, body["email"]}

    note = messages[INBOX]
    assert receipt["reference"] in str(note["Subject"])
    note_text = _text(note)
    for value in (body["name"], body["email"], body["company"], receipt["reference"]):
        assert value in note_text
    assert "welche Daten Sie über mich speichern." in note_text
    assert str(note["Reply-To"]) == body["email"]

    ack = messages[body["email"]]
    ack_text = _text(ack)
    assert str(ack["Subject"]) == f"Your privacy inquiry {receipt['reference']}"
    assert receipt["reference"] in ack_text
    assert "Access (Art. 15 GDPR)" in ack_text
    assert str(ack["Auto-Submitted"]) == "auto-generated"
    assert str(ack["Reply-To"]) == INBOX
    # Nothing the sender typed, so the form cannot relay a message to someone else.
    for typed in (body["name"], "Erika", "Beispiel AG", "welche Daten", "Mustermann"):
        assert typed not in ack_text
        assert typed not in str(ack["Subject"])
    assert all(row.status == "sent" and row.attempts == 1 for row in _outbox(client))


def test_each_sent_mail_keeps_its_message_id_and_the_hash_of_what_was_sent(
    make_client: ClientFactory, smtp: SmtpServer
) -> None:
    client = make_client(SMTP_URL=smtp.url)
    client.post("/api/contact", json=valid_body())
    messages = smtp.wait_for(2)
    received = {
        str(message["Message-ID"]): hashlib.sha256(raw).hexdigest()
        for message, raw in zip(messages, smtp.raw, strict=True)
    }
    rows = _outbox(client)
    assert {row.message_id: row.sent_sha256 for row in rows} == received
    assert all(row.message_id and row.message_id.startswith("<") for row in rows)


def test_the_acknowledgement_speaks_the_senders_language_and_names_the_due_date(
    make_client: ClientFactory, smtp: SmtpServer
) -> None:
    client = make_client(SMTP_URL=smtp.url)
    body = valid_body(language="de", requester_role="customer_data_subject")
    receipt = client.post("/api/contact", json=body).json()
    ack = _by_recipient(smtp.wait_for(2))[body["email"]]
    text = _text(ack)
    assert str(ack["Subject"]) == f"Ihre Datenschutzanfrage {receipt['reference']}"
    year, _month, day = (int(part) for part in receipt["due_by"].split("-"))
    assert f"{day}. " in text and str(year) in text
    assert "Antwort spätestens bis" in text
    assert "im Auftrag seines Kunden" in text  # UNOY is the processor here


def test_smtp_down_the_request_still_succeeds_and_the_outbox_delivers_later(
    make_client: ClientFactory, smtp: SmtpServer
) -> None:
    smtp.stop()
    client = make_client(SMTP_URL=smtp.url, OUTBOX_BACKOFF_BASE=3600)
    response = client.post("/api/contact", json=valid_body())
    assert response.status_code == 201
    rows = _outbox(client)
    # The first failure ends the round: the server is down, the next mail waits its turn.
    assert [(r.status, r.attempts) for r in rows] == [("pending", 1), ("pending", 0)]
    assert rows[0].last_error and "@" not in rows[0].last_error

    state = client.app.state  # type: ignore[attr-defined]
    smtp.start()
    # A normal round sends the mail not tried yet, not the backed-off one ...
    assert run_async(drain_state(state)).sent == [rows[1].id]
    # ... `trustcenter outbox retry` (force) sends that one too, once.
    result = run_async(drain_state(state, force=True))
    assert result.sent == [rows[0].id]
    assert len(smtp.wait_for(2)) == 2
    assert run_async(drain_state(state, force=True)).sent == []
    time.sleep(0.2)
    assert len(smtp.messages) == 2
    assert [r.status for r in _outbox(client)] == ["sent", "sent"]


def test_the_background_sender_retries_by_itself(make_client: ClientFactory) -> None:
    server = SmtpServer()  # not started: down
    client = make_client(
        SMTP_URL=server.url, OUTBOX_INTERVAL=0.2, OUTBOX_BACKOFF_BASE=0.2, OUTBOX_BACKOFF_MAX=0.5
    )
    assert client.post("/api/contact", json=valid_body()).status_code == 201
    server.start()
    try:
        assert len(server.wait_for(2, timeout=15)) == 2
        time.sleep(1.0)  # further rounds must not send again
        assert len(server.messages) == 2
    finally:
        server.stop()


def test_concurrent_senders_never_send_a_mail_twice(
    make_client: ClientFactory, smtp: SmtpServer, database_url: str
) -> None:
    smtp.stop()
    client = make_client(SMTP_URL=smtp.url, DATABASE_URL=database_url)
    for _ in range(10):
        assert client.post("/api/contact", json=valid_body()).status_code == 201
    smtp.start()
    state = client.app.state  # type: ignore[attr-defined]

    async def both() -> list[int]:
        results = await asyncio.gather(
            *(
                drain(state.store.session_factory, state.cipher, state.mail_sender, force=True)
                for _ in range(4)
            )
        )
        return [row for result in results for row in result.sent]

    sent = run_async(both())
    assert sorted(sent) == sorted(set(sent))
    assert len(sent) == 20
    assert len(smtp.wait_for(20)) == 20
    ids = [str(m["Message-ID"]) for m in smtp.messages]
    assert len(set(ids)) == 20


def test_without_smtp_mail_is_kept_and_logged_without_personal_data(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(SMTP_URL="")
    with caplog.at_level(logging.INFO):
        reference = client.post("/api/contact", json=valid_body()).json()["reference"]
    assert f"inquiry {reference}: mail kept in the outbox" in caplog.text
    assert [r.status for r in _outbox(client)] == ["pending", "pending"]
    assert client.get("/api/health").json()["mail"] == "outbox-only"
    assert "erika" not in caplog.text.lower()


def test_the_smtp_password_stays_out_of_repr() -> None:
    sender = parse_smtp_url("smtps://mailer:s%40cret-pw@smtp.internal")
    assert sender.password == "s@cret-pw"
    assert (sender.hostname, sender.port, sender.username) == ("smtp.internal", 465, "mailer")
    assert "cret-pw" not in repr(sender)

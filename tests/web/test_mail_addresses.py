"""Internationalised addresses through real SMTP relays (aiosmtpd), with and without SMTPUTF8:
domains go out as IDNA, a non-ASCII local part only where the relay offers SMTPUTF8; where it
does not, the acknowledgement ends as failed with a reason the privacy team sees (never retried
forever) and the inquiry still reaches them. Headers always carry addresses in valid form."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from email import message_from_string, policy

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.outbox import OutboxMessage
from api.mail.outbox import drain_state, list_messages
from tests.support.aio import run_async
from tests.support.app import ClientFactory, valid_body
from tests.support.smtp import SmtpServer

INBOX = "privacy@unoy.example"
UNICODE_DOMAIN = "info@bücher.example"
UNICODE_LOCAL = "jürgen.müller@bücher.example"


@pytest.fixture
def plain() -> Iterator[SmtpServer]:
    server = SmtpServer(smtputf8=False).start()
    yield server
    server.stop()


@pytest.fixture
def utf8() -> Iterator[SmtpServer]:
    server = SmtpServer(smtputf8=True).start()
    yield server
    server.stop()


def _rows(client: TestClient) -> dict[str, OutboxMessage]:
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return {row.kind.split(".")[1]: row for row in rows}


def _header_lines(raw: bytes, name: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
    return [line for line in head.split(b"\r\n") if line.lower().startswith(name.lower() + b":")]


def _raw_by_recipient(server: SmtpServer) -> dict[str, bytes]:
    """The bytes each envelope recipient was sent (DATA)."""
    pairs = zip(server.raw, server.envelopes, strict=True)
    return {envelope[1][0]: raw for raw, envelope in pairs}


def test_a_unicode_domain_goes_out_in_idna_through_a_relay_without_smtputf8(
    make_client: ClientFactory, plain: SmtpServer
) -> None:
    client = make_client(SMTP_URL=plain.url)
    assert client.post("/api/contact", json=valid_body(email=UNICODE_DOMAIN)).status_code == 201
    assert len(plain.wait_for(2)) == 2
    mails = _raw_by_recipient(plain)
    assert set(mails) == {INBOX, "info@xn--bcher-kva.example"}
    ack_raw, note_raw = mails["info@xn--bcher-kva.example"], mails[INBOX]
    assert _header_lines(ack_raw, b"To") == [b"To: info@xn--bcher-kva.example"]
    assert _header_lines(note_raw, b"Reply-To") == [b"Reply-To: info@xn--bcher-kva.example"]
    assert plain.smtputf8_used == [False, False]
    rows = _rows(client)
    assert {row.status for row in rows.values()} == {"sent"}
    assert {row.sent_sha256 for row in rows.values()} == {
        hashlib.sha256(raw).hexdigest() for raw in plain.raw
    }


def test_a_unicode_local_part_goes_out_with_smtputf8_where_the_relay_offers_it(
    make_client: ClientFactory, utf8: SmtpServer
) -> None:
    client = make_client(SMTP_URL=utf8.url)
    assert client.post("/api/contact", json=valid_body(email=UNICODE_LOCAL)).status_code == 201
    assert len(utf8.wait_for(2)) == 2
    mails = _raw_by_recipient(utf8)
    address = "jürgen.müller@xn--bcher-kva.example"
    assert set(mails) == {INBOX, address}
    raw, note_raw = mails[address], mails[INBOX]
    assert _header_lines(raw, b"To") == [f"To: {address}".encode()]
    parsed = message_from_string(raw.decode("utf-8"), policy=policy.SMTPUTF8)
    assert parsed["To"].addresses[0].username == "jürgen.müller"
    assert _header_lines(note_raw, b"Reply-To") == [f"Reply-To: {address}".encode()]
    pairs = zip(utf8.envelopes, utf8.smtputf8_used, strict=True)
    flags = {envelope[1][0]: used for envelope, used in pairs}
    # Both carry the address in a header (To, Reply-To): both need SMTPUTF8.
    assert flags == {address: True, INBOX: True}
    rows = _rows(client)
    assert rows["acknowledgement"].sent_sha256 == hashlib.sha256(raw).hexdigest()


def test_without_smtputf8_the_acknowledgement_fails_once_with_a_reason_and_the_inquiry_arrives(
    make_client: ClientFactory, plain: SmtpServer
) -> None:
    client = make_client(SMTP_URL=plain.url)
    assert client.post("/api/contact", json=valid_body(email=UNICODE_LOCAL)).status_code == 201
    notes = plain.wait_for(1)
    state = client.app.state  # type: ignore[attr-defined]
    for _ in range(2):  # later rounds, even forced, do not try again
        run_async(drain_state(state, force=True))
    assert len(plain.messages) == 1
    note, raw = notes[0], plain.raw[0]
    assert plain.envelopes[0][1] == [INBOX]
    assert note["Reply-To"] is None  # no valid form of it without SMTPUTF8
    body = note.get_body(("plain",))
    assert body is not None and UNICODE_LOCAL in body.get_content()
    assert b"=?" not in b"".join(_header_lines(raw, b"Reply-To") + _header_lines(raw, b"To"))
    rows = _rows(client)
    assert rows["notification"].status == "sent"
    ack = rows["acknowledgement"]
    assert (ack.status, ack.attempts) == ("failed", 1)
    assert ack.last_error is not None and "SMTPUTF8" in ack.last_error
    assert "jürgen" not in ack.last_error
    # What `trustcenter outbox list --status failed` shows the privacy team.
    failed = list_messages(state.store.session_factory, "failed")
    assert [(row.kind, row.last_error) for row in failed] == [(ack.kind, ack.last_error)]

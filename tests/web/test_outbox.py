"""The outbox when a sender dies mid-way (kill -9, a crash, a pod evicted): it duplicates at
most the mail that was in flight, and another (or the restarted) sender picks the abandoned
claim up within a minute. `bench/bench_outbox_crash.py` measures the same with real kill -9."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.core.clock import utcnow
from api.db.outbox import OutboxMessage
from api.mail import outbox
from api.mail.outbox import deliver_soon, drain, drain_state
from tests.support.aio import run_async
from tests.support.app import ClientFactory, valid_body


class Crash(BaseException):
    """What kill -9 looks like from inside: nothing after it runs."""


class Recorder:
    def __init__(self, *, crash_on: int | None = None, delay: float = 0.0) -> None:
        self.sent: list[str] = []
        self.crash_on = crash_on
        self.delay = delay
        self.in_flight = 0
        self.most_in_flight = 0

    async def send(self, message: EmailMessage) -> str:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            self.sent.append(str(message["Message-ID"]))
            if self.crash_on is not None and len(self.sent) == self.crash_on:
                raise Crash()  # the server accepted it; the sender dies before marking it
            return "0" * 64
        finally:
            self.in_flight -= 1


def _queued(make_client: ClientFactory, database_url: str, inquiries: int) -> TestClient:
    client = make_client(DATABASE_URL=database_url)
    for _ in range(inquiries):
        assert client.post("/api/contact", json=valid_body()).status_code == 201
    return client


def _statuses(client: TestClient) -> list[tuple[str, bool]]:
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.status, row.claimed_until is not None) for row in rows]


def test_a_crash_mid_send_leaves_only_the_mail_in_flight_claimed(
    make_client: ClientFactory, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _queued(make_client, database_url, 3)  # six mails
    state = client.app.state  # type: ignore[attr-defined]
    factory, cipher = state.store.session_factory, state.cipher
    dying = Recorder(crash_on=2)
    with pytest.raises(Crash):
        run_async(drain(factory, cipher, dying, force=True))
    assert _statuses(client) == [("sent", False), ("pending", True)] + [("pending", False)] * 4

    # Another sender at once: everything but the abandoned claim.
    other = Recorder()
    run_async(drain(factory, cipher, other, force=True))
    assert len(other.sent) == 4 and dying.sent[1] not in other.sent

    # The restarted sender a minute later: the abandoned mail, once more (the one duplicate).
    later = utcnow() + timedelta(seconds=60)
    monkeypatch.setattr(outbox, "utcnow", lambda: later)
    restarted = Recorder()
    run_async(drain(factory, cipher, restarted))
    assert restarted.sent == [dying.sent[1]]
    assert _statuses(client) == [("sent", False)] * 6
    everything = dying.sent + other.sent + restarted.sent
    assert len(everything) == 7 and len(set(everything)) == 6


def test_the_lease_outlasts_the_longest_send_and_ends_within_a_minute() -> None:
    assert outbox.SEND_DEADLINE < outbox.LEASE.total_seconds() <= 60 - 15  # + one loop round


def test_a_send_that_hangs_past_its_deadline_is_given_up_before_its_lease_ends(
    make_client: ClientFactory, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _queued(make_client, sqlite_url, 1)
    state = client.app.state  # type: ignore[attr-defined]
    monkeypatch.setattr(outbox, "SEND_DEADLINE", 0.2)
    stuck = Recorder(delay=5)
    result = run_async(drain(state.store.session_factory, state.cipher, stuck, force=True))
    assert len(result.failed) == 1 and stuck.sent == []
    assert [status for status, _ in _statuses(client)] == ["pending", "pending"]


def test_one_process_has_one_mail_in_flight(make_client: ClientFactory, sqlite_url: str) -> None:
    """The background loop and the delivery after a request share one sender: were they to
    send side by side, a crash would duplicate two mails."""
    client = _queued(make_client, sqlite_url, 3)
    state: Any = client.app.state  # type: ignore[attr-defined]
    recorder = Recorder(delay=0.02)
    state.mail_sender = recorder

    async def loop_and_requests() -> None:
        await asyncio.gather(drain_state(state), deliver_soon(state), deliver_soon(state))

    run_async(loop_and_requests())
    assert recorder.most_in_flight == 1
    assert len(recorder.sent) == len(set(recorder.sent)) == 6

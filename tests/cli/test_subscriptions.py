"""`trustcenter notify`, `notices` and `subscribers` against the server's store."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from api.core.clock import local_day, utcnow
from api.db.subscription import SubscriptionNotice
from tests.cli.test_cli import env, run  # noqa: F401 (env: the fixture)
from tests.support.app import ClientFactory
from tests.support.smtp import SmtpServer
from tests.support.subscriptions import Announced, confirmation_token, data_with, subscribe

pytestmark = pytest.mark.usefixtures("env")

READER = "leserin@kunde.example"
WAITING = "wartet@kunde.example"


@pytest.fixture
def subscribers(make_client: ClientFactory, request: pytest.FixtureRequest) -> Any:
    """One confirmed subscriber (German), one waiting for confirmation (English)."""
    values: dict[str, str] = request.getfixturevalue("env")
    with SmtpServer() as smtp:
        client = make_client(
            DATABASE_URL=values["TRUSTCENTER_DATABASE_URL"],
            DATA_KEYS=values["TRUSTCENTER_DATA_KEYS"],
            SMTP_URL=smtp.url,
        )
        subscribe(client, READER, "de")
        subscribe(client, WAITING, "en")
        (mail,) = [m for m in smtp.wait_for(2) if str(m["To"]) == READER]
        token = confirmation_token(mail)
        assert client.post("/api/subscriptions/confirm", json={"token": token}).status_code == 200
    return client


def test_subscribers_list_shows_counts_and_states_without_addresses(subscribers: Any) -> None:
    listed = run("subscribers", "list")
    assert listed.exit_code == 0, listed.output
    assert "confirmed         1  (de 1)" in listed.output
    assert "pending           1  (en 1)" in listed.output
    assert "unsubscribed      0" in listed.output
    assert "@" not in listed.output
    data = json.loads(run("subscribers", "list", "--format", "json").output)
    assert data["counts"]["confirmed"] == {"de": 1}
    assert {row["status"] for row in data["subscribers"]} == {"confirmed", "pending"}
    assert all("email" not in row for row in data["subscribers"])
    (pending,) = json.loads(
        run("subscribers", "list", "--status", "pending", "--format", "json").output
    )["subscribers"]
    assert pending["language"] == "en"


def test_an_address_only_by_reference(subscribers: Any) -> None:
    rows = json.loads(run("subscribers", "list", "--format", "json").output)["subscribers"]
    confirmed = next(row for row in rows if row["status"] == "confirmed")
    shown = run("subscribers", "show", confirmed["reference"].lower())
    assert shown.exit_code == 0 and READER in shown.output
    missing = run("subscribers", "show", "SUB-2026-AAAAAA")
    assert missing.exit_code == 1 and "no subscription" in missing.output


def test_notify_without_smtp_keeps_the_notices_and_says_so(
    subscribers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    change = Announced("stripe", "changed", effective_in_days=31)
    monkeypatch.setenv("TRUSTCENTER_DATA_DIR", str(data_with(tmp_path / "data", change)))
    today = local_day(utcnow())
    dry = run("notify", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert change.key(today) in dry.output
    assert "subscribers who would get a notice: 1" in dry.output
    assert "dry run: nothing queued, nothing sent" in dry.output
    assert run("notices", "list").output.strip() == "no notices sent yet"

    kept = run("notify")
    assert kept.exit_code == 1  # something still waits: a cron job notices
    assert "TRUSTCENTER_SMTP_URL is not set" in kept.output
    assert "notice mails queued: 1" in kept.output
    assert "still waiting: 1" in kept.output
    per_change = run("notices", "list")
    assert change.key(today) in per_change.output
    (row,) = json.loads(run("notices", "list", "--format", "json").output)
    assert (row["sent"], row["pending"], row["subprocessor"]) == (0, 1, "stripe")

    with SmtpServer() as smtp:
        monkeypatch.setenv("TRUSTCENTER_SMTP_URL", smtp.url)
        sent = run("notify")
        assert sent.exit_code == 0, sent.output
        assert "notice mails queued: 0" in sent.output
        assert "notice mails handed to the SMTP server: 1; still waiting: 0" in sent.output
        assert [str(m["To"]) for m in smtp.wait_for(1)] == [READER]
    (record,) = json.loads(
        run("notices", "list", "--change", change.key(today), "--format", "json").output
    )
    assert record["status"] == "sent" and record["sha256"] and record["message_id"]
    assert READER not in run("notices", "list", "--change", change.key(today)).output


def test_purges(subscribers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "TRUSTCENTER_DATA_DIR", str(data_with(tmp_path / "data", Announced("hubspot")))
    )
    run("notify")
    engine = subscribers.app.state.store.engine
    with engine.begin() as connection:
        connection.execute(
            update(SubscriptionNotice).values(queued_at=utcnow() - timedelta(days=400))
        )
    assert run("notices", "purge", "--older-than", "365").output.strip() == "purged 1 proof records"
    assert json.loads(run("notices", "list", "--format", "json").output) == []
    assert run("subscribers", "purge").output.strip() == "purged 0 unconfirmed subscriptions"

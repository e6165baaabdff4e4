"""Subscribing to subprocessor changes, end to end with a real SMTP server (aiosmtpd), on SQLite
and PostgreSQL: double opt-in, one notice per subscriber and run, proof records, one-click
unsubscribe, and nothing personal in clear in the database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from api.cli import app as trustcenter
from api.core.clock import local_day, utcnow
from api.core.crypto import generate_key
from api.core.settings import get_settings
from api.db.subscription import ConfirmationThrottle, Subscription
from api.subscriptions import proof
from tests.support.aio import in_own_thread, run_async
from tests.support.app import ClientFactory
from tests.support.siteverify import Siteverify
from tests.support.smtp import SmtpServer
from tests.support.subscriptions import (
    Announced,
    confirmation_token,
    data_with,
    one_click_url,
    subscribe,
    text_of,
    unsubscribe_token,
)

ERIKA = "erika.abonnentin@kunde.example"
JOHN = "john.subscriber@customer.example"
LURKER = "never.confirms@elsewhere.example"
ADDRESSES = (ERIKA, JOHN, LURKER)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


class Cli:
    """`trustcenter …` with the app's configuration, as the privacy team runs it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
        self.monkeypatch = monkeypatch
        self.values = values

    def __call__(self, *args: str, **env: str) -> Any:
        for key, value in {**self.values, **env}.items():
            self.monkeypatch.setenv(f"TRUSTCENTER_{key}", value)
        get_settings.cache_clear()
        try:
            return in_own_thread(lambda: CliRunner().invoke(trustcenter, list(args)))
        finally:
            get_settings.cache_clear()


def _mails_to(smtp: SmtpServer, address: str) -> list[EmailMessage]:
    return [message for message in smtp.messages if str(message["To"]) == address]


def _raw_database(client: TestClient) -> str:
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    rows = []
    with engine.connect() as connection:
        for table in ("subscriptions", "subscription_notices", "subscription_throttle", "outbox"):
            rows += [repr(tuple(row)) for row in connection.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(rows)


def test_subscribe_confirm_notify_unsubscribe(
    make_client: ClientFactory,
    smtp: SmtpServer,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    cli = Cli(
        monkeypatch,
        {
            "DATABASE_URL": database_url,
            "DATA_KEYS": settings.DATA_KEYS.get_secret_value(),
            "VAR_DIR": str(tmp_path / "var"),
            "SMTP_URL": smtp.url,
            "MAIL_FROM": settings.MAIL_FROM,
            "PRIVACY_INBOX": settings.PRIVACY_INBOX,
        },
    )
    caplog.set_level("DEBUG")

    # Subscribe: 202 alike, one confirmation mail each, in the asked language.
    for address, lang in ((ERIKA, "de"), (JOHN, "en"), (LURKER, "de")):
        assert subscribe(client, address, lang).status_code == 202
    confirmations = smtp.wait_for(3)
    assert sorted(str(m["To"]) for m in confirmations) == sorted(ADDRESSES)
    (to_erika,) = _mails_to(smtp, ERIKA)
    (to_john,) = _mails_to(smtp, JOHN)
    assert "Bitte bestätigen Sie Ihr Abonnement" in str(to_erika["Subject"])
    assert "please confirm your subscription" in str(to_john["Subject"])
    assert "http://127.0.0.1:8000/en/subscription-confirm/#token=" in text_of(to_john)

    # Confirm by POST; opening the page (GET) is the site's business and confirms nothing.
    for message in (to_erika, to_john):
        confirmed = client.post(
            "/api/subscriptions/confirm", json={"token": confirmation_token(message)}
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json() == {"status": "confirmed"}

    # A new change is announced; the privacy team runs `trustcenter notify`.
    change = Announced("hubspot", kind="removed", effective_in_days=45)
    data_dir = data_with(tmp_path / "data", change)
    today = local_day(utcnow())
    first = cli("notify", "--format", "json", DATA_DIR=str(data_dir))
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert [c["change"] for c in report["changes"]] == [change.key(today)]
    assert report["queued"] == 2 and report["sent"] == 2 and report["pending"] == 0

    notices = [m for m in smtp.wait_for(5) if "Widerspruch bis" in str(m["Subject"])]
    notices += [m for m in smtp.messages if "objections by" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in notices) == sorted([ERIKA, JOHN])  # not the lurker
    (erika_notice,) = [m for m in notices if str(m["To"]) == ERIKA]
    (john_notice,) = [m for m in notices if str(m["To"]) == JOHN]
    deadline = today + timedelta(days=30)  # notice date + subprocessor_objection_days
    english = text_of(john_notice)
    assert "Hubspot Inc. (removed)" in english
    assert "Object by:" in english and str(deadline.year) in english
    assert deadline.strftime("%-d %B %Y") in english
    assert "We end the engagement." in english
    assert "http://127.0.0.1:8000/en/contact/?request_type=subprocessor_objection" in english
    assert "http://127.0.0.1:8000/subprocessors.json" in english
    assert "http://127.0.0.1:8000/en/subprocessors.atom" in english
    german = text_of(erika_notice)
    assert "Hubspot Inc. (entfernt)" in german and "Wir beenden die Zusammenarbeit." in german
    assert "http://127.0.0.1:8000/contact/?request_type=subprocessor_objection" in german
    for message in (erika_notice, john_notice):
        assert one_click_url(message).startswith(
            "http://127.0.0.1:8000/api/subscriptions/unsubscribe?token="
        )
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        assert str(message["Message-ID"]).startswith("<")

    # A second run sends nothing.
    again = cli("notify", "--format", "json", DATA_DIR=str(data_dir))
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["queued"] == 0
    assert len(smtp.wait_for(6, timeout=0.5)) == 5

    # The proof: one record per notice, with what the SMTP server received.
    exported = json.loads(cli("notices", "export", DATA_DIR=str(data_dir)).output)
    records = {r["subscriber_digest"]: r for r in exported["notices"]}
    assert len(records) == 2 and exported["changes"][0]["sent"] == 2
    received = {
        str(message["Message-ID"]): hashlib.sha256(raw).hexdigest()
        for message, raw in zip(smtp.messages, smtp.raw, strict=True)
    }
    for record in records.values():
        assert record["status"] == "sent" and record["handed_to_smtp_at"]
        assert received[record["message_id"]] == record["sha256"]
        assert record["notice_date"] == today.isoformat()
        assert record["effective_date"] == (today + timedelta(days=45)).isoformat()
    listed = cli("notices", "list", DATA_DIR=str(data_dir))
    assert change.key(today) in listed.output and "@" not in listed.output

    # One-click unsubscribe (RFC 8058) stops the next notice; the proof stays.
    url = one_click_url(john_notice).removeprefix("http://127.0.0.1:8000")
    gone = client.post(
        url,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert gone.status_code == 200 and gone.json() == {"status": "unsubscribed"}
    later = Announced("stripe", kind="changed", effective_in_days=60)
    data_later = data_with(tmp_path / "data-later", change, later)
    third = cli("notify", "--format", "json", DATA_DIR=str(data_later))
    assert json.loads(third.output)["queued"] == 1
    final = smtp.wait_for(6)
    assert [str(m["To"]) for m in final[5:]] == [ERIKA]
    assert "Stripe Inc." in text_of(final[5]) and "Hubspot" not in text_of(final[5])
    after = json.loads(cli("notices", "export", DATA_DIR=str(data_later)).output)["notices"]
    assert len(after) == 3
    assert {r["subscriber_status"] for r in after} == {"confirmed", "unsubscribed"}

    # Nothing personal in clear: not in the database, not in the log.
    raw = _raw_database(client)
    assert "SUB-" in raw
    # (aiosmtpd, the test's SMTP server, logs as "mail.log": not the app's log.)
    log = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith("mail.log")
    )
    assert "subscription SUB-" in log and "notify:" in log
    for address in ADDRESSES:
        local = address.split("@")[0]
        assert address not in raw and local not in raw
        assert local not in log
    counts = json.loads(cli("subscribers", "list", "--format", "json").output)["counts"]
    assert counts == {
        "pending": {"de": 1},
        "confirmed": {"de": 1},
        "unsubscribed": {"en": 1},
    }


def _rows(client: TestClient) -> list[Subscription]:
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def _confirmations(smtp: SmtpServer, timeout: float = 0.3) -> list[EmailMessage]:
    return [m for m in smtp.wait_for(10**6, timeout=timeout) if "Abonnement" in text_of(m)]


def _shift(client: TestClient, statement: Any) -> None:
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(statement)


def test_the_answer_does_not_tell_who_subscribed(
    make_client: ClientFactory, smtp: SmtpServer
) -> None:
    client = make_client(SMTP_URL=smtp.url)
    new = subscribe(client, ERIKA)
    (mail,) = smtp.wait_for(1)
    client.post("/api/subscriptions/confirm", json={"token": confirmation_token(mail)})
    known = subscribe(client, ERIKA)  # within the hour: no second mail
    assert (
        (new.status_code, new.json())
        == (known.status_code, known.json())
        == (
            202,
            {"status": "accepted"},
        )
    )
    assert len(smtp.wait_for(2, timeout=0.3)) == 1
    assert len(_rows(client)) == 1


def test_a_flood_for_one_address_sends_it_one_mail_an_hour(
    make_client: ClientFactory, smtp: SmtpServer, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url)
    victim = "victim@opfer.example"
    variants = [victim, victim.upper(), "victim+a@opfer.example", "Victim+B@Opfer.Example"]

    def flood(index: int) -> int:
        return subscribe(client, variants[index % len(variants)]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(flood, range(40))) == {202}
    assert len(smtp.wait_for(2, timeout=1.0)) == 1
    # Three addresses as given (case does not count), one canonical address.
    assert len(_rows(client)) == 3
    # An hour later, the next request sends the next mail.
    _shift(
        client,
        update(ConfirmationThrottle).values(last_sent_at=utcnow() - timedelta(minutes=61)),
    )
    assert subscribe(client, "victim+c@opfer.example").status_code == 202
    assert len(smtp.wait_for(2)) == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "kein-at-zeichen.example"}, "email", "gültige E-Mail-Adresse"),
        ({"email": "a@b@example.com"}, "email", "gültige E-Mail-Adresse"),
        ({"email": "x@example.com\nBcc: y@example.com"}, "email", "eine Zeile"),
        ({"language": "fr"}, "language", "angebotenen Werte"),
        ({"website": "https://spam.example"}, "website", "leer"),
        ({"extra": 1}, "extra", "unbekannt"),
    ],
)
def test_bad_input_is_a_422_at_its_field_and_stores_nothing(
    client: TestClient, body: dict[str, Any], field: str, message: str
) -> None:
    response = client.post(
        "/api/subscriptions",
        json={"email": "gut@example.com", "language": "de", **body},
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]["fields"][field]
    assert _rows(client) == []


def test_rate_limits_per_client_and_per_canonical_address(make_client: ClientFactory) -> None:
    client = make_client(
        peer=("10.0.0.1", 1), RATE_LIMIT_SUBSCRIBE="2/minute", TRUSTED_PROXIES="10.0.0.0/8"
    )
    one_client = {"X-Forwarded-For": "198.51.100.1"}
    codes = [
        client.post(
            "/api/subscriptions",
            json={"email": f"person{i}@example.com", "language": "en"},
            headers=one_client,
        ).status_code
        for i in range(3)
    ]
    assert codes == [202, 202, 429]
    codes = [
        client.post(
            "/api/subscriptions",
            json={"email": f"Same.Person+{i}@Example.com", "language": "en"},
            headers={"X-Forwarded-For": f"198.51.100.{10 + i}"},
        ).status_code
        for i in range(3)
    ]
    assert codes == [202, 202, 429]
    limited = client.post(
        "/api/subscriptions",
        json={"email": "same.person@example.com", "language": "en"},
        headers={"X-Forwarded-For": "198.51.100.99"},
    )
    assert limited.status_code == 429 and limited.headers["retry-after"]


def test_an_unsolved_captcha_stores_nothing(make_client: ClientFactory) -> None:
    with Siteverify() as siteverify:
        siteverify.configure(success=False, error_codes=["invalid-input-response"])
        client = make_client(
            HCAPTCHA_SECRET="0xsecret",
            HCAPTCHA_SITEKEY="sitekey",
            HCAPTCHA_VERIFY_URL=siteverify.url,
        )
        response = subscribe(client, ERIKA, captcha_token="wrong")
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "captcha_token": "Bitte lösen Sie das Captcha (erneut)."
        }
        assert subscribe(client, ERIKA, captcha_token=None).status_code == 400
    assert _rows(client) == []


def test_confirmation_links(make_client: ClientFactory, smtp: SmtpServer) -> None:
    client = make_client(SMTP_URL=smtp.url)
    subscribe(client, JOHN, "en")
    (first,) = smtp.wait_for(1)
    token = confirmation_token(first)

    unknown = client.post(
        "/api/subscriptions/confirm", json={"token": "x" * 43}, headers={"Accept-Language": "en"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "confirmation_unknown"
    assert "subscribe again" in unknown.json()["error"]["message"]
    assert client.post("/api/subscriptions/confirm", json={}).status_code == 422

    # Expired after 7 days: 410, and nothing changes.
    _shift(
        client,
        update(Subscription).values(confirm_expires_at=utcnow() - timedelta(seconds=1)),
    )
    expired = client.post("/api/subscriptions/confirm", json={"token": token})
    assert expired.status_code == 410
    assert expired.json()["error"]["code"] == "confirmation_expired"
    assert "abgelaufen" in expired.json()["error"]["message"]
    assert _rows(client)[0].status == "pending"

    # A new request an hour later sends a new link, which replaces the old one.
    _shift(client, update(ConfirmationThrottle).values(last_sent_at=utcnow() - timedelta(hours=2)))
    subscribe(client, JOHN, "de")
    second = smtp.wait_for(2)[1]
    assert "Bitte bestätigen" in str(second["Subject"])
    assert client.post("/api/subscriptions/confirm", json={"token": token}).status_code == 404
    newer = confirmation_token(second)
    for _ in range(2):  # twice is fine (a double click, a reload)
        assert client.post("/api/subscriptions/confirm", json={"token": newer}).status_code == 200
    (row,) = _rows(client)
    assert (row.status, row.language) == ("confirmed", "de")  # the language last asked for


def test_a_confirmed_subscriber_can_switch_language(
    make_client: ClientFactory, smtp: SmtpServer
) -> None:
    client = make_client(SMTP_URL=smtp.url)
    subscribe(client, ERIKA, "de")
    client.post(
        "/api/subscriptions/confirm", json={"token": confirmation_token(smtp.wait_for(1)[0])}
    )
    _shift(client, update(ConfirmationThrottle).values(last_sent_at=utcnow() - timedelta(hours=2)))
    subscribe(client, ERIKA, "en")
    english = smtp.wait_for(2)[1]
    assert "please confirm" in str(english["Subject"])
    assert _rows(client)[0].language == "de"  # until confirmed
    client.post("/api/subscriptions/confirm", json={"token": confirmation_token(english)})
    (row,) = _rows(client)
    assert (row.status, row.language) == ("confirmed", "en")


def _confirmed(client: TestClient, smtp: SmtpServer, address: str, lang: str = "de") -> None:
    before = len(smtp.messages)
    subscribe(client, address, lang)
    mail = smtp.wait_for(before + 1)[before]
    assert (
        client.post(
            "/api/subscriptions/confirm", json={"token": confirmation_token(mail)}
        ).status_code
        == 200
    )


def _notify(client: TestClient, data_dir: Path, **kwargs: Any) -> Any:
    from api.content import load_content
    from api.subscriptions.notify import notify

    state = client.app.state  # type: ignore[attr-defined]
    return run_async(
        notify(
            state.store.session_factory,
            state.cipher,
            state.settings,
            load_content(data_dir),
            state.mail_sender,
            **kwargs,
        )
    )


def test_one_mail_covers_every_pending_change_however_old_its_notice(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path
) -> None:
    client = make_client(SMTP_URL=smtp.url)
    _confirmed(client, smtp, JOHN, "en")
    old_notice = Announced("userflow", "removed", notice_in_days=-100, effective_in_days=3)
    added = Announced("frogged", "changed", effective_in_days=35, summary_en="New data centre.")
    past = Announced("unlayer", "removed", notice_in_days=-60, effective_in_days=-1)
    today_effective = Announced("stripe", "changed", notice_in_days=-30, effective_in_days=0)
    data_dir = data_with(tmp_path / "data", old_notice, added, past, today_effective)

    report = _notify(client, data_dir)
    assert (report.queued, report.sent, report.pending) == (1, 1, 0)
    (notice,) = [m for m in smtp.wait_for(2) if "objections by" in str(m["Subject"])]
    body = text_of(notice)
    # Earliest effective first; the entry effective yesterday is not announced any more.
    assert body.index("Stripe Inc.") < body.index("Userflow Inc.") < body.index("Frogged Ltd.")
    assert "Unlayer" not in body
    today = local_day(utcnow())
    earliest = today + timedelta(days=-100 + 30)
    assert earliest.strftime("%-d %B %Y") in str(notice["Subject"])  # the first deadline
    assert "New data centre." in body and "Data centres:" in body

    # A change announced later reaches them alone, in a mail of its own.
    later = Announced("hubspot", "removed", effective_in_days=50)
    data_later = data_with(tmp_path / "later", old_notice, added, past, today_effective, later)
    assert _notify(client, data_later).queued == 1
    latest = smtp.wait_for(3)[2]
    assert "Hubspot" in text_of(latest) and "Frogged" not in text_of(latest)
    assert _notify(client, data_later).queued == 0


def test_unconfirmed_subscribers_get_nothing_and_are_deleted_after_7_days(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url)
    _confirmed(client, smtp, ERIKA)
    subscribe(client, LURKER)
    smtp.wait_for(2)
    data_dir = data_with(tmp_path / "data", Announced("hubspot"))
    assert _notify(client, data_dir).queued == 1
    assert [str(m["To"]) for m in smtp.wait_for(3)[2:]] == [ERIKA]

    _shift(
        client,
        update(Subscription)
        .where(Subscription.status == "pending")
        .values(
            created_at=utcnow() - timedelta(days=8),
            confirm_expires_at=utcnow() - timedelta(days=1),
        ),
    )
    assert _notify(client, data_dir).queued == 0  # every run purges first
    assert [row.status for row in _rows(client)] == ["confirmed"]
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        kinds = [row[0] for row in connection.execute(text("SELECT kind FROM outbox"))]
    assert sorted(kinds) == ["subscription.confirmation", "subscription.notice"]


def test_smtp_down_the_notices_wait_and_go_out_once(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path
) -> None:
    client = make_client(SMTP_URL=smtp.url, OUTBOX_BACKOFF_BASE=3600)
    _confirmed(client, smtp, ERIKA)
    _confirmed(client, smtp, JOHN, "en")
    data_dir = data_with(tmp_path / "data", Announced("hubspot"))
    smtp.stop()
    down = _notify(client, data_dir)
    # The first failure ends the round (the relay is down: no point trying the second now).
    assert (down.queued, down.sent, down.pending, down.failed) == (2, 0, 2, 1)
    smtp.start()
    # A scheduled run sends the notice never tried; the one that failed is backed off ...
    again = _notify(client, data_dir)
    assert (again.queued, again.sent, again.pending) == (0, 1, 1)
    forced = _notify(client, data_dir, force=True)  # ... until `trustcenter notify` forces it
    assert (forced.queued, forced.sent, forced.pending) == (0, 1, 0)
    assert len(smtp.wait_for(4)) == 4
    assert _notify(client, data_dir, force=True).sent == 0
    records = proof.records(client.app.state.store.session_factory)  # type: ignore[attr-defined]
    assert [record.status for record in records] == ["sent", "sent"]


def test_a_dry_run_writes_and_sends_nothing(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path
) -> None:
    client = make_client(SMTP_URL=smtp.url)
    _confirmed(client, smtp, ERIKA)
    report = _notify(client, data_with(tmp_path / "data", Announced("hubspot")), dry_run=True)
    assert [plan.reference for plan in report.planned] == [_rows(client)[0].reference]
    assert (report.queued, report.sent) == (0, 0)
    assert len(smtp.wait_for(2, timeout=0.3)) == 1
    assert proof.records(client.app.state.store.session_factory) == []  # type: ignore[attr-defined]


def test_two_runs_at_once_send_each_notice_once(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url)
    for index in range(6):
        _confirmed(client, smtp, f"leser{index}@kunde.example")
    data_dir = data_with(tmp_path / "data", Announced("hubspot"), Announced("stripe"))
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda _: _notify(client, data_dir), range(3)))
    assert sum(report.queued for report in reports) == 6
    notices = [m for m in smtp.wait_for(12) if "Widerspruch" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in notices) == [f"leser{i}@kunde.example" for i in range(6)]
    assert len(proof.records(client.app.state.store.session_factory)) == 12  # type: ignore[attr-defined]


def test_unsubscribing(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url, OUTBOX_BACKOFF_BASE=3600)
    _confirmed(client, smtp, ERIKA)
    _confirmed(client, smtp, JOHN, "en")
    data_dir = data_with(tmp_path / "data", Announced("hubspot"))
    assert _notify(client, data_dir).sent == 2
    notices = {str(m["To"]): m for m in smtp.wait_for(4)[2:]}

    # A GET (a mail program opening the link) only leads to the page.
    url = one_click_url(notices[ERIKA]).removeprefix("http://127.0.0.1:8000")
    opened = client.get(url, headers={"Accept-Language": "en"}, follow_redirects=False)
    assert opened.status_code == 303
    token = url.split("token=")[1]
    assert opened.headers["location"] == f"http://127.0.0.1:8000/en/unsubscribe/#token={token}"
    assert unsubscribe_token(notices[ERIKA]) == token
    assert [row.status for row in _rows(client)] == ["confirmed", "confirmed"]

    # RFC 8058's POST, as multipart/form-data; again is fine; an unknown token is a 404.
    for _ in range(2):
        done = client.post(url, files={"List-Unsubscribe": (None, "One-Click")})
        assert done.status_code == 200 and done.json() == {"status": "unsubscribed"}
    unknown = client.post(
        "/api/subscriptions/unsubscribe?token=" + "y" * 43,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unsubscribe_unknown"
    assert client.post("/api/subscriptions/unsubscribe").status_code == 422

    # John's next notice cannot be sent (SMTP down) and he unsubscribes meanwhile: cancelled.
    smtp.stop()
    later = data_with(tmp_path / "later", Announced("hubspot"), Announced("stripe"))
    assert _notify(client, later).pending == 1
    john = one_click_url(notices[JOHN]).removeprefix("http://127.0.0.1:8000")
    assert client.post(john, content=b"List-Unsubscribe=One-Click").status_code == 200
    smtp.start()
    assert _notify(client, later, force=True).sent == 0

    # Only the proof and the dates remain: no address, no hash of it, no mail that held it.
    erika, john_row = _rows(client)
    for row in (erika, john_row):
        assert row.status == "unsubscribed" and row.unsubscribed_at is not None
        assert (row.email_enc, row.email_digest, row.canonical_digest) == (None, None, None)
        assert row.unsubscribe_token_enc is None
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
    records = proof.records(client.app.state.store.session_factory)  # type: ignore[attr-defined]
    assert [(r.subprocessor, r.status, r.subscriber_status) for r in records] == [
        ("hubspot", "sent", "unsubscribed"),
        ("hubspot", "sent", "unsubscribed"),
    ]
    assert all(r.sha256 and r.handed_at for r in records)
    # Subscribing again (an hour later) starts afresh and hears of the pending changes again.
    _shift(client, update(ConfirmationThrottle).values(last_sent_at=utcnow() - timedelta(hours=2)))
    _confirmed(client, smtp, ERIKA)
    assert _notify(client, later).queued == 1


def test_subscribers_and_their_proof_are_found_after_rotate_keys(
    make_client: ClientFactory,
    smtp: SmtpServer,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = generate_key(), generate_key()
    client = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url, DATA_KEYS=old)
    _confirmed(client, smtp, ERIKA)
    data_dir = data_with(tmp_path / "data", Announced("hubspot"))
    assert _notify(client, data_dir).sent == 1
    notice = smtp.wait_for(2)[1]
    cli = Cli(
        monkeypatch,
        {"DATABASE_URL": database_url, "VAR_DIR": str(tmp_path / "var"), "SMTP_URL": smtp.url},
    )
    rotated = cli("rotate-keys", DATA_KEYS=f"{new},{old}")
    assert rotated.exit_code == 0, rotated.output

    # Only the new key from now on.
    after = make_client(DATABASE_URL=database_url, SMTP_URL=smtp.url, DATA_KEYS=new)
    found = cli("notices", "list", "--email", ERIKA.upper(), "--format", "json", DATA_KEYS=new)
    assert len(json.loads(found.output)) == 1, found.output
    shown = cli("subscribers", "show", _rows(after)[0].reference, "--format", "json", DATA_KEYS=new)
    assert json.loads(shown.output)["email"] == ERIKA
    # The same address is the same subscriber: no second subscription, no second notice.
    _shift(after, update(ConfirmationThrottle).values(last_sent_at=utcnow() - timedelta(hours=2)))
    assert subscribe(after, ERIKA).status_code == 202
    assert len(_rows(after)) == 1
    assert _notify(after, data_dir).queued == 0
    # The unsubscribe link of a mail sent before the rotation still works.
    url = one_click_url(notice).removeprefix("http://127.0.0.1:8000")
    assert after.post(url, content=b"List-Unsubscribe=One-Click").status_code == 200
    assert _rows(after)[0].status == "unsubscribed"


def test_the_sqlite_file_holds_no_address(
    make_client: ClientFactory, smtp: SmtpServer, tmp_path: Path
) -> None:
    client = make_client(DATABASE_URL=f"sqlite:///{tmp_path / 'raw.db'}", SMTP_URL=smtp.url)
    _confirmed(client, smtp, ERIKA)
    subscribe(client, LURKER)
    _notify(client, data_with(tmp_path / "data", Announced("hubspot")))
    client.app.state.store.dispose()  # type: ignore[attr-defined]
    data = b"".join(path.read_bytes() for path in tmp_path.glob("raw.db*"))
    assert b"SUB-" in data
    for address in (ERIKA, LURKER):
        for part in (address, address.split("@")[0]):
            assert part.encode() not in data
            assert part.encode("utf-16-le") not in data

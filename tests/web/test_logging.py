"""Logs carry no personal data: no name, email, message, company or client address."""

from __future__ import annotations

import logging
import socket

import pytest
from fastapi.testclient import TestClient

from tests.support.aio import run_async
from tests.support.app import ClientFactory, valid_body
from tests.support.siteverify import Siteverify
from tests.support.smtp import SmtpServer

PERSONAL = {
    "name": "Wilhelmina Zwetschgenbaum",
    "email": "wilhelmina.zwetschgenbaum@example.net",
    "company": "Zwetschgen Logistik GmbH",
    "message": "Vertraulich-4471 bitte nicht loggen",
}
PEER = "192.0.2.201"


def _app_log(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged except by the test's own SMTP server (aiosmtpd's "mail.log")."""
    return "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith("mail.log")
    )


def _assert_clean(text: str) -> None:
    for value in (*PERSONAL.values(), "Wilhelmina", "Zwetschgen", "Vertraulich-4471", PEER):
        assert value.lower() not in text.lower(), value


def test_a_full_submission_with_mail_and_failures_logs_no_personal_data(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    smtp = SmtpServer()
    with caplog.at_level(logging.DEBUG), Siteverify() as siteverify:
        client = make_client(
            peer=(PEER, 4242),
            SMTP_URL=smtp.url,  # down at first
            HCAPTCHA_SECRET="0xsecret-not-for-logs",
            HCAPTCHA_SITEKEY="sitekey",
            HCAPTCHA_VERIFY_URL=siteverify.url,
            RATE_LIMIT_CONTACT="2/minute",
        )
        assert client.post("/api/contact", json=valid_body(**PERSONAL)).status_code == 201
        siteverify.configure(success=False, error_codes=["invalid-input-response"])
        assert client.post("/api/contact", json=valid_body(**PERSONAL)).status_code == 400
        assert client.post("/api/contact", json=valid_body(**PERSONAL)).status_code == 429
        bad = valid_body(**{**PERSONAL, "name": PERSONAL["name"] + "\n"})
        assert client.post("/api/contact", json=bad).status_code in (422, 429)
        smtp.start()
        try:
            from api.mail.outbox import drain_state

            result = run_async(drain_state(client.app.state, force=True))  # type: ignore[attr-defined]
            assert len(result.sent) == 2
        finally:
            smtp.stop()
    text = _app_log(caplog)
    assert "inquiry PRV-" in text  # something was logged
    assert "api.access POST /api/contact 201" in text
    assert "outbox: mail" in text
    _assert_clean(text)
    assert "0xsecret-not-for-logs" not in text


def test_an_unreachable_verifier_logs_no_personal_data(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with caplog.at_level(logging.DEBUG):
        client = make_client(
            peer=(PEER, 1),
            HCAPTCHA_SECRET="0xsecret",
            HCAPTCHA_VERIFY_URL=f"http://127.0.0.1:{port}/",
        )
        assert client.post("/api/contact", json=valid_body(**PERSONAL)).status_code == 503
    text = _app_log(caplog)
    assert "captcha verifier unreachable" in text
    _assert_clean(text)


def test_unknown_paths_are_not_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        assert client.get("/api/inquiries/wilhelmina.zwetschgenbaum@example.net").status_code == 404
    # (httpx2's own log line here is the test client's, not the server's)
    server = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("api"))
    assert "GET <unknown path> 404" in server
    _assert_clean(server)


def test_an_unexpected_error_is_a_500_whose_text_reaches_no_log(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client raises whatever the app lets escape to the server, which would log it with
    its text: here that text holds personal data."""

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"could not store {PERSONAL['email']} from {PEER}")

    monkeypatch.setattr("api.inquiries.service.submit", explode)
    client = make_client(peer=(PEER, 1))
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/contact", json=valid_body(**PERSONAL, language="en"))
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "unexpected error" in response.json()["error"]["message"]
    assert response.headers["cache-control"] == "no-store"
    text = _app_log(caplog)
    assert "unhandled RuntimeError on POST /api/contact" in text
    assert "api.access POST /api/contact 500" in text
    _assert_clean(text)

"""Subscribing in Chromium against the real server, in both languages: the form on the
subprocessors page (hCaptcha only once the person types), the confirmation page, a notice from
`trustcenter notify`, and the unsubscribe page. Opening a page changes nothing; its button does.
No CSP violation, no script error."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from api.cli import app as trustcenter
from tests.browser.test_contact_form import RECORD_VIOLATIONS, cli_env  # noqa: F401 (a fixture)
from tests.support.aio import in_own_thread
from tests.support.siteverify import Siteverify
from tests.support.smtp import SmtpServer
from tests.support.subscriptions import (
    CONFIRM_LINK,
    UNSUBSCRIBE_LINK,
    Announced,
    data_with,
    text_of,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("cli_env"),
]

PREFIX = {"de": "/", "en": "/en/"}
SUBMIT = {"de": "Änderungen abonnieren", "en": "Subscribe to changes"}
CHECK_INBOX = {"de": "Bitte sehen Sie in Ihr Postfach", "en": "please check your inbox"}
CONFIRM = {"de": "Abonnement bestätigen", "en": "Confirm subscription"}
CONFIRMED = {"de": "Ihr Abonnement ist bestätigt", "en": "your subscription is confirmed"}
UNSUBSCRIBE = {"de": "Abonnement beenden", "en": "Unsubscribe"}
UNSUBSCRIBED = {"de": "Ihr Abonnement ist beendet", "en": "Your subscription has ended"}


def trustcenter_cli(*args: str) -> Any:
    result = in_own_thread(lambda: CliRunner().invoke(trustcenter, list(args)))
    assert result.exit_code == 0, result.output
    return result


def watch(page: Page) -> Callable[[], list[str]]:
    """Start recording script errors and CSP violations; returns what was recorded."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)

    def problems() -> list[str]:
        return errors + list(page.evaluate("window.__cspViolations"))

    return problems


def mail_to(smtp: SmtpServer, address: str, matching: str, timeout: float = 20) -> EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.wait_for(0):
            if str(message["To"]) == address and matching in text_of(message):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} with {matching!r}")


def local(url: str, live_server: str) -> str:
    """A link of a mail (built on PUBLIC_URL) on the test's server."""
    return live_server + "/" + url.split("://", 1)[1].split("/", 1)[1]


def status_of(email_reference: str) -> str:
    listed = json.loads(trustcenter_cli("subscribers", "list", "--format", "json").output)
    (row,) = [row for row in listed["subscribers"] if row["reference"] == email_reference]
    return str(row["status"])


def newest_reference() -> str:
    listed = json.loads(trustcenter_cli("subscribers", "list", "--format", "json").output)
    return str(listed["subscribers"][-1]["reference"])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_subscribe_confirm_be_notified_and_unsubscribe(
    page: Page,
    live_server: str,
    lang: str,
    fake_hcaptcha: list[str],
    siteverify: Siteverify,
    smtp_server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problems = watch(page)
    page.goto(live_server + PREFIX[lang] + "subprocessors/")
    button = page.get_by_role("button", name=SUBMIT[lang])
    expect(button).to_be_enabled()
    assert fake_hcaptcha == []  # nothing from hCaptcha before the person starts
    # The page's language is chosen for the mails.
    expect(page.locator(f"#subscribe-language-{lang}")).to_be_checked()
    email = f"browser.{lang}@abonnent.example"
    page.fill("#subscribe-email", email)
    expect(page.locator("#subscribe-captcha .fake-hcaptcha")).to_be_visible()
    assert "onload=tcSubscribeCaptchaLoaded" in fake_hcaptcha[0]
    verified = len(siteverify.requests)
    button.click()
    result = page.locator("#subscribe-result")
    expect(result).to_contain_text(CHECK_INBOX[lang])
    expect(result).to_be_focused()
    assert len(siteverify.requests) == verified + 1

    # The confirmation mail's link opens a page that confirms nothing until its button is pressed.
    confirmation = mail_to(smtp_server, email, "subscription-confirm/#token=")
    link = CONFIRM_LINK.search(text_of(confirmation))
    assert link is not None and link[1].endswith(PREFIX[lang] + "subscription-confirm/")
    reference = newest_reference()
    page.goto(local(link[0], live_server))
    confirm = page.get_by_role("button", name=CONFIRM[lang])
    expect(confirm).to_be_visible()
    assert status_of(reference) == "pending"
    confirm.click()
    expect(page.locator("#confirm-result")).to_contain_text(CONFIRMED[lang])
    assert status_of(reference) == "confirmed"

    # A change is announced; `trustcenter notify` sends the notice with its unsubscribe link.
    change = Announced("frogged", "changed", effective_in_days=33)
    monkeypatch.setenv("TRUSTCENTER_DATA_DIR", str(data_with(tmp_path / "data", change)))
    trustcenter_cli("notify")
    notice = mail_to(smtp_server, email, "frogged".capitalize())
    unsubscribe = UNSUBSCRIBE_LINK.search(text_of(notice))
    assert unsubscribe is not None and unsubscribe[1].endswith(PREFIX[lang] + "unsubscribe/")
    page.goto(local(unsubscribe[0], live_server))
    leave = page.get_by_role("button", name=UNSUBSCRIBE[lang])
    expect(leave).to_be_visible()
    assert status_of(reference) == "confirmed"
    leave.click()
    expect(page.locator("#unsubscribe-result")).to_contain_text(UNSUBSCRIBED[lang])
    assert status_of(reference) == "unsubscribed"
    assert problems() == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_link_page_without_a_token_or_with_an_unknown_one(
    page: Page, live_server: str, lang: str
) -> None:
    problems = watch(page)
    page.goto(live_server + PREFIX[lang] + "subscription-confirm/")
    expect(page.locator("#confirm-result")).to_contain_text(
        "fehlt der Link" if lang == "de" else "missing the link"
    )
    expect(page.get_by_role("button", name=CONFIRM[lang])).to_be_hidden()
    page.goto(live_server + PREFIX[lang] + "unsubscribe/#token=" + "z" * 43)
    page.get_by_role("button", name=UNSUBSCRIBE[lang]).click()
    expect(page.locator("#unsubscribe-status")).to_contain_text(
        "Abmeldelink kennen wir nicht" if lang == "de" else "do not know this unsubscribe link"
    )
    assert problems() == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_invalid_address_is_shown_at_its_field(page: Page, live_server: str, lang: str) -> None:
    problems = watch(page)
    posted: list[str] = []
    page.on(
        "request",
        lambda request: posted.append(request.url) if request.method == "POST" else None,
    )
    page.goto(live_server + PREFIX[lang] + "subprocessors/")
    button = page.get_by_role("button", name=SUBMIT[lang])
    expect(button).to_be_enabled()
    page.fill("#subscribe-email", "kein-at-zeichen")
    button.click()
    expect(page.locator("#err-email")).to_contain_text(
        "gültige E-Mail-Adresse" if lang == "de" else "valid email address"
    )
    expect(page.locator("#subscribe-email")).to_have_attribute("aria-invalid", "true")
    assert posted == []
    assert problems() == []


def test_the_notices_objection_link_chooses_the_request_type(page: Page, live_server: str) -> None:
    page.goto(live_server + "/en/contact/?request_type=subprocessor_objection")
    expect(page.locator("#contact-request-type")).to_have_value("subprocessor_objection")
    page.goto(live_server + "/contact/?request_type=no-such-type")
    expect(page.get_by_role("button", name="Anfrage senden")).to_be_enabled()
    expect(page.locator("#contact-request-type")).to_have_value("")

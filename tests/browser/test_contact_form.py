"""The contact page in Chromium against the real server: send an inquiry in both languages and
get a reference and due date, with hCaptcha loaded only once the person starts typing; invalid
input is shown at its field; no CSP violation. The privacy team then finds the inquiry by mail
and in `trustcenter inquiries list`."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from api.cli import app as trustcenter
from api.core.settings import get_settings
from tests.support.siteverify import Siteverify
from tests.support.smtp import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PATHS = {"de": "/contact/", "en": "/en/contact/"}
SUBMIT = {"de": "Anfrage senden", "en": "Send inquiry"}
DONE = {"de": "Ihre Anfrage ist eingegangen", "en": "We have received your inquiry"}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
REFERENCE = re.compile(r"^PRV-\d{4}-[A-Z2-9]{6}$")


def open_form(page: Page, live_server: str, lang: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server + PATHS[lang])
    expect(page.get_by_role("button", name=SUBMIT[lang])).to_be_enabled()
    return errors


def fill(page: Page, *, email: str, role: str = "customer") -> None:
    page.select_option("#contact-request-type", "access")
    page.select_option("#contact-requester-role", role)
    page.fill("#contact-message", "Welche Daten speichern Sie über mich?\nBitte um Auskunft.")
    page.fill("#contact-name", "Zoë Bärtschi")
    page.fill("#contact-email", email)
    page.fill("#contact-company", "Bärtschi & Co. AG")
    page.check("#contact-privacy")


def csp_violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations"))


@pytest.fixture
def cli_env(live_server_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`trustcenter` with the live server's configuration (its database and data key)."""
    for key, value in live_server_env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_inquiry_is_sent_and_its_reference_and_due_date_shown(
    page: Page,
    live_server: str,
    lang: str,
    fake_hcaptcha: list[str],
    siteverify: Siteverify,
    smtp_server: SmtpServer,
    cli_env: None,
) -> None:
    errors = open_form(page, live_server, lang)
    assert fake_hcaptcha == []  # nothing from hCaptcha before the person starts
    email = f"zoe.{lang}@baertschi.example"
    fill(page, email=email)
    expect(page.locator("#contact-captcha .fake-hcaptcha")).to_be_visible()
    assert len(fake_hcaptcha) == 1
    assert "onload=tcContactCaptchaLoaded" in fake_hcaptcha[0]
    verified_before = len(siteverify.requests)

    page.get_by_role("button", name=SUBMIT[lang]).click()

    result = page.locator("#contact-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text(DONE[lang])
    reference = page.locator("#contact-reference").inner_text()
    assert REFERENCE.match(reference), reference
    due = page.locator("#contact-due-by").inner_text()
    assert re.search(r"\d{4}", due), due
    assert page.locator("#contact-notice").count() == 0
    assert page.evaluate("document.activeElement.id") == "contact-result"

    # The token went to siteverify with the secret and sitekey.
    assert len(siteverify.requests) == verified_before + 1
    check = siteverify.requests[-1]
    assert check["response"].startswith("fake-hcaptcha-token-")
    assert check["secret"] == "0xbrowser-test-secret"

    # The privacy team sees it by mail and in `trustcenter inquiries list`.
    def about_this(messages: list[EmailMessage]) -> list[EmailMessage]:
        return [m for m in messages if reference in str(m["Subject"])]

    deadline = time.monotonic() + 20
    while len(about_this(smtp_server.wait_for(0))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert {str(m["To"]) for m in about_this(smtp_server.messages)} == {
        email,
        get_settings().PRIVACY_INBOX,
    }
    listed = CliRunner().invoke(trustcenter, ["inquiries", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["reference"]: row for row in json.loads(listed.output)}
    assert rows[reference]["language"] == lang
    assert rows[reference]["status"] == "open"

    assert csp_violations(page) == []
    assert errors == []


def test_a_data_subject_at_a_customer_is_told_who_answers(page: Page, live_server: str) -> None:
    errors = open_form(page, live_server, "en")
    fill(page, email="subject@baertschi.example", role="customer_data_subject")
    page.get_by_role("button", name=SUBMIT["en"]).click()
    expect(page.locator("#contact-notice")).to_contain_text("on behalf of its customer")
    assert csp_violations(page) == []
    assert errors == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_invalid_email_is_shown_at_its_field_and_nothing_is_sent(
    page: Page, live_server: str, lang: str
) -> None:
    errors = open_form(page, live_server, lang)
    posted: list[str] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.url)
            if request.method == "POST" and "/api/contact" in request.url
            else None
        ),
    )
    fill(page, email="not-an-email")
    page.get_by_role("button", name=SUBMIT[lang]).click()

    email = page.locator("#contact-email")
    message = page.locator("#err-email")
    expect(message).to_be_visible()
    expected = "gültige E-Mail-Adresse" if lang == "de" else "valid email address"
    expect(message).to_contain_text(expected)
    expect(email).to_have_attribute("aria-invalid", "true")
    assert "err-email" in (email.get_attribute("aria-describedby") or "").split()
    summary = page.locator("#contact-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert posted == []
    # The other fields were fine and carry no error.
    expect(page.locator("#err-name")).to_be_hidden()
    assert csp_violations(page) == []
    assert errors == []


def test_an_invisible_direction_override_is_refused_at_its_field(
    page: Page, live_server: str
) -> None:
    """The form checks what the server checks: a right-to-left override in the company."""
    errors = open_form(page, live_server, "en")
    posted: list[str] = []
    page.on(
        "request",
        lambda request: posted.append(request.url) if request.method == "POST" else None,
    )
    fill(page, email="zoe@example.com")
    page.fill("#contact-company", "B\u00e4rtschi \u202eGA & .oC")
    page.get_by_role("button", name=SUBMIT["en"]).click()
    expect(page.locator("#err-company")).to_contain_text("invisible formatting characters")
    expect(page.locator("#contact-company")).to_have_attribute("aria-invalid", "true")
    assert posted == []
    assert errors == []


def test_a_rejected_captcha_is_explained_at_the_captcha(
    page: Page, live_server: str, siteverify: Siteverify
) -> None:
    errors = open_form(page, live_server, "en")
    fill(page, email="retry@baertschi.example")
    expect(page.locator("#contact-captcha .fake-hcaptcha")).to_be_visible()
    siteverify.configure(success=False, error_codes=["invalid-input-response"])
    try:
        page.get_by_role("button", name=SUBMIT["en"]).click()
        expect(page.locator("#err-captcha_token")).to_contain_text("solve the captcha")
        expect(page.locator("#contact-status")).to_contain_text("captcha check failed")
    finally:
        siteverify.configure()
    # Solved again (the stand-in issues a new token on reset): now it goes through.
    page.get_by_role("button", name=SUBMIT["en"]).click()
    expect(page.locator("#contact-result")).to_be_visible()
    assert csp_violations(page) == []
    assert errors == []


def test_the_page_holds_the_sources_first_sentence(live_server: str, page: Page) -> None:
    page.goto(live_server + PATHS["de"])
    expect(page.locator("article")).to_contain_text(
        "Sie haben ein Anliegen zum Thema Datenschutz? Nutzen Sie das Formular um uns zu "
        "kontaktieren."
    )

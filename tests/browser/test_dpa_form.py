"""The DPA page in Chromium: fill in the form in both languages, the agreement downloads, is a
valid .docx and holds the company name exactly as typed, the page offers both formats of the one
agreement and says, before the form and after it, that it is a draft while data/ holds example
values; wrong input is shown at its field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.dpa.sample import all_text, header_texts, open_docx

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COMPANY = "Müller & Söhne <GmbH> 🚀"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
PATHS = {"de": "/dpa/", "en": "/en/dpa/"}
SUBMIT = {"de": "Vertrag erstellen", "en": "Create and download"}
DRAFT = {"de": "ENTWURF", "en": "DRAFT"}


def open_form(page: Page, live_server: str, lang: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server + PATHS[lang])
    expect(page.locator("#dpa-form")).to_have_attribute("data-ready", "true")
    return errors


def fill(page: Page, email: str = "zoe@mueller-soehne.example") -> None:
    page.fill("#dpa-legal-name", COMPANY)
    page.fill("#dpa-street", "Ringstraße 1")
    page.fill("#dpa-postal-code", "1010")
    page.fill("#dpa-city", "Wien")
    page.select_option("#dpa-country", "AT")
    page.fill("#dpa-contact-name", "Zoë O'Brien")
    page.fill("#dpa-contact-position", "Head of Legal")
    page.fill("#dpa-contact-email", email)
    page.fill("#dpa-signatory-name", "Jörg Müller")
    page.fill("#dpa-signatory-position", "Geschäftsführer")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_form_downloads_the_filled_agreement(
    page: Page, live_server: str, lang: str, tmp_path: Path
) -> None:
    errors = open_form(page, live_server, lang)
    fill(page)
    # the choices come from data/dpa.yml through the API, defaults ticked
    assert page.locator('input[name="processing.data_subjects"]:checked').count() >= 1
    with page.expect_download() as download_info:
        page.get_by_role("button", name=SUBMIT[lang]).click()
    download = download_info.value
    # the shipped data holds example values: a draft, and its file name says so
    assert download.suggested_filename.startswith(f"UNOY-DPA-{DRAFT[lang]}-M")
    assert download.suggested_filename.endswith(".docx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    document = open_docx(target.read_bytes())
    assert COMPANY in all_text(document)
    assert {"de": "Österreich", "en": "Austria"}[lang] in all_text(document)
    reference = page.locator("#dpa-reference")
    expect(reference).to_be_visible()
    shown = reference.inner_text()
    assert shown.startswith("DPA-") and any(shown in h for h in header_texts(document))
    title = {"de": "Auftragsverarbeitungsvertrag", "en": "Data Processing Agreement"}[lang]
    assert title in all_text(document)
    # the page said so before the form, and says so again with the result
    expect(page.locator("#dpa-draft")).to_be_visible()
    notice, form = (
        page.locator("#dpa-draft").bounding_box(),
        page.locator("#dpa-form").bounding_box(),
    )
    assert notice is not None and form is not None and notice["y"] < form["y"]
    expect(page.locator("#dpa-draft-result")).to_be_visible()
    # both formats of the one agreement (the PDF where the server has LibreOffice)
    links = page.locator("#dpa-files a")
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        expect(links).to_have_count(0)
    else:
        expect(links).to_have_count(2)
        assert [links.nth(i).get_attribute("data-format") for i in range(2)] == ["docx", "pdf"]
        for i in range(2):
            assert shown in (links.nth(i).get_attribute("download") or "")
        with page.expect_download() as pdf_info:
            links.nth(1).click()
        pdf = tmp_path / pdf_info.value.suggested_filename
        pdf_info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF-") and shown in pdf.name
    assert errors == []
    assert page.evaluate("window.__cspViolations") == []


def test_hcaptcha_loads_only_once_the_person_starts_filling_in(
    page: Page, live_server: str, fake_hcaptcha: list[str]
) -> None:
    errors = open_form(page, live_server, "en")
    assert fake_hcaptcha == []  # the form is ready, and nothing came from hCaptcha yet
    fill(page)
    expect(page.locator("#dpa-captcha .fake-hcaptcha")).to_be_visible()
    assert len(fake_hcaptcha) == 1
    assert "onload=tcDpaCaptchaLoaded" in fake_hcaptcha[0]
    assert errors == []
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_wrong_input_is_shown_at_its_field_and_nothing_downloads(
    page: Page, live_server: str, lang: str
) -> None:
    open_form(page, live_server, lang)
    fill(page, email="not-an-email")
    page.fill("#dpa-signatory-name", "")
    downloads: list[object] = []
    page.on("download", lambda download: downloads.append(download))
    page.get_by_role("button", name=SUBMIT[lang]).click()
    email = page.locator("#dpa-contact-email")
    expect(email).to_have_attribute("aria-invalid", "true")
    message = page.locator("#err-customer-contact-email")
    expect(message).to_be_visible()
    expected = {"de": "gültige E-Mail-Adresse", "en": "valid email address"}[lang]
    expect(message).to_contain_text(expected)
    assert "err-customer-contact-email" in (email.get_attribute("aria-describedby") or "")
    expect(page.locator("#err-customer-signatory-name")).to_be_visible()
    expect(page.locator("#dpa-error-summary")).to_be_visible()
    expect(page.locator("#dpa-error-summary")).to_be_focused()
    assert downloads == []


def test_server_side_refusal_is_shown_at_its_field(page: Page, live_server: str) -> None:
    """A value only the server refuses: its message lands at the field."""
    open_form(page, live_server, "en")
    fill(page)
    # NEL (a C1 control): the client's check would catch it, so switch that check off for
    # this field to see the server's refusal arrive at the field
    page.evaluate("document.getElementById('dpa-city').removeAttribute('data-check')")
    page.evaluate("document.getElementById('dpa-city').value = 'Wi\\u0085en'")
    page.get_by_role("button", name=SUBMIT["en"]).click()
    message = page.locator("#err-customer-city")
    expect(message).to_be_visible()
    expect(message).to_contain_text("single line")
    expect(page.locator("#dpa-city")).to_have_attribute("aria-invalid", "true")

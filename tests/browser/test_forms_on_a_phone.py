"""The forms on a phone (390 × 844), in both languages: the receipt of an inquiry and every
error summary come into view below the sticky header, with nothing over them (Material's
back-to-top button shows while the page scrolls up), and take the focus; the summary names
each field's section; axe finds nothing in these states, on a desktop and a phone, light and
dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.screen import PHONE, axe_everywhere, covered_by, top_in_view
from tests.browser.test_dpa_form import fill as fill_dpa

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CONTACT = {"de": "/contact/", "en": "/en/contact/"}
DPA = {"de": "/dpa/", "en": "/en/dpa/"}
SEND = {"de": "Anfrage senden", "en": "Send inquiry"}
CREATE = {"de": "Vertrag erstellen", "en": "Create and download"}
# What the DPA form's summary says for the three "Name" fields, by section.
SECTION_NAMES = {
    "de": [
        "Kontaktperson für den Datenschutz – Name",
        "Unterzeichner(in) für Ihr Unternehmen – Name",
    ],
    "en": [
        "Contact person for data protection – Name",
        "Signatory for your company – Name",
    ],
}


def settle(page: Page) -> None:
    """Let the scroll and Material's back-to-top button (125 ms transitions) come to rest."""
    page.wait_for_timeout(600)


def assert_revealed(page: Page, element: Locator) -> None:
    expect(element).to_be_visible()
    expect(element).to_be_focused()
    settle(page)
    assert top_in_view(page, element), element.bounding_box()
    assert covered_by(element) == []


def fill_contact(page: Page) -> None:
    page.select_option("#contact-request-type", "access")
    page.select_option("#contact-requester-role", "customer")
    page.fill("#contact-message", "Welche Daten speichern Sie über mich?")
    page.fill("#contact-name", "Zoë Bärtschi")
    page.fill("#contact-email", "zoe.phone@baertschi.example")
    page.check("#contact-privacy")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_contact_form_on_a_phone(page: Page, live_server: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + CONTACT[lang])
    button = page.get_by_role("button", name=SEND[lang])
    expect(button).to_be_enabled()

    # Nothing filled in: the summary comes into view, uncovered, naming sections and fields.
    button.click()
    summary = page.locator("#contact-error-summary")
    assert_revealed(page, summary)
    first = summary.locator("li a").first.inner_text()
    section = {"de": "Ihr Anliegen", "en": "Your request"}[lang]
    assert first.startswith(f"{section} – "), first
    assert axe_everywhere(page) == {}

    # Filled in and sent: the receipt, with the reference, the same way.
    page.set_viewport_size(PHONE)
    fill_contact(page)
    expect(page.locator("#contact-captcha .fake-hcaptcha")).to_be_visible()
    button.click()
    result = page.locator("#contact-result")
    expect(result).to_be_visible(timeout=15_000)
    assert_revealed(page, result)
    assert covered_by(page.locator("#contact-reference")) == []
    assert axe_everywhere(page) == {}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_dpa_form_summary_names_the_section_of_each_field(
    page: Page, live_server: str, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + DPA[lang])
    expect(page.locator("#dpa-form")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name=CREATE[lang]).click()
    summary = page.locator("#dpa-error-summary")
    assert_revealed(page, summary)
    items = [item.split(":")[0] for item in summary.locator("li").all_inner_texts()]
    for expected in SECTION_NAMES[lang]:
        assert expected in items, items
    # "Name" alone, as the summary said before, names no field.
    assert "Name" not in items, items
    # A link of the summary leads to its field.
    summary.locator("li a").nth(1).click()
    expect(page.locator("#dpa-street")).to_be_focused()
    assert axe_everywhere(page) == {}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_dpa_result_on_a_phone(page: Page, live_server: str, lang: str) -> None:
    """The agreement's reference and its files come into view below the header, like a
    receipt of an inquiry."""
    page.set_viewport_size(PHONE)
    page.goto(live_server + DPA[lang])
    expect(page.locator("#dpa-form")).to_have_attribute("data-ready", "true")
    fill_dpa(page)
    expect(page.locator("#dpa-captcha .fake-hcaptcha")).to_be_visible()
    with page.expect_download():
        page.get_by_role("button", name=CREATE[lang]).click()
    result = page.locator("#dpa-result")
    expect(result).to_be_visible(timeout=30_000)
    assert_revealed(page, result)
    # (The reference is inline text of the result's first line: in view with it.)
    expect(page.locator("#dpa-reference")).to_be_in_viewport()

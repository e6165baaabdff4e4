"""Every page in both languages, in Chromium, under the production headers of `make run`."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Request, ViewportSize

from tests.site.conftest import SLUGS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGS = ("de", "en")
OTHER = {"de": "en", "en": "de"}
# Playwright's init scripts are not subject to the page's CSP, so this listener always runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
AXE = Axe()
INJECT_INLINE_SCRIPT = """
const script = document.createElement("script");
script.textContent = "window.__injected = true;";
document.head.append(script);
"""


def path_of(lang: str, slug: str) -> str:
    prefix = "/" if lang == "de" else f"/{lang}/"
    return f"{prefix}{slug}/" if slug else prefix


@dataclass
class Recorder:
    """Console errors, page errors and requests to any host but the server's."""

    origin: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", self.request)
        page.add_init_script(RECORD_VIOLATIONS)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)


@pytest.fixture
def recorder(page: Page, live_server: str) -> Recorder:
    recorder = Recorder(live_server)
    recorder.attach(page)
    return recorder


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", SLUGS)
def test_page(page: Page, live_server: str, recorder: Recorder, lang: str, slug: str) -> None:
    response = page.goto(live_server + path_of(lang, slug), wait_until="networkidle")
    assert response is not None and response.status == 200
    # The production policy, with hCaptcha's origins only where a form needs them.
    policy = response.headers["content-security-policy"]
    assert ("https://*.hcaptcha.com" in policy) == (slug in ("contact", "dpa", "subprocessors"))
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1

    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("window.__cspViolations") == []
    assert recorder.errors == []
    assert recorder.foreign == []

    # The language switch leads to the same page in the other language.
    other = OTHER[lang]
    switch = page.locator(f"a.md-select__link[hreflang={other}]")
    page.locator(".md-header__option .md-select").hover()
    switch.click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == path_of(other, slug)
    assert page.locator("html").get_attribute("lang") == other
    assert page.evaluate("window.__cspViolations") == []
    assert recorder.errors == []


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [("de", "Verschlüsselung", "/toms/"), ("en", "encryption", "/en/toms/")],
)
def test_search_finds_pages_in_the_readers_language(
    page: Page, live_server: str, recorder: Recorder, lang: str, query: str, expected: str
) -> None:
    page.goto(live_server + path_of(lang, ""), wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    # Typed key by key, like a reader: Material searches on keyboard input.
    search.press_sequentially(query, delay=20)
    results = page.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for(state="attached")
    hrefs = [urlsplit(href).path for href in results.evaluate_all("els => els.map(e => e.href)")]
    assert any(href == expected for href in hrefs), hrefs
    if lang == "de":
        assert not any(href.startswith("/en/") for href in hrefs), hrefs
    else:
        assert all(href.startswith("/en/") for href in hrefs), hrefs
    assert page.evaluate("window.__cspViolations") == []
    assert recorder.errors == []
    assert recorder.foreign == []


@pytest.mark.parametrize(("path", "lang"), [("/en/no-such-page/", "en"), ("/no-such-page/", "de")])
def test_not_found_page_in_the_visitors_language(
    page: Page, live_server: str, recorder: Recorder, path: str, lang: str
) -> None:
    response = page.goto(live_server + path, wait_until="networkidle")
    assert response is not None and response.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    # No file at this path, so no _headers rule (as on Netlify): the page's meta policy applies.
    assert "content-security-policy" not in response.headers
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy and "script-src 'self' 'sha256-" in policy and "hcaptcha" not in policy
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("window.__cspViolations") == []
    # Chromium reports the 404 of the document itself as a console error; nothing else may fail.
    assert [e for e in recorder.errors if "404" not in e] == []
    assert recorder.foreign == []
    # The meta policy is enforced: an inline script it does not hash is refused.
    page.evaluate(INJECT_INLINE_SCRIPT)
    assert page.evaluate("window.__injected") is None
    assert page.evaluate("window.__cspViolations") == ["script-src-elem inline"]

    # No counterpart in another language: no alternates; the switch leads to each home page.
    assert page.locator('link[rel="alternate"][hreflang]').count() == 0
    switch = page.locator("a.md-select__link")
    hrefs = dict(
        zip(
            switch.evaluate_all("a => a.map(e => e.hreflang)"),
            switch.evaluate_all("a => a.map(e => new URL(e.href).pathname)"),
            strict=True,
        )
    )
    assert hrefs == {"de": "/", "en": "/en/"}
    other = OTHER[lang]
    page.locator(".md-header__option .md-select").hover()
    page.locator(f"a.md-select__link[hreflang={other}]").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == path_of(other, "")


PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ["subprocessors", "toms", "legal-notice"])
def test_page_on_a_phone(
    page: Page, live_server: str, recorder: Recorder, lang: str, slug: str
) -> None:
    """At 390 px nothing needs sideways scrolling: each table row is a card of labelled values."""
    page.set_viewport_size(PHONE)
    page.goto(live_server + path_of(lang, slug), wait_until="networkidle")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    tables = page.locator("table[data-tc]")
    for index in range(tables.count()):
        table = tables.nth(index)
        # The table fits: no scrolling inside Material's table wrapper either.
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
        assert table.locator("thead").evaluate("e => e.getBoundingClientRect().height <= 1")
        for cell in table.locator("tbody td").all():
            label = cell.evaluate("c => getComputedStyle(c, '::before').content")
            assert label not in ("none", "normal", ""), label
            assert cell.get_attribute("data-label") in label
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("window.__cspViolations") == []
    assert recorder.errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_footer_links_to_the_legal_notice_and_privacy_notice(
    page: Page, live_server: str, lang: str
) -> None:
    """A German site keeps its Impressum one click away, on every page and the 404 page."""
    for path in (path_of(lang, "toms"), path_of(lang, "no-such-page")):
        page.goto(live_server + path, wait_until="networkidle")
        links = page.locator(".md-footer-meta nav a")
        hrefs = [urlsplit(href).path for href in links.evaluate_all("a => a.map(e => e.href)")]
        assert hrefs == [path_of(lang, "legal-notice"), path_of(lang, "privacy")]


@pytest.mark.parametrize("lang", LANGS)
def test_tables_fit_a_tablet_and_a_desktop_window(page: Page, live_server: str, lang: str) -> None:
    """Above the card breakpoint the tables stay tables, and fit without sideways scrolling."""
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + path_of(lang, "subprocessors"), wait_until="networkidle")
        tables = page.locator("table[data-tc]")
        assert tables.count() == 3
        for table in tables.all():
            # Column headers in view, rows laid out as table rows (not cards).
            assert table.locator("thead").evaluate("e => e.getBoundingClientRect().height > 10")
            assert (
                table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).display")
                == "table-row"
            )
            overflow = table.evaluate(
                "t => { const w = t.closest('.md-typeset__scrollwrap') || t;"
                " return w.scrollWidth - w.clientWidth; }"
            )
            assert overflow <= 0, (width, overflow)


@pytest.mark.parametrize("lang", LANGS)
def test_toms_print_the_text_only(page: Page, live_server: str, lang: str) -> None:
    """A printed TOMs page has no header, search, navigation or page links; it names its owner."""
    page.goto(live_server + path_of(lang, "toms"), wait_until="networkidle")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-search", ".md-sidebar--primary", ".md-footer__inner"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("article h1").is_visible()
    assert page.locator(".md-copyright__highlight").is_visible()
    assert not page.locator(".tc-legal-links").is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_in_dark_mode_on_a_phone(
    page: Page, live_server: str, recorder: Recorder, lang: str
) -> None:
    """The dark palette (the reader's system setting) passes WCAG AA on every page."""
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    for slug in SLUGS:
        page.goto(live_server + path_of(lang, slug), wait_until="networkidle")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(255, 255, 255)", slug
        results = AXE.run(page)
        assert results.violations_count == 0, (slug, results.generate_report())
    assert recorder.errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_address_shown_is_a_mailto_link(page: Page, live_server: str, lang: str) -> None:
    for slug in SLUGS:
        page.goto(live_server + path_of(lang, slug), wait_until="domcontentloaded")
        loose = page.evaluate(LOOSE_ADDRESSES)
        assert loose == [], (slug, loose)


# Text nodes of the article holding an email address outside a mailto link to it.
LOOSE_ADDRESSES = r"""
() => {
  const address = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
  const walker = document.createTreeWalker(document.querySelector("article"), NodeFilter.SHOW_TEXT);
  const loose = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("script, noscript")) continue; // not shown
    for (const found of node.textContent.match(address) || []) {
      const link = node.parentElement.closest("a[href^='mailto:']");
      if (!link || link.getAttribute("href") !== "mailto:" + found) loose.push(found);
    }
  }
  return loose;
}
"""

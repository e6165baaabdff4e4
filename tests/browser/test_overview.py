"""The home page as a reviewer meets it: UNOY's brand, the key facts from data/ and a card for
every part of the Trust Center, all in the first screen of a laptop; the touch icon is the
rendering of the brand's icon; printed pages show where their links lead."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, ViewportSize

from api.content import Content, Lang, get_content
from api.core.i18n import long_date
from tests.browser.screen import LAPTOPS, PHONE, axe_violations, path_of
from tests.support.brand import ICON, TOUCH_ICON, touch_icon_html

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGS: tuple[Lang, ...] = ("de", "en")
PARTS = ("toms", "subprocessors", "security", "dpa", "contact", "faq", "documents")


@pytest.fixture(scope="module")
def content() -> Content:
    return get_content()


@pytest.mark.parametrize("viewport", LAPTOPS, ids=lambda v: f"{v['width']}x{v['height']}")
@pytest.mark.parametrize("lang", LANGS)
def test_home_shows_brand_facts_and_every_part_in_the_first_screen(
    page: Page, live_server: str, content: Content, lang: Lang, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    page.goto(live_server + path_of(lang, ""), wait_until="networkidle")
    height = viewport["height"]

    # The brand: UNOY's logo in the header (inlined, so it takes the header's colour).
    logo = page.locator(".md-header .md-logo svg")
    assert logo.is_visible()
    assert logo.get_attribute("aria-hidden") == "true"
    assert page.locator(".md-header .md-logo").get_attribute("aria-label") == "UNOY Trust Center"

    # One sentence on what UNOY protects and how, before anything else.
    first = page.locator("article h1 ~ p:not(.tc-reviewed)").first
    assert "UNOY" in first.inner_text()

    # The key facts, from data/.
    facts = page.locator(".tc-facts").inner_text()
    host = content.subprocessors.host
    assert host.location_eu is not None
    assert host.location_eu(lang) in facts and host.name in facts
    encryption = content.toms.measure("encryption").summary
    assert encryption is not None and encryption(lang) in facts
    assert str(content.subprocessors.count) in facts
    assert str(content.company.subprocessor_objection_days) in facts
    reviewed = page.locator(".tc-reviewed time")
    newest = content.reviewed(["toms", "subprocessors", "dpa", "legal", "faq"])
    assert reviewed.get_attribute("datetime") == newest.isoformat()
    assert reviewed.inner_text() == long_date(newest, lang)

    # Every part, one click away, without scrolling.
    cards = page.locator(".tc-overview a.tc-card")
    hrefs = [urlsplit(href).path for href in cards.evaluate_all("a => a.map(e => e.href)")]
    assert hrefs == [path_of(lang, part) for part in PARTS]
    for element in (page.locator(".tc-facts"), *cards.all()):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (element, box)
    assert axe_violations(page) is None


@pytest.mark.parametrize("lang", LANGS)
def test_each_card_leads_to_its_page(page: Page, live_server: str, lang: str) -> None:
    page.goto(live_server + path_of(lang, ""), wait_until="networkidle")
    for index, part in enumerate(PARTS):
        page.locator(".tc-overview a.tc-card").nth(index).click()
        page.wait_for_load_state("domcontentloaded")
        assert urlsplit(page.url).path == path_of(lang, part)
        assert page.locator("article .tc-reviewed time").count() == 1
        page.go_back(wait_until="domcontentloaded")


@pytest.mark.parametrize("lang", LANGS)
def test_home_on_a_phone_needs_no_sideways_scrolling(
    page: Page, live_server: str, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    page.goto(live_server + path_of(lang, ""), wait_until="networkidle")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.locator(".tc-overview a.tc-card").count() == len(PARTS)
    assert axe_violations(page) is None


def test_the_touch_icon_is_the_rendering_of_the_icon(page: Page, live_server: str) -> None:
    """The committed PNG (`make brand`) shows the current icon.svg: compared pixel by pixel with
    a fresh rendering in the same browser (a tolerance for anti-aliasing)."""
    page.goto(live_server + "/", wait_until="networkidle")
    touch = page.locator('link[rel="apple-touch-icon"]').evaluate("l => l.href")
    served = page.request.get(touch)
    assert served.ok and served.body() == TOUCH_ICON.read_bytes()
    icon = page.locator('link[rel="icon"]').evaluate("l => l.href")
    assert urlsplit(icon).path == "/assets/brand/icon.svg"

    page.goto("about:blank")
    page.set_content(touch_icon_html(ICON.read_bytes()))
    page.locator("img").evaluate("img => img.decode()")
    fresh = page.evaluate(
        """async (committed) => {
          const load = (src) => new Promise((ok, fail) => {
            const img = new Image(); img.onload = () => ok(img); img.onerror = fail; img.src = src;
          });
          const pixels = (img) => {
            const canvas = new OffscreenCanvas(180, 180);
            const context = canvas.getContext("2d");
            context.fillStyle = "#fff"; context.fillRect(0, 0, 180, 180);
            context.drawImage(img, 0, 0, 180, 180);
            return context.getImageData(0, 0, 180, 180).data;
          };
          const stage = document.createElement("canvas");
          stage.width = stage.height = 180;
          const context = stage.getContext("2d");
          context.fillStyle = "#fff"; context.fillRect(0, 0, 180, 180);
          context.drawImage(document.querySelector("img"), 20, 20, 140, 140);
          const now = context.getImageData(0, 0, 180, 180).data;
          const before = pixels(await load(committed));
          let total = 0;
          for (let i = 0; i < now.length; i++) total += Math.abs(now[i] - before[i]);
          return total / now.length;
        }""",
        "data:image/png;base64," + base64.b64encode(TOUCH_ICON.read_bytes()).decode("ascii"),
    )
    # Mean difference per channel, 0..255: anti-aliasing differs by a little, another icon a lot.
    assert fresh < 2.0, f"{TOUCH_ICON.name} is not the rendering of {ICON.name}: run `make brand`"


@pytest.mark.parametrize(("lang", "slug"), [("de", "subprocessors"), ("en", "documents")])
def test_printed_pages_show_where_links_lead(
    page: Page, live_server: str, lang: str, slug: str
) -> None:
    page.goto(live_server + path_of(lang, slug), wait_until="networkidle")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-top"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("article .tc-reviewed").is_visible()
    link = page.locator("article a[data-print-url]").first
    url = link.get_attribute("data-print-url")
    assert url and url.startswith(live_server + "/")
    shown = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert url in shown

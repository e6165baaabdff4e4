"""Material's bundle starts at the reader's first interaction, not while the page loads
(docs/assets/javascripts/material-on-demand.js): a page that is only read runs none of it, and
whatever the first interaction is, what the bundle does works from then on, a search shortcut
pressed first included."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, Request

from tests.browser.screen import path_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BUNDLE = re.compile(r"/assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js$")
# What Material asks for once it has started: its search's configuration.
SEARCH_CONFIGURATION = re.compile(r"/search/search_index\.json$")


def requests_for(page: Page, pattern: re.Pattern[str]) -> list[str]:
    requested: list[str] = []

    def record(request: Request) -> None:
        if pattern.search(request.url):
            requested.append(request.url)

    page.on("request", record)
    return requested


def starts_and_works(page: Page, first: Callable[[], None]) -> None:
    """The first interaction starts the bundle, which then does its work: scrolled past the
    page's heading, the header shows the page's title instead of the site's."""
    bundles = requests_for(page, BUNDLE)
    with page.expect_request(SEARCH_CONFIGURATION):
        first()
    assert len(bundles) == 1
    page.mouse.wheel(0, 1500)
    page.locator(".md-header__title--active").wait_for(state="attached")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_page_only_read_runs_none_of_the_bundle(page: Page, live_server: str, lang: str) -> None:
    bundles = requests_for(page, BUNDLE)
    page.goto(live_server + path_of(lang, "toms"), wait_until="networkidle")
    page.wait_for_timeout(500)
    assert bundles == []
    # The page reads as it should without it: its content and its navigation are there.
    assert page.locator("article h1").is_visible()
    assert page.locator("nav.md-nav--primary").count() == 1


INTERACTIONS: dict[str, Callable[[Page], None]] = {
    "pointer": lambda page: page.mouse.move(200, 300),
    "wheel": lambda page: page.mouse.wheel(0, 400),
    "key": lambda page: page.keyboard.press("Tab"),
}


@pytest.mark.parametrize("interaction", INTERACTIONS)
def test_the_first_interaction_starts_it(page: Page, live_server: str, interaction: str) -> None:
    page.goto(live_server + path_of("de", "toms"), wait_until="networkidle")
    starts_and_works(page, lambda: INTERACTIONS[interaction](page))


def test_a_first_touch_starts_it(browser: Browser, live_server: str) -> None:
    context = browser.new_context(has_touch=True, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server + path_of("en", "toms"), wait_until="networkidle")
        starts_and_works(page, lambda: page.touchscreen.tap(200, 500))
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_search_shortcut_pressed_first_opens_the_search(
    page: Page, live_server: str, lang: str
) -> None:
    page.goto(live_server + path_of(lang, "toms"), wait_until="networkidle")
    with page.expect_request(SEARCH_CONFIGURATION):
        page.keyboard.press("/")
    page.wait_for_function("() => document.getElementById('__search').checked")
    page.wait_for_function("() => document.activeElement?.classList.contains('md-search__input')")

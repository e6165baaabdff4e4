"""The search knows the domain's names: the DPA by any of its names, the TOMs, the
subprocessors, in each language's own index; it loads on the first query, and the open overlay
with its results passes axe."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request

from tests.browser.screen import axe_everywhere, path_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DPA = {"de": "/dpa/", "en": "/en/dpa/"}
TOMS = {"de": "/toms/", "en": "/en/toms/"}
SUBPROCESSORS = {"de": "/subprocessors/", "en": "/en/subprocessors/"}
QUERIES = [
    *(("de", name, DPA) for name in ("AVV", "Auftragsverarbeitungsvertrag", "DPA")),
    ("de", "data processing agreement", DPA),
    *(("en", name, DPA) for name in ("DPA", "AVV", "Auftragsverarbeitungsvertrag")),
    ("en", "data processing agreement", DPA),
    ("de", "TOMs", TOMS),
    ("de", "technische und organisatorische Maßnahmen", TOMS),
    ("en", "TOMs", TOMS),
    ("en", "technical and organisational measures", TOMS),
    *(("de", name, SUBPROCESSORS) for name in ("Unterauftragsverarbeiter", "Subunternehmer")),
    ("de", "subprocessor", SUBPROCESSORS),
    *(("en", name, SUBPROCESSORS) for name in ("subprocessor", "Unterauftragsverarbeiter")),
    ("en", "Subunternehmer", SUBPROCESSORS),
]


SETTLED = """
async () => {
  const read = () => [...document.querySelectorAll(
    ".md-search-result__item > a.md-search-result__link")].map((a) => a.href);
  let last = JSON.stringify(read());
  for (;;) {
    await new Promise((done) => setTimeout(done, 250));
    const now = JSON.stringify(read());
    if (now === last) return read();
    last = now;
  }
}
"""


def search(page: Page, query: str) -> list[str]:
    """Type `query` into Material's search, as a reader does, and return the result paths."""
    field = page.locator("input.md-search__input")
    field.click()
    field.fill("")
    # Key by key: Material searches on keyboard input.
    field.press_sequentially(query, delay=15)
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    results.first.wait_for(state="attached")
    # Each key sends a query: read the list once the answer to the last one is shown.
    hrefs: list[str] = page.evaluate(SETTLED)
    return [urlsplit(href).path for href in hrefs]


@pytest.mark.parametrize(("lang", "query", "expected"), QUERIES)
def test_search_finds_the_page_by_any_of_its_names(
    page: Page, live_server: str, lang: str, query: str, expected: dict[str, str]
) -> None:
    page.goto(live_server + path_of(lang, ""), wait_until="networkidle")
    found = search(page, query)
    # The page itself comes first, and only pages in the reader's language come at all.
    assert found[0] == expected[lang], found
    others = [path for path in found if path.startswith("/en/") != (lang == "en")]
    assert others == [], found


@pytest.mark.parametrize("lang", ["de", "en"])
def test_search_loads_on_the_first_query(page: Page, live_server: str, lang: str) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(urlsplit(request.url).path)

    page.on("request", record)
    page.goto(live_server + path_of(lang, "toms"), wait_until="networkidle")
    prefix = "" if lang == "de" else "en/"
    configuration = f"/{prefix}search/search_index.json"
    full = f"/{prefix}search/search_index.full.json"
    # Nothing of the search before the reader does something (Material's bundle starts then).
    assert configuration not in requested
    with page.expect_request(lambda request: urlsplit(request.url).path == configuration):
        page.mouse.move(10, 10)
    page.wait_for_load_state("networkidle")
    assert full not in requested
    assert not any("/lunr/" in path for path in requested)
    assert search(page, "encryption" if lang == "en" else "Verschlüsselung")
    assert full in requested


@pytest.mark.parametrize("lang", ["de", "en"])
def test_open_search_with_results_passes_axe(page: Page, live_server: str, lang: str) -> None:
    page.goto(live_server + path_of(lang, ""), wait_until="networkidle")
    assert search(page, "DPA")
    assert page.locator(".md-search-result__meta").is_visible()
    assert axe_everywhere(page) == {}
    # The overlay stayed open, with its results, through the four runs.
    assert page.locator(".md-search-result__item").count() >= 1

"""The strict build of both languages: pages, languages, navigation, 404 pages and search."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from api.content import LANGUAGES, Content, Lang
from tests.site.conftest import SLUGS, page_path
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")


def test_strict_build_is_clean(site: Build) -> None:
    assert "WARNING" not in site.output
    assert "ERROR" not in site.output


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_exists_in_its_language(
    site: Build, content: Content, lang: Lang, slug: str
) -> None:
    html = page_path(site.site_dir, lang, slug).read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    # hreflang alternates: one per language plus x-default, each pointing at this very page,
    # absolute (search engines ignore relative ones; Lighthouse fails them).
    alternates = dict(
        (hreflang, href)
        for href, hreflang in re.findall(
            r'<link rel="alternate" href="([^"]+)" hreflang="([a-z-]+)">', html
        )
    )
    site_url = content.company.trust_center_url
    for other in LANGUAGES:
        prefix = "" if other == "de" else f"{other}/"
        target = f"{prefix}{slug}/" if slug else prefix
        assert alternates[other] == f"{site_url}/{target}", (other, alternates)
    assert alternates["x-default"] == alternates["de"]
    assert set(alternates) == {*LANGUAGES, "x-default"}


@pytest.mark.parametrize("slug", SLUGS)
def test_language_switch_links_to_the_same_page(site: Build, lang: Lang, slug: str) -> None:
    path = page_path(site.site_dir, lang, slug)
    page_url = "https://example.org/" + path.relative_to(site.site_dir).as_posix()
    links = {
        hreflang: urljoin(page_url, href)
        for href, hreflang in re.findall(
            r'<a href="([^"]+)" hreflang="([a-z]{2})" class="md-select__link">',
            path.read_text(encoding="utf-8"),
        )
    }
    assert set(links) == set(LANGUAGES)
    for other, url in links.items():
        prefix = "" if other == "de" else f"{other}/"
        target = f"{prefix}{slug}/" if slug else prefix
        assert url == f"https://example.org/{target}", (lang, other, url)


def test_navigation_is_translated(site: Build) -> None:
    def nav_titles(lang: Lang) -> set[str]:
        html = page_path(site.site_dir, lang, "toms").read_text(encoding="utf-8")
        return set(re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', html))

    german, english = nav_titles("de"), nav_titles("en")
    for de, en in [
        ("Übersicht", "Overview"),
        ("Subauftragsverarbeiter", "Subprocessors"),
        ("Auftragsverarbeitungsvertrag", "Data Processing Agreement"),
        ("Impressum", "Legal notice"),
        ("Datenschutzhinweise", "Privacy notice"),
    ]:
        assert de in german and en not in german
        assert en in english and de not in english


def test_a_not_found_page_in_each_language(site: Build) -> None:
    german = (site.site_dir / "404.html").read_text(encoding="utf-8")
    english = (site.site_dir / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in german and "Seite nicht gefunden" in german
    assert '<html lang="en"' in english and "Page not found" in english
    # Served from any depth, so its links must be absolute.
    assert 'href="/assets/stylesheets/' in english


def test_search_index_per_language(site: Build) -> None:
    def index(prefix: str, name: str) -> dict[str, Any]:
        path = site.site_dir / prefix / "search" / name
        loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return loaded

    german = index("", "search_index.full.json")
    english = index("en", "search_index.full.json")
    assert german["config"]["lang"] == ["de"]
    assert english["config"]["lang"] == ["en"]
    german_titles = {doc["title"] for doc in german["docs"]}
    english_titles = {doc["title"] for doc in english["docs"]}
    assert "Subauftragsverarbeiter" in german_titles and "Subprocessors" not in german_titles
    assert "Subprocessors" in english_titles and "Subauftragsverarbeiter" not in english_titles
    # English locations are relative to /en/, where English pages point Material's search base.
    assert not any(doc["location"].startswith("en/") for doc in english["docs"])
    html = page_path(site.site_dir, "en", "toms").read_text(encoding="utf-8")
    assert '"base":"../../en/"' in html
    # What a page fetches at once is the configuration alone; the lazy worker gets the rest.
    for prefix, full in (("", german), ("en", english)):
        stub = index(prefix, "search_index.json")
        assert stub["docs"] == [] and stub["config"] == full["config"]
        assert stub["config"]["fields"]["keywords"] == {"boost": 1000}


def test_pages_use_the_lazy_search_worker(site: Build) -> None:
    """Each page's search worker is the lazy one, naming Material's worker and the full index
    of the page's language, both existing files, relative to the worker's folder."""
    for lang in LANGUAGES:
        for slug in SLUGS:
            html = page_path(site.site_dir, lang, slug).read_text(encoding="utf-8")
            found = re.search(r'id="__config"[^>]*>(.*?)</script>', html)
            assert found, (lang, slug)
            config = json.loads(found[1])
            worker = urlsplit(config["search"])
            assert worker.path.endswith("assets/javascripts/workers/search-lazy.js")
            params = parse_qs(worker.query)
            workers = site.site_dir / "assets" / "javascripts" / "workers"
            assert (workers / params["worker"][0]).is_file()
            index = (workers / params["index"][0]).resolve()
            prefix = "" if lang == "de" else f"{lang}/"
            assert index == (site.site_dir / f"{prefix}search/search_index.full.json").resolve()


def test_no_marker_is_left_unrendered(site: Build) -> None:
    for page in site.site_dir.rglob("*.html"):
        assert "trustcenter:" not in page.read_text(encoding="utf-8"), page


def test_no_third_party_reference(site: Build) -> None:
    """No page loads anything from another host (links to other sites are not loads)."""
    loads = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)="(https?:)?//')
    for page in site.site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for match in loads.finditer(html):
            tag = html[match.start() : html.index(">", match.start()) + 1]
            assert 'rel="alternate"' in tag or 'rel="canonical"' in tag, (page, tag)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html

"""Every page's first load stays within 80 KB transferred (gzip, the weaker of the two codecs
Netlify uses): the page, its styles and scripts, and what Material's search fetches at start
(the lazy worker and the configuration; the index follows at the first query)."""

from __future__ import annotations

import re

import pytest

from tests.support.page_weight import first_load_files, first_search_files, site_pages, weigh
from tests.support.site_build import PROJECT_ROOT, Build

pytestmark = pytest.mark.xdist_group("site")

LIMIT = 80 * 1024


def test_every_page_first_load_is_at_most_80_kb_compressed(site: Build) -> None:
    pages = site_pages(site.site_dir)
    assert len(pages) >= 22
    heavy = {}
    for page in pages:
        files = first_load_files(site.site_dir, page)
        # The page, Material's stylesheet and bundle, the search worker and its configuration.
        assert len(files) >= 6, files
        names = {file.name for file in files}
        assert "search-lazy.js" in names and "search_index.json" in names
        assert "search_index.full.json" not in names
        weight = weigh(files)
        assert weight.brotli < weight.gzip < weight.raw
        if weight.gzip > LIMIT:
            heavy[page.relative_to(site.site_dir).as_posix()] = weight.gzip
    assert heavy == {}


def test_the_search_follows_at_the_first_query(site: Build) -> None:
    """What the first search loads: Material's worker, lunr's German support on German pages,
    and the full index of the page's language."""
    german = {f.name for f in first_search_files(site.site_dir, site.site_dir / "index.html")}
    assert {"search_index.full.json", "lunr.de.min.js"} <= german
    assert any(name.startswith("search.") and name.endswith(".min.js") for name in german)
    english = first_search_files(site.site_dir, site.site_dir / "en" / "index.html")
    assert site.site_dir / "en" / "search" / "search_index.full.json" in english
    assert not any("lunr" in file.name for file in english)


def test_own_assets_are_minified_and_material_s_bundle_on_demand(site: Build) -> None:
    source = PROJECT_ROOT / "docs" / "assets" / "javascripts" / "forms.js"
    built = site.site_dir / "assets" / "javascripts" / "forms.js"
    assert "/*" in source.read_text("utf-8")
    assert "/*" not in built.read_text("utf-8")
    assert len(built.read_bytes()) < len(source.read_bytes()) * 0.7
    css = (site.site_dir / "assets" / "stylesheets" / "trustcenter.css").read_text("utf-8")
    assert "/*" not in css and "\n" not in css.strip()
    scripts = site.site_dir / "assets" / "javascripts"
    for page in site_pages(site.site_dir):
        html = page.read_text("utf-8")
        # Material's bundle is not a script of the page: its loader carries its address.
        assert not re.search(r'<script src="[^"]*/bundle\.[0-9a-f]{8}\.min\.js"', html), page
        loaders = re.findall(
            r'<script src="([^"]*)material-on-demand\.js" data-bundle="([^"]*)" defer>', html
        )
        assert len(loaders) == 1, page
        folder, bundle = loaders[0]
        assert bundle.startswith(folder)
        assert (scripts / bundle.removeprefix(folder)).is_file(), page

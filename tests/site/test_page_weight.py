"""Every page's first load stays within 100 KB transferred (gzip, the weaker of the two codecs)."""

from __future__ import annotations

import pytest

from tests.support.page_weight import first_load_files, site_pages, weigh
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")

LIMIT = 100 * 1024


def test_every_page_first_load_is_at_most_100_kb_compressed(site: Build) -> None:
    pages = site_pages(site.site_dir)
    assert len(pages) >= 18
    heavy = {}
    for page in pages:
        files = first_load_files(site.site_dir, page)
        # The page itself, Material's stylesheet and bundle, and the search index at least.
        assert len(files) >= 5, files
        weight = weigh(files)
        assert weight.brotli < weight.gzip < weight.raw
        if weight.gzip > LIMIT:
            heavy[page.relative_to(site.site_dir).as_posix()] = weight.gzip
    assert heavy == {}

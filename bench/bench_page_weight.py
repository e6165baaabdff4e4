"""Bytes a first visit transfers per page, both languages (HTML + CSS + JS + what the search
fetches at start), gzip and brotli; and what the first search adds. Target: 80 KB a page."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.page_weight import first_load_files, first_search_files, site_pages, weigh
from tests.support.site_build import build_site

LIMIT = 80 * 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site_dir = Path(tmp) / "site"
        built = build_site(site_dir)
        if not built.ok:
            raise SystemExit(built.output)
        print(
            f"{'page':30} {'files':>5} {'raw KB':>8} {'gzip KB':>8} {'brotli KB':>9}"
            f" {'1st search gzip KB':>19}"
        )
        heaviest = (0, "")
        totals = [0, 0, 0]
        pages = site_pages(site_dir)
        for page in pages:
            files = first_load_files(site_dir, page)
            weight = weigh(files)
            search = weigh(first_search_files(site_dir, page))
            name = "/" + page.relative_to(site_dir).as_posix().removesuffix("index.html")
            print(
                f"{name:30} {len(files):5} {weight.raw / 1024:8.1f} {weight.gzip / 1024:8.1f}"
                f" {weight.brotli / 1024:9.1f} {search.gzip / 1024:19.1f}"
            )
            totals = [totals[0] + weight.raw, totals[1] + weight.gzip, totals[2] + weight.brotli]
            heaviest = max(heaviest, (weight.gzip, name))
        raw, gz, br = totals
        n = len(pages)
        print(
            f"mean per page: raw {raw / n / 1024:.1f} KB, gzip {gz / n / 1024:.1f} KB,"
            f" brotli {br / n / 1024:.1f} KB"
        )
        print(
            f"ratios: gzip/raw {gz / raw:.3f}, brotli/raw {br / raw:.3f}, brotli/gzip {br / gz:.3f}"
        )
        print(
            f"heaviest (gzip): {heaviest[1]} {heaviest[0] / 1024:.1f} KB"
            f" = {heaviest[0] / LIMIT:.0%} of the 80 KB budget"
        )


if __name__ == "__main__":
    main()

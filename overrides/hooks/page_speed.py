"""What a first visit downloads and waits for.

- The site's own scripts and stylesheets are minified in the built site (Material's come
  minified): the sources in docs/assets/ stay commented and readable, and the form pages, whose
  first load must stay within 80 KB (tests/site/test_page_weight.py), lose about 5 KB (gzip).
  ``mkdocs serve`` keeps them as written, for debugging.
- Material's bundle (37 KB) starts at the reader's first interaction
  (docs/assets/javascripts/material-on-demand.js, which takes its place in every page): its
  start-up was the one long task of each page and the whole of its Total Blocking Time, which
  kept Lighthouse's (mobile) performance at 97-99 (bench/bench_lighthouse.py; 100 without it).
  Nothing needed to read a page depends on it; the forms' scripts are our own.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]
import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
BUNDLE = re.compile(
    r'<script src="(?P<folder>[^"]*assets/javascripts/)(?P<bundle>bundle\.[0-9a-f]{8}\.min\.js)">'
    r"</script>"
)
ON_DEMAND = (
    r'<script src="\g<folder>material-on-demand.js" data-bundle="\g<folder>\g<bundle>" defer>'
    r"</script>"
)


def bundle_on_demand(html: str) -> str:
    return BUNDLE.sub(ON_DEMAND, html, count=1)


def own_assets(docs_dir: Path) -> list[Path]:
    """The scripts and stylesheets of docs/ (relative paths), except minified ones."""
    return sorted(
        path.relative_to(docs_dir)
        for path in docs_dir.rglob("*")
        if path.suffix in MINIFIERS and ".min." not in path.name
    )


def minify(site_dir: Path, assets: list[Path]) -> None:
    for asset in assets:
        target = site_dir / asset
        if target.is_file():
            text = target.read_text(encoding="utf-8")
            target.write_text(MINIFIERS[target.suffix](text), encoding="utf-8")


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return bundle_on_demand(output)


@event_priority(50)  # before language_pages keeps each language's 404 page
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return bundle_on_demand(output_content) if template_name == "404.html" else output_content


@event_priority(-125)  # once every language is written, before the headers (-130)
def on_post_build(config: MkDocsConfig) -> None:
    if build.STATE.serving or not build.is_site_complete(config):
        return
    minify(Path(config.site_dir), own_assets(Path(config.docs_dir)))

"""Write the sitemaps once every language is built: ``/sitemap.xml`` with every page and
``/en/sitemap.xml`` with the English pages (a sitemap lists URLs under its own folder only).

Each URL carries its alternates in every language plus ``x-default`` (the default language's
page), all absolute, and as ``lastmod`` the page's review date from ``data/reviews.yml`` (see
page_reviews.py), not the build date: the date changes when the content was reviewed. These
replace the sitemap mkdocs-static-i18n writes, which has neither x-default nor content dates.
"""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from api.content import LANGUAGES, Lang

SITEMAP = "sitemap.xml"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def page_language(url: str) -> Lang:
    for lang in LANGUAGES:
        prefix = build.language_prefix(lang)
        if prefix and url.startswith(prefix):
            return lang
    return build.DEFAULT_LANGUAGE


def sitemap(page_dates: dict[str, date], site: str, only: Lang | None = None) -> bytes:
    """The sitemap of every page in `page_dates` (URLs relative to `site`), or of one language."""
    by_slug: dict[str, dict[Lang, str]] = {}
    for url in page_dates:
        lang = page_language(url)
        by_slug.setdefault(url.removeprefix(build.language_prefix(lang)), {})[lang] = url
    ET.register_namespace("", NS)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{NS}}}urlset")
    for slug in sorted(by_slug):
        versions = by_slug[slug]
        for lang in LANGUAGES:
            if lang not in versions or only not in (None, lang):
                continue
            entry = ET.SubElement(urlset, f"{{{NS}}}url")
            ET.SubElement(entry, f"{{{NS}}}loc").text = site + versions[lang]
            ET.SubElement(entry, f"{{{NS}}}lastmod").text = page_dates[versions[lang]].isoformat()
            alternates: list[tuple[str, str]] = [
                (other, versions[other]) for other in LANGUAGES if other in versions
            ]
            if build.DEFAULT_LANGUAGE in versions:
                alternates.append(("x-default", versions[build.DEFAULT_LANGUAGE]))
            for hreflang, url in alternates:
                ET.SubElement(
                    entry,
                    f"{{{XHTML}}}link",
                    {"rel": "alternate", "hreflang": hreflang, "href": site + url},
                )
    ET.indent(urlset)
    document: bytes = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def write_sitemaps(site_dir: Path, page_dates: dict[str, date], site: str) -> None:
    targets: list[tuple[Path, Lang | None]] = [(site_dir / SITEMAP, None)]
    targets += [
        (site_dir / build.language_prefix(lang) / SITEMAP, lang)
        for lang in LANGUAGES
        if build.language_prefix(lang)
    ]
    for path, only in targets:
        data = sitemap(page_dates, site, only)
        path.write_bytes(data)
        # mtime=0: the same content gives the same file.
        path.with_name(SITEMAP + ".gz").write_bytes(gzip.compress(data, mtime=0))


@event_priority(-105)  # after mkdocs-static-i18n (-100) wrote its sitemap
def on_post_build(config: MkDocsConfig) -> None:
    if not build.is_site_complete(config):
        return
    write_sitemaps(Path(config.site_dir), build.STATE.page_dates, build.site_url(config))

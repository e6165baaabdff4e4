"""What a first visit to a page of the built site transfers, and its compressed size."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import brotli  # type: ignore[import-untyped]

REFERENCE = re.compile(
    r'<(?:link\b[^>]*\brel="(?:stylesheet|icon)"[^>]*\bhref|script\b[^>]*\bsrc|img\b[^>]*\bsrc)="([^"]+)"'
)
CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
# Servers send these as they are: they are compressed formats already.
COMPRESSED_ALREADY = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff2", ".ico"}
ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]+)" hreflang="[a-z-]+">')
HTML_LANG = re.compile(r'<html lang="([a-z]{2})"')


@dataclass(frozen=True)
class Weight:
    files: tuple[Path, ...]
    raw: int
    gzip: int
    brotli: int


def _url_of(site_dir: Path, page: Path) -> str:
    relative = page.relative_to(site_dir).as_posix()
    return "/" + relative.removesuffix("index.html")


def first_load_files(site_dir: Path, page: Path) -> list[Path]:
    """The page, its stylesheets, scripts, icon and images, and what Material's search loads at
    start: the worker, the page language's index and lunr's language support."""
    html = page.read_text(encoding="utf-8")
    url = _url_of(site_dir, page)
    references = REFERENCE.findall(html)
    config = CONFIG.search(html)
    if config:
        settings = json.loads(config.group(1))
        base = urljoin(url, settings["base"])
        references += [settings["search"], urljoin(base, "search/search_index.json")]
        lang = HTML_LANG.search(html)
        if lang and lang.group(1) != "en":
            lunr = urljoin(url, settings["search"]).rsplit("/workers/", 1)[0] + "/lunr/min/"
            references += [
                lunr + "lunr.stemmer.support.min.js",
                f"{lunr}lunr.{lang.group(1)}.min.js",
            ]
    # Material fetches sitemap.xml next to each hreflang alternate (rewritten to /sitemap.xml).
    references += [urljoin(href, "sitemap.xml") for href in set(ALTERNATE.findall(html))]
    files = [page]
    for reference in references:
        parts = urlsplit(urljoin(url, reference))
        if parts.scheme or parts.netloc:
            raise AssertionError(f"{page}: loads {reference} from another host")
        path = site_dir / PurePosixPath(parts.path).relative_to("/")
        if path.name == "sitemap.xml":
            path = site_dir / "sitemap.xml"
        if path not in files or path.name == "sitemap.xml":
            files.append(path)
    return files


def weigh(files: list[Path]) -> Weight:
    raw = gz = br = 0
    for path in files:
        data = path.read_bytes()
        raw += len(data)
        if path.suffix in COMPRESSED_ALREADY:
            gz += len(data)
            br += len(data)
            continue
        gz += len(gzip.compress(data, compresslevel=6))
        br += len(brotli.compress(data, quality=11))
    return Weight(tuple(files), raw, gz, br)


def site_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))

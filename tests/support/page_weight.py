"""What a first visit to a page of the built site transfers, and its compressed size."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, urljoin, urlsplit

import brotli  # type: ignore[import-untyped]

REFERENCE = re.compile(
    r'<(?:link\b[^>]*\brel="(?:stylesheet|icon)"[^>]*\bhref|script\b[^>]*\bsrc|img\b[^>]*\bsrc)="([^"]+)"'
)
# Material's bundle, which starts at the reader's first interaction: counted as a first load.
BUNDLE_ON_DEMAND = re.compile(r'<script\b[^>]*\bdata-bundle="([^"]+)"')
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


def _search_settings(html: str, url: str) -> tuple[str, str, dict[str, list[str]]] | None:
    """Material's search worker and index (URLs from the page's ``__config``), and the worker's
    query parameters (the lazy worker names Material's worker and the full index there)."""
    config = CONFIG.search(html)
    if not config:
        return None
    settings = json.loads(config.group(1))
    base = urljoin(url, settings["base"])
    worker = urljoin(url, settings["search"])
    return worker, urljoin(base, "search/search_index.json"), parse_qs(urlsplit(worker).query)


def _lunr(worker: str, html: str) -> list[str]:
    """What Material's worker imports for the page's language (English needs nothing)."""
    lang = HTML_LANG.search(html)
    if not lang or lang.group(1) == "en":
        return []
    lunr = worker.rsplit("/workers/", 1)[0] + "/lunr/min/"
    return [lunr + "lunr.stemmer.support.min.js", f"{lunr}lunr.{lang.group(1)}.min.js"]


def _files(site_dir: Path, page: Path, references: list[str]) -> list[Path]:
    url = _url_of(site_dir, page)
    files = []
    for reference in references:
        parts = urlsplit(urljoin(url, reference))
        if parts.scheme or parts.netloc:
            raise AssertionError(f"{page}: loads {reference} from another host")
        path = site_dir / PurePosixPath(parts.path).relative_to("/")
        if path.is_dir():
            path /= "index.html"
        if path.name == "sitemap.xml" and not path.is_file():
            path = site_dir / "sitemap.xml"  # Netlify's rewrite (netlify.toml)
        if path not in files or path.name == "sitemap.xml":
            files.append(path)
    return files


def first_load_files(site_dir: Path, page: Path) -> list[Path]:
    """The page, its stylesheets, scripts, icon and images, Material's bundle and what its
    search loads at start (the worker and the index it is given), and the sitemaps its language
    switch fetches next to each hreflang alternate: the bundle starts at the first interaction,
    and a reader who scrolls has all of it."""
    html = page.read_text(encoding="utf-8")
    url = _url_of(site_dir, page)
    references = [url, *REFERENCE.findall(html), *BUNDLE_ON_DEMAND.findall(html)]
    search = _search_settings(html, url)
    if search:
        worker, index, params = search
        references += [urlsplit(worker).path, index]
        if "worker" not in params:  # Material's own worker loads everything at once
            references += [*_lunr(worker, html), urljoin(index, "search_index.json")]
    # Alternates are absolute (the site's URL); the sitemap is fetched from the same origin.
    alternates = {urlsplit(href).path for href in ALTERNATE.findall(html)}
    references += [urljoin(path, "sitemap.xml") for path in sorted(alternates)]
    return _files(site_dir, page, references)


def first_search_files(site_dir: Path, page: Path) -> list[Path]:
    """What the lazy search worker loads at the reader's first query: Material's worker, lunr's
    language support and the full index."""
    html = page.read_text(encoding="utf-8")
    url = _url_of(site_dir, page)
    search = _search_settings(html, url)
    if not search or "worker" not in search[2]:
        return []
    worker, _, params = search
    folder = worker.rsplit("/", 1)[0] + "/"
    references = [urljoin(folder, params["worker"][0]), *_lunr(worker, html)]
    references.append(urljoin(folder, params["index"][0]))
    return _files(site_dir, page, references)


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

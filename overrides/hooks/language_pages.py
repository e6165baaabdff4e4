"""Give each language its own 404 page and its own search index, and every page absolute
alternates.

mkdocs-static-i18n builds both languages into one ``site/`` and so writes a single ``404.html``
(the last language built wins) and a single search index holding both languages. This hook keeps
each language's 404 page and writes it to ``/404.html`` and ``/en/404.html``, and splits the search
index into ``/search/search_index.json`` (German) and ``/en/search/search_index.json`` (English):
Material fetches the index relative to the ``base`` in each page's ``__config``, which English
pages get pointed at ``/en/``, so a search only ever finds pages in the reader's language.

The search itself loads on the first query (``assets/javascripts/workers/search-lazy.js``): the
index each page fetches is a stub holding the configuration only; the documents are in
``search/search_index.full.json`` next to it.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from api.content import LANGUAGES, Lang

CONFIG_SCRIPT = re.compile(
    r'(<script id="__config" type="application/json">)(?P<json>.*?)(</script>)', re.DOTALL
)
SEARCH_INDEX = Path("search") / "search_index.json"
FULL_SEARCH_INDEX = Path("search") / "search_index.full.json"
LAZY_WORKER = "search-lazy.js"
ALTERNATE = re.compile(
    r'<link rel="alternate" href="(?P<href>[^"]*)" hreflang="(?P<lang>[a-z-]+)">'
)
SWITCH_LINK = re.compile(r'<a href="[^"]*" hreflang="(?P<lang>[a-z]+)" class="md-select__link">')


def lazy_search_worker(worker: str, lang: Lang) -> str:
    """The URL of the lazy search worker in place of Material's ``worker`` (same folder): it
    loads Material's worker and the language's full index on the first query."""
    folder, name = posixpath.split(worker)
    # `folder` leads from the page to the site's assets/javascripts/workers/.
    index = posixpath.relpath(
        build.language_prefix(lang) + FULL_SEARCH_INDEX.as_posix(), folder.lstrip("./")
    )
    return f"{folder}/{LAZY_WORKER}?worker={quote(name)}&index={quote(index)}"


def localize_config(html: str, lang: Lang) -> str:
    """Point Material's ``__config`` base (search index, result links) at the language's root,
    and its search worker at the lazy one."""
    prefix = build.language_prefix(lang)

    def rebase(match: re.Match[str]) -> str:
        config = json.loads(match["json"])
        if prefix:
            base = str(config["base"])
            config["base"] = base + prefix if base.endswith("/") else f"{base}/{prefix}"
        config["search"] = lazy_search_worker(str(config["search"]), lang)
        return match[1] + json.dumps(config, separators=(",", ":")) + match[3]

    return CONFIG_SCRIPT.sub(rebase, html, count=1)


def absolute_alternates(html: str, page_url: str) -> str:
    """Make the hreflang alternates absolute (search engines ignore relative ones) and name the
    default language's page as the one for readers of any other language (x-default).

    Material fetches ``sitemap.xml`` next to each alternate (see the rewrites in netlify.toml):
    the site must be built for the origin it is served from (``TRUSTCENTER_SITE_URL``; `make
    run` and the tests do so), or those requests would cross origins.
    """
    default: str | None = None

    def absolute(match: re.Match[str]) -> str:
        nonlocal default
        href = urljoin(page_url, match["href"])
        if match["lang"] == build.DEFAULT_LANGUAGE:
            default = href
        return f'<link rel="alternate" href="{href}" hreflang="{match["lang"]}">'

    html = ALTERNATE.sub(absolute, html)
    if default is None:
        return html
    last = list(ALTERNATE.finditer(html))[-1]
    x_default = f'<link rel="alternate" href="{default}" hreflang="x-default">'
    return html[: last.end()] + x_default + html[last.end() :]


def not_found_alternates(html: str) -> str:
    """A 404 page has no counterpart in another language: its language switch leads to each
    language's home page, and it announces no alternates."""

    def home(match: re.Match[str]) -> str:
        lang = match["lang"]
        root = "/" + (build.language_prefix(lang) if lang in LANGUAGES else "")
        return f'<a href="{root}" hreflang="{lang}" class="md-select__link">'

    return SWITCH_LINK.sub(home, ALTERNATE.sub("", html))


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    page_url = build.site_url(config) + page.url
    return localize_config(absolute_alternates(output, page_url), build.language(config))


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        lang = build.language(config)
        output_content = not_found_alternates(localize_config(output_content, lang))
        build.STATE.not_found_pages[lang] = output_content
    return output_content


def split_search_index(site_dir: Path) -> None:
    index: dict[str, Any] = json.loads((site_dir / SEARCH_INDEX).read_text(encoding="utf-8"))
    docs: list[dict[str, Any]] = index["docs"]
    for lang in LANGUAGES:
        prefix = build.language_prefix(lang)
        others = tuple(build.language_prefix(other) for other in LANGUAGES if other != lang)
        if prefix:
            mine = [
                {**doc, "location": doc["location"].removeprefix(prefix)}
                for doc in docs
                if doc["location"].startswith(prefix)
            ]
        else:
            mine = [doc for doc in docs if not doc["location"].startswith(others)]
        config = {**index["config"], "lang": [lang]}
        # The page fetches the stub at once; the lazy worker the documents at the first query.
        for path, entries in ((SEARCH_INDEX, []), (FULL_SEARCH_INDEX, mine)):
            target = site_dir / prefix / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                json.dumps(
                    {**index, "config": config, "docs": entries},
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
                encoding="utf-8",
            )


@event_priority(-110)  # after mkdocs-static-i18n (-100) has built every language
def on_post_build(config: MkDocsConfig) -> None:
    if not build.is_site_complete(config):
        return
    site_dir = Path(config.site_dir)
    for lang, html in build.STATE.not_found_pages.items():
        target = site_dir / build.language_prefix(lang) / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    split_search_index(site_dir)

"""Give each language its own 404 page and its own search index.

mkdocs-static-i18n builds both languages into one ``site/`` and so writes a single ``404.html``
(the last language built wins) and a single search index holding both languages. This hook keeps
each language's 404 page and writes it to ``/404.html`` and ``/en/404.html``, and splits the search
index into ``/search/search_index.json`` (German) and ``/en/search/search_index.json`` (English):
Material fetches the index relative to the ``base`` in each page's ``__config``, which English
pages get pointed at ``/en/``, so a search only ever finds pages in the reader's language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from api.content import LANGUAGES, Lang

CONFIG_SCRIPT = re.compile(
    r'(<script id="__config" type="application/json">)(?P<json>.*?)(</script>)', re.DOTALL
)
SEARCH_INDEX = Path("search") / "search_index.json"


def localize_config_base(html: str, lang: Lang) -> str:
    """Point Material's ``__config`` base (search index, result links) at the language's root."""
    prefix = build.language_prefix(lang)
    if not prefix:
        return html

    def rebase(match: re.Match[str]) -> str:
        config = json.loads(match["json"])
        base = str(config["base"])
        config["base"] = base + prefix if base.endswith("/") else f"{base}/{prefix}"
        return match[1] + json.dumps(config, separators=(",", ":")) + match[3]

    return CONFIG_SCRIPT.sub(rebase, html, count=1)


def add_x_default(html: str) -> str:
    """Name the German page as the default for readers of any other language.

    The alternates stay relative: Material fetches ``sitemap.xml`` next to each of them (see the
    rewrites in netlify.toml), which absolute production URLs would turn into a cross-origin
    request during local runs. The absolute alternates for search engines are in sitemap.xml.
    """
    default = re.search(
        rf'<link rel="alternate" href="([^"]+)" hreflang="{build.DEFAULT_LANGUAGE}">', html
    )
    if default is None:
        return html
    x_default = f'<link rel="alternate" href="{default[1]}" hreflang="x-default">'
    return html.replace(default[0], default[0] + x_default, 1)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return localize_config_base(add_x_default(output), build.language(config))


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        lang = build.language(config)
        output_content = localize_config_base(output_content, lang)
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
        localized = {**index, "config": {**index["config"], "lang": [lang]}, "docs": mine}
        target = site_dir / prefix / SEARCH_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(localized, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
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

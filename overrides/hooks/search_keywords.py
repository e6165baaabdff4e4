"""Let the search find a page by the other names of its subject.

Readers search for "AVV" or "data processing agreement" as often as for the page's title. A page
lists those names in its front matter (``search_keywords: [AVV, DPA, …]``); this hook copies them
into the ``keywords`` field of the page's own search entry (declared, with its boost, under the
search plugin's ``fields`` in mkdocs.yml), so they match without showing anywhere on the page or
in the result. It edits the search plugin's entries in memory: mkdocs-static-i18n rebuilds the
index from them, so an edit of the written file would be lost.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

FIELD = "keywords"


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    # Hooks run after the plugins: the search plugin has added this page's entries already.
    words = page.meta.get("search_keywords")
    if not words:
        return context
    if not isinstance(words, list):
        raise PluginError(f"{page.file.src_uri}: search_keywords must be a list")
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is None:
        return context
    for entry in search.search_index.entries:
        if entry["location"] == page.url:  # the page's entry, not one of its sections
            entry[FIELD] = " ".join(str(word) for word in words)
            break
    return context

"""Show under each page's title when its content was last reviewed, and remember the date for
the sitemap.

A page names the parts of ``data/reviews.yml`` it is made of in its front matter
(``reviewed: toms`` or ``reviewed: [toms, dpa]``); it shows the newest of their dates. A page
without that front matter, or naming an unknown part, stops the build: a trust center page with
no review date is the gap this closes.
"""

from __future__ import annotations

import re

import trustcenter_build as build
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from api.core.i18n import long_date

TITLE_END = re.compile(r"</h1>", re.IGNORECASE)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = build.language(config)
    content = build.content()
    parts = page.meta.get("reviewed")
    if isinstance(parts, str):
        parts = [parts]
    if not isinstance(parts, list) or not parts:
        raise PluginError(
            f"{page.file.src_uri}: front matter 'reviewed' missing: name the parts of "
            "data/reviews.yml this page shows (e.g. 'reviewed: toms')"
        )
    try:
        day = content.reviewed([str(part) for part in parts])
    except KeyError as error:
        raise PluginError(
            f"{page.file.src_uri}: front matter 'reviewed': unknown part {error}"
        ) from None
    build.STATE.page_dates[page.url] = day
    title_end = TITLE_END.search(html)
    if title_end is None:
        raise PluginError(f"{page.file.src_uri}: no title (# …) to show the review date under")
    when = Markup('<time datetime="{}">{}</time>').format(day.isoformat(), long_date(day, lang))
    # Safe: the message is escaped; only the <time> element is markup.
    line = Markup(escape(content.messages.t("reviewed.text", lang))).format(date=when)  # noqa: S704
    reviewed = f'\n<p class="tc-reviewed">{line}</p>'
    return html[: title_end.end()] + reviewed + html[title_end.end() :]

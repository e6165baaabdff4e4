"""Printed pages show where their links lead.

A lawyer prints the TOMs or the subprocessor list: a link is then only useful with its address.
The print stylesheet (trustcenter.css) writes each link's address after it; addresses within the
site are relative in the page, so this hook gives every such link its absolute URL in
``data-print-url``. Links within the page (``#…``) and the headings' permalinks are left alone.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urljoin

import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

LINK = re.compile(r'<a\b(?P<attrs>[^>]*?)\shref="(?P<href>[^"#][^"]*)"(?P<rest>[^>]*)>')
ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def print_urls(html: str, page_url: str) -> str:
    def add(match: re.Match[str]) -> str:
        href = unescape(match["href"])
        if ABSOLUTE.match(href) or "headerlink" in match["attrs"] + match["rest"]:
            return match[0]
        url = escape(urljoin(page_url, href))
        return f'<a{match["attrs"]} href="{match["href"]}" data-print-url="{url}"{match["rest"]}>'

    return LINK.sub(add, html)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return print_urls(html, build.site_url(config) + page.url)

"""Fill the marker comments in docs/*.md with facts from data/, in the page's language.

A page says *where* a fact goes, e.g. ``<!-- trustcenter:measure authentication -->``; the fact
itself is rendered from ``overrides/hooks/templates/<marker>.html`` (Markdown with HTML), so
every measure, subprocessor and address is written once, in data/, and shows up the same on every
page.
An unknown marker or id stops the build rather than leaving a hole in a page.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import trustcenter_build as build
from announcements import announcements
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from api.content import Content, Lang, Text
from api.i18n import country_name, long_date

MARKER = re.compile(
    r"<!--\s*trustcenter:(?P<name>[a-z][a-z-]*)(?:\s+(?P<arg>[A-Za-z0-9_.]+))?\s*-->"
)
TEMPLATES = Path(__file__).resolve().parent / "templates"
# Characters Python-Markdown would read as markup; data is text, so they are escaped.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def markdown_text(value: object) -> Markup:
    """Escape a data value for a Markdown context (HTML-escaped and markup-escaped)."""
    # Safe: the value is HTML-escaped before the Markdown escapes are added.
    return Markup(MARKDOWN_SPECIALS.sub(r"\\\1", str(escape(str(value)))))  # noqa: S704


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    return env


ENV = _environment()


class MarkerError(LookupError):
    """A marker that names no template, measure or value."""


def _value(content: Content, path: str, lang: Lang) -> str:
    """A single value by dotted path, e.g. ``company.subprocessor_objection_days``."""
    current: Any = content
    for part in path.split("."):
        if part.startswith("_") or not hasattr(current, part):
            raise MarkerError(f"unknown value '{path}'")
        current = getattr(current, part)
    if isinstance(current, Text):
        return current(lang)
    if isinstance(current, str | int | date):
        return current.isoformat() if isinstance(current, date) else str(current)
    raise MarkerError(f"'{path}' is not a single value")


def render(name: str, arg: str | None, lang: Lang, content: Content, page_url: str) -> str:
    """Render one marker in one language."""
    if name == "value":
        if arg is None:
            raise MarkerError("a value marker needs a path")
        return str(markdown_text(_value(content, arg, lang)))
    try:
        template = ENV.get_template(f"{name}.html")
    except TemplateNotFound:
        raise MarkerError(f"unknown marker '{name}'") from None
    measure = None
    if name == "measure":
        try:
            measure = content.toms.measure(arg or "")
        except KeyError:
            raise MarkerError(f"unknown measure '{arg}'") from None
    return template.render(
        lang=lang,
        arg=arg,
        measure=measure,
        company=content.company,
        toms=content.toms,
        subprocessors=content.subprocessors,
        announcements=announcements(content.subprocessors),
        long_date=lambda value: long_date(value, lang),
        country=lambda code: country_name(code, lang),
        root="/" + build.language_prefix(lang),
        page_url=page_url,
    )


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    content = build.load(config)
    company = content.company
    config.site_name = f"{company.name} Trust Center"
    config.site_url = os.environ.get(build.SITE_URL_VAR) or f"{company.trust_center_url}/"
    config.copyright = f"© {date.today().year} {company.legal_name}"
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = build.language(config)
    content = build.content()

    def replace(match: re.Match[str]) -> str:
        try:
            return render(match["name"], match["arg"], lang, content, page.url)
        except MarkerError as error:
            raise PluginError(f"{page.file.src_uri}: marker '{match[0]}': {error}") from None

    return MARKER.sub(replace, markdown)

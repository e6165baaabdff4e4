"""UNOY's brand, from one place: ``docs/assets/brand/`` (logo, icon, touch icon, palette).

The logo (``theme.logo`` in mkdocs.yml) is inlined into the header rather than loaded as an
image: it draws in ``currentColor``, so it takes the header's colour in light and dark mode, and
costs no request. ``overrides/partials/logo.html`` shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!--.*?-->", re.DOTALL)
SVG_START = re.compile(r"<svg\b")


def inline_logo(svg: str) -> Markup:
    """The SVG for inlining: no prologue or comments, hidden from screen readers (the link
    around it carries the site's name)."""
    svg = PROLOGUE.sub("", svg).strip()
    if not SVG_START.match(svg):
        raise PluginError("theme.logo: not an SVG file")
    # Safe: the logo is a file of the repository, not input.
    return Markup(SVG_START.sub('<svg aria-hidden="true" focusable="false"', svg, count=1))  # noqa: S704


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    logo = config.theme.get("logo")
    if not logo:
        raise PluginError("mkdocs.yml: theme.logo must name the logo (docs/assets/brand/logo.svg)")
    env.globals["brand_logo"] = inline_logo((Path(config.docs_dir) / logo).read_text("utf-8"))
    return env

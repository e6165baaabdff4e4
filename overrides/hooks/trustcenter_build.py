"""What the site hooks share: this build's content, the language being built, and the build's end.

mkdocs-static-i18n builds German first and then, from inside German's ``on_post_build``, English
into the same ``site/``. The content is therefore loaded once, in the first ``on_config``, and the
hooks that write whole-site files wait for the outermost ``on_post_build``
(:func:`is_site_complete`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from api.content import LANGUAGES, Content, ContentError, Lang, load_content
from api.content.completeness import example_problems
from api.core.files import ENV_VARS
from api.core.i18n import DEFAULT_LANG, language_prefix

ENV_VAR = "TRUSTCENTER_ENV"
SITE_URL_VAR = "TRUSTCENTER_SITE_URL"
API_ORIGIN_VAR = "TRUSTCENTER_API_ORIGIN"
# Where the forms of pages served by `mkdocs serve` send their requests (a running API).
SERVE_API_VAR = "TRUSTCENTER_SERVE_API"
SERVE_API_DEFAULT = "http://127.0.0.1:8000/api"
DEFAULT_LANGUAGE: Lang = DEFAULT_LANG

__all__ = ["language_prefix"]


@dataclass
class BuildState:
    content: Content | None = None
    # `mkdocs serve` rather than `mkdocs build` (set by on_startup).
    serving: bool = False
    # Material renders 404.html once per language into the same path; each language's output is
    # kept here and written to /404.html and /en/404.html when the whole site is built.
    not_found_pages: dict[Lang, str] = field(default_factory=dict)
    # Each page's review date by its URL ("en/toms/"), for the sitemap (page_reviews.py).
    page_dates: dict[str, date] = field(default_factory=dict)


STATE = BuildState()


def _i18n(config: MkDocsConfig) -> Any:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        raise PluginError("mkdocs.yml: the i18n plugin (mkdocs-static-i18n) is required")
    return plugin


def language(config: MkDocsConfig) -> Lang:
    """The language of the pass being built (the i18n plugin sets the theme's language)."""
    value = str(config.theme["language"])
    if value not in LANGUAGES:
        raise PluginError(f"mkdocs.yml: theme.language '{value}' is not one of {LANGUAGES}")
    return value


def is_first_pass(config: MkDocsConfig) -> bool:
    """True in the outermost build (German); the i18n plugin builds English from inside it."""
    return not _i18n(config).building


def is_site_complete(config: MkDocsConfig) -> bool:
    """True in the outermost on_post_build, after every language has been written."""
    return not _i18n(config).building


def is_production() -> bool:
    return os.environ.get(ENV_VAR, "development") == "production"


def api_origin() -> str | None:
    value = os.environ.get(API_ORIGIN_VAR, "").strip().rstrip("/")
    return value or None


def forms_api() -> str:
    """Where the forms send their requests: the site's own /api (Netlify rewrites it to the
    API), or under `mkdocs serve` a running API on another port."""
    if STATE.serving:
        return os.environ.get(SERVE_API_VAR, "").strip().rstrip("/") or SERVE_API_DEFAULT
    return "/api"


def data_dir(config: MkDocsConfig) -> Path:
    """`TRUSTCENTER_DATA_DIR`, else the `data/` next to mkdocs.yml: the build reads the
    checkout it builds, whether the code is installed from it or not."""
    override = os.environ.get(ENV_VARS["data"], "").strip()
    return Path(override) if override else Path(config.config_file_path).parent / "data"


def production_problems(content: Content) -> list[str]:
    """Everything that keeps this content from being published."""
    problems = example_problems(content, "site")
    origin = api_origin()
    if origin is None:
        problems.append(f"{API_ORIGIN_VAR}: not set (the origin /api/* is rewritten to)")
    else:
        parts = urlsplit(origin)
        if parts.scheme != "https" or not parts.netloc or parts.path not in ("", "/"):
            problems.append(f"{API_ORIGIN_VAR}: '{origin}' is not an https origin")
    return problems


def load(config: MkDocsConfig) -> Content:
    """Load and check the content at the start of the build, before site/ is touched."""
    if STATE.content is not None and not is_first_pass(config):
        return STATE.content
    STATE.not_found_pages.clear()
    STATE.page_dates.clear()
    try:
        content = load_content(data_dir(config))
    except ContentError as error:
        listed = "\n  ".join(error.problems)
        raise PluginError(f"invalid content, nothing was built:\n  {listed}") from None
    if is_production():
        problems = production_problems(content)
        if problems:
            raise PluginError(
                "production build refused, nothing was built:\n  " + "\n  ".join(problems)
            )
    STATE.content = content
    return content


def content() -> Content:
    if STATE.content is None:
        raise PluginError("the content was not loaded: is overrides/hooks/content_pages.py listed?")
    return STATE.content


def site_url(config: MkDocsConfig) -> str:
    """The public URL of the site, with a trailing slash."""
    return str(config.site_url or "/").rstrip("/") + "/"

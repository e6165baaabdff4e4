"""The languages of the Trust Center, how a request picks one, and how dates and countries are
written in each (the same on the site, in the DPA and in mail).

This is the one list of languages: adding one means adding it here, to the `Text` model of
`api/content/model.py` and to `mkdocs.yml`, plus its translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Literal, get_args

Lang = Literal["de", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
# German is UNOY's language: the site's default (at /), the fallback of every negotiation.
DEFAULT_LANG: Lang = LANGUAGES[0]
# British English ("26 November 2026"), not the US "November 26, 2026" of babel's bare "en":
# a German vendor writes for European readers.
BABEL_LOCALES: dict[Lang, str] = {"de": "de_DE", "en": "en_GB"}


def as_lang(value: object) -> Lang | None:
    for lang in LANGUAGES:
        if value == lang:
            return lang
    return None


def negotiate(accept_language: str | None) -> Lang:
    """Pick a language from an Accept-Language header by q-value; German by default."""
    if not accept_language:
        return DEFAULT_LANG
    best: tuple[float, Lang] | None = None
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        lang = as_lang(tag.strip().lower()[:2])
        if lang is None:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, lang)
    return best[1] if best else DEFAULT_LANG


def language_prefix(lang: Lang) -> str:
    """The site's URL path prefix of a language: '' for German at /, 'en/' for English."""
    return "" if lang == DEFAULT_LANG else f"{lang}/"


# babel is imported where it is used: a cold start of the API that answers a health check or
# an error does not need its locale data.


def long_date(day: date, lang: Lang) -> str:
    """A date for people: "26. November 2026", "26 November 2026" (machines get ISO 8601)."""
    from babel.dates import format_date

    return str(format_date(day, format="long", locale=BABEL_LOCALES[lang]))


@cache
def _territories(lang: Lang) -> Mapping[str, str]:
    from babel import Locale

    # Parsing a locale costs more than the lookup; a DPA names hundreds of countries.
    return dict(Locale.parse(BABEL_LOCALES[lang]).territories)


def country_name(code: str, lang: Lang) -> str:
    """The name of an ISO 3166 alpha-2 country in the language, e.g. "Deutschland"."""
    return str(_territories(lang).get(code, code))

"""The two languages: how a request picks one, and how dates and countries are written in each
(the same in the site, the DPA and the mail)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypeAlias

from babel import Locale
from babel.dates import format_date

from api.content import Lang as Lang  # re-exported: one definition of the two languages

DEFAULT_LANG: Lang = "de"
# British English ("26 November 2026"), not the US "November 26, 2026" of babel's bare "en":
# a German vendor writes for European readers.
BABEL_LOCALES: dict[Lang, str] = {"de": "de_DE", "en": "en_GB"}

# A message in both languages, e.g. {"de": "…", "en": "…"}.
Localized: TypeAlias = Mapping[Lang, str]


def as_lang(value: object) -> Lang | None:
    if value == "de":
        return "de"
    if value == "en":
        return "en"
    return None


def negotiate(accept_language: str | None) -> Lang:
    """Pick de or en from an Accept-Language header by q-value; German is UNOY's default."""
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


def long_date(day: date, lang: Lang) -> str:
    """A date for people: "26. November 2026", "26 November 2026" (machines get ISO 8601)."""
    return str(format_date(day, format="long", locale=BABEL_LOCALES[lang]))


def country_name(code: str, lang: Lang) -> str:
    """The name of an ISO 3166 alpha-2 country in the language, e.g. "Deutschland"."""
    return str(Locale.parse(BABEL_LOCALES[lang]).territories.get(code, code))

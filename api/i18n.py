"""The two languages of the API and how a request picks one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias, get_args

Lang: TypeAlias = Literal["de", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "de"

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

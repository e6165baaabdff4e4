"""The site, built once per test session (strict, both languages) into a temporary directory."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.content import LANGUAGES, Content, Lang, load_content
from tests.support.site_build import Build, build_site

# Every page of the site, by slug; identical in both languages.
SLUGS = (
    "",
    "toms",
    "subprocessors",
    "security",
    "dpa",
    "contact",
    "legal-notice",
    "privacy",
    # Outside the navigation: the pages the links of subscription mails open.
    "subscription-confirm",
    "unsubscribe",
    "faq",
    "documents",
)


MONTHS: dict[Lang, tuple[str, ...]] = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def human_date(value: date, lang: Lang) -> str:
    """A date as the site writes it for people: "26. November 2026" or "26 November 2026"."""
    month = MONTHS[lang][value.month - 1]
    return (
        f"{value.day}. {month} {value.year}"
        if lang == "de"
        else f"{value.day} {month} {value.year}"
    )


def us_date(value: date) -> str:
    """The American form ("November 26, 2026") the English site must not use."""
    return f"{MONTHS['en'][value.month - 1]} {value.day}, {value.year}"


def page_path(site_dir: Path, lang: Lang, slug: str) -> Path:
    prefix = "" if lang == "de" else f"{lang}/"
    return site_dir / prefix / slug / "index.html" if slug else site_dir / prefix / "index.html"


class _Text(HTMLParser):
    """The visible text of a page's article, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or self.depth:
            self.depth += 1 if tag not in ("br", "img", "input", "meta", "link", "hr") else 0

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def article_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return normalize(" ".join(parser.parts).replace("¶", ""))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    built = build_site(tmp_path_factory.mktemp("site") / "site")
    assert built.ok, built.output
    return built


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session", params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> Lang:
    value: Lang = request.param
    return value

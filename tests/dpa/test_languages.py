"""German = English: the two documents of one agreement have the same clauses in the same
order with the same numbers, the same annexes and headings, and every paragraph holds the same
numbers (time limits, articles, dates, references) in both languages."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from api.content import Content, Lang, get_content
from api.dpa.outline import outline
from tests.dpa.sample import body_texts, dpa_body, open_docx, render

ISSUED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NUMBER = re.compile(r"\d+")
VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "special categories, every option": {
        "processing": {
            "data_subjects": ["customer_employees", "customer_contacts"],
            "data_categories": ["contact_data", "billing_data"],
            "special_categories": True,
        }
    },
}


LANGS: tuple[Lang, ...] = ("de", "en")


def documents(content: Content, changes: dict[str, Any]) -> dict[Lang, Any]:
    rendered: dict[Lang, Any] = {}
    for lang in LANGS:
        data = render(dpa_body(lang, **changes), content, "DPA-2026-LANG01", ISSUED)
        rendered[lang] = open_docx(data)
    return rendered


@pytest.fixture(scope="module", params=list(VARIANTS))
def pair(request: pytest.FixtureRequest) -> dict[Lang, Any]:
    return documents(get_content(), VARIANTS[request.param])


def test_same_clauses_items_annexes_and_headings_in_the_same_order(pair: dict[Lang, Any]) -> None:
    de, en = (outline(pair[lang]) for lang in LANGS)
    assert [(e.kind, e.number) for e in de] == [(e.kind, e.number) for e in en]
    numbered = [e.number for e in de if e.kind == "clause_heading"]
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)] and len(numbered) >= 17
    assert [e.text.split(" – ")[0] for e in de if e.kind == "annex"] == [
        "Anlage I",
        "Anlage II",
        "Anlage III",
        "Anlage IV",
    ]
    assert [e.text.split(" – ")[0] for e in en if e.kind == "annex"] == [
        "Annex I",
        "Annex II",
        "Annex III",
        "Annex IV",
    ]


def test_every_paragraph_holds_the_same_numbers(pair: dict[Lang, Any]) -> None:
    de, en = (body_texts(pair[lang]) for lang in LANGS)
    assert len(de) == len(en)
    for german, english in zip(de, en, strict=True):
        assert Counter(NUMBER.findall(german)) == Counter(NUMBER.findall(english)), (
            german,
            english,
        )
    # and the headers and footers of every page
    for part in ("header", "footer"):
        de_parts, en_parts = (
            [p.text for s in pair[lang].sections for p in getattr(s, part).paragraphs]
            for lang in LANGS
        )
        assert [sorted(NUMBER.findall(x)) for x in de_parts] == [
            sorted(NUMBER.findall(y)) for y in en_parts
        ]


def test_the_prevailing_language_clause_names_the_same_version_in_both() -> None:
    content = get_content()
    pair = documents(content, {})
    prevailing = content.dpa.terms.prevailing_language
    for lang in LANGS:
        version = content.messages.t(f"dpa_document.version_of_{prevailing}", lang)
        clause = next(e for e in outline(pair[lang]) if e.number == "17.5")
        assert version in clause.text

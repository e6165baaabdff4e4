"""Draft protection: while a fact a DPA shows is an example value, every agreement says it is a
draft on every page and lists the placeholders on its first page; with the example tags removed,
none does. One rule decides (api/content/completeness.py), for the DPA and the site alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.content import Content, Lang, get_content, load_content
from api.content.completeness import NOT_IN_DPA, examples_for, readable, refusal
from tests.dpa.sample import all_text, body_texts, dpa_body, open_docx
from tests.dpa.sample import render as render_dpa
from tests.support.app import ClientFactory
from tests.support.content import complete_data

LANGS: tuple[Lang, ...] = ("de", "en")
MARKING = {"de": "ENTWURF – nicht unterzeichnen", "en": "DRAFT – do not sign"}
ISSUED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def render(content: Content, lang: Lang) -> bytes:
    return render_dpa(dpa_body(lang), content, "DPA-2026-TESTA1", ISSUED)


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory) -> Content:
    return load_content(complete_data(tmp_path_factory.mktemp("complete")))


@pytest.mark.parametrize("lang", LANGS)
def test_with_example_values_every_page_and_the_first_page_say_draft(lang: Lang) -> None:
    content = get_content()
    examples = examples_for(content, "dpa")
    assert examples, "data/ is expected to hold example values until UNOY supplies them"
    document = open_docx(render(content, lang))
    for section in document.sections:  # the header is on every page
        assert MARKING[lang] in [p.text for p in section.header.paragraphs]
    paragraphs = body_texts(document)
    notice = paragraphs.index(MARKING[lang])
    assert notice < paragraphs.index({"de": "zwischen", "en": "between"}[lang])
    listed = paragraphs[notice + 2 : notice + 2 + len(examples)]
    assert [line.split(" – ")[0] for line in listed] == [readable(e, content) for e in examples]
    assert f"data/company.yml: legal_name – {content.company.legal_name}" in listed


@pytest.mark.parametrize("lang", LANGS)
def test_without_example_values_no_document_is_a_draft(complete: Content, lang: Lang) -> None:
    assert examples_for(complete, "dpa") == [] and examples_for(complete, "site") == []
    text = all_text(open_docx(render(complete, lang)))
    for word in ("ENTWURF", "Entwurf", "DRAFT", "Draft", "Platzhalter", "placeholder", "!example"):
        assert word not in text, word


def test_without_example_values_the_api_issues_no_draft(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    client = make_client(DATA_DIR=complete_data(tmp_path), RATE_LIMIT_DPA="10000/minute")
    response = client.post("/api/dpa", json=dpa_body("de"))
    assert response.status_code == 200
    assert response.headers["x-dpa-draft"] == "false"
    assert "ENTWURF" not in response.headers["content-disposition"]
    issued = client.post(
        "/api/dpa", json=dpa_body("en"), headers={"Accept": "application/json"}
    ).json()
    assert issued["draft"] is False
    assert all("DRAFT" not in file["filename"] for file in issued["files"])


def test_the_dpa_depends_on_every_example_but_the_values_it_never_shows() -> None:
    content = get_content()
    dpa = examples_for(content, "dpa")
    assert examples_for(content, "site") == content.examples
    left_out = sorted(set(content.examples) - set(dpa))
    assert left_out, "phone, website, … are examples that no DPA shows"
    assert all(any(e.startswith(prefix) for prefix in NOT_IN_DPA) for e in left_out)
    # what is left out really is in no agreement, in either language
    company = content.company
    never_shown = [company.email, company.phone, company.website, company.security_contact.email]
    for lang in LANGS:
        text = all_text(open_docx(render(content, lang)))
        for value in never_shown:
            assert value and value not in text, value


def test_one_refusal_names_every_dotted_path(complete: Content) -> None:
    content = get_content()
    message = refusal(content)
    assert message is not None
    assert message.startswith("refusing to start in production: a DPA would carry example")
    for example in examples_for(content, "dpa"):
        assert f"\n  {readable(example, content)}: still an example value" in message
    assert "data/subprocessors.yml: hubspot.address" in message
    assert refusal(complete) is None


def test_values_no_dpa_shows_do_not_make_it_a_draft() -> None:
    """The site's own facts (review dates, the legal notice's phone, …) are examples the site
    build refuses, but an agreement does not show them."""
    content = get_content()
    site_only = set(examples_for(content, "site")) - set(examples_for(content, "dpa"))
    assert {"data/reviews.yml: toms", "data/company.yml: phone"} <= site_only
    assert all(path.startswith(NOT_IN_DPA) for path in site_only)

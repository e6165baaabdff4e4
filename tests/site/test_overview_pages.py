"""The pages a security reviewer starts from, built from data/: the home page's key facts, the
FAQ, the documents, every page's review date, the sitemaps and what the search index knows."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from api.content import LANGUAGES, Content, Lang
from tests.site.conftest import SLUGS, article_text, human_date, normalize, page_path
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")

# The parts of data/reviews.yml each page is made of (its front matter).
PARTS = {
    "": ["toms", "subprocessors", "dpa", "legal", "faq"],
    "toms": ["toms"],
    "security": ["toms"],
    "subprocessors": ["subprocessors"],
    "dpa": ["dpa"],
    "contact": ["legal"],
    "legal-notice": ["legal"],
    "privacy": ["legal"],
    "faq": ["faq"],
    "documents": ["toms", "subprocessors", "dpa"],
    "subscription-confirm": ["legal"],
    "unsubscribe": ["legal"],
}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def html_of(site: Build, lang: Lang, slug: str) -> str:
    return page_path(site.site_dir, lang, slug).read_text(encoding="utf-8")


def test_every_page_is_listed_with_its_parts() -> None:
    assert set(PARTS) == set(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_shows_its_review_date_under_its_title(
    site: Build, content: Content, lang: Lang, slug: str
) -> None:
    html = html_of(site, lang, slug)
    day = content.reviewed(PARTS[slug])
    label = {"de": "Zuletzt geprüft am", "en": "Last reviewed on"}[lang]
    line = (
        f'</h1>\n<p class="tc-reviewed">{label} '
        f'<time datetime="{day.isoformat()}">{human_date(day, lang)}</time></p>'
    )
    assert line in html


def test_announcing_a_change_counts_as_reviewing_the_list(content: Content) -> None:
    newest = content.subprocessors.newest_notice
    assert content.reviewed(["subprocessors"]) == max(content.reviews.subprocessors, newest)
    with pytest.raises(KeyError):
        content.reviewed(["no_such_part"])


def sitemap_entries(path: Any) -> dict[str, tuple[str, dict[str, str]]]:
    root = ET.parse(path).getroot()
    entries = {}
    for url in root.findall("s:url", SITEMAP):
        links = {
            link.get("hreflang", ""): link.get("href", "")
            for link in url.findall("x:link", SITEMAP)
        }
        loc = url.findtext("s:loc", namespaces=SITEMAP) or ""
        entries[loc] = (url.findtext("s:lastmod", namespaces=SITEMAP) or "", links)
    return entries


def test_sitemap_lists_every_page_with_alternates_x_default_and_its_review_date(
    site: Build, content: Content
) -> None:
    entries = sitemap_entries(site.site_dir / "sitemap.xml")
    base = content.company.trust_center_url + "/"
    assert len(entries) == len(SLUGS) * len(LANGUAGES)
    for slug in SLUGS:
        urls: dict[str, str] = {
            lang: base + ("" if lang == "de" else f"{lang}/") + (f"{slug}/" if slug else "")
            for lang in LANGUAGES
        }
        for url in urls.values():
            lastmod, links = entries[url]
            assert lastmod == content.reviewed(PARTS[slug]).isoformat()
            assert links == {**urls, "x-default": urls["de"]}


def test_the_english_sitemap_lists_the_english_pages(site: Build, content: Content) -> None:
    entries = sitemap_entries(site.site_dir / "en" / "sitemap.xml")
    base = content.company.trust_center_url + "/en/"
    assert len(entries) == len(SLUGS)
    assert all(url.startswith(base) for url in entries)
    assert (site.site_dir / "en" / "sitemap.xml.gz").is_file()


def test_home_page_key_facts_come_from_the_data(site: Build, content: Content, lang: Lang) -> None:
    html = html_of(site, lang, "")
    facts = html[html.index('<dl class="tc-facts">') : html.index("</dl>")]
    text = normalize(re.sub(r"<[^>]+>", " ", facts))
    host = content.subprocessors.host
    assert host.id == "aws" and host.location_eu is not None
    assert f"{host.location_eu(lang)} (EU), {host.name}" in text
    encryption = content.toms.measure("encryption").summary
    assert encryption is not None and encryption(lang) in text
    assert f" {content.subprocessors.count} " in f" {text} "
    days = content.company.subprocessor_objection_days
    assert {"de": f"{days} Tage", "en": f"{days} days"}[lang] in text
    prefix = "/" if lang == "de" else "/en/"
    for target in ("subprocessors/#aws", "toms/#encryption", "subprocessors/#changelog"):
        assert f'href="{prefix}{target}"' in facts


def test_home_page_links_every_part(site: Build, lang: Lang) -> None:
    html = html_of(site, lang, "")
    cards = re.findall(r'<a class="tc-card" href="([^"]+)"', html)
    prefix = "/" if lang == "de" else "/en/"
    parts = ("toms", "subprocessors", "security", "dpa", "contact", "faq", "documents")
    assert cards == [f"{prefix}{part}/" for part in parts]
    for card in cards:
        assert page_path(site.site_dir, lang, card.removeprefix(prefix).strip("/")).is_file()
    # The home page opens with what it is, not with the contact form's question.
    assert "Anliegen zum Thema Datenschutz" not in html
    assert "question about data protection" not in html


def test_faq_answers_every_question_from_the_data(
    site: Build, content: Content, lang: Lang
) -> None:
    html = html_of(site, lang, "faq")
    text = article_text(html)
    questions = content.faq.questions
    assert len(questions) >= 10
    for question in questions:
        assert f'<h2 id="{question.id}">' in html
        assert normalize(question.question(lang)) in text
        # Every marker was filled, and the details link is there.
        assert normalize(question.details.label(lang)) in text
    assert "trustcenter:" not in html
    for fact in (
        content.company.privacy_contact.email,
        content.company.security_contact.email,
        content.company.dpo.name,
        content.subprocessors.host.name,
        *content.subprocessors.names,
        normalize(content.toms.measure("encryption").text(lang)),
        normalize(content.toms.measure("response").text(lang)),
        content.messages.t("inquiry.request_type.subprocessor_objection", lang),
    ):
        assert fact in text, fact
    days = content.company.subprocessor_objection_days
    assert {"de": f"innerhalb von {days} Tagen", "en": f"within {days} days"}[lang] in text
    assert human_date(content.subprocessors.version, lang) in text


QUESTIONNAIRE = {
    "hosting": "hosted",
    "subprocessors": "subprocessors",
    "dpa": "Data Processing Agreement",
    "changes": "object",
    "rights": "rights under the GDPR",
    "vulnerability": "vulnerability",
    "encryption": "encrypted",
    "backups": "backed up",
    "access": "access",
    "incidents": "incident",
}


def test_faq_asks_the_questions_of_security_questionnaires(content: Content) -> None:
    questions = {question.id: question.question("en") for question in content.faq.questions}
    for topic, words in QUESTIONNAIRE.items():
        assert words in questions[topic], topic


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("hosting", "subprocessors/#infrastructure"),
        ("encryption", "toms/#encryption"),
        ("incidents", "toms/#response"),
        ("vulnerability", "security/#report"),
        ("exports", "documents/#exports"),
    ],
)
def test_faq_details_link_the_page_in_the_readers_language(
    site: Build, lang: Lang, question: str, target: str
) -> None:
    html = html_of(site, lang, "faq")
    section = html[html.index(f'<h2 id="{question}">') :]
    following = section.find("<h2", 1)
    section = section if following < 0 else section[:following]
    assert f'<a href="../{target}"' in section
    page, anchor = target.split("#")
    assert f'id="{anchor}"' in html_of(site, lang, page.strip("/"))


def test_documents_page_links_every_document(site: Build, content: Content, lang: Lang) -> None:
    html = html_of(site, lang, "documents")
    for href in (
        'href="../dpa/"',
        'href="../toms/"',
        'href="../subprocessors/"',
        'href="/subprocessors.json"',
        'href="/subprocessors.schema.json"',
        'href="/subprocessors.atom"',
        'href="/en/subprocessors.atom"',
        'href="/.well-known/security.txt"',
    ):
        assert href in html, href
    assert content.dpa.template_version in article_text(html)


def test_addresses_are_mailto_links_on_the_contact_and_dpa_pages(
    site: Build, content: Content, lang: Lang
) -> None:
    address = content.company.privacy_contact.email
    for slug in ("contact", "dpa"):
        html = html_of(site, lang, slug)
        assert f'<a href="mailto:{address}">{address}</a>' in html, slug


def test_printed_links_carry_their_absolute_address(
    site: Build, content: Content, lang: Lang
) -> None:
    html = html_of(site, lang, "documents")
    base = content.company.trust_center_url
    prefix = "" if lang == "de" else "en/"
    assert f'href="../dpa/" data-print-url="{base}/{prefix}dpa/"' in html
    assert f'href="/subprocessors.json" data-print-url="{base}/subprocessors.json"' in html
    # Permalinks and links within the page get none.
    assert not re.search(r'class="headerlink"[^>]*data-print-url', html)
    assert not re.search(r'href="#[^"]*" data-print-url', html)


KEYWORDS = {
    "dpa": ("AVV", "Auftragsverarbeitungsvertrag", "DPA", "Data Processing Agreement"),
    "toms": ("TOMs", "technische und organisatorische Maßnahmen"),
    "subprocessors": ("Unterauftragsverarbeiter", "Subunternehmer", "subprocessor"),
}


@pytest.mark.parametrize("slug", sorted(KEYWORDS))
def test_each_language_s_index_knows_every_name_of_the_page(
    site: Build, lang: Lang, slug: str
) -> None:
    prefix = "" if lang == "de" else "en"
    index = json.loads((site.site_dir / prefix / "search" / "search_index.full.json").read_text())
    entry = next(doc for doc in index["docs"] if doc["location"] == f"{slug}/")
    for word in KEYWORDS[slug]:
        assert word in entry["keywords"], word
    # The words are for the search only: nowhere on the page.
    assert "search_keywords" not in html_of(site, lang, slug)

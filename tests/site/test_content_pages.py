"""Every fact of data/ appears on the pages that render it, in both languages."""

from __future__ import annotations

import re

import pytest

from api.content import Content, Lang
from api.content.completeness import examples_for
from api.content.wording import countries, mechanism_texts
from api.core.i18n import country_name
from api.core.settings import Settings
from tests.site.conftest import article_text, human_date, normalize, page_path, us_date
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")

SECURITY_MEASURES = (
    "authentication",
    "authorization",
    "api_access",
    "encryption",
    "network_access_control",
    "static_code_analysis",
    "detection",
    "response",
    "infrastructure_availability",
    "fault_tolerance",
    "replication_backups",
    "disaster_recovery",
)


def text_of(site: Build, lang: Lang, slug: str) -> str:
    return article_text(page_path(site.site_dir, lang, slug).read_text(encoding="utf-8"))


def test_every_measure_on_the_toms_page(site: Build, content: Content, lang: Lang) -> None:
    text = text_of(site, lang, "toms")
    html = page_path(site.site_dir, lang, "toms").read_text(encoding="utf-8")
    assert normalize(content.toms.title(lang)) in text
    for area in content.toms.areas:
        assert area.title(lang) in text
    for category in content.toms.categories:
        assert normalize(category.title(lang)) in text
        if category.intro:
            assert normalize(category.intro(lang)) in text
    # The measures and their source order are checked in tests/content; here: all rendered.
    measures = content.toms.measures()
    assert len(measures) == 15
    for measure in measures:
        assert normalize(measure.title(lang)) in text, measure.id
        assert normalize(measure.text(lang)) in text, measure.id
        assert f'id="{measure.id}"' in html


def test_measures_keep_the_source_order(site: Build, content: Content, lang: Lang) -> None:
    text = text_of(site, lang, "toms")
    positions = [text.index(normalize(m.text(lang))) for m in content.toms.measures()]
    assert positions == sorted(positions)


def test_security_page_renders_its_measures(site: Build, content: Content, lang: Lang) -> None:
    text = text_of(site, lang, "security")
    for measure_id in SECURITY_MEASURES:
        measure = content.toms.measure(measure_id)
        assert normalize(measure.text(lang)) in text, measure_id
    assert content.company.security_contact.email in text


def test_every_subprocessor_on_the_subprocessors_page(
    site: Build, content: Content, lang: Lang
) -> None:
    text = text_of(site, lang, "subprocessors")
    html = page_path(site.site_dir, lang, "subprocessors").read_text(encoding="utf-8")
    entries = content.subprocessors.all()
    assert {entry.id for entry in entries} == {
        "aws",
        "hubspot",
        "userflow",
        "unlayer",
        "stripe",
        "frogged",
    }
    for group in content.subprocessors.groups:
        assert group.title(lang) in text
        assert normalize(group.intro(lang)) in text
        table = html[html.index(f'id="{group.id}"') :]
        table = table[: table.index("</table>")]
        for entry in group.subprocessors:
            assert f'<tr id="{entry.id}" role="row">' in table
            assert entry.name in text
            assert entry.purpose(lang) in text
            assert entry.service(lang) in text
            for location in (entry.location_us, entry.location_eu):
                if location is not None:
                    assert location(lang) in table
            for note in entry.notes:
                assert normalize(note(lang)) in text
            for category in entry.data_categories:
                assert category(lang) in text
            # who it is and where it processes data, as in DPA Annex IV
            assert normalize(entry.legal_entity) in text and normalize(entry.address) in text
            assert country_name(entry.entity_country, lang) in text
            assert countries(entry.processing_locations, lang) in text
            if entry.transfer is not None:
                assert countries(entry.transfer.countries, lang) in text
                assert normalize(entry.transfer.nature(lang)) in text
                for basis in mechanism_texts(entry.transfer, content.messages, lang):
                    assert normalize(basis) in text
    none = {"de": "keiner", "en": "none"}[lang]
    assert f'<span class="tc-none">{none}</span>' in html


def test_change_log_and_exports_on_the_subprocessors_page(
    site: Build, content: Content, lang: Lang
) -> None:
    html = page_path(site.site_dir, lang, "subprocessors").read_text(encoding="utf-8")
    log = html[html.index('data-tc="changelog"') :]
    log = log[: log.index("</table>")]
    for change in content.subprocessors.changelog:
        assert f'<time datetime="{change.effective_date.isoformat()}">' in log
        assert change.summary(lang) in log
        assert f'href="#{change.subprocessor}"' in log
    assert 'href="/subprocessors.json"' in html
    assert 'href="/subprocessors.schema.json"' in html
    assert 'href="/subprocessors.atom"' in html
    assert 'href="/en/subprocessors.atom"' in html


def test_initial_version_is_one_change_log_row(site: Build, content: Content, lang: Lang) -> None:
    """The first version is one announcement naming every subprocessor, not one row each."""
    html = page_path(site.site_dir, lang, "subprocessors").read_text(encoding="utf-8")
    log = html[html.index('data-tc="changelog"') :]
    body = log[log.index("<tbody") : log.index("</tbody>")]
    first = content.subprocessors.changelog[0]
    initial = [c for c in content.subprocessors.changelog if c.summary == first.summary]
    assert len(initial) == 6
    assert body.count("<tr ") == 1
    assert body.count(first.summary(lang)) == 1
    names = [content.subprocessors.get(change.subprocessor).name for change in initial]
    row = normalize(re.sub(r"<[^>]+>", "", body))
    assert ", ".join(names) in row


def test_dates_are_written_per_language(site: Build, content: Content, lang: Lang) -> None:
    """German "26. November 2026", British "26 November 2026" (as in the DPA), never US style."""
    text = text_of(site, lang, "subprocessors")
    dates = {content.subprocessors.version}
    for change in content.subprocessors.changelog:
        dates |= {change.notice_date, change.effective_date}
    for day in dates:
        assert human_date(day, lang) in text
        assert us_date(day) not in text


TABLES = ("subprocessors", "changelog")


@pytest.mark.parametrize("table", TABLES)
def test_every_table_cell_is_labelled_with_its_column(site: Build, lang: Lang, table: str) -> None:
    """On a phone each row is a card: every value carries its column name (data-label)."""
    html = page_path(site.site_dir, lang, "subprocessors").read_text(encoding="utf-8")
    found = 0
    for part in html.split(f'data-tc="{table}"')[1:]:
        part = part[: part.index("</table>")]
        header = part[part.index("<thead") : part.index("</thead>")]
        # Headers may carry soft hyphens (long German compounds); their labels need none.
        columns = [
            column.replace("\u00ad", "")
            for column in re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', header)
        ]
        assert len(columns) == 5
        body = part[part.index("<tbody") : part.index("</tbody>")]
        rows = re.findall(r"<tr\b.*?</tr>", body, re.DOTALL)
        assert rows
        for row in rows:
            cells = re.findall(r"<t[hd]\b[^>]*>", row)
            labels = [re.search(r'data-label="([^"]*)"', cell) for cell in cells]
            assert [label[1] if label else None for label in labels] == columns, row
            found += 1
    assert found >= (1 if table == "changelog" else 6)


def test_no_inline_style_on_any_page(site: Build) -> None:
    """The policy's style-src has no 'unsafe-inline': a style attribute would be blocked."""
    headers = (site.site_dir / "_headers").read_text(encoding="utf-8")
    assert "style-src 'self'" in headers
    assert "'unsafe-inline'" not in headers
    for page in site.site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<style\b|<[a-z][^>]*\sstyle=", html), page


def test_legal_notice_and_privacy_from_company_data(
    site: Build, content: Content, lang: Lang
) -> None:
    company = content.company
    legal = text_of(site, lang, "legal-notice")
    for value in (
        company.legal_name,
        company.address.street,
        f"{company.address.postal_code} {company.address.city}",
        company.email,
        *company.managing_directors,
    ):
        assert value in legal
    if company.commercial_register:
        assert company.commercial_register in legal
    if company.vat_id:
        assert company.vat_id in legal
    privacy = text_of(site, lang, "privacy")
    for value in (
        company.privacy_contact.email,
        company.dpo.name,
        company.dpo.email,
        normalize(company.supervisory_authority(lang)),
    ):
        assert value in privacy
    for word in ("hCaptcha", "Netlify", "eu-central-1", "Cookies" if lang == "de" else "cookies"):
        assert word in privacy


PRIVACY_POINTS = {
    "de": [
        "§ 25 Abs. 2 Nr. 2 TDDDG",  # hCaptcha's storage on the device
        "Cookies und vergleichbare Speicher",
        "Art. 6 Abs. 1 lit. f DSGVO",
        "EU-U.S. Data Privacy Framework",  # the safeguard of the transfer to the USA
        "Ihr Widerspruchsrecht (Art. 21 DSGVO)",
        "weder gesetzlich noch vertraglich verpflichtet",  # Art. 13(2)(e)
        "Art. 22 DSGVO",
        "drei Jahre ab dem Ende des Jahres, in dem die Anfrage erledigt wurde",
        "drei Jahre nach seiner Erstellung",
    ],
    "en": [
        "Section 25(2) no. 2 TDDDG",
        "cookies and similar storage",
        "Art. 6(1)(f) GDPR",
        "EU-U.S. Data Privacy Framework",
        "Your right to object (Art. 21 GDPR)",
        "no statutory or contractual obligation",
        "Art. 22 GDPR",
        "three years from the end of the year in which the inquiry was closed",
        "three years after it was produced",
    ],
}


def test_privacy_notice_covers_what_the_site_does(site: Build, lang: Lang) -> None:
    html = page_path(site.site_dir, lang, "privacy").read_text(encoding="utf-8")
    privacy = text_of(site, lang, "privacy")
    for point in PRIVACY_POINTS[lang]:
        assert point in privacy, point
    # the right to object stands apart: a section of its own, stated in bold
    heading = PRIVACY_POINTS[lang][4]
    found = re.search(rf"<h2[^>]*>{re.escape(heading)}", html)
    assert found
    section = html[found.end() :]
    assert "<p><strong>" in section[: section.index("</p>")]
    # the retention the notice states for DPA records is the API's default setting
    assert Settings.model_fields["DPA_RETENTION_DAYS"].default == 3 * 365


def test_dpa_page_says_draft_before_the_form(site: Build, content: Content, lang: Lang) -> None:
    html = page_path(site.site_dir, lang, "dpa").read_text(encoding="utf-8")
    assert examples_for(content, "dpa")
    assert html.index('id="dpa-draft"') < html.index('id="dpa-form"')
    count = len(examples_for(content, "dpa"))
    assert f"{count} " in html[html.index('id="dpa-draft"') : html.index('id="dpa-form"')]

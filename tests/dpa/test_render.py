"""The filled document: every customer value exactly as typed, every measure and subprocessor
in the document's language, the reference on every page."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from docx.oxml.ns import qn

from api.content import Content, Lang, get_content
from api.content.wording import mechanism_texts
from api.core.i18n import country_name, long_date
from api.dpa.context import UnknownOptionError, build_context, check_processing
from api.dpa.schemas import DpaRequest
from tests.dpa.sample import (
    COUNTRY,
    all_text,
    body_texts,
    customer_values,
    dpa_body,
    footer_texts,
    open_docx,
)
from tests.dpa.sample import render as render_dpa

REFERENCE = "DPA-2026-TEST23"
ISSUED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LANGS: tuple[Lang, ...] = ("de", "en")


@pytest.fixture(scope="module")
def content() -> Content:
    return get_content()


def render(body: dict[str, Any], content: Content) -> bytes:
    return render_dpa(body, content, REFERENCE, ISSUED)


@pytest.fixture(scope="module", params=LANGS)
def rendered(request: pytest.FixtureRequest, content: Content) -> tuple[Lang, str, list[str]]:
    lang: Lang = request.param
    document = open_docx(render(dpa_body(lang), content))
    return lang, all_text(document), body_texts(document)


def test_every_customer_value_appears_exactly(rendered: tuple[Lang, str, list[str]]) -> None:
    lang, text, _ = rendered
    values = customer_values(dpa_body(lang)["customer"])
    assert len(values) == 14
    for value in values:
        assert value in text, value
    assert COUNTRY[lang] in text
    # escaped once, not twice: the XML entity must not leak into the text
    assert "&amp;" not in text and "&lt;" not in text


def test_customer_signatory_and_unoy_signatory_in_the_signature_block(
    rendered: tuple[Lang, str, list[str]], content: Content
) -> None:
    lang, _, paragraphs = rendered
    company = content.company
    assert "Jörg Müller" in paragraphs and "Geschäftsführer" in paragraphs
    assert company.signatory.name in paragraphs
    assert company.signatory.position(lang) in paragraphs
    place = {"de": "Ort, Datum:", "en": "Place, date:"}[lang]
    blanks = [p for p in paragraphs if p.startswith(place)]
    assert len(blanks) == 2 and all(p.rstrip().endswith("_") for p in blanks)


def annex(paragraphs: list[str], number: str, lang: Lang) -> list[str]:
    """The body paragraphs of one annex, from its heading (the last paragraph with its title:
    the table of contents lists it first) to the next annex's."""
    word = {"de": "Anlage", "en": "Annex"}[lang]
    start = max(i for i, p in enumerate(paragraphs) if p.startswith(f"{word} {number} –"))
    end = next(
        (i for i, p in enumerate(paragraphs[start + 1 :], start + 1) if p.startswith(word + " ")),
        len(paragraphs),
    )
    return paragraphs[start:end]


def _other(lang: Lang) -> Lang:
    return "en" if lang == "de" else "de"


def test_annex_iii_holds_every_measure_once_in_the_annex_wording(
    rendered: tuple[Lang, str, list[str]], content: Content
) -> None:
    lang, text, paragraphs = rendered
    measures = content.toms.measures()
    assert measures
    for measure in measures:
        line = f"{measure.title(lang)}: {measure.annex()(lang)}"
        assert paragraphs.count(line) == 1, measure.id
        if measure.annex_text is not None:
            # the site's conversational wording stays on the site
            assert measure.text(lang) not in text, f"{measure.id}: site text in the annex"
        other = measure.annex()(_other(lang))
        if other != measure.annex()(lang):
            assert other not in text, f"{measure.id} also in the other language"
    for area in content.toms.areas:
        assert area.title(lang) in paragraphs
    for category in content.toms.categories:
        assert category.title(lang) in paragraphs
    # a category named like its area is not a heading of its own ("Verfügbarkeitskontrolle" once)
    annex_iii = annex(paragraphs, "III", lang)
    for first, second in itertools.pairwise(annex_iii):
        assert not (first == second and first.strip()), f"'{first}' twice in a row"


def test_annex_iii_speaks_in_the_third_person(rendered: tuple[Lang, str, list[str]]) -> None:
    lang, text, _ = rendered
    annex = text[text.index({"de": "Anlage III –", "en": "Annex III –"}[lang]) :]
    annex = annex[: annex.index({"de": "Anlage IV –", "en": "Annex IV –"}[lang])]
    words = {"de": (" wir ", " Wir ", " unser", " Unser", " Sie "), "en": (" we ", " We ", " our ")}
    for word in words[lang]:
        assert word not in annex, word


def test_annex_iv_holds_every_subprocessor_in_the_documents_language(
    rendered: tuple[Lang, str, list[str]], content: Content
) -> None:
    lang, text, paragraphs = rendered
    entries = content.subprocessors.all()
    assert entries
    for entry in entries:
        assert entry.name in paragraphs
        assert entry.legal_entity in paragraphs
        assert entry.address in paragraphs
        assert country_name(entry.entity_country, lang) in paragraphs
        assert entry.purpose(lang) in paragraphs
        assert entry.service(lang) in paragraphs
        assert "; ".join(category(lang) for category in entry.data_categories) in paragraphs
        places = ", ".join(country_name(code, lang) for code in entry.processing_locations)
        assert places in paragraphs
        for location in (entry.location_us, entry.location_eu):
            if location is not None:
                assert any(p.rstrip("*") == location(lang) for p in paragraphs), location
        for note in entry.notes:
            assert note(lang) in text
    for group in content.subprocessors.groups:
        wording = content.dpa.annex_iv_groups.get(group.id)
        assert (wording.title if wording else group.title)(lang) in paragraphs
    assert long_date(content.subprocessors.version, lang) in text
    base = content.company.trust_center_url + ("" if lang == "de" else "/en")
    assert f"{base}/subprocessors/" in text
    assert f"{base}/subprocessors.atom" in text


def test_every_location_marker_of_the_site_is_kept(
    rendered: tuple[Lang, str, list[str]], content: Content
) -> None:
    """A location with a note carries its marker (HubSpot's "Deutschland*" included), and the
    note below it starts with the same marker."""
    lang, _text, paragraphs = rendered
    for entry in content.subprocessors.all():
        for note in entry.notes:
            if note.applies_to is None:
                continue
            location = getattr(entry, note.applies_to)
            assert location is not None
            marked = [p for p in paragraphs if p.rstrip("*") == location(lang) and p.endswith("*")]
            assert marked, (entry.id, note.applies_to)
            marker = marked[0][len(location(lang)) :]
            assert f"{marker} {note(lang)}" in paragraphs


def test_transfers_name_exactly_the_entries_and_bases_of_the_data(
    rendered: tuple[Lang, str, list[str]], content: Content
) -> None:
    lang, text, paragraphs = rendered
    third_country = [e for e in content.subprocessors.all() if e.transfer is not None]
    assert third_country
    listed = []
    for entry in third_country:
        assert entry.transfer is not None
        countries = ", ".join(country_name(code, lang) for code in entry.transfer.countries)
        bases = mechanism_texts(entry.transfer, content.messages, lang)
        name = (
            entry.name
            if entry.legal_entity == entry.name
            else (f"{entry.name} ({entry.legal_entity})")
        )
        line = f"{name} – {countries}: {'; '.join(bases)}"
        assert line in paragraphs, line
        listed.append(line)
        for basis in bases:  # and in Annex IV, one basis per line
            assert basis in paragraphs
        assert any(entry.transfer.nature(lang) in p for p in paragraphs)
        if entry.transfer.supplementary_measures is not None:
            assert entry.transfer.supplementary_measures(lang) in text
    # clause 9.3 names no one else
    start = paragraphs.index(listed[0])
    assert paragraphs[start : start + len(listed)] == listed
    assert "2021/914" in text
    for entry in content.subprocessors.all():
        if entry.transfer is None:
            assert not any(p.startswith(f"{entry.name} – ") for p in paragraphs)


def test_article_28_content_from_data(
    rendered: tuple[Lang, str, list[str]], content: Content
) -> None:
    lang, text, paragraphs = rendered
    dpa = content.dpa
    for value in (dpa.subject_matter, dpa.duration, dpa.nature_and_purpose):
        assert value(lang) in text
    annex_ii = annex(paragraphs, "II", lang)
    for option in dpa.data_subject_categories + dpa.personal_data_categories:
        assert (option.label(lang) in annex_ii) == option.default, option.id
    assert f"{content.company.subprocessor_objection_days}" in text
    assert content.company.legal_name in text


@pytest.mark.parametrize("lang", LANGS)
def test_reference_and_versions_on_every_page(lang: Lang, content: Content) -> None:
    document = open_docx(render(dpa_body(lang), content))
    for section in document.sections:
        assert any(REFERENCE in p.text for p in section.header.paragraphs)
    footers = footer_texts(document)
    assert any(content.dpa.template_version in f for f in footers)
    # "page X of Y" as fields Word and LibreOffice fill in on every page
    for section in document.sections:
        instructions = [
            node.text.strip() for node in section.footer._element.iter(qn("w:instrText"))
        ]
        assert instructions == ["PAGE", "NUMPAGES"]


@pytest.mark.parametrize("lang", LANGS)
def test_optional_fields_left_out(lang: Lang, content: Content) -> None:
    body = dpa_body(lang)
    for key in ("register", "vat_id", "dpo"):
        del body["customer"][key]
    del body["customer"]["contact"]["phone"]
    text = all_text(open_docx(render(body, content)))
    assert "Handelsgericht" not in text and "ATU12345678" not in text
    assert "Ülkü" not in text and "+43 1" not in text
    assert "None" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_processing_choices(lang: Lang, content: Content) -> None:
    dpa = content.dpa
    subjects = [o for o in dpa.data_subject_categories if not o.default][:1]
    data = [o for o in dpa.personal_data_categories if not o.default][:1]
    body = dpa_body(
        lang,
        processing={
            "data_subjects": [o.id for o in subjects],
            "data_categories": [o.id for o in data],
            "special_categories": True,
        },
    )
    document = open_docx(render(body, content))
    annex_ii = annex(body_texts(document), "II", lang)
    for option in dpa.data_subject_categories + dpa.personal_data_categories:
        assert (option.label(lang) in annex_ii) == (option in subjects + data), option.id
    assert "Art. 9" in all_text(document)


def test_unknown_processing_option_is_refused(content: Content) -> None:
    body = dpa_body("en", processing={"data_subjects": ["martians"]})
    with pytest.raises(UnknownOptionError) as raised:
        render(body, content)
    assert raised.value.field == "processing.data_subjects"


TRICKY = [
    "Müller & Söhne <GmbH>",
    "\"Quoted\" 'single' „deutsch“ «guillemets»",
    "{{ 7*7 }} {% if true %}jinja{% endif %} {# comment #}",
    "{_{ docxtpl escapes }_} {_% too %_}",
    "<w:p><w:r><w:t>xml</w:t></w:r></w:p> ]]> &amp; &#123;",
    "شركة الأمثلة ذ.م.م",  # right-to-left
    "株式会社サンプル 🚀👩🏽💻",  # emoji (a ZWJ sequence is refused: U+200D is a format character)
    "  spaced   inside  ",
]


@pytest.mark.parametrize("value", TRICKY)
def test_what_was_typed_appears_as_typed(value: str, content: Content) -> None:
    body = dpa_body("de")
    body["customer"]["legal_name"] = value
    body["customer"]["signatory"]["position"] = value
    text = all_text(open_docx(render(body, content)))
    expected = value.strip()
    # legal name: parties, annex I, signature block; position: annex I (twice), signatures
    assert text.count(expected) >= 4


def test_xml_illegal_characters_are_removed(content: Content) -> None:
    body = dpa_body("en")
    body["customer"]["city"] = "Wi\ufffeen\uffff"
    text = all_text(open_docx(render(body, content)))
    assert "Wien" in text


def test_context_uses_the_documents_language(content: Content) -> None:
    request = DpaRequest.model_validate(dpa_body("en"))
    chosen = check_processing(request.processing, content)
    context = build_context(request, chosen, content, reference=REFERENCE, issued_on=ISSUED.date())
    assert context["issued_on"] == "26 November 2026"
    assert context["customer"]["country"] == "Austria"
    de = DpaRequest.model_validate(dpa_body("de"))
    chosen = check_processing(de.processing, content)
    context = build_context(de, chosen, content, reference=REFERENCE, issued_on=ISSUED.date())
    assert context["issued_on"] == "26. November 2026"


def test_template_parts_are_compiled_once_and_shared_safely(content: Content) -> None:
    """Compiled parts are reused across renders (half of a render's time), and DPAs rendered
    at the same moment from the same compiled parts each name their own customer."""
    from concurrent.futures import ThreadPoolExecutor

    from api.dpa.render import _template_class, jinja_environment

    compiled = jinja_environment().compiled  # type: ignore[attr-defined]
    cleaned = _template_class().cleaned
    render(dpa_body("de"), content)
    parts, clean = dict(compiled), dict(cleaned)

    def named(index: int) -> tuple[str, str]:
        body = dpa_body("de")
        body["customer"]["legal_name"] = f"Kunde {index} GmbH"
        return f"Kunde {index} GmbH", all_text(open_docx(render(body, content)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(named, range(8)))
    for name, text in results:
        assert name in text
        others = {other for other, _ in results if other != name}
        assert not any(other in text for other in others)
    assert all(compiled.get(source) is template for source, template in parts.items())
    assert len(compiled) == len(parts)
    assert cleaned == clean and len(clean) >= 3  # the body, a header and a footer at least

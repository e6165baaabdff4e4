"""The content model on the real data and on broken copies of it, with the exact error messages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.content import (
    LANGUAGES,
    Content,
    ContentError,
    Text,
    get_content,
    load_content,
)
from tests.support.site_build import PROJECT_ROOT

DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

# UNOY's German page of record; the data was written from it.
SOURCE = (DEFAULT_DATA_DIR / "source.de.txt").read_text(encoding="utf-8")

# Evident copy errors of the source that the data corrects, as (source, data).
CORRECTIONS = [
    ("unsere Produkte Infrastruktur", "unsere Produktinfrastruktur"),
    ("Übertragung Steuerung", "Übertragungssteuerung"),
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def _edit(data_dir: Path, name: str, change: Callable[[Any], None]) -> None:
    """Apply `change` to the parsed YAML of one file (its !example tags are dropped)."""
    path = data_dir / name
    text = re.sub(r"!example(?=\s)", "", path.read_text(encoding="utf-8"))
    data = yaml.safe_load(text)
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(data_dir)
    return caught.value.problems


# --- the real data ----------------------------------------------------------------------------


def test_real_data_loads_with_the_source_structure() -> None:
    content = get_content()
    assert isinstance(content, Content)
    toms = content.toms
    assert [area.id for area in toms.areas] == ["access_control", "availability_control"]
    assert [category.id for category in toms.categories] == [
        "product_access_protection",
        "product_misuse_protection",
        "restricted_access",
        "transmission_encryption",
        "input_control",
        "availability",
    ]
    assert [measure.id for measure in toms.measures()] == [
        "outsourced_processing",
        "physical_security",
        "authentication",
        "authorization",
        "api_access",
        "network_access_control",
        "static_code_analysis",
        "product_access",
        "encryption",
        "detection",
        "response",
        "infrastructure_availability",
        "fault_tolerance",
        "replication_backups",
        "disaster_recovery",
    ]
    groups = content.subprocessors.groups
    assert [(g.id, [s.id for s in g.subprocessors]) for g in groups] == [
        ("infrastructure", ["aws"]),
        ("product_features", ["hubspot", "userflow", "unlayer", "stripe", "frogged"]),
    ]


def test_german_measures_are_the_source_text() -> None:
    source = _flat(SOURCE)
    for wrong, right in CORRECTIONS:
        assert wrong in source
        source = source.replace(wrong, right)
    toms = get_content().toms
    for category in toms.categories:
        assert category.title.de in source, category.id
        if category.intro:
            assert _flat(category.intro.de) in source, category.id
        for measure in category.measures:
            assert f"{measure.title.de}: {_flat(measure.text.de)}" in source, measure.id


def test_subprocessor_table_cells_read_from_the_source() -> None:
    subprocessors = get_content().subprocessors
    aws = subprocessors.get("aws")
    assert (aws.location_us, aws.location_eu) == (
        Text(de="USA", en="USA"),
        Text(de="Frankfurt", en="Frankfurt"),
    )
    assert [note.applies_to for note in aws.notes] == ["location_eu", "location_us"]
    assert "AWS KMS" in aws.notes[0].de and "Ende 2023" in aws.notes[1].de
    assert subprocessors.get("hubspot").location_us is None
    assert subprocessors.get("userflow").location_eu is None
    assert [c.de for c in subprocessors.get("userflow").data_categories] == ["E-Mail-Adresse"]
    unlayer = subprocessors.get("unlayer")
    assert unlayer.location_us is None and unlayer.location_eu == Text(
        de="Europa (AWS)", en="Europe (AWS)"
    )
    stripe = subprocessors.get("stripe")
    assert (stripe.location_us, stripe.location_eu) == (
        Text(de="USA", en="USA"),
        Text(de="Europa", en="Europe"),
    )
    for entry in subprocessors.all():
        source_name = "Amazon Webdienste" if entry.id == "aws" else entry.name
        assert source_name in SOURCE
        assert entry.purpose.de.split(",")[0] in SOURCE
        assert entry.service.de in SOURCE


def test_every_text_has_both_languages_and_they_differ_where_prose() -> None:
    content = get_content()
    for measure in content.toms.measures():
        for lang in LANGUAGES:
            assert measure.text(lang).strip()
        assert measure.text.de != measure.text.en


def test_change_log_starts_with_the_current_list() -> None:
    subprocessors = get_content().subprocessors
    first = [
        c
        for c in subprocessors.changelog
        if c.notice_date == subprocessors.changelog[0].notice_date
    ]
    assert {c.subprocessor for c in first} == {s.id for s in subprocessors.all()}
    assert {c.kind for c in first} == {"added"}
    assert subprocessors.version == max(c.effective_date for c in subprocessors.changelog)


def test_example_values_are_listed_with_their_paths() -> None:
    examples = get_content().examples
    assert "data/company.yml: dpo.name" in examples
    assert "data/company.yml: address.postal_code" in examples
    assert "data/subprocessors.yml: groups[0].subprocessors[0].transfer.mechanisms" in examples
    # UNOY's name is in the source, so it is no example.
    assert "data/company.yml: name" not in examples


def test_example_tag_keeps_the_value_type(data_dir: Path) -> None:
    company = load_content(data_dir).company
    assert company.address.postal_code == "10115"
    assert company.subprocessor_objection_days == 30


def test_a_file_without_example_tags_lists_none(data_dir: Path) -> None:
    path = data_dir / "company.yml"
    path.write_text(re.sub(r"!example(?=\s)", "", path.read_text(encoding="utf-8")))
    assert not [e for e in load_content(data_dir).examples if e.startswith("data/company.yml")]


# --- broken copies ----------------------------------------------------------------------------


def test_missing_translation(data_dir: Path) -> None:
    _edit(data_dir, "toms.yml", lambda d: d["categories"][2]["measures"][0]["text"].pop("en"))
    assert _problems(data_dir) == [
        "data/toms.yml: categories[2].measures[0].text.en: missing translation"
    ]


def test_empty_translation(data_dir: Path) -> None:
    def blank(d: Any) -> None:
        d["groups"][1]["subprocessors"][0]["purpose"]["de"] = "  "

    _edit(data_dir, "subprocessors.yml", blank)
    assert _problems(data_dir) == [
        "data/subprocessors.yml: groups[1].subprocessors[0].purpose.de: empty translation"
    ]


def test_untranslated_plain_string(data_dir: Path) -> None:
    def plain(d: Any) -> None:
        d["areas"][0]["title"] = "Zugangskontrolle"

    _edit(data_dir, "toms.yml", plain)
    assert _problems(data_dir) == [
        "data/toms.yml: areas[0].title: needs both languages ({de: …, en: …}) or a mapping"
    ]


def test_duplicate_measure_id(data_dir: Path) -> None:
    def duplicate(d: Any) -> None:
        d["categories"][5]["measures"][1]["id"] = "authentication"

    _edit(data_dir, "toms.yml", duplicate)
    assert _problems(data_dir) == [
        "data/toms.yml: categories[5].measures[1].id: duplicate id 'authentication'"
    ]


def test_duplicate_subprocessor_id_across_groups(data_dir: Path) -> None:
    def duplicate(d: Any) -> None:
        d["groups"][1]["subprocessors"][4]["id"] = "aws"

    _edit(data_dir, "subprocessors.yml", duplicate)
    assert _problems(data_dir) == [
        "data/subprocessors.yml: groups[1].subprocessors[4].id: duplicate id 'aws'",
        "data/subprocessors.yml: changelog[5].subprocessor: unknown subprocessor 'frogged'",
    ]


def test_the_same_change_listed_twice(data_dir: Path) -> None:
    def twice(d: Any) -> None:
        d["changelog"].append({**d["changelog"][2], "summary": {"de": "Neu.", "en": "New."}})

    _edit(data_dir, "subprocessors.yml", twice)
    assert _problems(data_dir) == [
        "data/subprocessors.yml: changelog[6]: listed twice (same kind, subprocessor and dates)"
    ]


def test_change_log_naming_an_unknown_subprocessor(data_dir: Path) -> None:
    def unknown(d: Any) -> None:
        d["changelog"].append({**d["changelog"][0], "subprocessor": "acme"})

    _edit(data_dir, "subprocessors.yml", unknown)
    assert _problems(data_dir) == [
        "data/subprocessors.yml: changelog[6].subprocessor: unknown subprocessor 'acme'"
    ]


def test_bad_date(data_dir: Path) -> None:
    path = data_dir / "subprocessors.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("effective_date: 2026-11-26", "effective_date: 2026-02-30"))
    # The first entry is the anchor the other five merge, so all six carry the bad date.
    problems = _problems(data_dir)
    assert [p.split(": ")[1] for p in problems] == [
        f"changelog[{i}].effective_date" for i in range(6)
    ]
    assert problems[0].startswith(
        "data/subprocessors.yml: changelog[0].effective_date: input should be a valid date"
    )


def test_effective_before_notice(data_dir: Path) -> None:
    def backwards(d: Any) -> None:
        d["changelog"][0]["effective_date"] = "2026-11-01"

    _edit(data_dir, "subprocessors.yml", backwards)
    assert _problems(data_dir) == [
        "data/subprocessors.yml: changelog[0].effective_date: before the notice date"
    ]


def test_unknown_field_and_unknown_area(data_dir: Path) -> None:
    def typo(d: Any) -> None:
        d["categories"][0]["measures"][0]["txet"] = d["categories"][0]["measures"][0].pop("text")

    _edit(data_dir, "toms.yml", typo)
    assert _problems(data_dir) == [
        "data/toms.yml: categories[0].measures[0].text: required",
        "data/toms.yml: categories[0].measures[0].txet: unknown field",
    ]


def test_unknown_area(data_dir: Path) -> None:
    _edit(data_dir, "toms.yml", lambda d: d["categories"][1].update(area="physics"))
    assert _problems(data_dir) == ["data/toms.yml: categories[1].area: unknown area 'physics'"]


def test_invalid_email(data_dir: Path) -> None:
    _edit(data_dir, "company.yml", lambda d: d["dpo"].update(email="dpo at unoy"))
    (problem,) = _problems(data_dir)
    assert problem.startswith("data/company.yml: dpo.email: value is not a valid email address")


def test_yaml_syntax_error_names_line_and_column(data_dir: Path) -> None:
    (data_dir / "dpa.yml").write_text("template_version: 1\nsubject_matter: [unclosed\n")
    (problem,) = _problems(data_dir)
    assert re.fullmatch(r"data/dpa\.yml: line \d+, column \d+: .+", problem)


def test_missing_file(data_dir: Path) -> None:
    (data_dir / "toms.yml").unlink()
    assert _problems(data_dir) == ["data/toms.yml: file not found"]


def test_stops_at_the_first_invalid_file(data_dir: Path) -> None:
    _edit(data_dir, "company.yml", lambda d: d.pop("signatory"))
    _edit(data_dir, "toms.yml", lambda d: d.pop("areas"))
    assert _problems(data_dir) == ["data/company.yml: signatory: required"]


# --- subprocessors' legal entities and transfers -----------------------------------------------


def test_the_legal_entities_the_source_names_are_in_the_data() -> None:
    """Hubspot Inc., Userflow Inc., Unrolled LLC (Unlayer), Stripe Inc., Frogged Ltd.: from the
    source, so no example; AWS's entity is not in the source, so it is one."""
    content = get_content()
    subprocessors = content.subprocessors
    named = {"hubspot": "Hubspot Inc.", "userflow": "Userflow Inc.", "unlayer": "Unrolled LLC"}
    named |= {"stripe": "Stripe Inc.", "frogged": "Frogged Ltd."}
    for entry_id, entity in named.items():
        assert subprocessors.get(entry_id).legal_entity == entity
        assert entity in SOURCE
    examples = set(content.examples)
    assert "data/subprocessors.yml: groups[0].subprocessors[0].legal_entity" in examples
    assert not any(
        e.endswith("subprocessors[0].legal_entity") and "groups[1]" in e for e in examples
    )


def test_every_third_country_connection_states_its_basis() -> None:
    for entry in get_content().subprocessors.all():
        third = entry.third_countries()
        if third:
            assert entry.transfer is not None, entry.id
            assert set(third) <= set(entry.transfer.countries)
            assert entry.transfer.mechanisms


def _entry(data: Any, entry_id: str) -> Any:
    return next(
        entry
        for group in data["groups"]
        for entry in group["subprocessors"]
        if entry["id"] == entry_id
    )


def test_a_connection_to_a_third_country_without_transfer_is_refused(data_dir: Path) -> None:
    _edit(data_dir, "subprocessors.yml", lambda data: _entry(data, "userflow").pop("transfer"))
    assert _problems(data_dir) == [
        "data/subprocessors.yml: groups[1].subprocessors[1].transfer: required: registered or "
        "processing in US"
    ]


def test_a_transfer_names_each_third_country(data_dir: Path) -> None:
    def change(data: Any) -> None:
        entry = _entry(data, "frogged")
        entry["processing_locations"] = ["EU", "IN"]
        entry["transfer"]["countries"] = ["GB", "DE"]

    _edit(data_dir, "subprocessors.yml", change)
    assert _problems(data_dir) == [
        "data/subprocessors.yml: groups[1].subprocessors[4].transfer.countries: 'DE' is in the "
        "EU/EEA",
        "data/subprocessors.yml: groups[1].subprocessors[4].transfer.countries: must include 'IN'",
    ]


def test_standard_contractual_clauses_need_their_module(data_dir: Path) -> None:
    _edit(
        data_dir,
        "subprocessors.yml",
        lambda data: _entry(data, "userflow")["transfer"].update(mechanisms=[{"kind": "scc"}]),
    )
    [problem] = _problems(data_dir)
    assert problem.startswith(
        "data/subprocessors.yml: groups[1].subprocessors[1].transfer.mechanisms[0]: value error"
    )
    assert "module" in problem


def test_an_eu_entity_processing_in_the_eu_needs_no_transfer(data_dir: Path) -> None:
    def change(data: Any) -> None:
        entry = _entry(data, "frogged")
        entry.update(entity_country="IE", processing_locations=["IE"])
        entry.pop("transfer")

    _edit(data_dir, "subprocessors.yml", change)
    assert load_content(data_dir).subprocessors.get("frogged").transfer is None


def test_dpa_terms_are_checked(data_dir: Path) -> None:
    def change(data: Any) -> None:
        data["terms"]["breach_notice_hours"] = 96
        data["terms"]["liability"] = {"basis": "rule"}

    _edit(data_dir, "dpa.yml", change)
    problems = _problems(data_dir)
    assert "data/dpa.yml: terms.breach_notice_hours: input should be less than or equal to 72" in (
        problems
    )
    assert any(p.startswith("data/dpa.yml: terms.liability: value error") for p in problems)


def test_annex_iv_wording_names_known_groups(data_dir: Path) -> None:
    _edit(
        data_dir,
        "dpa.yml",
        lambda data: data["annex_iv_groups"].update(nowhere={"title": {"de": "X", "en": "X"}}),
    )
    assert _problems(data_dir) == [
        "data/dpa.yml: annex_iv_groups.nowhere: unknown group (see data/subprocessors.yml)"
    ]


# --- reviews and the FAQ ------------------------------------------------------------------------


def test_review_dates_are_examples_until_unoy_confirms_them() -> None:
    examples = get_content().examples
    for part in ("toms", "subprocessors", "dpa", "legal", "faq"):
        assert f"data/reviews.yml: {part}" in examples


def test_a_review_date_must_be_a_date(data_dir: Path) -> None:
    _edit(data_dir, "reviews.yml", lambda d: d.update(toms="last week"))
    (problem,) = _problems(data_dir)
    assert problem.startswith("data/reviews.yml: toms: input should be a valid date")


def test_every_part_needs_a_review_date(data_dir: Path) -> None:
    _edit(data_dir, "reviews.yml", lambda d: d.pop("faq"))
    assert _problems(data_dir) == ["data/reviews.yml: faq: required"]


def test_the_hosting_subprocessor_must_exist(data_dir: Path) -> None:
    _edit(data_dir, "subprocessors.yml", lambda d: d.update(hosting="acme"))
    assert _problems(data_dir) == ["data/subprocessors.yml: hosting: unknown subprocessor 'acme'"]


def test_faq_needs_ten_questions(data_dir: Path) -> None:
    _edit(data_dir, "faq.yml", lambda d: d.update(questions=d["questions"][:9]))
    (problem,) = _problems(data_dir)
    assert problem.startswith("data/faq.yml: questions: list should have at least 10 items")


def test_an_answer_takes_its_facts_from_the_data(data_dir: Path) -> None:
    def invent(d: Any) -> None:
        d["questions"][6]["answer"] = {
            "de": "Ja, nach ISO 27001 zertifiziert.",
            "en": "Yes, ISO 27001 certified.",
        }

    _edit(data_dir, "faq.yml", invent)
    assert _problems(data_dir) == [
        "data/faq.yml: questions[6].answer.de: no marker: an answer takes its facts from data/",
        "data/faq.yml: questions[6].answer.en: no marker: an answer takes its facts from data/",
    ]


def test_both_languages_of_an_answer_use_the_same_facts(data_dir: Path) -> None:
    def drift(d: Any) -> None:
        answer = d["questions"][10]["answer"]
        answer["en"] = answer["en"].replace("company.dpo.email", "company.email")

    _edit(data_dir, "faq.yml", drift)
    assert _problems(data_dir) == [
        "data/faq.yml: questions[10].answer.en: markers differ from de's"
    ]


def test_an_answer_cannot_hold_a_whole_block(data_dir: Path) -> None:
    def nest(d: Any) -> None:
        for lang in ("de", "en"):
            d["questions"][0]["answer"][lang] += "\n\n<!-- trustcenter:faq -->"

    _edit(data_dir, "faq.yml", nest)
    assert _problems(data_dir) == [
        f"data/faq.yml: questions[0].answer.{lang}: marker 'faq' cannot be used in an answer"
        for lang in ("de", "en")
    ]


def test_details_name_a_page(data_dir: Path) -> None:
    _edit(data_dir, "faq.yml", lambda d: d["questions"][0]["details"].update(page="/toms/"))
    (problem,) = _problems(data_dir)
    assert problem.startswith("data/faq.yml: questions[0].details.page: string should match")


def test_duplicate_question_id(data_dir: Path) -> None:
    _edit(data_dir, "faq.yml", lambda d: d["questions"][1].update(id="hosting"))
    assert _problems(data_dir) == ["data/faq.yml: questions[1].id: duplicate id 'hosting'"]

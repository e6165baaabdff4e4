"""The template lint a lawyer's edit in Word must pass: tags parse, names exist in the
context, both languages use the same names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.content import LANGUAGES, Lang, get_content
from api.dpa.lint import jinja_sources, lint, names_used
from api.dpa.render import template_path
from tests.dpa.sample import edit_document_xml
from tests.support.site_build import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "dpa_templates"

EXPECTED_NAMES = {
    "ref",
    "issued_on",
    "template_version",
    "data_version",
    "customer.legal_name",
    "customer.country",
    "customer.contact.email",
    "customer.signatory.position",
    "unoy.signatory.name",
    "objection_days",
    "processing.subject_matter",
    "transfer.mechanisms",
    "measure.text",
    "entry.location_eu",
    "entry.legal_entity",
    "entry.address",
    "entry.entity_country",
    "entry.processing_locations",
    "entry.transfer.mechanisms",
    "subprocessors.feed_url",
    "terms.breach_notice_hours",
    "terms.audit_notice_days",
    "terms.return_days",
    "terms.backup_deletion_days",
    "terms.governing_law",
    "terms.jurisdiction",
    "terms.prevailing_version",
    "terms.liability.rule",
    "draft",
}


def test_shipped_templates_pass_the_lint() -> None:
    result = lint(get_content())
    assert result.problems == []
    assert result.names["de"] == result.names["en"]
    assert result.names["de"] >= EXPECTED_NAMES


@pytest.mark.parametrize("lang", ["de", "en"])
def test_reference_is_in_header_and_footer_has_versions(lang: Lang) -> None:
    header_and_footer = jinja_sources(template_path(lang))[1:]
    joined = "".join(header_and_footer)
    assert "{{ ref }}" in joined and "{{ template_version }}" in joined


def _edit(src: Path, dst_dir: Path, old: str, new: str) -> None:
    """Change the document XML of a copy of a template, as an edit in Word would."""

    def change(xml: str) -> str:
        assert old in xml
        return xml.replace(old, new, 1)

    edit_document_xml(src, dst_dir, change)


def _copy_templates(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        shutil.copy(template_path(lang), tmp_path / f"dpa.{lang}.docx")
    shutil.copy(TEMPLATE_DIR / "clauses.yml", tmp_path / "clauses.yml")


def test_lint_finds_a_broken_tag(tmp_path: Path) -> None:
    _copy_templates(tmp_path)
    _edit(TEMPLATE_DIR / "dpa.de.docx", tmp_path, "{{ customer.city }}", "{{ customer.city }")
    problems = lint(get_content(), tmp_path).problems
    assert any("dpa.de.docx" in p and "parse" in p for p in problems), problems


def test_lint_finds_an_unknown_name_and_a_difference_between_languages(tmp_path: Path) -> None:
    _copy_templates(tmp_path)
    _edit(TEMPLATE_DIR / "dpa.en.docx", tmp_path, "{{ customer.city }}", "{{ customer.town }}")
    problems = lint(get_content(), tmp_path).problems
    assert any("dpa.en.docx: does not render" in p and "town" in p for p in problems), problems
    assert "dpa.en.docx uses customer.town, dpa.de.docx does not" in problems


def test_names_used_keeps_full_chains() -> None:
    names = names_used("{{ a.b.c }} {% for x in items %}{{ x.y }}{% endfor %} {{ a.b.d }}")
    assert names == {"a.b.c", "a.b.d", "x.y", "items"}

"""The clause map: every clause of Implementing Decision (EU) 2021/915 and every addition the
issue asks for is mapped, every mapped section exists in both templates (read from the
documents' headings and numbered paragraphs), and time limits come from data/."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.content import LANGUAGES, Lang, get_content
from api.dpa.clauses import check, load_clause_map
from api.dpa.lint import jinja_sources, lint
from api.dpa.outline import outline, read_outline
from api.dpa.render import template_bytes, template_path
from tests.dpa.sample import dpa_body, edit_document_xml, open_docx, render

# The Annex of Implementing Decision (EU) 2021/915, clause by clause (Clause 5, the optional
# docking clause, as a whole).
CLAUSES_2021_915 = [
    *(f"1({x})" for x in "abcdef"),
    "2(a)",
    "2(b)",
    "3(a)",
    "3(b)",
    "3(c)",
    "4",
    "5",
    "6",
    "7.1(a)",
    "7.1(b)",
    "7.2",
    "7.3",
    "7.4(a)",
    "7.4(b)",
    "7.5",
    *(f"7.6({x})" for x in "abcde"),
    *(f"7.7({x})" for x in "abcde"),
    "7.8(a)",
    "7.8(b)",
    "8(a)",
    "8(b)",
    *(f"8(c)({n})" for n in range(1, 5)),
    "8(d)",
    "9",
    "9.1(a)",
    "9.1(b)",
    "9.1(c)",
    "9.2",
    "9.2(a)",
    "9.2(b)",
    "9.2(c)",
    "10(a)",
    *(f"10(b)({n})" for n in range(1, 4)),
    "10(c)",
    "10(d)",
    "Annex I",
    "Annex II",
    "Annex III",
    "Annex IV",
]
# What 2021/915 leaves to the parties and the issue asks the agreement to settle.
ADDITIONS = {
    "liability",
    "governing_law",
    "jurisdiction",
    "precedence",
    "term",
    "survival",
    "severability",
    "prevailing_language",
    "transfers_2021_914",
    "deletion_certificate",
    "backup_deletion",
    "objection_period",
}
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "dpa_templates"


def test_every_clause_of_2021_915_is_mapped_once() -> None:
    mapped = [item.clause for item in load_clause_map().scc_2021_915]
    assert sorted(mapped) == sorted(CLAUSES_2021_915)


def test_the_additions_are_mapped() -> None:
    assert {item.id for item in load_clause_map().additions} >= ADDITIONS


def test_every_mapped_section_exists_in_both_templates() -> None:
    clause_map = load_clause_map()
    outlines = {lang: read_outline(template_bytes(template_path(lang))) for lang in LANGUAGES}
    assert check(clause_map, outlines) == []
    for lang in LANGUAGES:
        numbers = {entry.number for entry in outlines[lang]}
        for item in clause_map.all_covered():
            for section in item.sections:
                if section[0].isdigit():
                    assert section in numbers, (lang, section)


def _restyle(src: Path, dst_dir: Path, text: str, old: str, new: str) -> None:
    """Change the style of the paragraph holding `text` in a copy of a template."""

    def change(xml: str) -> str:
        at = xml.index(text)
        start = xml.rindex("<w:p>", 0, at)
        paragraph = xml[start:at]
        assert old in paragraph
        return xml[:start] + paragraph.replace(old, new, 1) + xml[at:]

    edit_document_xml(src, dst_dir, change)


def test_the_lint_finds_a_mapped_clause_that_a_word_edit_removed(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        shutil.copy(template_path(lang), tmp_path / f"dpa.{lang}.docx")
    shutil.copy(TEMPLATE_DIR / "clauses.yml", tmp_path / "clauses.yml")
    # the English liability clause 15.2 turned into a plain paragraph
    _restyle(
        TEMPLATE_DIR / "dpa.en.docx",
        tmp_path,
        "The processor is responsible for any fault",
        '<w:pStyle w:val="Clause"/>',
        '<w:pStyle w:val="Small"/>',
    )
    problems = lint(get_content(), tmp_path).problems
    assert "dpa.en.docx: has no clause 15.2 (dpa_templates/clauses.yml refers to it)" in problems
    assert not any(p.startswith("dpa.de.docx") for p in problems), problems


TIME_WORDS = (
    r"(Tage|Tagen|Tag|Stunden|Monat|Monaten|Wochen|Jahre|days|day|hours|months|month|weeks|years)"
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_time_limit_is_typed_into_a_template(lang: Lang) -> None:
    source = " ".join(jinja_sources(template_path(lang)))
    text = re.sub(r"<[^>]+>", "", source)
    assert re.findall(rf"\b\d+\s*{TIME_WORDS}\b", text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_time_limits_come_from_data(lang: Lang) -> None:
    content = get_content()
    data = render(dpa_body(lang), content, "DPA-2026-TIME01", datetime(2026, 11, 26, tzinfo=UTC))
    clauses = {e.number: e.text for e in outline(open_docx(data)) if e.number}
    terms = content.dpa.terms
    days, hours = {"de": ("Tage", "Stunden"), "en": ("days", "hours")}[lang]
    objection = content.company.subprocessor_objection_days
    assert f"{objection} {days}" in clauses["8.2"]
    assert f"{objection} {days}" in clauses["8.3"] or f"{objection} Tagen" in clauses["8.3"]
    assert f"{terms.audit_notice_days} {days}" in clauses["7.5"]
    assert f"{terms.breach_notice_hours} {hours}" in clauses["11.2"]
    assert f"{terms.return_days} {days}" in clauses["14.2"]
    assert f"{terms.backup_deletion_days} {days}" in clauses["14.3"]
    assert f"{terms.suspension_cure_months} " in clauses["13.2(a)"]
    assert terms.governing_law(lang) in clauses["17.3"]
    assert terms.jurisdiction(lang) in clauses["17.4"]

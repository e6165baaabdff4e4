"""The review sheet for UNOY's lawyer (`guides/legal-review.md`): its tables of the values still
to confirm and of the clause map are generated here from data/ and dpa_templates/clauses.yml, so
they cannot drift; the rest of the page (the open questions) is written by hand.

`trustcenter dpa review-sheet` rewrites the generated blocks between the page's markers
``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``; a test checks they are current.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from api.content import Content
from api.content.completeness import examples_for, readable
from api.content.model import Mechanism, Transfer
from api.dpa.clauses import ClauseMap, Covered
from api.dpa.context import example_value, value_at

# Where each value of data/ that may be an example appears: (readable path pattern, on the site,
# in the DPA). The first match counts; a value with no match fails the review sheet's test.
WHERE: tuple[tuple[str, str, str], ...] = (
    (
        "data/company.yml: legal_name",
        "legal notice, privacy notice, exports",
        "title page, signatures, Annex I",
    ),
    ("data/company.yml: address.*", "legal notice, privacy notice", "title page, Annex I"),
    ("data/company.yml: commercial_register", "legal notice", "title page, Annex I"),
    ("data/company.yml: vat_id", "legal notice", "Annex I"),
    ("data/company.yml: managing_directors", "legal notice", "Annex I (represented by)"),
    ("data/company.yml: email", "legal notice, privacy notice", "–"),
    ("data/company.yml: phone", "legal notice", "–"),
    ("data/company.yml: website", "exports (JSON, feeds)", "–"),
    (
        "data/company.yml: trust_center_url",
        "every page's address, sitemap, feeds, security.txt",
        "5.2, 8.2, Annex III, Annex IV",
    ),
    (
        "data/company.yml: privacy_contact.*",
        "privacy notice, contact page, DPA page",
        "Annex I, Annex III",
    ),
    ("data/company.yml: security_contact.*", "security page, security.txt", "–"),
    ("data/company.yml: dpo.*", "privacy notice", "Annex I"),
    ("data/company.yml: signatory.*", "–", "signatures, Annex I"),
    (
        "data/company.yml: subprocessor_objection_days",
        "subprocessors page, JSON export",
        "8.2, 8.3",
    ),
    ("data/company.yml: supervisory_authority", "privacy notice", "Annex II"),
    ("data/subprocessors.yml: *.notes*", "subprocessors page (notes)", "Annex IV (notes)"),
    (
        "data/subprocessors.yml: *.transfer*",
        "subprocessors page, JSON export",
        "9.3, Annex IV (connection to a third country)",
    ),
    ("data/subprocessors.yml: *", "subprocessors page, JSON export", "Annex IV"),
    ("data/toms.yml: *", "TOMs page, security page", "Annex III"),
    ("data/dpa.yml: terms.breach_notice_hours", "–", "11.2"),
    ("data/dpa.yml: terms.audit_notice_days", "–", "7.5"),
    ("data/dpa.yml: terms.return_days", "–", "14.2"),
    ("data/dpa.yml: terms.backup_deletion_days", "–", "14.3, 14.4"),
    ("data/dpa.yml: terms.governing_law", "–", "17.3"),
    ("data/dpa.yml: terms.jurisdiction", "–", "17.4"),
    ("data/dpa.yml: terms.prevailing_language", "–", "17.5"),
    ("data/dpa.yml: terms.liability*", "–", "15.1"),
    ("data/dpa.yml: sensitive_data_safeguards", "–", "6.1, Annex II"),
    ("data/reviews.yml: *", "under each page's title (last reviewed), sitemap", "–"),
)

_BLOCK = re.compile(
    r"(<!-- generated:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)",
    re.S,
)


def where(path: str) -> tuple[str, str] | None:
    """(site, DPA) for a readable path such as `data/subprocessors.yml: aws.address`."""
    for pattern, site, dpa in WHERE:
        if fnmatchcase(path, pattern):
            return site, dpa
    return None


def _mechanisms(mechanisms: list[Mechanism]) -> str:
    return ", ".join(m.kind + (f" (module {m.module})" if m.module else "") for m in mechanisms)


def _structured(value: Any) -> str:
    """A short form of a structured value: a transfer, its mechanisms."""
    if isinstance(value, Transfer):
        return f"{', '.join(value.countries)}: {_mechanisms(value.mechanisms)}"
    if isinstance(value, list) and value and all(isinstance(m, Mechanism) for m in value):
        return _mechanisms(value)
    return "(structured: see the file)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def examples_table(content: Content) -> str:
    rows = [
        "| value (file: path) | what it says now | on the site | in the DPA (clause, annex) |",
        "| --- | --- | --- | --- |",
    ]
    for example in examples_for(content, "site"):
        path = readable(example, content)
        site, dpa = where(path) or ("?", "?")
        shown = example_value(content, example, "de") or _structured(value_at(content, example))
        rows.append(f"| `{path}` | {_cell(shown)} | {site} | {dpa} |")
    return "\n".join(rows) + "\n"


def _sections(clause_map: ClauseMap, item: Covered) -> str:
    return "; ".join(clause_map.title(section, "en") for section in item.sections)


def _table(
    clause_map: ClauseMap, head: str, items: list[Covered], key: Callable[[Covered], str]
) -> str:
    rows = [f"| {head} | what | DPA section |", "| --- | --- | --- |"]
    for item in items:
        what = item.topic + (f" ({item.handling})" if item.handling else "")
        what += f". Note: {item.note}" if item.note else ""
        rows.append(f"| {key(item)} | {_cell(what)} | {_cell(_sections(clause_map, item))} |")
    return "\n".join(rows) + "\n"


def clause_map_tables(clause_map: ClauseMap) -> str:
    def attribute(name: str) -> Callable[[Covered], str]:
        return lambda item: str(getattr(item, name))

    return "\n".join(
        [
            "Implementing Decision (EU) 2021/915 (its Annex, clause by clause):\n",
            _table(clause_map, "2021/915", list(clause_map.scc_2021_915), attribute("clause")),
            "What 2021/915 leaves to the parties, and this agreement adds:\n",
            _table(clause_map, "addition", list(clause_map.additions), attribute("id")),
            "Art. 28 GDPR (and the articles the agreement refers to):\n",
            _table(clause_map, "GDPR", list(clause_map.gdpr), attribute("article")),
        ]
    )


def update(text: str, content: Content, clause_map: ClauseMap) -> str:
    """The sheet with its generated blocks made current."""
    blocks = {"examples": examples_table(content), "clause-map": clause_map_tables(clause_map)}

    def replace(match: re.Match[str]) -> str:
        body = blocks.get(match.group("name"))
        if body is None:
            return match.group(0)
        return f"{match.group(1)}\n{body}\n{match.group(4)}"

    return _BLOCK.sub(replace, text)


def unplaced(content: Content) -> list[str]:
    """Example values the WHERE table does not place (the sheet cannot say where they are)."""
    paths = (readable(example, content) for example in examples_for(content, "site"))
    return [path for path in paths if where(path) is None]

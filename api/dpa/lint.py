"""The template lint: a lawyer edits the .docx files in Word; this says whether they still
work. Every Jinja tag must parse, every name must exist in the context (checked by rendering
against real content with StrictUndefined, each `{% if %}` both ways), both languages must use
the same names, and every section the clause map (`dpa_templates/clauses.yml`) names must exist
in both documents."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from api.content import LANGUAGES, Content, Lang
from api.core.errors import ContentError
from api.dpa.clauses import check as check_clause_map
from api.dpa.clauses import load_clause_map
from api.dpa.context import build_context, check_processing
from api.dpa.outline import Entry, read_outline
from api.dpa.render import jinja_environment, render_docx, template_bytes, template_path
from api.dpa.schemas import DpaRequest

SAMPLE_CUSTOMER = {
    "legal_name": "Beispiel GmbH",
    "street": "Beispielstraße 1",
    "postal_code": "12345",
    "city": "Beispielstadt",
    "country": "DE",
    "register": "Amtsgericht Beispielstadt, HRB 1",
    "vat_id": "DE000000001",
    "contact": {"name": "K. Kontakt", "position": "Legal", "email": "k@example.com", "phone": "1"},
    "dpo": {"name": "D. Beauftragte", "email": "d@example.com"},
    "signatory": {"name": "S. Zeichner", "position": "CEO"},
}


def sample_request(lang: Lang, *, special: bool = False, **customer: object) -> DpaRequest:
    return DpaRequest.model_validate(
        {
            "language": lang,
            "format": "docx",
            "customer": {**SAMPLE_CUSTOMER, **customer},
            "processing": {"special_categories": special},
        }
    )


def jinja_sources(path: Path) -> list[str]:
    """The Jinja source of the body, headers and footers, as docxtpl sees it."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(template_bytes(path)))
    template.render_init()
    sources = [template.patch_xml(template.get_xml())]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _, part in template.get_headers_footers(uri):
            sources.append(template.patch_xml(template.get_part_xml(part)))
    return sources


def names_used(source: str) -> set[str]:
    """Dotted names as written (`customer.contact.name`, `entry.name`, `ref`)."""
    tree = jinja_environment().parse(source)
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Name)):
        parts: list[str] = []
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr):
            parts.append(current.attr)
            current = current.node
        if isinstance(current, nodes.Name):
            found.add(".".join([current.name, *reversed(parts)]))
    # keep only the longest chains: `customer.contact` is implied by `customer.contact.name`
    return {name for name in found if not any(other.startswith(name + ".") for other in found)}


def _the_other_way(context: dict[str, Any]) -> dict[str, Any]:
    """The context with every data-driven condition turned the other way from today's data: a
    complete (or incomplete) content, a stated liability rule (or the Main Agreement's), no
    third-country connection (or one), so each branch of the templates meets StrictUndefined."""
    changed = copy.deepcopy(context)
    changed["draft"] = [] if context["draft"] else ["data/company.yml: legal_name – Beispiel"]
    liability = changed["terms"]["liability"]
    if liability["basis"] == "main_agreement":
        liability.update(basis="rule", rule="Lint rule.")
    else:
        liability.update(basis="main_agreement", rule=None)
    sample_transfer = {
        "name": "Lint",
        "legal_entity": "Lint Inc.",
        "countries": "USA",
        "nature": "Lint",
        "mechanisms": ["Lint"],
        "supplementary_measures": "Lint",
    }
    changed["transfers"] = [] if context["transfers"] else [sample_transfer]
    for group in changed["subprocessors"]["groups"]:
        for entry in group["entries"]:
            entry["transfer"] = None if entry["transfer"] else dict(sample_transfer)
            entry["notes"] = [] if entry["notes"] else ["* Lint"]
    return changed


def _clause_map_problems(outlines: dict[Lang, list[Entry]], template_dir: Path | None) -> list[str]:
    try:
        clause_map = load_clause_map(template_dir)
    except ContentError as error:
        return error.problems
    return check_clause_map(clause_map, outlines)


@dataclass
class LintResult:
    problems: list[str] = field(default_factory=list)
    names: dict[str, set[str]] = field(default_factory=dict)


def lint(content: Content, template_dir: Path | None = None) -> LintResult:
    result = LintResult()
    outlines: dict[Lang, list[Entry]] = {}
    for lang in LANGUAGES:
        path = template_path(lang, template_dir)
        label = path.name
        try:
            result.names[lang] = set().union(*(names_used(s) for s in jinja_sources(path)))
        except TemplateSyntaxError as error:
            result.problems.append(f"{label}: tag does not parse: {error.message}")
            continue
        outlines[lang] = read_outline(template_bytes(path))
        # Once with every optional value given and once with none, so both branches of each
        # `{% if %}` meet StrictUndefined.
        variants: list[tuple[bool, dict[str, object]]] = [
            (True, {}),
            (False, {"register": None, "vat_id": None, "dpo": None}),
        ]
        for special, customer in variants:
            request = sample_request(lang, special=special, **customer)
            context = build_context(
                request,
                check_processing(request.processing, content),
                content,
                reference="DPA-0000-LINT00",
                issued_on=date.today(),
            )
            try:
                render_docx(path, context if special else _the_other_way(context))
            except Exception as error:  # any failure is a finding, reported with its text
                problem = f"{label}: does not render: {type(error).__name__}: {error}"
                result.problems.append(problem)
                break
    if len(outlines) == len(LANGUAGES):
        result.problems += _clause_map_problems(outlines, template_dir)
    if len(result.names) == len(LANGUAGES):
        first, *others = LANGUAGES
        for other in others:
            for one, two in ((first, other), (other, first)):
                for name in sorted(result.names[one] - result.names[two]):
                    result.problems.append(f"dpa.{one}.docx uses {name}, dpa.{two}.docx does not")
    return result

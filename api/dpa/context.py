"""What the templates see: the customer's request and the content of `data/`, in the
document's language, as plain dicts and lists (docxtpl's Jinja reads `a.b` from dicts).

Both templates use exactly the same names (checked by the template lint), so a lawyer editing
one language's document finds the same placeholders in the other.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from api.content import Content, Lang, Option, Subprocessor, Text
from api.content.completeness import examples_for, readable
from api.content.wording import countries, mechanism_texts
from api.core.errors import InvalidInput
from api.core.i18n import country_name, language_prefix, long_date
from api.core.messages import Messages
from api.dpa.sanitize import sanitize
from api.dpa.schemas import DpaRequest, Processing

NONE = "–"
# Markers tie a footnote to the location it explains, as on UNOY's TOMs page.
_MARKERS = ("*", "**", "***", "****")
# A placeholder's value in the draft notice is cut here: the notice names it, the text shows it.
PLACEHOLDER_CHARS = 80


class UnknownOptionError(InvalidInput):
    """A processing choice that `data/dpa.yml` does not offer."""

    def __init__(self, field: str) -> None:
        super().__init__(f"unknown option in {field}", fields={field: "unknown_option"})
        self.field = field


@dataclass(frozen=True)
class ChosenProcessing:
    """The option ids of `data/dpa.yml` a DPA is issued with, checked once per request."""

    data_subjects: list[str]
    data_categories: list[str]
    special_categories: bool

    def option_ids(self) -> dict[str, list[str]]:
        ids = asdict(self)
        del ids["special_categories"]
        return ids


def collation_key(text: str) -> str:
    """Sort key that puts "Österreich" next to "Oman", not after "Zypern"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def data_version(content: Content) -> str:
    """The version date of the data behind the annexes (the subprocessor list's)."""
    return content.subprocessors.version.isoformat()


# The digest of the content last asked about: the app's content is loaded once and never
# changes, so every DPA would otherwise dump and hash all of it again.
_last_digest: tuple[Content, str] | None = None


def data_digest(content: Content) -> str:
    """SHA-256 over every fact a DPA is rendered from: pins down exactly what a DPA said."""
    global _last_digest
    last = _last_digest
    if last is not None and last[0] is content:
        return last[1]
    facts = {
        "company": content.company.model_dump(mode="json"),
        "toms": content.toms.model_dump(mode="json"),
        "subprocessors": content.subprocessors.model_dump(mode="json"),
        "dpa": content.dpa.model_dump(mode="json"),
    }
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode("utf-8")).hexdigest()
    _last_digest = (content, digest)
    return digest


def chosen_ids(options: list[Option], ids: list[str] | None, field: str) -> list[str]:
    """The chosen ids in `data/dpa.yml`'s order: the request's, or that file's defaults when
    none are given. An id the file does not offer raises UnknownOptionError(field)."""
    if ids is None:
        return [option.id for option in options if option.default]
    if not {option.id for option in options}.issuperset(ids):
        raise UnknownOptionError(field)
    wanted = set(ids)
    return [option.id for option in options if option.id in wanted]


def check_processing(processing: Processing, content: Content) -> ChosenProcessing:
    """The options a DPA is issued with; raises UnknownOptionError, so call it before anything
    is rendered or stored."""
    dpa = content.dpa
    return ChosenProcessing(
        data_subjects=chosen_ids(
            dpa.data_subject_categories, processing.data_subjects, "processing.data_subjects"
        ),
        data_categories=chosen_ids(
            dpa.personal_data_categories, processing.data_categories, "processing.data_categories"
        ),
        special_categories=processing.special_categories,
    )


def _labels(options: list[Option], ids: list[str], lang: Lang) -> list[str]:
    wanted = set(ids)
    return [option.label(lang) for option in options if option.id in wanted]


def _processing(chosen: ChosenProcessing, content: Content, lang: Lang) -> dict[str, Any]:
    dpa = content.dpa
    return {
        "subject_matter": dpa.subject_matter(lang),
        "duration": dpa.duration(lang),
        "nature_and_purpose": dpa.nature_and_purpose(lang),
        "data_subjects": _labels(dpa.data_subject_categories, chosen.data_subjects, lang),
        "data_categories": _labels(dpa.personal_data_categories, chosen.data_categories, lang),
        "special_categories": chosen.special_categories,
        "sensitive_data_safeguards": [item(lang) for item in dpa.sensitive_data_safeguards],
    }


def _terms(content: Content, lang: Lang) -> dict[str, Any]:
    terms = content.dpa.terms
    return {
        "breach_notice_hours": terms.breach_notice_hours,
        "audit_notice_days": terms.audit_notice_days,
        "return_days": terms.return_days,
        "backup_deletion_days": terms.backup_deletion_days,
        "suspension_cure_months": terms.suspension_cure_months,
        "governing_law": terms.governing_law(lang),
        "jurisdiction": terms.jurisdiction(lang),
        # "die deutsche Fassung" / "the German version": the catalogue words it per language.
        "prevailing_version": content.messages.t(
            f"dpa_document.version_of_{terms.prevailing_language}", lang
        ),
        "liability": {
            "basis": terms.liability.basis,
            "rule": _optional(terms.liability.rule, lang),
        },
    }


def _optional(text: Text | None, lang: Lang) -> str | None:
    return None if text is None else text(lang)


def _customer(request: DpaRequest) -> dict[str, Any]:
    customer = request.customer
    contact = customer.contact
    return {
        "legal_name": customer.legal_name,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": country_name(customer.country, request.language),
        "register": customer.commercial_register,
        "vat_id": customer.vat_id,
        "contact": {
            "name": contact.name,
            "position": contact.position,
            "email": contact.email,
            "phone": contact.phone,
        },
        "dpo": ({"name": customer.dpo.name, "email": customer.dpo.email} if customer.dpo else None),
        "signatory": {"name": customer.signatory.name, "position": customer.signatory.position},
    }


def _unoy(content: Content, lang: Lang) -> dict[str, Any]:
    company = content.company
    privacy = company.privacy_contact
    base = f"{company.trust_center_url}/{language_prefix(lang)}"
    return {
        "name": company.name,
        "legal_name": company.legal_name,
        "street": company.address.street,
        "postal_code": company.address.postal_code,
        "city": company.address.city,
        "country": country_name(company.address.country, lang),
        "register": company.commercial_register,
        "vat_id": company.vat_id,
        "managing_directors": ", ".join(company.managing_directors),
        "trust_center_url": company.trust_center_url,
        "toms_url": f"{base}toms/",
        "privacy_contact": {
            "name": _optional(privacy.name, lang) or company.name,
            "email": privacy.email,
            "phone": privacy.phone,
        },
        "dpo": {"name": company.dpo.name, "email": company.dpo.email, "phone": company.dpo.phone},
        "signatory": {
            "name": company.signatory.name,
            "position": company.signatory.position(lang),
        },
        "supervisory_authority": company.supervisory_authority(lang),
    }


def _toms(content: Content, lang: Lang) -> dict[str, Any]:
    """Annex III: the site's areas, categories and measures, in the annex's wording."""
    toms = content.toms
    return {
        "intro": (toms.annex_intro or toms.intro)(lang),
        "areas": [
            {
                "title": area.title(lang),
                "categories": [
                    {
                        "title": category.title(lang),
                        "intro": _optional(category.annex_intro or category.intro, lang),
                        "measures": [
                            {"title": measure.title(lang), "text": measure.annex()(lang)}
                            for measure in category.measures
                        ],
                    }
                    for category in toms.categories
                    if category.area == area.id
                ],
            }
            for area in toms.areas
        ],
    }


def _transfer(entry: Subprocessor, messages: Messages, lang: Lang) -> dict[str, Any] | None:
    transfer = entry.transfer
    if transfer is None:
        return None
    return {
        "name": entry.name,
        "legal_entity": entry.legal_entity,
        "countries": countries(transfer.countries, lang),
        "nature": transfer.nature(lang),
        "mechanisms": mechanism_texts(transfer, messages, lang),
        "supplementary_measures": _optional(transfer.supplementary_measures, lang),
    }


def _entry(entry: Subprocessor, messages: Messages, lang: Lang) -> dict[str, Any]:
    locations = {"location_us": _optional(entry.location_us, lang) or NONE}
    locations["location_eu"] = _optional(entry.location_eu, lang) or NONE
    notes = []
    marked = 0
    for note in entry.notes:
        if note.applies_to is not None and marked < len(_MARKERS):
            marker = _MARKERS[marked]
            marked += 1
            locations[note.applies_to] += marker
            notes.append(f"{marker} {note(lang)}")
        else:
            notes.append(note(lang))
    return {
        "name": entry.name,
        "legal_entity": entry.legal_entity,
        "address": entry.address,
        "entity_country": country_name(entry.entity_country, lang),
        "purpose": entry.purpose(lang),
        "service": entry.service(lang),
        "data_categories": [category(lang) for category in entry.data_categories],
        **locations,
        "processing_locations": countries(entry.processing_locations, lang),
        "notes": notes,
        "transfer": _transfer(entry, messages, lang),
    }


def _subprocessors(content: Content, lang: Lang) -> dict[str, Any]:
    base = f"{content.company.trust_center_url}/{language_prefix(lang)}"
    wording = content.dpa.annex_iv_groups
    groups = []
    for group in content.subprocessors.groups:
        annex = wording.get(group.id)
        intro = annex.intro if annex else group.intro
        groups.append(
            {
                "title": (annex.title if annex else group.title)(lang),
                "intro": _optional(intro, lang),
                "entries": [_entry(entry, content.messages, lang) for entry in group.subprocessors],
            }
        )
    return {
        "version": long_date(content.subprocessors.version, lang),
        "url": f"{base}subprocessors/",
        "feed_url": f"{base}subprocessors.atom",
        "groups": groups,
    }


def _transfers(subprocessors: dict[str, Any]) -> list[dict[str, Any]]:
    """Every subprocessor connected to a third country, in Annex IV's order (clause 9.3)."""
    entries = (entry for group in subprocessors["groups"] for entry in group["entries"])
    return [entry["transfer"] for entry in entries if entry["transfer"] is not None]


def _shown(value: Any, lang: Lang) -> str | None:
    """A placeholder's value as the document shows it, where it is text or a number."""
    if isinstance(value, Text):
        return value(lang)
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, list) and value:
        parts = [_shown(item, lang) for item in value]
        if all(parts):
            return "; ".join(part for part in parts if part)
    return None


def value_at(content: Content, example: str) -> Any:
    """The value an example path (`data/company.yml: dpo.name`) points at."""
    label, _, path = example.partition(": ")
    files = {
        "data/company.yml": content.company,
        "data/toms.yml": content.toms,
        "data/subprocessors.yml": content.subprocessors,
        "data/dpa.yml": content.dpa,
    }
    current: Any = files.get(label)
    for part in path.replace("[", ".").replace("]", "").split("."):
        if current is None:
            return None
        current = current[int(part)] if part.isdigit() else getattr(current, part, None)
    return current


def example_value(content: Content, example: str, lang: Lang) -> str | None:
    """What a document or page shows for an example value, where it is text or a number."""
    return _shown(value_at(content, example), lang)


def placeholders(content: Content, lang: Lang) -> list[str]:
    """What the draft notice lists: each example value a DPA uses, where it is and what the
    document shows for it. Empty when the content is complete: the DPA is then no draft."""
    listed = []
    for example in examples_for(content, "dpa"):
        shown = example_value(content, example, lang)
        where = readable(example, content)
        if shown and len(shown) > PLACEHOLDER_CHARS:
            shown = shown[: PLACEHOLDER_CHARS - 1].rstrip() + "…"
        listed.append(f"{where} – {shown}" if shown else where)
    return listed


def build_context(
    request: DpaRequest,
    chosen: ChosenProcessing,
    content: Content,
    *,
    reference: str,
    issued_on: date,
) -> dict[str, Any]:
    lang = request.language
    subprocessors = _subprocessors(content, lang)
    context = {
        "ref": reference,
        "issued_on": long_date(issued_on, lang),
        "template_version": content.dpa.template_version,
        "data_version": long_date(content.subprocessors.version, lang),
        "customer": _customer(request),
        "unoy": _unoy(content, lang),
        "draft": placeholders(content, lang),
        "objection_days": content.company.subprocessor_objection_days,
        "terms": _terms(content, lang),
        "processing": _processing(chosen, content, lang),
        "transfers": _transfers(subprocessors),
        "toms": _toms(content, lang),
        "subprocessors": subprocessors,
    }
    result: dict[str, Any] = sanitize(context)
    return result

"""The content model: pydantic models of every fact in ``data/``.

Every human-readable string carries every language (:class:`Text`); a missing translation is an
error, not a fallback. Models are frozen and refuse unknown fields, so a typo in ``data/`` is an
error with its path rather than a silently ignored value.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from api.core.i18n import Lang

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+(/[^\s]*)?$")]

# The EU/EEA in law (Art. 44 GDPR applies to every other country): the 27 Member States, the
# three EEA EFTA States, and "EU" where a source names only the Union as a whole.
EU_MEMBER_STATES = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"}
    | {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)
EEA = EU_MEMBER_STATES | {"IS", "LI", "NO", "EU"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=Model)


class Text(Model):
    """A human-readable string in every language of `api.core.i18n.LANGUAGES`."""

    de: NonBlank
    en: NonBlank

    def __call__(self, lang: Lang) -> str:
        text: str = getattr(self, lang)
        return text


# --- TOMs -------------------------------------------------------------------------------------


class Measure(Model):
    id: Identifier
    title: Text
    text: Text
    # The wording of DPA Annex III (third person, a contract's voice) where the site's text is
    # conversational; the site keeps `text`.
    annex_text: Text | None = None
    # One sentence the home page and the FAQ show for this measure; it may only repeat what
    # `text` says (a digest, never a new claim).
    summary: Text | None = None

    def annex(self) -> Text:
        return self.annex_text or self.text


class Area(Model):
    id: Identifier
    title: Text


class Category(Model):
    id: Identifier
    area: Identifier
    title: Text
    intro: Text | None = None
    annex_intro: Text | None = None
    measures: list[Measure] = Field(min_length=1)


class Toms(Model):
    title: Text
    intro: Text
    annex_intro: Text | None = None
    areas: list[Area] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)

    def measures(self) -> list[Measure]:
        return [measure for category in self.categories for measure in category.measures]

    def measure(self, measure_id: str) -> Measure:
        for measure in self.measures():
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    @property
    def by_id(self) -> dict[str, Measure]:
        """Every measure by its id (a marker reaches one as ``toms.by_id.encryption.summary``)."""
        return {measure.id: measure for measure in self.measures()}


# --- Subprocessors ----------------------------------------------------------------------------


class Note(Text):
    """A footnote of the source, attached to its entry and, where given, to one location."""

    applies_to: Literal["location_us", "location_eu"] | None = None


class Mechanism(Model):
    """One basis under Chapter V GDPR; its wording is `transfer.mechanism.<kind>` in
    data/messages.yml, the same on the site and in the DPA."""

    # adequacy: an adequacy decision for the third country (Art. 45 GDPR); dpf: the recipient's
    # certification under the EU-U.S. Data Privacy Framework (Implementing Decision (EU)
    # 2023/1795); scc: the Commission's standard contractual clauses of Implementing Decision
    # (EU) 2021/914 (Art. 46(2)(c) GDPR) with the module concluded.
    kind: Literal["adequacy", "dpf", "scc"]
    module: Literal[1, 2, 3, 4] | None = None

    @model_validator(mode="after")
    def _module_with_scc_only(self) -> Mechanism:
        if self.kind == "scc" and self.module is None:
            raise ValueError("standard contractual clauses need their module (1 to 4)")
        if self.kind != "scc" and self.module is not None:
            raise ValueError("only standard contractual clauses have a module")
        return self


class Transfer(Model):
    """What connects a subprocessor to third countries and what makes that lawful."""

    countries: list[CountryCode] = Field(min_length=1)
    # The nature of the connection: a data centre there, the entity's seat, remote access.
    nature: Text
    mechanisms: list[Mechanism] = Field(min_length=1)
    # Taken after the transfer assessment (DPA clause 9.5); None: none stated.
    supplementary_measures: Text | None = None


class Subprocessor(Model):
    id: Identifier
    name: NonBlank
    # Who the subprocessor is in law: the contracting entity, its registered address (one line,
    # without the country) and the country where it is registered.
    legal_entity: NonBlank
    address: NonBlank
    entity_country: CountryCode
    purpose: Text
    service: Text
    # None is the source's "--": no data centre in that region.
    location_us: Text | None
    location_eu: Text | None
    # The countries where the data is processed (ISO codes; "EU" where the source says only
    # "Europe"): what decides, with `entity_country`, whether `transfer` is needed.
    processing_locations: list[CountryCode] = Field(min_length=1)
    notes: list[Note] = []
    data_categories: list[Text] = Field(min_length=1)
    # The connection to third countries (Chapter V GDPR); None only where there is none.
    transfer: Transfer | None = None

    def notes_for(self, field: str) -> list[Note]:
        return [note for note in self.notes if note.applies_to == field]

    def third_countries(self) -> list[str]:
        """The countries outside the EU/EEA where it is registered or processes data."""
        places = {self.entity_country, *self.processing_locations}
        return sorted(places - EEA)


class SubprocessorGroup(Model):
    id: Identifier
    title: Text
    intro: Text
    subprocessors: list[Subprocessor] = Field(min_length=1)


class Change(Model):
    kind: Literal["added", "removed", "changed"]
    subprocessor: Identifier
    notice_date: date
    effective_date: date
    summary: Text

    @property
    def key(self) -> str:
        """What names the entry for good (the notices sent about it record it): correcting its
        summary keeps it, a new notice or effective date makes it another change."""
        return f"{self.notice_date}/{self.subprocessor}/{self.kind}/{self.effective_date}"


class Subprocessors(Model):
    groups: list[SubprocessorGroup] = Field(min_length=1)
    changelog: list[Change] = Field(min_length=1)
    # The id of the subprocessor that hosts the UNOY platform (the home page and FAQ name it).
    hosting: Identifier

    @property
    def version(self) -> date:
        """The list's version date: the newest effective date in the change log."""
        return max(change.effective_date for change in self.changelog)

    def all(self) -> list[Subprocessor]:
        return [entry for group in self.groups for entry in group.subprocessors]

    def get(self, subprocessor_id: str) -> Subprocessor:
        for entry in self.all():
            if entry.id == subprocessor_id:
                return entry
        raise KeyError(subprocessor_id)

    @property
    def host(self) -> Subprocessor:
        """The subprocessor named by `hosting`."""
        return self.get(self.hosting)

    @property
    def count(self) -> int:
        return len(self.all())

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.all()]

    @property
    def newest_notice(self) -> date:
        return max(change.notice_date for change in self.changelog)


# --- Company ----------------------------------------------------------------------------------


class Address(Model):
    street: NonBlank
    postal_code: NonBlank
    city: NonBlank
    country: CountryCode


class Contact(Model):
    name: Text | None = None
    email: EmailStr
    phone: NonBlank | None = None


class Person(Model):
    name: NonBlank
    email: EmailStr
    phone: NonBlank | None = None
    address: Address | None = None


class Signatory(Model):
    name: NonBlank
    position: Text


class Company(Model):
    name: NonBlank
    legal_name: NonBlank
    address: Address
    commercial_register: NonBlank | None = None
    vat_id: NonBlank | None = None
    managing_directors: list[NonBlank] = Field(min_length=1)
    email: EmailStr
    phone: NonBlank | None = None
    website: HttpsUrl
    trust_center_url: HttpsUrl
    privacy_contact: Contact
    security_contact: Contact
    dpo: Person
    signatory: Signatory
    subprocessor_objection_days: int = Field(ge=1, le=365)
    supervisory_authority: Text


# --- Reviews ----------------------------------------------------------------------------------


class Reviews(Model):
    """When UNOY last reviewed each part of the Trust Center (``data/reviews.yml``). A page names
    its parts in its front matter (``reviewed: toms``); it shows the newest of their dates
    (`Content.reviewed`), and the sitemap gives that date as the page's ``lastmod``."""

    toms: date
    subprocessors: date
    dpa: date
    legal: date
    faq: date


# --- FAQ --------------------------------------------------------------------------------------

# A page of docs/ and, optionally, an anchor on it: "toms.md#encryption".
PageLink = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+\.md(#[A-Za-z0-9_-]+)?$")]


class Details(Model):
    """Where an answer's facts are set out in full."""

    page: PageLink
    label: Text


class Question(Model):
    id: Identifier
    question: Text
    # Markdown whose facts come from data/ through markers (`<!-- trustcenter:value … -->`).
    answer: Text
    details: Details


class Faq(Model):
    questions: list[Question] = Field(min_length=10)


# --- DPA --------------------------------------------------------------------------------------


class Option(Model):
    id: Identifier
    label: Text
    default: bool = False


class Liability(Model):
    """Liability between the parties (DPA clause 15.1)."""

    # main_agreement: the Main Agreement's liability rules apply; rule: `rule` says it.
    basis: Literal["main_agreement", "rule"]
    rule: Text | None = None

    @model_validator(mode="after")
    def _rule_with_basis_rule(self) -> Liability:
        if (self.basis == "rule") != (self.rule is not None):
            raise ValueError("a rule is given exactly when the basis is 'rule'")
        return self


class DpaTerms(Model):
    """The agreement's time limits and choices: the text never states them itself. Days and
    hours are at least 2 (the text says "Tagen"/"days")."""

    breach_notice_hours: int = Field(ge=2, le=72)
    audit_notice_days: int = Field(ge=2, le=365)
    return_days: int = Field(ge=2, le=365)
    backup_deletion_days: int = Field(ge=2, le=3650)
    # Implementing Decision (EU) 2021/915, Clause 10(b)(1): "in any event within one month".
    suspension_cure_months: Literal[1] = 1
    governing_law: Text
    jurisdiction: Text
    prevailing_language: Lang
    liability: Liability


class GroupWording(Model):
    """A subprocessor group's heading and introduction in DPA Annex IV."""

    title: Text
    intro: Text | None = None


class DpaOptions(Model):
    template_version: NonBlank
    subject_matter: Text
    nature_and_purpose: Text
    duration: Text
    terms: DpaTerms
    # Annex II: restrictions and safeguards applied to sensitive data (DPA clause 6).
    sensitive_data_safeguards: list[Text] = Field(min_length=1)
    # Annex IV: the groups of data/subprocessors.yml in the agreement's terms, by group id (the
    # site's title and introduction where a group has none).
    annex_iv_groups: dict[Identifier, GroupWording] = {}
    data_subject_categories: list[Option] = Field(min_length=1)
    personal_data_categories: list[Option] = Field(min_length=1)

"""The content model: every fact of the Trust Center, read once from ``data/`` and validated.

The site build (MkDocs hooks), the exports and the DPA renderer all import this module, so a fact
written once in ``data/`` appears the same everywhere. Every human-readable string carries German
and English; a missing translation is an error, not a fallback.

Values that UNOY's source text does not give are tagged ``!example`` in the YAML. They load like
any other value, and their paths are collected in :attr:`Content.examples` so that a production
build can refuse to publish them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Lang = Literal["de", "en"]
LANGUAGES: tuple[Lang, ...] = ("de", "en")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATA_DIR_ENV = "TRUSTCENTER_DATA_DIR"
EXAMPLE_TAG = "!example"

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+(/[^\s]*)?$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=Model)


class Text(Model):
    """A human-readable string in both languages."""

    de: NonBlank
    en: NonBlank

    def __call__(self, lang: Lang) -> str:
        return self.de if lang == "de" else self.en


# --- TOMs -------------------------------------------------------------------------------------


class Measure(Model):
    id: Identifier
    title: Text
    text: Text


class Area(Model):
    id: Identifier
    title: Text


class Category(Model):
    id: Identifier
    area: Identifier
    title: Text
    intro: Text | None = None
    measures: list[Measure] = Field(min_length=1)


class Toms(Model):
    title: Text
    intro: Text
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


# --- Subprocessors ----------------------------------------------------------------------------


class Note(Text):
    """A footnote of the source, attached to its entry and, where given, to one location."""

    applies_to: Literal["location_us", "location_eu"] | None = None


class Subprocessor(Model):
    id: Identifier
    name: NonBlank
    purpose: Text
    service: Text
    # None is the source's "--": no data centre in that region.
    location_us: Text | None
    location_eu: Text | None
    notes: list[Note] = []
    data_categories: list[Text] = []
    # How a transfer to a third country is made lawful (Chapter V GDPR); shown in the DPA.
    transfer_mechanism: Text | None = None

    def notes_for(self, field: str) -> list[Note]:
        return [note for note in self.notes if note.applies_to == field]


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


class Subprocessors(Model):
    groups: list[SubprocessorGroup] = Field(min_length=1)
    changelog: list[Change] = Field(min_length=1)

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


# --- DPA --------------------------------------------------------------------------------------


class Option(Model):
    id: Identifier
    label: Text
    default: bool = False


class DpaOptions(Model):
    template_version: NonBlank
    subject_matter: Text
    nature_and_purpose: Text
    duration: Text
    data_subject_categories: list[Option] = Field(min_length=1)
    personal_data_categories: list[Option] = Field(min_length=1)


# --- Loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    company: Company
    toms: Toms
    subprocessors: Subprocessors
    dpa: DpaOptions
    # "data/company.yml: dpo.name" for every value still tagged !example.
    examples: list[str]


class ContentError(ValueError):
    """Invalid content; each problem reads ``data/toms.yml: categories[2].text.en: …``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _DataLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so pydantic reports a bad date with its path."""


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _untag_examples(loader: _DataLoader, node: Node, loc: tuple[int | str, ...]) -> Iterator[str]:
    """Yield the path of every ``!example`` node and give it back its ordinary tag."""
    if node.tag == EXAMPLE_TAG:
        yield _path(loc)
        if isinstance(node, ScalarNode):
            plain = node.style is None
            node.tag = loader.resolve(ScalarNode, node.value, (plain, not plain))  # type: ignore[no-untyped-call]
        elif isinstance(node, SequenceNode):
            node.tag = "tag:yaml.org,2002:seq"
        else:
            node.tag = "tag:yaml.org,2002:map"
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _untag_examples(loader, value, (*loc, str(key.value)))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _untag_examples(loader, item, (*loc, index))


def _read_yaml(path: Path, label: str) -> tuple[Any, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([f"{label}: file not found"]) from None
    loader = _DataLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ContentError([f"{label}: file is empty"])
        examples = list(_untag_examples(loader, node, ()))
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError([f"{label}: {where}{problem}"]) from None
    finally:
        loader.dispose()
    return data, [f"{label}: {path}" if path else label for path in examples]


_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_too_short": "must not be empty",
}


def _describe(error: Any) -> str:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    in_text = bool(loc) and loc[-1] in LANGUAGES
    if in_text and error["type"] == "missing":
        return "missing translation"
    if in_text and error["type"] == "string_too_short":
        return "empty translation"
    if error["type"] == "model_type" and isinstance(error.get("input"), str):
        return "needs both languages ({de: …, en: …}) or a mapping"
    message = _MESSAGES.get(error["type"], error["msg"])
    return str(message[:1].lower() + message[1:])


def _validate(model: type[M], data: Any, label: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = _path(tuple(item["loc"]))
            problems.append(
                f"{label}: {path}: {_describe(item)}" if path else f"{label}: {_describe(item)}"
            )
        raise ContentError(problems) from None


def _check_toms(toms: Toms, label: str) -> list[str]:
    problems = _repeated(
        [(f"areas[{i}].id", area.id) for i, area in enumerate(toms.areas)], label
    ) + _repeated(
        [(f"categories[{i}].id", category.id) for i, category in enumerate(toms.categories)],
        label,
    )
    problems += _repeated(
        [
            (f"categories[{i}].measures[{j}].id", measure.id)
            for i, category in enumerate(toms.categories)
            for j, measure in enumerate(category.measures)
        ],
        label,
    )
    areas = {area.id for area in toms.areas}
    problems += [
        f"{label}: categories[{i}].area: unknown area '{category.area}'"
        for i, category in enumerate(toms.categories)
        if category.area not in areas
    ]
    return problems


def _check_subprocessors(subprocessors: Subprocessors, label: str) -> list[str]:
    problems = _repeated(
        [(f"groups[{i}].id", group.id) for i, group in enumerate(subprocessors.groups)], label
    )
    problems += _repeated(
        [
            (f"groups[{i}].subprocessors[{j}].id", entry.id)
            for i, group in enumerate(subprocessors.groups)
            for j, entry in enumerate(group.subprocessors)
        ],
        label,
    )
    known = {entry.id for entry in subprocessors.all()}
    for i, change in enumerate(subprocessors.changelog):
        if change.subprocessor not in known:
            unknown = change.subprocessor
            problems.append(
                f"{label}: changelog[{i}].subprocessor: unknown subprocessor '{unknown}'"
            )
        if change.effective_date < change.notice_date:
            problems.append(f"{label}: changelog[{i}].effective_date: before the notice date")
    return problems


def _check_dpa(dpa: DpaOptions, label: str) -> list[str]:
    problems: list[str] = []
    for field in ("data_subject_categories", "personal_data_categories"):
        options: list[Option] = getattr(dpa, field)
        problems += _repeated([(f"{field}[{i}].id", o.id) for i, o in enumerate(options)], label)
    return problems


def _repeated(ids: list[tuple[str, str]], label: str) -> list[str]:
    """One problem for each id that is used again, at the place where it is used again."""
    seen: set[str] = set()
    problems = []
    for path, identifier in ids:
        if identifier in seen:
            problems.append(f"{label}: {path}: duplicate id '{identifier}'")
        seen.add(identifier)
    return problems


def load_content(data_dir: Path | None = None) -> Content:
    """Read and validate every file of ``data/``; stop at the first invalid file."""
    data_dir = data_dir or Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
    examples: list[str] = []

    def load(model: type[M], name: str, check: Any = None) -> M:
        label = f"data/{name}"
        raw, tagged = _read_yaml(data_dir / name, label)
        value = _validate(model, raw, label)
        problems = check(value, label) if check else []
        if problems:
            raise ContentError(problems)
        examples.extend(tagged)
        return value

    company = load(Company, "company.yml")
    toms = load(Toms, "toms.yml", _check_toms)
    subprocessors = load(Subprocessors, "subprocessors.yml", _check_subprocessors)
    dpa = load(DpaOptions, "dpa.yml", _check_dpa)
    return Content(company, toms, subprocessors, dpa, examples)


@lru_cache(maxsize=4)
def _cached(data_dir: Path) -> Content:
    return load_content(data_dir)


def get_content(data_dir: Path | None = None) -> Content:
    """The validated content of `data_dir` (by default the configured data directory), loaded
    once per process."""
    return _cached((data_dir or Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)).resolve())

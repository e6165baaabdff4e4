"""Loading ``data/``: read every file, validate it against the content model, check what a
schema cannot (duplicate ids, references between files, dates in order), and collect the paths
of the values still tagged ``!example``.

The load stops at the first invalid file, and each problem reads
``data/toms.yml: categories[2].measures[0].text.en: missing translation``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from api.content.markers import markers
from api.content.model import (
    EEA,
    Company,
    DpaOptions,
    Faq,
    Model,
    Option,
    Reviews,
    Subprocessor,
    Subprocessors,
    Toms,
)
from api.core.errors import ContentError
from api.core.files import content_dir
from api.core.i18n import LANGUAGES
from api.core.messages import Messages, load_messages
from api.core.yamlfile import dotted, read_yaml

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Content:
    company: Company
    toms: Toms
    subprocessors: Subprocessors
    dpa: DpaOptions
    messages: Messages
    # "data/company.yml: dpo.name" for every value still tagged !example.
    examples: list[str]
    reviews: Reviews
    faq: Faq

    def reviewed(self, parts: list[str]) -> date:
        """The date a page made of `parts` (fields of data/reviews.yml) was last reviewed: the
        newest of theirs. Announcing a subprocessor change counts as reviewing the list."""
        known = Reviews.model_fields
        unknown = [part for part in parts if part not in known]
        if unknown or not parts:
            raise KeyError(", ".join(unknown) or "no part named")
        dates: dict[str, date] = self.reviews.model_dump()
        dates["subprocessors"] = max(dates["subprocessors"], self.subprocessors.newest_notice)
        return max(dates[part] for part in parts)


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
            path = dotted(tuple(item["loc"]))
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
    announced: set[str] = set()
    for i, change in enumerate(subprocessors.changelog):
        if change.key in announced:
            problems.append(
                f"{label}: changelog[{i}]: listed twice (same kind, subprocessor and dates)"
            )
        announced.add(change.key)
    for i, group in enumerate(subprocessors.groups):
        for j, entry in enumerate(group.subprocessors):
            problems += _check_transfer(entry, f"{label}: groups[{i}].subprocessors[{j}]")
    known = {entry.id for entry in subprocessors.all()}
    if subprocessors.hosting not in known:
        problems.append(f"{label}: hosting: unknown subprocessor '{subprocessors.hosting}'")
    for i, change in enumerate(subprocessors.changelog):
        if change.subprocessor not in known:
            unknown = change.subprocessor
            problems.append(
                f"{label}: changelog[{i}].subprocessor: unknown subprocessor '{unknown}'"
            )
        if change.effective_date < change.notice_date:
            problems.append(f"{label}: changelog[{i}].effective_date: before the notice date")
    return problems


def _check_transfer(entry: Subprocessor, where: str) -> list[str]:
    """A connection to a third country is stated, and names every such country."""
    third = entry.third_countries()
    if entry.transfer is None:
        if third:
            outside = ", ".join(third)
            return [f"{where}.transfer: required: registered or processing in {outside}"]
        return []
    problems = [
        f"{where}.transfer.countries: '{country}' is in the EU/EEA"
        for country in entry.transfer.countries
        if country in EEA
    ]
    problems += [
        f"{where}.transfer.countries: must include '{country}'"
        for country in third
        if country not in entry.transfer.countries
    ]
    return problems


def _check_dpa(dpa: DpaOptions, label: str) -> list[str]:
    problems: list[str] = []
    for field in ("data_subject_categories", "personal_data_categories"):
        options: list[Option] = getattr(dpa, field)
        problems += _repeated([(f"{field}[{i}].id", o.id) for i, o in enumerate(options)], label)
    return problems


def _check_annex_groups(dpa: DpaOptions, subprocessors: Subprocessors) -> list[str]:
    groups = {group.id for group in subprocessors.groups}
    return [
        f"data/dpa.yml: annex_iv_groups.{group}: unknown group (see data/subprocessors.yml)"
        for group in dpa.annex_iv_groups
        if group not in groups
    ]


# Markers an FAQ answer may not hold: a whole block that is no fact (and no FAQ in the FAQ).
NOT_IN_ANSWERS = {"faq", "form", "key-facts", "overview"}


def _check_faq(faq: Faq, label: str) -> list[str]:
    problems = _repeated([(f"questions[{i}].id", q.id) for i, q in enumerate(faq.questions)], label)
    for i, question in enumerate(faq.questions):
        found = {lang: markers(question.answer(lang)) for lang in LANGUAGES}
        first = LANGUAGES[0]
        for lang, answer_markers in found.items():
            where = f"{label}: questions[{i}].answer.{lang}"
            if not answer_markers:
                problems.append(f"{where}: no marker: an answer takes its facts from data/")
            problems += [
                f"{where}: marker '{name}' cannot be used in an answer"
                for name, _ in answer_markers
                if name in NOT_IN_ANSWERS
            ]
            if Counter(answer_markers) != Counter(found[first]):
                problems.append(f"{where}: markers differ from {first}'s")
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
    data_dir = content_dir("data", data_dir)
    examples: list[str] = []

    def load(model: type[M], name: str, check: Any = None) -> M:
        label = f"data/{name}"
        raw, tagged = read_yaml(data_dir / name, label)
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
    problems = _check_annex_groups(dpa, subprocessors)
    if problems:
        raise ContentError(problems)
    reviews = load(Reviews, "reviews.yml")
    faq = load(Faq, "faq.yml", _check_faq)
    return Content(
        company=company,
        toms=toms,
        subprocessors=subprocessors,
        dpa=dpa,
        messages=load_messages(data_dir),
        examples=examples,
        reviews=reviews,
        faq=faq,
    )


@lru_cache(maxsize=4)
def _cached(data_dir: Path) -> Content:
    return load_content(data_dir)


def get_content(data_dir: Path | None = None) -> Content:
    """The validated content of `data_dir` (by default wherever `api.core.files` finds it),
    loaded once per process."""
    return _cached(content_dir("data", data_dir).resolve())

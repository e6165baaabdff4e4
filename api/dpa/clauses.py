"""The clause map (`dpa_templates/clauses.yml`): where the agreement covers each clause of
Implementing Decision (EU) 2021/915, each addition of the parties and each element of Art. 28
GDPR, and the check that every section it names exists in both templates, titled as it says."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.core.errors import ContentError
from api.core.files import content_dir
from api.core.i18n import LANGUAGES, Lang
from api.core.yamlfile import dotted, read_yaml
from api.dpa.outline import Entry

FILE = "clauses.yml"
LABEL = f"dpa_templates/{FILE}"
# "8", "8.2", "11.3(a)"
NUMBERED = re.compile(r"^\d+(\.\d+(\([a-z]+\))?)?$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Covered(_Model):
    topic: str
    sections: list[str] = Field(min_length=1)
    note: str | None = None
    handling: str | None = None


class SccClause(Covered):
    clause: str


class Addition(Covered):
    id: str


class GdprElement(Covered):
    article: str


class ClauseMap(_Model):
    # Section → its title per language (a clause heading, an annex heading, a heading).
    sections: dict[str, dict[Lang, str]]
    scc_2021_915: list[SccClause]
    additions: list[Addition]
    gdpr: list[GdprElement]

    def all_covered(self) -> list[Covered]:
        return [*self.scc_2021_915, *self.additions, *self.gdpr]

    def title(self, section: str, lang: Lang) -> str:
        """`8.2` → `8.2 (Unterauftragsverarbeiter)`; `annex-IV` → the annex's heading."""
        if NUMBERED.match(section):
            top = section.split(".")[0].split("(")[0]
            return f"{section} ({self.sections[top][lang]})"
        return self.sections[section][lang]


def load_clause_map(template_dir: Path | None = None) -> ClauseMap:
    raw, _ = read_yaml(content_dir("dpa_templates", template_dir) / FILE, LABEL)
    try:
        return ClauseMap.model_validate(raw)
    except ValidationError as error:
        raise ContentError(
            [f"{LABEL}: {dotted(tuple(e['loc']))}: {e['msg']}" for e in error.errors()]
        ) from None


def _named(section: str, title: str, entries: list[Entry], annexes: dict[str, str]) -> bool:
    """`annex-II` is an annex heading; `annex-II.sensitive` a heading inside that annex;
    `signatures` a heading anywhere. `annexes` maps an annex's section to its title."""
    annex, _, part = section.partition(".")
    if not annex.startswith("annex-"):
        return any(e.kind == "heading" and e.text == title for e in entries)
    if not part:
        return any(e.kind == "annex" and e.text == title for e in entries)
    inside = False
    for entry in entries:
        if entry.kind == "annex":
            inside = entry.text == annexes.get(annex)
        elif inside and entry.kind == "heading" and entry.text == title:
            return True
    return False


def check(clause_map: ClauseMap, outlines: dict[Lang, list[Entry]]) -> list[str]:
    """Every section the map names exists in each language's document, titled as it says."""
    problems: list[str] = []
    referenced = {section for item in clause_map.all_covered() for section in item.sections}
    for lang in LANGUAGES:
        entries = outlines[lang]
        label = f"dpa.{lang}.docx"
        numbers = {entry.number: entry for entry in entries if entry.number is not None}
        annexes = {
            section: titles[lang]
            for section, titles in clause_map.sections.items()
            if section.startswith("annex-") and "." not in section and lang in titles
        }
        for section, titles in clause_map.sections.items():
            title = titles.get(lang)
            if title is None:
                problems.append(f"{LABEL}: sections.{section}: no title in '{lang}'")
            elif NUMBERED.match(section):
                found = numbers.get(section)
                if found is None or found.kind != "clause_heading":
                    problems.append(f"{label}: has no clause {section} ({LABEL})")
                elif found.text != title:
                    problems.append(
                        f"{label}: clause {section} is titled '{found.text}', "
                        f"{LABEL} says '{title}'"
                    )
            elif not _named(section, title, entries, annexes):
                problems.append(f"{label}: has no section '{title}' ({LABEL}: {section})")
        for section in sorted(referenced):
            if NUMBERED.match(section):
                if section not in numbers:
                    problems.append(f"{label}: has no clause {section} ({LABEL} refers to it)")
                top = section.split(".")[0].split("(")[0]
                if top not in clause_map.sections and lang == LANGUAGES[0]:
                    problems.append(f"{LABEL}: sections: no title for clause {top}")
            elif section not in clause_map.sections and lang == LANGUAGES[0]:
                problems.append(f"{LABEL}: unknown section '{section}'")
    return problems

"""Whether the content is complete: which values still tagged ``!example`` a use depends on.

This is the one rule that the production site build, the API's production start, the DPA (its
draft marking) and `trustcenter dpa check` all ask. The site publishes every fact (and the DPA
form), so it depends on every example. A DPA depends on every example except the few values of
`data/company.yml` that no agreement shows; anything not listed there, a new field included,
counts as used, so a forgotten entry errs on the side of a draft.
"""

from __future__ import annotations

import re
from typing import Literal

from api.content.loader import Content

Use = Literal["site", "dpa"]

# Values of data/ that no DPA shows (the site's legal notice, security.txt and the pages' review
# dates do).
NOT_IN_DPA = (
    "data/company.yml: email",
    "data/company.yml: phone",
    "data/company.yml: website",
    "data/company.yml: security_contact",
    "data/reviews.yml",
)

_ENTRY = re.compile(r"^groups\[(\d+)\]\.subprocessors\[(\d+)\]")
_MEASURE = re.compile(r"^categories\[(\d+)\]\.measures\[(\d+)\]")
_CATEGORY = re.compile(r"^categories\[(\d+)\]")


def _used_by_dpa(path: str) -> bool:
    return not any(
        path == prefix or path.startswith((prefix + ".", prefix + ": ")) for prefix in NOT_IN_DPA
    )


def examples_for(content: Content, use: Use) -> list[str]:
    """The example values `use` depends on, as `data/<file>: <path>`; empty when complete."""
    if use == "site":
        return list(content.examples)
    return [path for path in content.examples if _used_by_dpa(path)]


def is_complete(content: Content, use: Use) -> bool:
    return not examples_for(content, use)


def readable(example: str, content: Content) -> str:
    """`data/subprocessors.yml: groups[1].subprocessors[0].address` → `data/subprocessors.yml:
    hubspot.address`: ids instead of positions, as people (and the review sheet) name them."""
    label, _, path = example.partition(": ")
    if label == "data/subprocessors.yml" and (match := _ENTRY.match(path)):
        group, entry = (int(part) for part in match.groups())
        found = content.subprocessors.groups[group].subprocessors[entry].id
        return f"{label}: {found}{path[match.end() :]}"
    if label == "data/toms.yml" and (match := _MEASURE.match(path)):
        category, measure = (int(part) for part in match.groups())
        found = content.toms.categories[category].measures[measure].id
        return f"{label}: {found}{path[match.end() :]}"
    if label == "data/toms.yml" and (match := _CATEGORY.match(path)):
        found = content.toms.categories[int(match.group(1))].id
        return f"{label}: {found}{path[match.end() :]}"
    return example


def example_problems(content: Content, use: Use) -> list[str]:
    """One line per example value `use` depends on, as the production site build and the
    production API start list them."""
    return [
        f"{readable(example, content)}: still an example value (tagged !example)"
        for example in examples_for(content, use)
    ]


def refusal(content: Content) -> str | None:
    """The one message a production API start gives while a DPA would carry example values
    (the production site build lists `example_problems(content, "site")` its own way)."""
    problems = example_problems(content, "dpa")
    if not problems:
        return None
    return (
        "refusing to start in production: a DPA would carry example values; replace each in "
        "data/ and remove its tag:\n  " + "\n  ".join(problems)
    )

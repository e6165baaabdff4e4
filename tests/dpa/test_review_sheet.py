"""The review sheet for UNOY's lawyer (guides/legal-review.md) is current: it lists every value
still tagged `!example` with where it appears, and the whole clause map."""

from __future__ import annotations

from api.content import get_content
from api.content.completeness import examples_for, readable
from api.dpa import review_sheet
from api.dpa.clauses import load_clause_map
from tests.support.site_build import PROJECT_ROOT

SHEET = PROJECT_ROOT / "guides" / "legal-review.md"


def test_the_sheet_is_current() -> None:
    text = SHEET.read_text(encoding="utf-8")
    updated = review_sheet.update(text, get_content(), load_clause_map())
    assert updated == text, "run `trustcenter dpa review-sheet` and commit guides/legal-review.md"


def test_every_example_value_is_listed_with_where_it_appears() -> None:
    content = get_content()
    assert review_sheet.unplaced(content) == []
    text = SHEET.read_text(encoding="utf-8")
    for example in examples_for(content, "site"):
        row = next(line for line in text.splitlines() if f"`{readable(example, content)}`" in line)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 4 and all(cells), row


def test_the_whole_clause_map_is_in_the_sheet() -> None:
    text = SHEET.read_text(encoding="utf-8")
    clause_map = load_clause_map()
    for item in clause_map.scc_2021_915:
        assert f"| {item.clause} | " in text
    for addition in clause_map.additions:
        assert f"| {addition.id} | " in text


def test_an_unplaced_value_is_reported() -> None:
    assert review_sheet.where("data/company.yml: legal_name") is not None
    assert review_sheet.where("data/nowhere.yml: x") is None

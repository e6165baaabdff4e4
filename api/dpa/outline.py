"""The outline of a DPA as Word shows it: clause headings, numbered clauses and items, annex
headings and sub-headings, with the numbers Word's list styles give them.

The numbers are not in the text: the styles *Heading 1* (1., 2., …), *Clause* (1.1, 1.2, …) and
*Clause Item* ((a), (b), …) are one multi-level list, so a heading restarts the clauses under it
and a clause restarts its items. Reading the styles in order gives the same numbers Word prints,
for a template (to check the clause map) and for a rendered document (to compare languages).
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from docx.document import Document

Kind = Literal["clause_heading", "clause", "item", "annex", "heading"]
# Word style ids → what they are in the agreement.
STYLE_KINDS: dict[str, Kind] = {
    "Heading1": "clause_heading",
    "Clause": "clause",
    "ClauseItem": "item",
    "AnnexHeading": "annex",
    "Heading2": "heading",
    "Heading3": "heading",
}


@dataclass(frozen=True)
class Entry:
    kind: Kind
    # "8", "8.2", "8.2(a)" for the numbered kinds; None for annexes and headings.
    number: str | None
    text: str


def _letter(index: int) -> str:
    """1 → a, 26 → z, 27 → aa (Word's lowerLetter)."""
    letters = string.ascii_lowercase
    return letters[(index - 1) % 26] * ((index - 1) // 26 + 1)


def outline(document: Document) -> list[Entry]:
    entries: list[Entry] = []
    heading = clause = item = 0
    for paragraph in document.paragraphs:
        style = paragraph.style
        kind = STYLE_KINDS.get(style.style_id if style is not None else "")
        if kind is None:
            continue
        number: str | None = None
        if kind == "clause_heading":
            heading, clause, item = heading + 1, 0, 0
            number = str(heading)
        elif kind == "clause":
            clause, item = clause + 1, 0
            number = f"{heading}.{clause}"
        elif kind == "item":
            item += 1
            number = f"{heading}.{clause}({_letter(item)})"
        entries.append(Entry(kind, number, paragraph.text.strip()))
    return entries


def read_outline(data: bytes) -> list[Entry]:
    import docx

    return outline(docx.Document(io.BytesIO(data)))

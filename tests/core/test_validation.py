"""The shared field types: what a single-line field refuses, and the canonical form of an
address that the per-address rate limit counts."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from api.core.validation import (
    SINGLE_LINE_PATTERN,
    Email,
    SingleLine,
    canonical_email,
    check_multiline,
    check_single_line,
)


class _Form(BaseModel):
    name: SingleLine
    email: Email = "someone@example.com"


# Bidi overrides, isolates and marks, zero-width characters, the byte order mark, a soft hyphen
# and a tag character: each invisible, each able to change how the value reads.
FORMAT = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE: "Evil\u202excod.exe" reads "Evilexe.docx"
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\U000e0041",
]


@pytest.mark.parametrize("char", FORMAT, ids=[f"U+{ord(c):04X}" for c in FORMAT])
def test_single_line_fields_refuse_format_characters(char: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Form(name=f"Evil{char}GmbH")
    assert [error["type"] for error in caught.value.errors()] == ["format_characters"]


def test_emails_refuse_format_characters_too() -> None:
    with pytest.raises(ValidationError) as caught:
        _Form(name="Erika", email="erika\u202e@example.com")
    assert caught.value.errors()[0]["type"] == "format_characters"


def test_right_to_left_scripts_stay_allowed() -> None:
    for name in ("שלום בע״מ", "شركة المثال", "Müller & Söhne 株式会社 🚀"):
        assert _Form(name=name).name == name


def test_the_published_pattern_refuses_every_format_character() -> None:
    """The JSON Schema pattern (what clients and fuzzers see) names the same characters
    as the check: every character of category Cf this Python knows (Unicode 14 in 3.11)."""
    import re

    pattern = re.compile(SINGLE_LINE_PATTERN)
    known = [chr(cp) for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Cf"]
    missing = [f"U+{ord(c):04X}" for c in known if pattern.match(f"a{c}b") is not None]
    assert missing == [], "extend _CF_RANGES in api/core/validation.py"
    assert pattern.match("Müller & Söhne") is not None


def _refused(check: Callable[[str], str], char: str) -> str | None:
    try:
        check(f"a{char}b")
    except PydanticCustomError as error:
        return error.type
    return None


def test_the_checks_refuse_exactly_the_characters_of_their_unicode_categories() -> None:
    """The checks scan with regexes; every code point this Python knows is refused exactly
    when its category says so: controls, line and paragraph separators and surrogates
    everywhere (tab and line feed allowed in free text), format characters in single lines."""
    wrong = []
    for cp in range(0x110000):
        char = chr(cp)
        category = unicodedata.category(char)
        control = category in ("Cc", "Zl", "Zp", "Cs")
        single = "single_line" if control else "format_characters" if category == "Cf" else None
        text = "control_characters" if control and char not in "\t\n\r" else None
        if _refused(check_single_line, char) != single or _refused(check_multiline, char) != text:
            wrong.append(f"U+{cp:04X}")
    assert wrong == []


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Erika@Example.com", "erika@example.com"),
        ("erika+1@example.com", "erika@example.com"),
        ("ERIKA+newsletter+x@EXAMPLE.COM", "erika@example.com"),
        ("Straße@example.com", "strasse@example.com"),
        ("+only@example.com", "+only@example.com"),
        ("jürgen.müller@bücher.example", "jürgen.müller@bücher.example"),
    ],
)
def test_the_canonical_address_folds_case_and_drops_the_plus_suffix(
    address: str, canonical: str
) -> None:
    assert canonical_email(address) == canonical

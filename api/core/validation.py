"""Field types shared by every public form: single-line text, free text, email, consent.

Each custom check raises a pydantic error whose type names its message in the catalogue
(`field.<type>` in `data/messages.yml`).

Single-line fields end up in mail headers, DOCX paragraphs and CSV-like exports, so CR/LF and
other control characters are refused outright rather than silently stripped: the person sees
which field to fix. Invisible format characters (Unicode category Cf: bidi overrides and
isolates, zero-width characters) are refused there too: a right-to-left override turns
"Evil\u202excod.exe" into a name that reads "Evilexe.docx" in a contract and a file name. Lone
surrogates are refused everywhere because they cannot be encoded.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

NAME_MAX = 200
CAPTCHA_TOKEN_MAX = 8192

# Every character of Unicode category Cf (Unicode 14, Python 3.11), written out so the JSON
# Schema pattern below can name them (tests/core/test_validation.py checks it is complete): the
# BMP as escapes both Python and ECMA-262 read, the rest as characters (a `u`-flag regex).
_CF_RANGES = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
# Cc (C0/C1 controls incl. CR, LF, NUL, NEL) and Zl/Zp (Unicode line/paragraph separators) are
# fixed ranges in every Unicode version; free text keeps tab, line feed and carriage return.
# Written once for the checks and for the published JSON Schema patterns below.
_CONTROL_RANGES = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_TEXT_CONTROL_RANGES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
# Lone surrogates: valid JSON escapes, not encodable as UTF-8 (the published patterns never
# named them).
_SURROGATES = r"\ud800-\udfff"
# One regex scan instead of a category lookup per character: the message of an inquiry is up
# to 5,000 of them (tests/core/test_validation.py compares the checks with unicodedata).
_CONTROL = re.compile(f"[{_CONTROL_RANGES}{_SURROGATES}]")
_CONTROL_IN_TEXT = re.compile(f"[{_TEXT_CONTROL_RANGES}{_SURROGATES}]")
_FORMAT = re.compile(f"[{_CF_RANGES}]")


def check_single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("single_line", "must be one line without control characters")
    if _FORMAT.search(value):
        raise PydanticCustomError("format_characters", "must not contain format characters")
    return value


def check_multiline(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL_IN_TEXT.search(value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value


def check_email(value: str) -> str:
    # On first use: importing email_validator costs a cold start that never sees an address.
    from email_validator import EmailNotValidError, validate_email

    check_single_line(value)
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise PydanticCustomError("email", "must be a valid email address") from None
    return str(result.normalized)


def canonical_email(address: str) -> str:
    """One person's address however it is written: case-folded, without a `+suffix` on the
    local part (`Erika+2@Example.com` → `erika@example.com`), for counting, never for sending."""
    local, at, domain = address.casefold().rpartition("@")
    if not at:
        return address.casefold()
    base = local.split("+", 1)[0]
    return f"{base or local}@{domain}"


def check_accepted(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("must_accept", "must be accepted")
    return value


def check_empty(value: str | None) -> str | None:
    if value:
        raise PydanticCustomError("honeypot", "must be left empty")
    return value


def _none_if_blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


# The same rules as JSON Schema patterns, so clients and fuzzers know them (not used to validate).
_SINGLE_LINE_REFUSED = f"{_CONTROL_RANGES}{_CF_RANGES}"
SINGLE_LINE_PATTERN = (
    rf"^[^{_SINGLE_LINE_REFUSED}]*[^\s{_SINGLE_LINE_REFUSED}][^{_SINGLE_LINE_REFUSED}]*$"
)
MULTILINE_PATTERN = rf"^[^{_TEXT_CONTROL_RANGES}]*\S[^{_TEXT_CONTROL_RANGES}]*$"

# Use with a length: `name: Annotated[SingleLine, Field(max_length=200)]`.
SingleLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(check_single_line),
    Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN}),
]

# Free text: line breaks and tabs allowed, other control characters refused.
MultiLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(check_multiline),
    Field(json_schema_extra={"pattern": MULTILINE_PATTERN}),
]

# For optional fields: a blank string means "not given", e.g.
# `company: Annotated[Annotated[SingleLine, Field(max_length=200)] | None, BlankToNone] = None`.
BlankToNone = BeforeValidator(_none_if_blank)

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(check_email),
    Field(json_schema_extra={"format": "email"}),
]

# Must be the JSON literal `true`: a consent is not inferred from "yes" or 1.
Accepted = Annotated[
    StrictBool, AfterValidator(check_accepted), Field(json_schema_extra={"const": True})
]

# A person's name, wherever a form asks for one.
PersonName = Annotated[SingleLine, Field(max_length=NAME_MAX)]

# A spam trap: people leave it empty (it is hidden), bots fill it in.
Honeypot = Annotated[
    str | None,
    Field(max_length=200, description="Spam trap: people leave it empty, bots fill it."),
    AfterValidator(check_empty),
]

# The hCaptcha response (api.captcha checks it); use as `captcha_token: CaptchaToken = None`.
CaptchaToken = Annotated[
    str | None,
    Field(
        max_length=CAPTCHA_TOKEN_MAX,
        description="The hCaptcha response; may be omitted in development mode.",
    ),
]


class StrictModel(BaseModel):
    """A request body: an unknown field is an error the person sees, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

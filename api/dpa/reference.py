"""DPA references like `DPA-2026-7KQ3ZC`: random like inquiry references, so the number of
DPAs issued stays private and a reference cannot be guessed."""

from __future__ import annotations

import re
import secrets

from api.inquiries.reference import ALPHABET, LENGTH

PATTERN = re.compile(rf"^DPA-\d{{4}}-[{ALPHABET}]{{{LENGTH}}}$")


def new_reference(year: int) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"DPA-{year:04d}-{suffix}"


def is_reference(value: str) -> bool:
    return bool(PATTERN.match(value))

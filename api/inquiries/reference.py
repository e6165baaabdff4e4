"""References like `PRV-2026-7KQ3ZC`: random (not guessable, not a count of inquiries), short
enough to read out on the phone, without look-alike characters (0/O, 1/I/L)."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
PATTERN = re.compile(rf"^PRV-\d{{4}}-[{ALPHABET}]{{{LENGTH}}}$")


def new_reference(year: int) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"PRV-{year:04d}-{suffix}"


def is_reference(value: str) -> bool:
    return bool(PATTERN.match(value))

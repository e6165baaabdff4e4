"""References like `PRV-2026-7KQ3ZC` (inquiries), `DPA-2026-7KQ3ZC` (issued DPAs) and
`SUB-2026-7KQ3ZC` (subscriptions to subprocessor changes).

Random rather than a sequence, so a reference cannot be guessed and does not reveal how many
inquiries or DPAs there are; short enough to read out on the phone, without look-alike
characters (0/O, 1/I/L).
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from typing import Literal

Prefix = Literal["PRV", "DPA", "SUB"]
INQUIRY: Prefix = "PRV"
DPA: Prefix = "DPA"
SUBSCRIPTION: Prefix = "SUB"

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


@cache
def pattern(prefix: Prefix) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}-\d{{4}}-[{ALPHABET}]{{{LENGTH}}}$")


def new_reference(prefix: Prefix, year: int) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{prefix}-{year:04d}-{suffix}"


def is_reference(value: str, prefix: Prefix) -> bool:
    return bool(pattern(prefix).match(value))

"""Which addresses count as the same.

`identity`: one subscription per address, whatever its case. `canonical`: also without a
`+suffix` (name+anything@ reaches name@ at most providers), so that a flood of subscribe requests
for name+1@, name+2@, ... still sends the victim at most one confirmation mail an hour. The rule
is the contact form's (`api.core.validation.canonical_email`).
"""

from __future__ import annotations

from api.core.validation import canonical_email


def identity(address: str) -> str:
    return address.strip().casefold()


def canonical(address: str) -> str:
    return canonical_email(identity(address))

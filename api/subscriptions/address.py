"""Which addresses count as the same.

`identity`: one subscription per address, whatever its case. `canonical`: also without a
`+suffix` (name+anything@ reaches name@ at most providers), so that a flood of subscribe requests
for name+1@, name+2@, ... still sends the victim at most one confirmation mail an hour.

(The contact form gets the same canonical form in another change; this one is the
subscriptions' own until the two meet.)
"""

from __future__ import annotations


def identity(address: str) -> str:
    return address.strip().casefold()


def canonical(address: str) -> str:
    local, _, domain = identity(address).rpartition("@")
    base = local.split("+", 1)[0]
    return f"{base or local}@{domain}"

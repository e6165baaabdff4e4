"""Addresses in the form a given SMTP relay can carry (RFC 5321/5322, RFC 6531/6532).

Domains always go out as IDNA A-labels (`bücher.example` → `xn--bcher-kva.example`): valid on
every relay and every hop after it. A non-ASCII local part (`jürgen.müller@…`) has no ASCII
form; it needs SMTPUTF8, and only a relay that offers it may carry it. Headers are rebuilt from
`email.headerregistry.Address` objects, so the policy that serializes them writes valid
addresses; never string building (with `policy.SMTP`, a Unicode address comes out as RFC 2047
encoded words inside the address, which is no address at all).
"""

from __future__ import annotations

import copy
from email.headerregistry import Address
from email.message import EmailMessage

# Where an address must reach someone: one the relay cannot carry makes the mail undeliverable.
ENVELOPE_HEADERS = ("From", "Sender", "To", "Cc", "Bcc")
# Where an address is a courtesy (replies go there): one the relay cannot carry is left out;
# the mails that set one also carry the address in their text (see api/inquiries/mails.py).
COURTESY_HEADERS = ("Reply-To",)


class Undeliverable(Exception):
    """No retry can deliver this mail over this relay. `reason` is for the outbox list (the
    privacy team reads it) and holds no address."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NeedsSmtpUtf8(Undeliverable):
    def __init__(self, header: str) -> None:
        super().__init__(
            f"NeedsSmtpUtf8: the {header} address has a non-ASCII local part and the SMTP "
            "relay does not offer SMTPUTF8"
        )


def ascii_domain(domain: str) -> str:
    """IDNA 2008 with UTS 46 mapping (the `idna` package), not the standard library's IDNA
    2003 codec, which turns `straße.example` into another domain, `strasse.example`."""
    if domain.isascii():
        return domain.lower()
    import idna

    return str(idna.encode(domain, uts46=True).decode("ascii"))


def for_relay(message: EmailMessage, *, smtputf8: bool) -> tuple[EmailMessage, bool]:
    """A copy of `message` whose addresses the relay can carry, and whether it must be sent
    with SMTPUTF8 (a non-ASCII local part on a relay that offers it). Raises NeedsSmtpUtf8
    when an envelope address has no form this relay can carry."""
    prepared = copy.deepcopy(message)
    utf8 = False
    for name in (*ENVELOPE_HEADERS, *COURTESY_HEADERS):
        headers = message.get_all(name)
        if not headers:
            continue
        kept: list[Address] = []
        for header in headers:
            for address in header.addresses:
                if not address.username.isascii():
                    if not smtputf8:
                        if name in COURTESY_HEADERS:
                            continue
                        raise NeedsSmtpUtf8(name)
                    utf8 = True
                domain = ascii_domain(address.domain)
                kept.append(Address(address.display_name, address.username, domain))
        del prepared[name]
        if kept:
            prepared[name] = kept
    return prepared, utf8


def addr_specs(message: EmailMessage, *names: str) -> list[str]:
    """`local@domain` of every address in the headers `names`, in order."""
    return [
        address.addr_spec
        for name in names
        for header in message.get_all(name, [])
        for address in header.addresses
    ]

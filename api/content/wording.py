"""Facts of `data/` put into words the same way on the site and in the DPA: country lists and
the bases of third-country transfers, in a given language."""

from __future__ import annotations

from api.content.model import Mechanism, Transfer
from api.core.i18n import Lang, country_name
from api.core.messages import Messages


def countries(codes: list[str], lang: Lang) -> str:
    """ "Vereinigte Staaten, Deutschland": country names in the language."""
    return ", ".join(country_name(code, lang) for code in codes)


def mechanism_text(mechanism: Mechanism, transfer: Transfer, messages: Messages, lang: Lang) -> str:
    """A basis under Chapter V GDPR in the catalogue's words (`transfer.mechanism.<kind>`)."""
    return messages.t(
        f"transfer.mechanism.{mechanism.kind}",
        lang,
        countries=countries(transfer.countries, lang),
        module=mechanism.module or "",
    )


def mechanism_texts(transfer: Transfer, messages: Messages, lang: Lang) -> list[str]:
    return [
        mechanism_text(mechanism, transfer, messages, lang) for mechanism in transfer.mechanisms
    ]

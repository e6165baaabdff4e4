"""What can go wrong with a subscription link (`api/web/errors.py` gives each its status).

Kept apart from the service so the web layer maps them without loading the store."""

from __future__ import annotations

from api.core.errors import DomainError


class ConfirmationUnknown(DomainError):
    """No subscription waits for this confirmation link (never sent, replaced by a newer
    mail, or the unconfirmed subscription was deleted after 7 days)."""

    code = "confirmation_unknown"


class ConfirmationExpired(DomainError):
    """The confirmation link is older than 7 days."""

    code = "confirmation_expired"


class UnsubscribeUnknown(DomainError):
    """No subscription has this unsubscribe link."""

    code = "unsubscribe_unknown"

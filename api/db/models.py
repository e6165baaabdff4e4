"""Imports every model module so `Base.metadata` is complete (Alembic, tests).
Add one import line per new model module."""

from api.db.base import Base
from api.db.dpa import DpaRecord
from api.db.inquiry import Inquiry
from api.db.outbox import OutboxMessage
from api.db.subscription import (
    ConfirmationThrottle,
    LookupKey,
    Subscription,
    SubscriptionNotice,
)

__all__ = [
    "Base",
    "ConfirmationThrottle",
    "DpaRecord",
    "Inquiry",
    "LookupKey",
    "OutboxMessage",
    "Subscription",
    "SubscriptionNotice",
]

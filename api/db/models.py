"""Imports every model module so `Base.metadata` is complete (Alembic, tests).
Add one import line per new model module."""

from api.db.base import Base
from api.db.dpa import DpaRecord
from api.db.inquiry import Inquiry
from api.db.outbox import OutboxMessage

__all__ = ["Base", "DpaRecord", "Inquiry", "OutboxMessage"]

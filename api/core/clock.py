"""UNOY's clock: timestamps are stored in UTC, days are counted in Berlin (a message sent at
00:30 in Berlin on 1 March counts as 1 March)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Berlin")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("a moment must be timezone-aware")
    return moment.astimezone(LOCAL_TZ).date()

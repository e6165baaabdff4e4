"""The answer deadline of Art. 12(3) GDPR: one month after receipt.

Periods in months end on the same date of the following month, or, when that month is shorter,
on its last day (Regulation 1182/71, Art. 3(2)(c)): 31 January → 28/29 February. Receipt is
counted in UNOY's local time, so a message sent at 00:30 in Berlin on 1 March counts as 1 March.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from api.core.clock import local_day


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def due_by(received_at: datetime) -> date:
    return add_months(local_day(received_at), 1)

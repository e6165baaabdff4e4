"""Art. 12(3) GDPR: one month after receipt, month ends handled, in Berlin time."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.inquiries.deadline import add_months, due_by


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 30), date(2026, 2, 28)),
        (date(2026, 1, 28), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 5, 1), date(2026, 6, 1)),
    ],
)
def test_one_month_later(received: date, expected: date) -> None:
    assert add_months(received, 1) == expected


def test_receipt_counts_in_berlin_time() -> None:
    # 23:30 UTC on 31 January is already 1 February in Berlin.
    assert due_by(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == date(2026, 3, 1)
    assert due_by(datetime(2026, 1, 31, 22, 30, tzinfo=UTC)) == date(2026, 2, 28)
    # summer time: UTC+2
    assert due_by(datetime(2026, 7, 31, 22, 30, tzinfo=UTC)) == date(2026, 9, 1)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        due_by(datetime(2026, 1, 1, 12, 0))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_the_deadline_is_in_the_next_month_and_never_later_than_the_same_day(day: date) -> None:
    due = add_months(day, 1)
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1
    assert due.day <= day.day
    # the same day, or the last day of a shorter month
    assert due.day == day.day or due.day == calendar.monthrange(due.year, due.month)[1]
    assert 28 <= (due - day).days <= 31

"""当日 and 3日内 deadlines in Asia/Shanghai: across midnight, month ends, leap days and the year's end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.notify.deadlines import SHANGHAI, due_by, is_on_time, last_day, local_day


def _shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_same_day_ends_at_local_midnight_which_is_16_00_utc() -> None:
    assert due_by(date(2024, 3, 5), 0) == datetime(2024, 3, 5, 16, 0, tzinfo=UTC)


def test_an_event_just_after_local_midnight_belongs_to_the_new_day_though_utc_says_yesterday() -> None:
    moment = datetime(2024, 3, 5, 16, 30, tzinfo=UTC)  # 00:30 on 6 March in Shanghai
    assert local_day(moment) == date(2024, 3, 6)
    assert due_by(local_day(moment), 0) == _shanghai(2024, 3, 7, 0, 0)


def test_an_event_just_before_local_midnight_is_due_within_minutes() -> None:
    moment = _shanghai(2024, 3, 5, 23, 59)
    due = due_by(local_day(moment), 0)
    assert due - moment == timedelta(minutes=1)
    assert is_on_time(_shanghai(2024, 3, 5, 23, 59, 59), due)
    assert not is_on_time(_shanghai(2024, 3, 6, 0, 0), due)


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        (date(2024, 1, 31), 3, date(2024, 2, 3)),
        (date(2024, 2, 27), 3, date(2024, 3, 1)),  # leap year: 28, 29, 1 March
        (date(2023, 2, 27), 3, date(2023, 3, 2)),
        (date(2024, 4, 30), 0, date(2024, 4, 30)),
        (date(2024, 4, 30), 3, date(2024, 5, 3)),
        (date(2024, 12, 30), 3, date(2025, 1, 2)),
        (date(2024, 12, 31), 0, date(2024, 12, 31)),
    ],
)
def test_within_3_days_does_not_count_the_first_day_and_crosses_month_and_year_ends(
    start: date, days: int, last: date
) -> None:
    due = due_by(start, days)
    assert last_day(due) == last
    assert due.astimezone(SHANGHAI) == _shanghai(last.year, last.month, last.day) + timedelta(days=1)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        due_by(date(2024, 3, 5), -1)


def test_naive_times_are_read_as_utc_as_sqlite_returns_them() -> None:
    assert local_day(datetime(2024, 3, 5, 16, 30)) == date(2024, 3, 6)
    assert is_on_time(datetime(2024, 3, 5, 15, 59), datetime(2024, 3, 5, 16, 0, tzinfo=UTC))


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=10),
)
def test_the_deadline_is_always_a_local_midnight_days_plus_one_after_the_day_began(
    moment: datetime, days: int
) -> None:
    day = local_day(moment)
    due = due_by(day, days)
    local = due.astimezone(SHANGHAI)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert local.date() == day + timedelta(days=days + 1)
    assert last_day(due) == day + timedelta(days=days)
    assert is_on_time(moment, due)

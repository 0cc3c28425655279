"""Notice deadlines of §3.2–§3.7 (当日, 3日内), counted in calendar days in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def as_utc(moment: datetime) -> datetime:
    """An aware UTC time; a naive one is taken as UTC, which is how every table stores times."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day in Shanghai on which the moment falls."""
    return as_utc(moment).astimezone(SHANGHAI).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of a Shanghai day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def due_by(start: date, days: int) -> datetime:
    """The instant the last allowed day ends: on time means sent strictly before it.

    "当日" is days=0: the day itself. "3日内" is days=3: as in the Civil Procedure Law's counting of
    periods, the starting day is not counted, so the notice may go out until the end of the third day
    after it. Public holidays are not skipped; the rules count plain days.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    return day_start(start + timedelta(days=days + 1))


def last_day(due: datetime) -> date:
    """The last allowed Shanghai day of a due-by instant (the day before the midnight it names)."""
    return local_day(as_utc(due) - timedelta(microseconds=1))


def is_on_time(sent_at: datetime, due: datetime) -> bool:
    return as_utc(sent_at) < as_utc(due)

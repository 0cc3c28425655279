"""Ticket numbers (GD + yyyymmdd + "-" + daily sequence), allocated atomically inside the caller's transaction."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.storage.models import TicketCounter

PREFIX = "GD"
# Four digits at least; the sequence simply grows longer after 9999 on a very busy day. People type the
# dash as any dash or a space, or leave it out (then the four digits are needed to tell where the day ends).
_NUMBER = re.compile(r"GD\s*(\d{8})(?:\s*[-‐‑‒–—―_]\s*(\d{1,7})|\s*(\d{4,7}))(?!\d)", re.IGNORECASE)


def format_number(day: date, seq: int) -> str:
    return f"{PREFIX}{day:%Y%m%d}-{seq:04d}"


def local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def next_sequence(session: Session, day: date) -> int:
    """The day's next sequence number, by one upsert statement.

    The counter row stays locked until the caller's transaction ends, so two turns never get the same
    number, and a turn that rolls back gives its number back rather than leaving a gap."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(TicketCounter)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=["day"], set_={"last": TicketCounter.last + 1})
        .returning(TicketCounter.last)
    )
    return int(session.execute(statement).scalar_one())


def allocate_number(session: Session, now: datetime, timezone: str = "Asia/Shanghai") -> str:
    """A new ticket number for the day `now` falls on in the court's time zone."""
    day = local_day(now, timezone)
    return format_number(day, next_sequence(session, day))


def find_number(text: str) -> str | None:
    """The ticket number inside what a user typed ("gd20261127 0042", full-width forms), canonical; else None."""
    found = split_number(text)
    return found[0] if found else None


def split_number(text: str) -> tuple[str, str] | None:
    """The canonical ticket number in text and what follows it (where the phone digits may be), or None."""
    normal = unicodedata.normalize("NFKC", text or "")
    match = _NUMBER.search(normal)
    if match is None:
        return None
    digits = match.group(1)
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    seq = int(match.group(2) or match.group(3))
    return (format_number(day, seq), normal[match.end() :]) if seq > 0 else None

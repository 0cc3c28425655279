"""信访/工单查询: a ticket found by its number and the last four digits of its contact phone, with a try limit."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.verification import as_utc
from bot.storage.models import Ticket
from bot.tickets import CLOSED
from bot.tickets.contact import last_four
from bot.tickets.numbering import find_number
from bot.tickets.thread import latest_staff_reply

# A user may get the number or the digits wrong this often in the window before queries stop for a while.
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=30)


@dataclass(frozen=True)
class TicketStatus:
    number: str
    kind: str
    status: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    latest_reply: str | None
    latest_reply_at: datetime | None
    resolution: str | None


def find_ticket(session: Session, number_text: str, digits: str) -> Ticket | None:
    """The ticket, or None: an unknown number, a ticket without a phone and wrong digits look the same."""
    number = find_number(number_text)
    digits = digits.strip()
    if number is None or len(digits) != 4 or not (digits.isascii() and digits.isdigit()):
        return None
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    expected = last_four(ticket.contact_phone) if ticket is not None and ticket.contact_phone else "----"
    matched = hmac.compare_digest(expected.encode(), digits.encode())
    return ticket if ticket is not None and matched else None


def status_of(session: Session, ticket: Ticket, now: datetime) -> TicketStatus:
    reply = latest_staff_reply(session, ticket)
    due = as_utc(ticket.due_at)
    return TicketStatus(
        number=ticket.number,
        kind=ticket.kind,
        status=ticket.status,
        created_at=as_utc(ticket.created_at),
        due_at=due,
        overdue=ticket.status != CLOSED and as_utc(now) > due,
        latest_reply=reply.text if reply else None,
        latest_reply_at=as_utc(reply.created_at) if reply else None,
        resolution=ticket.resolution,
    )


@dataclass
class Attempts:
    """Failed queries of one user, kept in the conversation's memory (it lives in the database)."""

    failures: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None

    @classmethod
    def from_memory(cls, data: Any) -> Attempts:
        if not isinstance(data, dict):
            return cls()
        failures = [_parse(item) for item in data.get("failures", ())]
        locked = data.get("locked_until")
        return cls([item for item in failures if item is not None], _parse(locked) if locked else None)

    def to_memory(self) -> dict[str, Any]:
        return {
            "failures": [item.isoformat() for item in self.failures],
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }

    def locked(self, now: datetime) -> datetime | None:
        """Until when queries are refused, or None when the user may try."""
        return self.locked_until if self.locked_until and self.locked_until > as_utc(now) else None

    def fail(self, now: datetime) -> None:
        now = as_utc(now)
        self.failures = [item for item in self.failures if item > now - WINDOW] + [now]
        if len(self.failures) >= MAX_FAILURES:
            self.locked_until, self.failures = now + LOCK, []

    def left(self, now: datetime) -> int:
        return MAX_FAILURES - sum(1 for item in self.failures if item > as_utc(now) - WINDOW)


def _parse(value: object) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return None

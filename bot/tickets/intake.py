"""Taking a ticket in: its number, due date and first message, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.verification import as_utc
from bot.config import Settings
from bot.storage.models import Ticket, TicketMessage
from bot.tickets import CLOSED, KINDS, OPEN, USER
from bot.tickets.config import TicketPolicy, policy_in
from bot.tickets.numbering import allocate_number

MAX_SUBJECT = 200
MAX_CONTENT = 20_000


@dataclass(frozen=True)
class TicketDraft:
    """Everything a flow collected; routing fields (court, case, judge) come from bot.tickets.routing."""

    kind: str
    content: str
    channel: str
    user_key: str
    subject: str = ""
    case_no: str | None = None
    case_id: int | None = None
    court_code: str | None = None
    staff_member_id: int | None = None
    contact_phone: str | None = None
    callback_consent: bool = False
    attachments: Mapping[str, Any] = field(default_factory=dict)
    # Who the first message is from: the user, or "system" for a hand-off carrying the conversation.
    first_author: str = USER


def create_ticket(
    session: Session, draft: TicketDraft, *, now: datetime, policy: TicketPolicy, timezone: str
) -> Ticket:
    """Add the ticket and its first message; flushed, so its number and id are known before commit."""
    if draft.kind not in KINDS:
        raise ValueError(f"unknown ticket kind {draft.kind!r}")
    now = as_utc(now)
    content = draft.content.strip()[:MAX_CONTENT]
    if not content:
        raise ValueError("a ticket needs content")
    ticket = Ticket(
        kind=draft.kind,
        status=OPEN,
        court_code=draft.court_code,
        case_id=draft.case_id,
        case_no=draft.case_no,
        staff_member_id=draft.staff_member_id,
        channel=draft.channel,
        user_key=draft.user_key,
        contact_phone=draft.contact_phone,
        callback_consent=draft.callback_consent and draft.contact_phone is not None,
        subject=draft.subject[:MAX_SUBJECT],
        content=content,
        attachments=dict(draft.attachments),
        due_at=policy.due_at(draft.kind, now, timezone),
        created_at=now,
        updated_at=now,
    )
    ticket.messages.append(TicketMessage(author=draft.first_author, text=content, created_at=now))
    # The number last: the day's counter row stays locked from here until the turn commits.
    ticket.number = allocate_number(session, now, timezone)
    session.add(ticket)
    session.flush()
    return ticket


def file_ticket(session: Session, draft: TicketDraft, settings: Settings, now: datetime) -> Ticket:
    """create_ticket under the court's configured due dates (data/tickets.yaml) and time zone."""
    return create_ticket(
        session, draft, now=now, policy=policy_in(settings.data_dir), timezone=settings.timezone
    )


def open_ticket_of(session: Session, channel: str, user_key: str, kind: str) -> Ticket | None:
    """The user's newest ticket of a kind that is not closed yet."""
    return session.scalar(
        select(Ticket)
        .where(
            Ticket.channel == channel,
            Ticket.user_key == user_key,
            Ticket.kind == kind,
            Ticket.status != CLOSED,
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    )


def tickets_of(session: Session, channel: str, user_key: str, limit: int = 3) -> list[Ticket]:
    """The user's newest tickets, for offering their numbers in the status query."""
    query = (
        select(Ticket)
        .where(Ticket.channel == channel, Ticket.user_key == user_key)
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))

"""A ticket's page: the ticket, the linked case's summary, the chat that led to it, and its thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.progress import current_staff
from bot.core.messages import Reply
from bot.hotline import Hotline
from bot.identity.masking import mask_id_number, mask_in_text
from bot.storage.models import Case, CaseEvent, Conversation, StaffAccount, Ticket, TicketMessage, Turn
from bot.web.console import audit
from bot.web.console.access import STAFF, Staff, may_see
from bot.web.console.labels import as_utc
from bot.web.console.queue import court_name
from bot.web.console.render import error_page, render
from bot.web.runtime import HOTLINE, run_sync

TURNS_SHOWN = 12
EVENTS_SHOWN = 5
# The turn that created the ticket is logged in the same transaction, a moment after the ticket row.
TURN_SLACK = timedelta(minutes=1)


@dataclass(frozen=True)
class CaseSummary:
    case_no: str
    court_name: str
    case_type: str
    cause: str
    amount: Decimal | None
    filed_on: date
    status: str
    parties: list[tuple[str, str, str]]  # role label, name, masked id number
    staff: list[tuple[str, str, str]]  # role label, name, office phone
    events: list[tuple[datetime, str]]


@dataclass(frozen=True)
class ChatTurn:
    at: datetime
    text: str
    reply: str


@dataclass(frozen=True)
class ThreadMessage:
    at: datetime
    author: str
    who: str
    text: str


@dataclass(frozen=True)
class TicketPage:
    ticket: Ticket
    assignee: str | None
    case: CaseSummary | None
    turns: list[ChatTurn]
    thread: list[ThreadMessage]
    assignable: list[tuple[int, str]]


def _case_summary(session: Session, hotline: Hotline, case_id: int) -> CaseSummary | None:
    case = session.get(Case, case_id)
    if case is None:
        return None
    catalogue = hotline.services.catalogue
    roles = catalogue.roles if catalogue else {}
    staff_roles = catalogue.staff_roles if catalogue else {}
    statuses = catalogue.statuses if catalogue else {}
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
        .limit(EVENTS_SHOWN)
    ).all()
    return CaseSummary(
        case.case_no,
        case.court_name,
        case.case_type,
        case.cause,
        case.amount,
        case.filed_on,
        statuses.get(case.status, case.status),
        [
            (roles.get(p.role, p.role), p.name, mask_id_number(p.id_number) if p.id_number else "")
            for p in case.parties
        ],
        [
            (staff_roles.get(a.role, a.role), a.staff.name, a.staff.office_phone or "")
            for a in current_staff(case)
        ],
        [(event.occurred_at, mask_in_text(event.summary)) for event in events],
    )


def _turns(session: Session, ticket: Ticket) -> list[ChatTurn]:
    """The user's last turns up to the ticket's creation: what they asked before a person took over."""
    conversation_id = session.scalar(
        select(Conversation.id).where(
            Conversation.channel == ticket.channel, Conversation.user_key == ticket.user_key
        )
    )
    if conversation_id is None:
        return []
    turns = session.scalars(
        select(Turn)
        .where(Turn.conversation_id == conversation_id, Turn.created_at <= ticket.created_at + TURN_SLACK)
        .order_by(Turn.id.desc())
        .limit(TURNS_SHOWN)
    ).all()
    return [
        ChatTurn(turn.created_at, mask_in_text(turn.text), mask_in_text(Reply.from_dict(turn.reply).text))
        for turn in reversed(turns)
    ]


def _thread(session: Session, ticket: Ticket) -> list[ThreadMessage]:
    rows = session.execute(
        select(TicketMessage, StaffAccount.name)
        .outerjoin(StaffAccount, StaffAccount.id == TicketMessage.account_id)
        .where(TicketMessage.ticket_id == ticket.id)
        .order_by(TicketMessage.id)
    ).all()
    messages = [ThreadMessage(m.created_at, m.author, name or "", m.text) for m, name in rows]
    # The intake's first message repeats the ticket's content, which the page shows above the thread.
    if messages and messages[0].author != "staff" and messages[0].text == ticket.content:
        messages = messages[1:]
    return messages


def assignable(session: Session, ticket: Ticket) -> list[tuple[int, str]]:
    """Active accounts that could take the ticket: those of its court and those without a court."""
    court = ticket.court_code
    accounts = session.scalars(
        select(StaffAccount)
        .where(StaffAccount.active.is_(True))
        .where((StaffAccount.court_code.is_(None)) | (StaffAccount.court_code == court))
        .order_by(StaffAccount.role, StaffAccount.login)
    ).all()
    return [(account.id, f"{account.name}（{account.login}）") for account in accounts]


def find_ticket(session: Session, staff: Staff, number: str) -> Ticket | None:
    """The ticket if this account may see it; another's ticket is as absent as a nonexistent one."""
    ticket = session.scalar(select(Ticket).where(Ticket.number == number))
    return ticket if ticket is not None and may_see(staff, ticket) else None


def load_ticket_page(hotline: Hotline, staff: Staff, number: str) -> TicketPage | None:
    with hotline.db.transaction() as session:
        ticket = find_ticket(session, staff, number)
        if ticket is None:
            return None
        audit.record(session, staff.account_id, "ticket.view", f"ticket:{ticket.number}")
        assignee = session.get(StaffAccount, ticket.assignee_id) if ticket.assignee_id else None
        return TicketPage(
            ticket,
            assignee.name if assignee is not None else None,
            _case_summary(session, hotline, ticket.case_id) if ticket.case_id else None,
            _turns(session, ticket),
            _thread(session, ticket),
            assignable(session, ticket),
        )


async def ticket_page(request: web.Request) -> web.Response:
    hotline = request.app[HOTLINE]
    number = request.match_info["number"][:32]
    loaded = await run_sync(request.app, load_ticket_page, hotline, request[STAFF], number)
    if loaded is None:
        return error_page(request, 404, f"没有找到工单 {number}，或该工单不在您的处理范围内。")
    now = as_utc(hotline.services.clock())
    ticket = loaded.ticket
    return render(
        request,
        "ticket.html",
        page=loaded,
        ticket=ticket,
        court=court_name(hotline, ticket.court_code),
        overdue=ticket.status != "closed" and as_utc(ticket.due_at) < now,
    )

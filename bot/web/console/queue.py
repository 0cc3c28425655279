"""Ticket queues: by court, kind, status and due date, overdue first, filtered by GET parameters, paged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from bot.hotline import Hotline
from bot.storage.models import StaffAccount, Ticket
from bot.web.console.access import STAFF, Staff, ticket_scope
from bot.web.console.labels import KIND_LABELS, SHANGHAI, STATUS_LABELS, as_utc, local_time
from bot.web.console.paging import PAGE_SIZE, Paging, page_number
from bot.web.console.render import render
from bot.web.runtime import HOTLINE, run_sync

DUE_CHOICES = {"overdue": "已超期", "today": "今日到期", "week": "7日内到期"}
STATUS_CHOICES = {"active": "未办结", **STATUS_LABELS, "all": "全部"}
MAX_SEARCH = 64


@dataclass(frozen=True)
class QueueFilter:
    court: str = ""
    kind: str = ""
    status: str = "active"
    due: str = ""
    mine: bool = False
    q: str = ""  # part of a ticket number or case number

    def query(self) -> dict[str, str]:
        return {
            "court": self.court,
            "kind": self.kind,
            "status": self.status,
            "due": self.due,
            "mine": "1" if self.mine else "",
            "q": self.q,
        }


def parse_filter(query: Mapping[str, str]) -> QueueFilter:
    """The filter in ?court=&kind=&status=&due=&mine=&q=; an unknown value means "no filter"."""

    def pick(name: str, allowed: Mapping[str, str], default: str = "") -> str:
        value = query.get(name, default)
        return value if value in allowed else default

    return QueueFilter(
        court=query.get("court", "").strip()[:16],
        kind=pick("kind", KIND_LABELS),
        status=pick("status", STATUS_CHOICES, "active"),
        due=pick("due", DUE_CHOICES),
        mine=query.get("mine") == "1",
        q=query.get("q", "").strip()[:MAX_SEARCH],
    )


@dataclass(frozen=True)
class QueueRow:
    number: str
    kind: str
    status: str
    court_code: str | None
    case_no: str | None
    subject: str
    due_at: datetime
    overdue: bool
    assignee: str | None
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["due_at"], data["created_at"] = local_time(self.due_at), local_time(self.created_at)
        return data


def _overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Ticket.status != "closed", Ticket.due_at < now)


def _end_of_day(now: datetime, days: int) -> datetime:
    """The midnight (Asia/Shanghai) ending the day `days` days after today, in UTC."""
    today = as_utc(now).astimezone(SHANGHAI).date() + timedelta(days=days + 1)
    return datetime.combine(today, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _conditions(staff: Staff, chosen: QueueFilter, now: datetime) -> list[ColumnElement[bool]]:
    where = [ticket_scope(staff)]
    if chosen.court:
        where.append(Ticket.court_code == chosen.court)
    if chosen.kind:
        where.append(Ticket.kind == chosen.kind)
    if chosen.status == "active":
        where.append(Ticket.status != "closed")
    elif chosen.status != "all":
        where.append(Ticket.status == chosen.status)
    if chosen.due == "overdue":
        where.append(_overdue(now))
    elif chosen.due in ("today", "week"):
        limit = _end_of_day(now, 0 if chosen.due == "today" else 6)
        where += [Ticket.status != "closed", Ticket.due_at < limit]
    if chosen.mine:
        where.append(Ticket.assignee_id == staff.account_id)
    if chosen.q:
        in_number = Ticket.number.contains(chosen.q.upper(), autoescape=True)
        where.append(or_(in_number, Ticket.case_no.contains(chosen.q, autoescape=True)))
    return where


def load_queue(
    session: Session, staff: Staff, chosen: QueueFilter, page: int, now: datetime
) -> Paging[QueueRow]:
    where = _conditions(staff, chosen, now)
    total = int(session.scalar(select(func.count(Ticket.id)).where(*where)) or 0)
    overdue = _overdue(now)
    statement: Select[Any] = (
        select(Ticket, overdue.label("overdue"), StaffAccount.name)
        .outerjoin(StaffAccount, StaffAccount.id == Ticket.assignee_id)
        .where(*where)
        .order_by(case((overdue, 0), else_=1), Ticket.due_at, Ticket.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    rows = [
        QueueRow(
            t.number,
            t.kind,
            t.status,
            t.court_code,
            t.case_no,
            t.subject or t.content[:40],
            t.due_at,
            bool(late),
            assignee,
            t.created_at,
        )
        for t, late, assignee in session.execute(statement).all()
    ]
    return Paging(rows, page, total)


def visible_courts(session: Session, staff: Staff) -> list[str]:
    """The courts of the tickets this account may see, for the court filter."""
    statement = select(distinct(Ticket.court_code)).where(ticket_scope(staff), Ticket.court_code.is_not(None))
    return sorted(code for code in session.scalars(statement).all() if code)


@dataclass(frozen=True)
class Queue:
    page: Paging[QueueRow]
    courts: list[str]


def _load(hotline: Hotline, staff: Staff, chosen: QueueFilter, page: int) -> Queue:
    now = as_utc(hotline.services.clock())
    with hotline.db.transaction() as session:
        return Queue(load_queue(session, staff, chosen, page, now), visible_courts(session, staff))


async def _queue(request: web.Request) -> tuple[QueueFilter, Queue]:
    chosen = parse_filter(request.query)
    hotline = request.app[HOTLINE]
    queue = await run_sync(request.app, _load, hotline, request[STAFF], chosen, page_number(request))
    return chosen, queue


def court_name(hotline: Hotline, code: str | None) -> str:
    directory = hotline.services.courts
    court = directory.by_code(code) if directory is not None and code else None
    return court.name if court is not None else (code or "未分配法院")


async def queue_page(request: web.Request) -> web.Response:
    chosen, queue = await _queue(request)
    hotline = request.app[HOTLINE]
    return render(
        request,
        "queue.html",
        form=chosen.query(),
        tickets=queue.page,
        pages=queue.page.links(chosen.query()),
        courts=[(code, court_name(hotline, code)) for code in queue.courts],
        court_name=lambda code: court_name(hotline, code),
        due_choices=DUE_CHOICES,
        status_choices=STATUS_CHOICES,
    )


async def queue_json(request: web.Request) -> web.Response:
    _, queue = await _queue(request)
    body = {
        "page": queue.page.page,
        "pages": queue.page.pages,
        "total": queue.page.total,
        "tickets": [row.as_json() for row in queue.page.items],
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})

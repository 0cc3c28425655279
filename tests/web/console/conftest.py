"""Fixtures of the staff console tests: the real app, staff accounts of every role, tickets and a signed-in client."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.case_lookup.passwords import hash_password
from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database
from bot.storage.models import Case, Party, StaffAccount, StaffAssignment, StaffMember, Ticket
from bot.tickets.config import TicketPolicy
from bot.tickets.intake import TicketDraft, create_ticket
from bot.web.app import create_app

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct-horse-12368"
CASE_NO = "(2024)浙0102执1234号"
OTHER_CASE_NO = "(2024)浙0106执77号"
APPLICANT_ID = "330102198001011234"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True)
class People:
    """Account ids by login, and the staff-member ids of the two judges."""

    accounts: dict[str, int]
    judge1_member: int
    judge2_member: int
    case_id: int


def _account(
    login: str, role: str, name: str, court: str | None, member: int | None, digest: str
) -> StaffAccount:
    return StaffAccount(
        login=login, password_hash=digest, role=role, name=name, court_code=court, staff_member_id=member
    )


def seed_people(db: Database, settings: Settings) -> People:
    """Two courts, a judge in each with a case, and one account of every role (plus a court operator)."""
    digest = hash_password(PASSWORD, settings)
    with db.transaction() as session:
        judge1 = StaffMember(
            staff_no="J-1", name="王明", court_code="浙0102", title="审判员", office_phone="0571-88881234"
        )
        judge2 = StaffMember(staff_no="J-2", name="李华", court_code="浙0106", title="审判员")
        session.add_all([judge1, judge2])
        session.flush()
        case = Case(
            case_no=CASE_NO,
            court_code="浙0102",
            court_name="杭州市上城区人民法院",
            case_type="执",
            filed_on=date(2024, 3, 1),
            amount=Decimal("125000.00"),
            cause="民间借贷纠纷",
            parties=[
                Party(position=0, role="applicant", kind="person", name="张三", id_number=APPLICANT_ID),
                Party(position=1, role="respondent", kind="organisation", name="杭州某某贸易有限公司"),
            ],
            assignments=[StaffAssignment(staff_id=judge1.id, role="presiding", assigned_on=date(2024, 3, 2))],
        )
        session.add(case)
        accounts = [
            _account("operator", "operator", "话务员甲", None, None, digest),
            _account("op0102", "operator", "上城话务员", "浙0102", None, digest),
            _account("op0106", "operator", "西湖话务员", "浙0106", None, digest),
            _account("judge1", "judge", "王明", "浙0102", judge1.id, digest),
            _account("judge2", "judge", "李华", "浙0106", judge2.id, digest),
            _account("admin", "admin", "管理员", None, None, digest),
        ]
        session.add_all(accounts)
        session.flush()
        return People({a.login: a.id for a in accounts}, judge1.id, judge2.id, case.id)


def add_ticket(
    db: Database,
    *,
    kind: str = "complaint",
    court: str | None = "浙0102",
    staff_member_id: int | None = None,
    case_id: int | None = None,
    case_no: str | None = None,
    channel: str = "console",
    user_key: str = "caller-1",
    content: str = "执行法官一直不接电话，案件没有进展。",
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """A ticket through the tickets package's own intake (numbered and dated as a chat would); its number."""
    draft = TicketDraft(
        kind=kind,
        content=content,
        channel=channel,
        user_key=user_key,
        subject=content[:20],
        case_no=case_no,
        case_id=case_id,
        court_code=court,
        staff_member_id=staff_member_id,
        contact_phone="13812345678",
        callback_consent=True,
    )
    with db.transaction() as session:
        ticket = create_ticket(
            session, draft, now=now or datetime.now(UTC), policy=TicketPolicy(), timezone="Asia/Shanghai"
        )
        if due_at is not None:
            ticket.due_at = due_at
        return ticket.number


def ticket(db: Database, number: str) -> Ticket:
    with db.transaction() as session:
        found = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        session.expunge(found)
        return found


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def sign_in(client: Client, login: str, password: str = PASSWORD, **extra: str) -> Any:
    """Sign in afresh (as a new browser would: whoever was signed in on this client is forgotten)."""
    client.session.cookie_jar.clear()
    page = await client.get("/console/login")
    token = csrf_in(await page.text())
    return await client.post(
        "/console/login",
        data={"login": login, "password": password, "csrf": token, **extra},
        allow_redirects=False,
    )


async def form_token(client: Client, path: str = "/console/tickets") -> str:
    """The CSRF token of the signed-in session, as a page's form carries it."""
    page = await client.get(path)
    assert page.status == 200, await page.text()
    return csrf_in(await page.text())


@pytest.fixture
def people(db: Database, settings: Settings) -> People:
    return seed_people(db, settings)


@pytest.fixture
def console_app(settings: Settings, db: Database, services: Services) -> web.Application:
    return create_app(settings, db, services)


ClientMaker = Callable[[], Awaitable[Client]]


@pytest.fixture
def new_client(aiohttp_client: Callable[..., Awaitable[Client]], console_app: web.Application) -> ClientMaker:
    """Another browser against the same server: each has its own cookie jar."""
    server: list[Any] = []

    async def make() -> Client:
        if not server:
            client = await aiohttp_client(console_app)
            server.append(client.server)
            return client
        return await aiohttp_client(server[0])

    return make


@pytest.fixture
async def client(new_client: ClientMaker) -> Client:
    return await new_client()


def hours(n: float) -> timedelta:
    return timedelta(hours=n)

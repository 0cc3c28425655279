"""Who is signed in to the staff console, what each role may open, and which tickets are theirs."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import ColumnElement, false, or_, true

from bot.storage.models import Ticket

OPERATOR, JUDGE, ADMIN = "operator", "judge", "admin"
ROLES = (OPERATOR, JUDGE, ADMIN)
ROLE_LABELS = {OPERATOR: "话务员", JUDGE: "法官", ADMIN: "管理员"}

# Route groups and the roles that may use them; a route names its group when it is mounted.
EVERYONE = frozenset(ROLES)
DESK = frozenset({OPERATOR, ADMIN})  # lockouts and the notification report: the hotline desk's work
ADMINS = frozenset({ADMIN})


@dataclass(frozen=True)
class Staff:
    """The account behind the current request's session, as the handlers need it."""

    account_id: int
    session_id: int
    login: str
    name: str
    role: str
    court_code: str | None
    staff_member_id: int | None
    csrf_token: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def may(self, group: frozenset[str]) -> bool:
        return self.role in group

    @property
    def audit_name(self) -> str:
        """How the account is named where other tables record a person (lock lifts, notice reasons)."""
        return f"{self.login}（{self.name}）"


STAFF = web.RequestKey("console_staff", Staff)


def ticket_scope(staff: Staff) -> ColumnElement[bool]:
    """The tickets this account may see: 管理员 all; 话务员 their court's (all when they have no court);
    法官 those routed to them as the case's judge, and those a colleague assigned to them."""
    if staff.role == ADMIN:
        return true()
    if staff.role == OPERATOR:
        return true() if staff.court_code is None else Ticket.court_code == staff.court_code
    if staff.role == JUDGE:
        mine: list[ColumnElement[bool]] = [Ticket.assignee_id == staff.account_id]
        if staff.staff_member_id is not None:
            mine.append(Ticket.staff_member_id == staff.staff_member_id)
        return or_(*mine)
    return false()


def may_see(staff: Staff, ticket: Ticket) -> bool:
    """The same rule as ticket_scope, for a ticket already loaded."""
    if staff.role == ADMIN:
        return True
    if staff.role == OPERATOR:
        return staff.court_code is None or ticket.court_code == staff.court_code
    if staff.role == JUDGE:
        routed = staff.staff_member_id is not None and ticket.staff_member_id == staff.staff_member_id
        return routed or ticket.assignee_id == staff.account_id
    return False

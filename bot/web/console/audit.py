"""The audit log: every console action writes an entry in the action's own transaction; admins read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import AuditEntry, StaffAccount
from bot.web.console.paging import PAGE_SIZE, Paging, page_number
from bot.web.console.render import render
from bot.web.runtime import HOTLINE, run_sync

MAX_TARGET = 100
ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "ticket.view": "查看工单",
    "ticket.reply": "答复来访人",
    "ticket.assign": "改派工单",
    "ticket.close": "办结工单",
    "ticket.note": "内部备注",
    "locks.lift": "解除查询锁定",
    "user.create": "新建账号",
    "user.deactivate": "停用账号",
    "user.activate": "启用账号",
    "notify.reason": "记录未按时告知理由",
}


def record(
    session: Session, account_id: int | None, action: str, target: str = "", **details: Any
) -> AuditEntry:
    """Add an entry to the caller's transaction: it exists exactly when the action does."""
    entry = AuditEntry(account_id=account_id, action=action, target=target[:MAX_TARGET], details=details)
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    action: str
    target: str
    details: dict[str, Any]


def load_page(session: Session, action: str, who: str, page: int) -> Paging[AuditRow]:
    statement = select(AuditEntry, StaffAccount.login, StaffAccount.name).outerjoin(
        StaffAccount, StaffAccount.id == AuditEntry.account_id
    )
    if action:
        statement = statement.where(AuditEntry.action == action)
    if who:
        statement = statement.where(StaffAccount.login == who)
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    rows = session.execute(
        statement.order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    items = [
        AuditRow(entry.at, f"{login}（{name}）" if login else "—", entry.action, entry.target, entry.details)
        for entry, login, name in rows
    ]
    return Paging(items, page, total)


def _load(request: web.Request, action: str, who: str, page: int) -> Paging[AuditRow]:
    with request.app[HOTLINE].db.transaction() as session:
        return load_page(session, action, who, page)


async def audit_page(request: web.Request) -> web.Response:
    action = request.query.get("action", "")
    action = action if action in ACTION_LABELS else ""
    who = request.query.get("who", "").strip()[:64]
    result = await run_sync(request.app, _load, request, action, who, page_number(request))
    query = {"action": action, "who": who}
    return render(
        request, "audit.html", entries=result, labels=ACTION_LABELS, form=query, pages=result.links(query)
    )

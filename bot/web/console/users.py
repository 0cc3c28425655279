"""Admin pages for console accounts: list, create (password shown once), deactivate and reactivate."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.case_lookup.passwords import hash_password
from bot.hotline import Hotline
from bot.storage.models import StaffAccount, StaffMember, StaffSession
from bot.web.console import audit
from bot.web.console.access import JUDGE, ROLES, STAFF, Staff
from bot.web.console.forms import Refused
from bot.web.console.render import error_page, redirect, render
from bot.web.runtime import HOTLINE, run_sync

LOGIN = re.compile(r"[A-Za-z0-9._-]{3,64}")
MIN_PASSWORD = 10
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class AccountRow:
    id: int
    login: str
    name: str
    role: str
    court_code: str | None
    judge: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class NewAccount:
    login: str
    name: str
    role: str
    court_code: str | None
    staff_no: str | None
    password: str
    generated: bool


def list_accounts(session: Session) -> list[AccountRow]:
    rows = session.execute(
        select(StaffAccount, StaffMember.name)
        .outerjoin(StaffMember, StaffMember.id == StaffAccount.staff_member_id)
        .order_by(StaffAccount.active.desc(), StaffAccount.role, StaffAccount.login)
    ).all()
    return [
        AccountRow(a.id, a.login, a.name, a.role, a.court_code, judge, a.active, a.created_at)
        for a, judge in rows
    ]


def _accounts(hotline: Hotline) -> list[AccountRow]:
    with hotline.db.transaction() as session:
        return list_accounts(session)


def parse_new(form: Any, hotline: Hotline) -> NewAccount:
    login = str(form.get("login", "")).strip()
    name = str(form.get("name", "")).strip()
    role = str(form.get("role", ""))
    court = str(form.get("court_code", "")).strip() or None
    staff_no = str(form.get("staff_no", "")).strip() or None
    password = str(form.get("password", ""))
    if not LOGIN.fullmatch(login):
        raise Refused(422, "登录名应为3至64位字母、数字或 . _ -。")
    if not name or len(name) > 64:
        raise Refused(422, "请填写姓名（不超过64字）。")
    if role not in ROLES:
        raise Refused(422, "请选择角色。")
    if (
        court is not None
        and hotline.services.courts is not None
        and hotline.services.courts.by_code(court) is None
    ):
        raise Refused(422, f"没有代字为 {court} 的法院。")
    if role == JUDGE and staff_no is None:
        raise Refused(422, "法官账号须填写其在执行管理系统中的人员编号，以便只看到本人承办案件的工单。")
    generated = not password
    if generated:
        password = "".join(secrets.choice(PASSWORD_CHARS) for _ in range(14))
    elif len(password) < MIN_PASSWORD or len(password) > 200:
        raise Refused(422, f"密码至少{MIN_PASSWORD}位；留空则由系统生成。")
    return NewAccount(login, name, role, court, staff_no, password, generated)


def create_account(hotline: Hotline, staff: Staff, new: NewAccount) -> None:
    digest = hash_password(new.password, hotline.settings)  # argon2 work outside the transaction
    try:
        with hotline.db.transaction() as session:
            if session.scalar(select(StaffAccount.id).where(StaffAccount.login == new.login)) is not None:
                raise Refused(422, f"登录名 {new.login} 已被使用。")
            member_id = None
            if new.staff_no is not None:
                member_id = session.scalar(select(StaffMember.id).where(StaffMember.staff_no == new.staff_no))
                if member_id is None:
                    raise Refused(422, f"执行管理系统中没有编号为 {new.staff_no} 的人员。")
            account = StaffAccount(
                login=new.login,
                password_hash=digest,
                role=new.role,
                name=new.name,
                court_code=new.court_code,
                staff_member_id=member_id,
                active=True,
            )
            session.add(account)
            session.flush()
            audit.record(
                session, staff.account_id, "user.create", new.login, role=new.role, court=new.court_code
            )
    except IntegrityError:
        raise Refused(422, f"登录名 {new.login} 已被使用。") from None


def set_active(hotline: Hotline, staff: Staff, account_id: int, active: bool) -> None:
    if account_id == staff.account_id and not active:
        raise Refused(422, "不能停用自己的账号。")
    with hotline.db.transaction() as session:
        account = session.get(StaffAccount, account_id)
        if account is None:
            raise Refused(404, "没有这个账号。")
        account.active = active
        if not active:
            session.execute(delete(StaffSession).where(StaffSession.account_id == account_id))
        action = "user.activate" if active else "user.deactivate"
        audit.record(session, staff.account_id, action, account.login)


def _form(
    request: web.Request, accounts: list[AccountRow], status: int = 200, error: str = "", **values: Any
) -> web.Response:
    return render(request, "users.html", status, accounts=accounts, error=error, created=None, form=values)


async def users_page(request: web.Request) -> web.Response:
    accounts = await run_sync(request.app, _accounts, request.app[HOTLINE])
    return _form(request, accounts)


async def create_user(request: web.Request) -> web.Response:
    hotline = request.app[HOTLINE]
    form = await request.post()
    try:
        new = parse_new(form, hotline)
        await run_sync(request.app, create_account, hotline, request[STAFF], new)
    except Refused as refused:
        accounts = await run_sync(request.app, _accounts, hotline)
        kept = {key: str(form.get(key, "")) for key in ("login", "name", "role", "court_code", "staff_no")}
        return _form(request, accounts, refused.status, refused.message, **kept)
    accounts = await run_sync(request.app, _accounts, hotline)
    # The password is shown on this one response (never stored in clear, never shown again).
    return render(request, "users.html", accounts=accounts, error="", created=new, form={})


async def _toggle(request: web.Request, active: bool) -> web.Response:
    raw = request.match_info["account_id"]
    if not raw.isascii() or not raw.isdigit():
        return error_page(request, 404, "没有这个账号。")
    try:
        await run_sync(request.app, set_active, request.app[HOTLINE], request[STAFF], int(raw), active)
    except Refused as refused:
        return error_page(request, refused.status, refused.message)
    return redirect(f"/console/admin/users?done={'activate' if active else 'deactivate'}")


async def deactivate_user(request: web.Request) -> web.Response:
    return await _toggle(request, False)


async def activate_user(request: web.Request) -> web.Response:
    return await _toggle(request, True)

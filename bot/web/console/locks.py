"""Lifting a party's query lockout: find the locks by case number, lift one user's or all of a case's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.case_number import CaseNumberError, parse_case_number
from bot.case_lookup.verification import lift_locks
from bot.hotline import Hotline
from bot.storage.models import VerificationLock
from bot.web.console import audit
from bot.web.console.access import STAFF, Staff
from bot.web.console.labels import as_utc
from bot.web.console.render import error_page, redirect, render
from bot.web.runtime import HOTLINE, run_sync

SHOWN = 50


@dataclass(frozen=True)
class LockRow:
    id: int
    scope: str
    case_no: str | None
    user: str  # the chat user's key, shortened: enough to tell two users apart
    locked_until: datetime
    lifted_at: datetime | None
    lifted_by: str | None
    active: bool


def _short(user_key: str) -> str:
    return user_key if len(user_key) <= 12 else f"{user_key[:6]}…{user_key[-4:]}"


def find_locks(session: Session, case_no: str | None, now: datetime) -> list[LockRow]:
    """The locks of a case (active and lifted, newest first), or without a case every active lock."""
    statement = select(VerificationLock).order_by(VerificationLock.id.desc()).limit(SHOWN)
    if case_no is not None:
        statement = statement.where(VerificationLock.case_no == case_no)
    else:
        statement = statement.where(VerificationLock.lifted_at.is_(None), VerificationLock.locked_until > now)
    return [
        LockRow(
            lock.id,
            lock.scope,
            lock.case_no,
            _short(lock.user_key),
            lock.locked_until,
            lock.lifted_at,
            lock.lifted_by,
            lock.lifted_at is None and as_utc(lock.locked_until) > now,
        )
        for lock in session.scalars(statement).all()
    ]


def _search(hotline: Hotline, case_no: str | None) -> list[LockRow]:
    with hotline.db.transaction() as session:
        return find_locks(session, case_no, as_utc(hotline.services.clock()))


async def locks_page(request: web.Request) -> web.Response:
    typed = request.query.get("case_no", "").strip()[:64]
    case_no, error = None, ""
    if typed:
        try:
            case_no = parse_case_number(typed).canonical
        except CaseNumberError as problem:
            error = problem.reason
    locks = [] if error else await run_sync(request.app, _search, request.app[HOTLINE], case_no)
    return render(
        request, "locks.html", 422 if error else 200, typed=typed, case_no=case_no, error=error, locks=locks
    )


def _lift(hotline: Hotline, staff: Staff, lock_id: int | None, case_no: str | None) -> int:
    now = as_utc(hotline.services.clock())
    with hotline.db.transaction() as session:
        if lock_id is not None:
            # Columns only: a loaded lock object would be compared (naive on SQLite) by lift_locks' UPDATE.
            lock = session.execute(
                select(VerificationLock.scope, VerificationLock.case_no, VerificationLock.user_key).where(
                    VerificationLock.id == lock_id
                )
            ).first()
            if lock is None:
                return 0
            case_no = lock.case_no if lock.scope == "case" else None
            count = lift_locks(
                session, by_staff=staff.login, now=now, user_key=lock.user_key, case_no=case_no
            )
        elif case_no is not None:
            count = lift_locks(session, by_staff=staff.login, now=now, case_no=case_no)
        else:
            return 0
        if count:
            target = case_no or f"lock:{lock_id}"
            audit.record(session, staff.account_id, "locks.lift", target, lock_id=lock_id, count=count)
        return count


async def lift(request: web.Request) -> web.Response:
    form = await request.post()
    raw_id, typed = str(form.get("lock_id", "")), str(form.get("case_no", "")).strip()[:64]
    lock_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
    case_no = None
    if typed:
        try:
            case_no = parse_case_number(typed).canonical
        except CaseNumberError as problem:
            return error_page(request, 422, problem.reason)
    if lock_id is None and case_no is None:
        return error_page(request, 422, "请选择要解除的锁定，或输入案号。")
    count = await run_sync(request.app, _lift, request.app[HOTLINE], request[STAFF], lock_id, case_no)
    back = {"case_no": case_no} if case_no else {}
    return redirect("/console/locks?" + urlencode({**back, "done": "lift" if count else "none"}))

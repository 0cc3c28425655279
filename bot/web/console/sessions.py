"""Staff sessions in the database: sign in (argon2, throttled per login), look a session up, sign out."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from bot.case_lookup.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from bot.hotline import Hotline
from bot.storage.models import AuditEntry, StaffAccount, StaffSession
from bot.web.console import audit
from bot.web.console.access import Staff
from bot.web.console.csrf import new_token
from bot.web.console.labels import as_utc

# Guessing is slowed per login name: after this many failures in the window, that name is refused a while.
LOGIN_FAILURES = 5
LOGIN_WINDOW = timedelta(minutes=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_staff(hotline: Hotline, token: str) -> Staff | None:
    """The active account of an unexpired session, or None."""
    now = hotline.services.clock()
    with hotline.db.transaction() as session:
        row = session.execute(
            select(StaffSession, StaffAccount)
            .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
            .where(
                StaffSession.token_hash == token_hash(token),
                StaffSession.expires_at > now,
                StaffAccount.active.is_(True),
            )
        ).first()
        if row is None:
            return None
        record, account = row
        return Staff(
            account.id,
            record.id,
            account.login,
            account.name,
            account.role,
            account.court_code,
            account.staff_member_id,
            record.csrf_token,
        )


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class _Candidate:
    id: int
    login: str
    password_hash: str


def _candidate(hotline: Hotline, login: str, now: datetime) -> _Candidate | str | None:
    """The active account of a login, None when there is none, or why the login is refused outright."""
    with hotline.db.transaction() as session:
        failures = session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "login_failed",
                AuditEntry.target == login,
                AuditEntry.at > now - LOGIN_WINDOW,
            )
        )
        if int(failures or 0) >= LOGIN_FAILURES:
            return f"该账号登录失败次数过多，请 {LOGIN_WINDOW.seconds // 60} 分钟后再试，或联系管理员。"
        account = session.scalar(
            select(StaffAccount).where(StaffAccount.login == login, StaffAccount.active.is_(True))
        )
        return _Candidate(account.id, account.login, account.password_hash) if account else None


def sign_in(hotline: Hotline, login: str, password: str, hours: float) -> SignedIn | str:
    """A new session for a right login and password, else the reason to show (the same for any mismatch)."""
    settings, now = hotline.settings, as_utc(hotline.services.clock())
    candidate = _candidate(hotline, login, now)
    if isinstance(candidate, str):
        return candidate
    # argon2 runs between the two transactions: on SQLite a transaction holds the database's write lock.
    if candidate is None:
        dummy_verify(password, settings)  # the same work: timing does not tell which logins exist
        matched = False
    else:
        matched = verify_password(candidate.password_hash, password, settings)
    rehashed = None
    if candidate is not None and matched and needs_rehash(candidate.password_hash, settings):
        rehashed = hash_password(password, settings)
    with hotline.db.transaction() as session:
        account = session.get(StaffAccount, candidate.id) if candidate is not None and matched else None
        if account is None or not account.active:
            audit.record(session, None, "login_failed", login)
            return "登录名或密码错误，或账号已停用。"
        if rehashed is not None:
            account.password_hash = rehashed
        session.execute(
            delete(StaffSession).where(StaffSession.account_id == account.id, StaffSession.expires_at <= now)
        )
        token, expires = secrets.token_urlsafe(32), now + timedelta(hours=hours)
        session.add(
            StaffSession(
                token_hash=token_hash(token),
                account_id=account.id,
                csrf_token=new_token(),
                created_at=now,
                expires_at=expires,
            )
        )
        audit.record(session, account.id, "login", account.login)
        return SignedIn(token, expires)


def sign_out(hotline: Hotline, staff: Staff) -> None:
    with hotline.db.transaction() as session:
        session.execute(delete(StaffSession).where(StaffSession.id == staff.session_id))
        audit.record(session, staff.account_id, "logout", staff.login)

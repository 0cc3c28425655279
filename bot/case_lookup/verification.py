"""Party verification by case number and query password, with lockouts kept in the database."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.case_lookup.case_number import CaseNumber, CaseNumberError, parse_case_number
from bot.case_lookup.passwords import dummy_verify, verify_password
from bot.config import Settings
from bot.storage.models import Case, VerificationFailure, VerificationLock

log = logging.getLogger(__name__)

CASE_FAILURES = 5
CASE_WINDOW = timedelta(minutes=15)
CASE_LOCK = timedelta(minutes=30)
USER_FAILURES = 20
USER_WINDOW = timedelta(hours=1)
USER_LOCK = timedelta(hours=1)

# Finding a case number inside a message: where one may start (an opening bracket, a year) and end.
_SCAN_LIMIT = 300
_LONGEST = 40
_STARTS = re.compile(r"[(\[{〔【「『]|(?<!\d)\d|[〇○零一二三四五六七八九]{4}")
_ENDS = re.compile(r"[号號]|\d(?!\d)")
# "执1234", "执恢56", "执字第7号", "执号": the type code of an enforcement number followed by its tail.
_ATTEMPT = re.compile(r"[执執](?:[恢异異复復保监監协協他]|字第|字|第)?\s*(?:\d|[号號])")


@dataclass(frozen=True)
class Verified:
    case_id: int
    case_no: str


@dataclass(frozen=True)
class Refused:
    """Why verification did not succeed; a wrong password and an unknown case are both "mismatch"."""

    reason: Literal["malformed", "not_enforcement", "mismatch", "locked"]
    case_no: str | None = None
    detail: str = ""  # for "malformed": what is wrong with the case number, in Chinese
    locked_until: datetime | None = None
    scope: Literal["case", "user"] | None = None
    attempts_left: int | None = None  # wrong passwords left before this case locks for this user


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def verify(
    session: Session, case_no_text: str, password: str, user_key: str, now: datetime, settings: Settings
) -> Verified | Refused:
    """Check a case number and its query password for one user; count and lock on failure."""
    now = as_utc(now)
    try:
        number = parse_case_number(case_no_text, today=now.date())
    except CaseNumberError as error:
        return Refused("malformed", detail=error.reason)
    case_no = number.canonical
    if not number.is_enforcement:
        return Refused("not_enforcement", case_no=case_no, detail=number.type_code)

    lock = active_lock(session, case_no, user_key, now)
    if lock is not None:
        return _locked(case_no, lock)

    case = session.scalar(select(Case).where(Case.case_no == case_no))
    if case is None or not case.password_hash:
        # Spend the same argon2 work as a real check, so timing does not reveal which cases exist.
        dummy_verify(password, settings)
        matched = False
    else:
        matched = verify_password(case.password_hash, password, settings)
    if matched and case is not None:
        log.info("verification succeeded for case %s", case_no)
        return Verified(case.id, case_no)
    return _record_failure(session, case_no, user_key, now)


def active_lock(session: Session, case_no: str, user_key: str, now: datetime) -> VerificationLock | None:
    """The lock that keeps this user from this case now, the latest-ending first; None when free."""
    query = (
        select(VerificationLock)
        .where(
            VerificationLock.user_key == user_key,
            VerificationLock.lifted_at.is_(None),
            VerificationLock.locked_until > now,
            (VerificationLock.scope == "user") | (VerificationLock.case_no == case_no),
        )
        .order_by(VerificationLock.locked_until.desc())
        .limit(1)
    )
    return session.scalar(query)


def lift_locks(
    session: Session,
    *,
    by_staff: str,
    now: datetime | None = None,
    user_key: str | None = None,
    case_no: str | None = None,
) -> int:
    """Lift the active locks of a user (all scopes), of a case (all users), or of both; returns how many."""
    now = as_utc(now or datetime.now(UTC))
    if user_key is None and case_no is None:
        raise ValueError("lift_locks needs a user_key or a case_no")
    conditions = [VerificationLock.lifted_at.is_(None), VerificationLock.locked_until > now]
    if user_key is not None:
        conditions.append(VerificationLock.user_key == user_key)
    if case_no is not None:
        conditions.append(VerificationLock.case_no == case_no)
    result = session.execute(
        update(VerificationLock).where(*conditions).values(lifted_at=now, lifted_by=by_staff)
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    log.info("%d verification lock(s) lifted by staff %s", count, by_staff)
    return count


def _record_failure(session: Session, case_no: str, user_key: str, now: datetime) -> Refused:
    session.add(VerificationFailure(case_no=case_no, user_key=user_key, failed_at=now))
    session.flush()
    log.info("verification failed for case %s", case_no)

    case_count = _failures_since(session, user_key, case_no, now - CASE_WINDOW)
    user_count = _failures_since(session, user_key, None, now - USER_WINDOW)
    lock: VerificationLock | None = None
    if user_count >= USER_FAILURES:
        lock = VerificationLock(scope="user", case_no=None, user_key=user_key, locked_until=now + USER_LOCK)
        session.add(lock)
    if case_count >= CASE_FAILURES:
        case_lock = VerificationLock(
            scope="case", case_no=case_no, user_key=user_key, locked_until=now + CASE_LOCK
        )
        session.add(case_lock)
        lock = lock or case_lock
    if lock is not None:
        session.flush()
        log.warning("verification locked (%s scope) after repeated failures on case %s", lock.scope, case_no)
        return _locked(case_no, lock)
    return Refused("mismatch", case_no=case_no, attempts_left=CASE_FAILURES - case_count)


def _failures_since(session: Session, user_key: str, case_no: str | None, start: datetime) -> int:
    """Failures after start, ignoring those before a staff member last lifted a lock of that scope."""
    lifted = select(func.max(VerificationLock.lifted_at)).where(
        VerificationLock.user_key == user_key,
        VerificationLock.lifted_at.is_not(None),
    )
    if case_no is not None:
        lifted = lifted.where((VerificationLock.case_no == case_no) | (VerificationLock.scope == "user"))
    else:
        lifted = lifted.where(VerificationLock.scope == "user")
    last_lift = session.scalar(lifted)
    if last_lift is not None:
        start = max(start, as_utc(last_lift))
    query = select(func.count(VerificationFailure.id)).where(
        VerificationFailure.user_key == user_key, VerificationFailure.failed_at > start
    )
    if case_no is not None:
        query = query.where(VerificationFailure.case_no == case_no)
    return int(session.scalar(query) or 0)


def _locked(case_no: str, lock: VerificationLock) -> Refused:
    scope: Literal["case", "user"] = "user" if lock.scope == "user" else "case"
    return Refused("locked", case_no=case_no, locked_until=as_utc(lock.locked_until), scope=scope)


def find_case_number(text: str, today: date | None = None) -> CaseNumber | None:
    """The first enforcement case number inside free text ("我的案号是（2024）浙0102执1234号"), if any."""
    s = unicodedata.normalize("NFKC", text)[:_SCAN_LIMIT]
    starts = [match.start() for match in _STARTS.finditer(s)]
    ends = [match.end() for match in _ENDS.finditer(s)]
    for start in starts:
        for end in reversed(ends):  # the longest reading from each start first
            if end <= start or end - start > _LONGEST:
                continue
            try:
                number = parse_case_number(s[start:end], today=today)
            except CaseNumberError:
                continue
            if number.is_enforcement:
                return number
    return None


def looks_like_case_number(text: str) -> bool:
    """Whether a short message is evidently an attempt at an enforcement case number, readable or not."""
    s = unicodedata.normalize("NFKC", text)
    return len(s) <= _LONGEST and bool(_ATTEMPT.search(s)) and any(ch.isdigit() for ch in s)

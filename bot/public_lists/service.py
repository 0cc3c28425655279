"""One list lookup as every channel makes it: check the input, count it against the limits, then search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.public_lists.limits import QueryLimits, Requester, take
from bot.public_lists.search import (
    ListQuery,
    QueryError,
    SubjectResult,
    looks_like_person_name,
    parse_query,
    search,
)
from bot.storage.db import Database

Status = Literal["found", "not_found", "needs_id", "invalid", "limited"]


@dataclass(frozen=True)
class LookupResult:
    """found / not_found; needs_id (a person's name alone); invalid (error says which field); limited."""

    status: Status
    query: ListQuery | None = None
    subjects: tuple[SubjectResult, ...] = ()
    error: QueryError | None = None
    retry_after: int = 0


def lookup(
    session: Session,
    limits: QueryLimits,
    requester: Requester,
    name: str | None,
    code: str | None,
    now: datetime,
    timezone: str = "Asia/Shanghai",
    *,
    organisation_name: bool = False,
) -> LookupResult:
    """Answer one query inside the caller's transaction (the rate counters are written in it too).

    Invalid input is answered without counting: a check digit is no secret, and a user correcting a
    typo should not use up the allowance. Every query that reaches the lists is counted. With
    organisation_name, the user has said a short name is an organisation's, so it is searched as one.
    """
    try:
        query = parse_query(name, code)
    except QueryError as error:
        return LookupResult("invalid", error=error)
    quota = take(session, limits, requester, now)
    if not quota.allowed:
        return LookupResult("limited", query, retry_after=quota.retry_after)
    if query.code is None and not organisation_name and looks_like_person_name(query.name):
        # The lists hold people too, but a name alone never finds one: that would let anyone
        # collect everybody of a common name. Persons are found by name and ID number together.
        return LookupResult("needs_id", query)
    today = now.astimezone(ZoneInfo(timezone)).date()
    subjects = tuple(search(session, query, today))
    return LookupResult("found" if subjects else "not_found", query, subjects)


def lookup_once(
    db: Database,
    limits: QueryLimits,
    requester: Requester,
    name: str | None,
    code: str | None,
    now: datetime,
    timezone: str = "Asia/Shanghai",
    *,
    organisation_name: bool = False,
) -> LookupResult:
    """A lookup in a transaction of its own, as the web page and the JSON endpoint make it.

    Its only writes are the rate counters, so on PostgreSQL it commits without waiting for the WAL
    flush (a counter lost in a crash costs nothing); that wait would otherwise be most of its time.
    """
    with db.transaction() as session:
        if db.dialect == "postgresql":
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        return lookup(
            session, limits, requester, name, code, now, timezone, organisation_name=organisation_name
        )

"""Rate limits on list queries per user and per address: fixed-window counters kept in the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.storage.models.lists import QueryCounter


@dataclass(frozen=True)
class QueryLimits:
    """How many list queries one user (chat) or one address (web) may make per window.

    Read from settings fields list_queries_per_user, list_queries_per_address and
    list_query_window_seconds (HOTLINE_LIST_QUERIES_PER_USER …) where the settings define them.
    """

    per_user: int = 30
    per_address: int = 120
    window_seconds: int = 3600

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            per_user=settings.list_queries_per_user,
            per_address=settings.list_queries_per_address,
            window_seconds=settings.list_query_window_seconds,
        )


@dataclass(frozen=True)
class Requester:
    """Who asks: a chat user ("channel:user key") and/or a network address; either may be unknown."""

    user: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Quota:
    allowed: bool
    retry_after: int = 0  # seconds until the window that refused the query ends


def _digest(scope: str, value: str) -> str:
    # Bounded length, and the table does not hold users' keys or addresses as such.
    return hashlib.sha256(f"{scope}\0{value}".encode()).hexdigest()[:32]


def _increment(
    session: Session, keys: list[tuple[str, str]], window_start: int, window: int
) -> dict[str, int]:
    """Add one to the counter of each (scope, subject) in this window, in one statement; counts by scope."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(QueryCounter)
        .values(
            [
                {"scope": scope, "subject": subject, "window_start": window_start, "count": 1}
                for scope, subject in keys
            ]
        )
        .on_conflict_do_update(
            index_elements=["scope", "subject", "window_start"], set_={"count": QueryCounter.count + 1}
        )
        .returning(QueryCounter.scope, QueryCounter.count)
    )
    counts = {scope: int(count) for scope, count in session.execute(statement).all()}
    if 1 in counts.values():
        # A new window began for someone: drop every counter older than the previous window.
        session.execute(delete(QueryCounter).where(QueryCounter.window_start < window_start - window))
    return counts


def take(session: Session, limits: QueryLimits, requester: Requester, now: datetime) -> Quota:
    """Count one query against each known key of the requester, in the caller's transaction."""
    window = max(1, limits.window_seconds)
    seconds = int(now.timestamp())
    window_start = seconds - seconds % window
    allowance = {"user": limits.per_user, "address": limits.per_address}
    keys = [
        (scope, _digest(scope, value))
        for scope, value in (("user", requester.user), ("address", requester.address))
        if value
    ]
    if not keys:
        return Quota(True)
    counts = _increment(session, keys, window_start, window)
    allowed = all(count <= allowance[scope] for scope, count in counts.items())
    return Quota(allowed, 0 if allowed else window_start + window - seconds)

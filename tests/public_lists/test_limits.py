"""Rate limits: fixed windows per user and per address, kept in the database so every worker shares them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.config import Settings
from bot.public_lists.limits import QueryLimits, Requester, take
from bot.public_lists.service import lookup
from bot.storage.db import Database, open_database
from bot.storage.models import QueryCounter
from tests.public_lists.factories import PERSON_ID, PERSON_NAME, WRONG_CHECK_ID, person_entry, put

START = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)  # on a window boundary for windows of up to an hour
LIMITS = QueryLimits(per_user=3, per_address=5, window_seconds=600)


def take_one(db: Database, requester: Requester, now: datetime, limits: QueryLimits = LIMITS) -> bool:
    with db.transaction() as session:
        return take(session, limits, requester, now).allowed


def test_a_user_gets_the_limit_then_is_refused_until_the_window_ends(db: Database) -> None:
    user = Requester(user="wechat:o1")
    assert [take_one(db, user, START + timedelta(seconds=i)) for i in range(4)] == [True, True, True, False]
    with db.transaction() as session:
        quota = take(session, LIMITS, user, START + timedelta(seconds=100))
    assert not quota.allowed
    assert quota.retry_after == 500
    assert take_one(db, user, START + timedelta(seconds=600))  # the next window


def test_users_are_counted_apart(db: Database) -> None:
    for _ in range(3):
        take_one(db, Requester(user="wechat:o1"), START)
    assert not take_one(db, Requester(user="wechat:o1"), START)
    assert take_one(db, Requester(user="wechat:o2"), START)


def test_an_address_is_limited_across_users(db: Database) -> None:
    results = [take_one(db, Requester(user=f"web:{i}", address="203.0.113.7"), START) for i in range(6)]
    assert results == [True] * 5 + [False]
    assert take_one(db, Requester(address="203.0.113.8"), START)


def test_two_workers_share_one_count(db: Database, settings: Settings) -> None:
    # A second engine on the same database stands for a second worker process.
    other = open_database(settings.database_url)
    try:
        user = Requester(user="telegram:42")
        seen = [take_one(db if i % 2 else other, user, START) for i in range(4)]
    finally:
        other.dispose()
    assert seen == [True, True, True, False]


def test_old_windows_are_cleared_when_a_new_one_starts(db: Database) -> None:
    for i in range(5):
        take_one(db, Requester(user=f"u{i}"), START)
    take_one(db, Requester(user="late"), START + timedelta(seconds=1200))
    with db.transaction() as session:
        windows = set(session.scalars(select(QueryCounter.window_start)))
        subjects = session.scalars(select(QueryCounter.subject)).all()
    assert windows == {int((START + timedelta(seconds=1200)).timestamp())}
    assert all("late" not in subject and len(subject) == 32 for subject in subjects)  # digests, not keys


def test_a_refused_lookup_searches_nothing(db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry())
    user = Requester(user="console:t")
    statuses = []
    for _ in range(4):
        with db.transaction() as session:
            statuses.append(lookup(session, LIMITS, user, PERSON_NAME, PERSON_ID, START).status)
    assert statuses == ["found", "found", "found", "limited"]


def test_invalid_input_does_not_use_up_the_allowance(db: Database) -> None:
    user = Requester(user="console:t")
    for _ in range(10):
        with db.transaction() as session:
            assert lookup(session, LIMITS, user, PERSON_NAME, WRONG_CHECK_ID, START).status == "invalid"
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(QueryCounter)) == 0


def test_limits_come_from_settings_when_defined() -> None:
    class Configured(Settings):
        list_queries_per_user: int = 7
        list_queries_per_address: int = 70
        list_query_window_seconds: int = 60

    limits = QueryLimits.from_settings(Configured(_env_file=None))  # type: ignore[call-arg]
    assert limits == QueryLimits(per_user=7, per_address=70, window_seconds=60)
    assert QueryLimits.from_settings(Settings(_env_file=None)) == QueryLimits()  # type: ignore[call-arg]

"""Verification by case number and query password: equal answers, lockouts in the database, staff lifts."""

from __future__ import annotations

import logging
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.case_lookup.case_number import CaseNumber
from bot.case_lookup.verification import (
    Refused,
    Verified,
    find_case_number,
    lift_locks,
    looks_like_case_number,
    verify,
)
from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database, open_database
from bot.storage.models import Case, VerificationFailure
from tests.case_lookup.test_progress import add_case
from tests.conftest import make_settings

CASE_NO = "(2024)浙0102执1234号"
OTHER = "(2024)浙0102执1235号"
PASSWORD = "demo-pass-1"
USER = "console:alice"
T0 = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def cases(db: Database, settings: Settings, services: Services) -> Database:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, CASE_NO)
    add_case(db, settings, services.catalogue, OTHER, password="other-pass-2")
    return db


def attempt(
    db: Database, settings: Settings, case_no: str, password: str, now: datetime, user: str = USER
) -> Verified | Refused:
    with db.transaction() as session:
        return verify(session, case_no, password, user, now, settings)


def test_right_password_verifies(cases: Database, settings: Settings) -> None:
    result = attempt(cases, settings, "（2024）浙0102执1234号", PASSWORD, T0)
    assert isinstance(result, Verified)
    assert result.case_no == CASE_NO
    with cases.transaction() as session:
        assert result.case_id == session.scalar(select(Case.id).where(Case.case_no == CASE_NO))


def test_unknown_case_and_wrong_password_get_the_same_answer(cases: Database, settings: Settings) -> None:
    wrong = attempt(cases, settings, CASE_NO, "not-it", T0)
    unknown = attempt(cases, settings, "(2024)浙0102执999999号", PASSWORD, T0)
    assert isinstance(wrong, Refused) and isinstance(unknown, Refused)
    assert (wrong.reason, wrong.attempts_left, wrong.locked_until) == ("mismatch", 4, None)
    assert (unknown.reason, unknown.attempts_left, unknown.locked_until) == ("mismatch", 4, None)


def test_malformed_and_non_enforcement_numbers_are_not_counted(cases: Database, settings: Settings) -> None:
    malformed = attempt(cases, settings, "(24)浙0102执1234号", PASSWORD, T0)
    civil = attempt(cases, settings, "(2024)浙0102民初5号", PASSWORD, T0)
    assert isinstance(malformed, Refused) and malformed.reason == "malformed"
    assert "两位" in malformed.detail
    assert isinstance(civil, Refused) and civil.reason == "not_enforcement" and civil.detail == "民初"
    with cases.transaction() as session:
        assert session.scalar(select(func.count(VerificationFailure.id))) == 0


def test_five_wrong_passwords_lock_the_case_for_thirty_minutes(cases: Database, settings: Settings) -> None:
    results = [attempt(cases, settings, CASE_NO, f"wrong-{n}", T0 + timedelta(minutes=n)) for n in range(5)]
    assert [r.attempts_left for r in results[:4] if isinstance(r, Refused)] == [4, 3, 2, 1]
    locked = results[4]
    assert isinstance(locked, Refused) and locked.reason == "locked" and locked.scope == "case"
    assert locked.locked_until == T0 + timedelta(minutes=4, seconds=0) + timedelta(minutes=30)
    # Even the right password is refused while the lock holds, for this user only.
    during = attempt(cases, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=33))
    assert isinstance(during, Refused) and during.reason == "locked"
    assert isinstance(attempt(cases, settings, CASE_NO, PASSWORD, T0, user="console:bob"), Verified)
    assert isinstance(attempt(cases, settings, OTHER, "other-pass-2", T0 + timedelta(minutes=5)), Verified)
    # An expired lock is ignored.
    after = attempt(cases, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=34, seconds=1))
    assert isinstance(after, Verified)


def test_failures_older_than_fifteen_minutes_do_not_count(cases: Database, settings: Settings) -> None:
    for n in range(4):
        attempt(cases, settings, CASE_NO, "wrong", T0 + timedelta(minutes=n))
    later = attempt(cases, settings, CASE_NO, "wrong", T0 + timedelta(minutes=16))
    assert isinstance(later, Refused) and later.reason == "mismatch" and later.attempts_left == 2


def test_twenty_failures_across_cases_lock_the_user_for_an_hour(cases: Database, settings: Settings) -> None:
    results = []
    for n in range(20):
        case_no = f"(2024)浙0106执{100 + n // 4}号"  # four tries at each of five unknown cases
        results.append(attempt(cases, settings, case_no, "guess", T0 + timedelta(minutes=n)))
    assert all(isinstance(r, Refused) and r.reason == "mismatch" for r in results[:19])
    last = results[19]
    assert isinstance(last, Refused) and last.reason == "locked" and last.scope == "user"
    assert last.locked_until == T0 + timedelta(minutes=19) + timedelta(hours=1)
    blocked = attempt(cases, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=30))
    assert isinstance(blocked, Refused) and blocked.scope == "user"
    free = attempt(cases, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=80))
    assert isinstance(free, Verified)


def test_a_lock_holds_for_another_process(cases: Database, settings: Settings) -> None:
    for n in range(5):
        attempt(cases, settings, CASE_NO, "wrong", T0 + timedelta(seconds=n))
    other_process = open_database(settings.database_url)  # a fresh engine: nothing shared but the database
    try:
        result = attempt(other_process, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=1))
    finally:
        other_process.dispose()
    assert isinstance(result, Refused) and result.reason == "locked"


def test_staff_lift_a_users_locks_and_the_count_starts_again(cases: Database, settings: Settings) -> None:
    for n in range(5):
        attempt(cases, settings, CASE_NO, "wrong", T0 + timedelta(seconds=n))
    with cases.transaction() as session:
        lifted = lift_locks(session, user_key=USER, by_staff="operator", now=T0 + timedelta(minutes=2))
    assert lifted == 1
    again = attempt(cases, settings, CASE_NO, "wrong", T0 + timedelta(minutes=3))
    assert isinstance(again, Refused) and again.reason == "mismatch" and again.attempts_left == 4
    assert isinstance(attempt(cases, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=4)), Verified)


def test_staff_lift_the_locks_on_a_case(cases: Database, settings: Settings) -> None:
    for user in ("console:a", "console:b"):
        for n in range(5):
            attempt(cases, settings, CASE_NO, "wrong", T0 + timedelta(seconds=n), user=user)
    with cases.transaction() as session:
        assert lift_locks(session, case_no=CASE_NO, by_staff="judge1", now=T0 + timedelta(minutes=1)) == 2
    for user in ("console:a", "console:b"):
        assert isinstance(
            attempt(cases, settings, CASE_NO, PASSWORD, T0 + timedelta(minutes=2), user=user), Verified
        )
    with cases.transaction() as session, pytest.raises(ValueError):
        lift_locks(session, by_staff="judge1")


def test_no_password_or_hash_in_results_or_logs(
    cases: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Sekrit-Guess-77"
    results = [attempt(cases, settings, CASE_NO, secret, T0 + timedelta(seconds=n)) for n in range(6)]
    results.append(attempt(cases, settings, OTHER, "other-pass-2", T0))
    with cases.transaction() as session:
        hashes = list(session.scalars(select(Case.password_hash)))
    shown = caplog.text + "".join(repr(result) for result in results)
    for value in (secret, "other-pass-2", *hashes):
        assert value and value not in shown


def test_unknown_case_takes_as_long_as_a_wrong_password(database_url: str, services: Services) -> None:
    # Real argon2 work (a lighter setting than production, heavier than the other tests).
    settings = make_settings(database_url, argon2_time_cost=2, argon2_memory_cost=16384)
    db = open_database(database_url)
    assert services.catalogue is not None
    try:
        add_case(db, settings, services.catalogue, CASE_NO)

        def timed(case_no: str, n: int) -> float:
            start = time.perf_counter()
            attempt(db, settings, case_no, "wrong", T0 + timedelta(hours=n), user=f"console:t{n}")
            return time.perf_counter() - start

        timed(CASE_NO, 0)  # warm up the hasher and the connection pool
        wrong = statistics.median(timed(CASE_NO, n) for n in range(1, 6))
        unknown = statistics.median(timed("(2024)浙0102执77777号", n) for n in range(6, 11))
    finally:
        db.dispose()
    assert 0.5 < unknown / wrong < 2.0


CASE_NUMBERS = st.builds(
    CaseNumber,
    year=st.integers(1990, 2026),
    court_code=st.sampled_from(["浙", "浙01", "浙0102", "浙0212", "京0105"]),
    type_code=st.sampled_from(["执", "执恢", "执异", "执复", "执保", "执监"]),
    seq=st.integers(1, 99999),
)
NOISE = st.text(alphabet="我的案号是请帮查一下谢谢，：。 ", max_size=12)


@given(number=CASE_NUMBERS, before=NOISE, after=NOISE)
def test_a_case_number_is_found_inside_any_message(number: CaseNumber, before: str, after: str) -> None:
    found = find_case_number(before + number.canonical + after)
    assert found == number


@pytest.mark.parametrize(
    "text",
    ["(24)浙0102执1234号", "浙0102执1234号", "(2024)浙0102执号", "(1890)浙0102执1234号", "2024浙0102执恢号"],
)
def test_unreadable_case_numbers_still_look_like_attempts(text: str) -> None:
    assert find_case_number(text) is None
    assert looks_like_case_number(text)


@pytest.mark.parametrize("text", ["我2023年申请执行了100万", "执行款什么时候到账", "西湖区法院电话", "12368"])
def test_ordinary_messages_are_not_case_numbers(text: str) -> None:
    assert find_case_number(text) is None
    assert not looks_like_case_number(text)

"""Ticket numbers: the format, the daily sequence in Shanghai time, beyond 9999, rollbacks, and reading them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import TicketCounter
from bot.tickets.numbering import allocate_number, find_number, format_number, split_number

NOON = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def test_numbers_count_up_from_0001_each_day(db: Database) -> None:
    with db.transaction() as session:
        first = allocate_number(session, NOON)
        second = allocate_number(session, NOON)
    assert (first, second) == ("GD20261127-0001", "GD20261127-0002")


def test_the_day_is_the_shanghai_day(db: Database) -> None:
    # 16:30 UTC on the 27th is half past midnight on the 28th in Shanghai: a new day, a new sequence.
    with db.transaction() as session:
        evening = allocate_number(session, datetime(2026, 11, 27, 15, 59, tzinfo=UTC))
        after_midnight = allocate_number(session, datetime(2026, 11, 27, 16, 30, tzinfo=UTC))
    assert evening == "GD20261127-0001"
    assert after_midnight == "GD20261128-0001"


def test_more_digits_after_9999(db: Database) -> None:
    with db.transaction() as session:
        session.add(TicketCounter(day=date(2026, 11, 27), last=9998))
    with db.transaction() as session:
        numbers = [allocate_number(session, NOON) for _ in range(2)]
    assert numbers == ["GD20261127-9999", "GD20261127-10000"]
    assert find_number("GD20261127-10000") == "GD20261127-10000"


def test_a_rolled_back_turn_gives_its_number_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        assert allocate_number(session, NOON) == "GD20261127-0001"
        raise RuntimeError("the turn failed after taking a number")
    with db.transaction() as session:
        assert allocate_number(session, NOON) == "GD20261127-0001"
        assert session.scalar(select(TicketCounter.last)) == 1


@pytest.mark.parametrize(
    "typed",
    [
        "GD20261127-0042",
        "gd20261127-0042",
        "GD20261127－0042",
        "ＧＤ２０２６１１２７－００４２",
        "GD 20261127 0042",
        "GD202611270042",
        "GD20261127—42",
        "我的工单号是GD20261127-0042，麻烦查一下",
    ],
)
def test_ticket_numbers_are_read_as_people_type_them(typed: str) -> None:
    assert find_number(typed) == "GD20261127-0042"


@pytest.mark.parametrize(
    "typed",
    ["", "GD2026112", "GD20261327-0042", "GD20261127-0000", "20261127-0042", "GD20261127-" + "9" * 5000],
)
def test_what_is_not_a_ticket_number(typed: str) -> None:
    assert find_number(typed) is None


def test_the_digits_after_the_number_are_kept_apart() -> None:
    assert split_number("GD20261127-0042 5678") == ("GD20261127-0042", " 5678")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(1, 9_999_999))
def test_every_number_given_out_reads_back_as_itself(day: date, seq: int) -> None:
    number = format_number(day, seq)
    assert number.startswith(f"GD{day:%Y%m%d}-")
    assert find_number(number) == number
    assert find_number(number.lower().replace("-", " ")) == number

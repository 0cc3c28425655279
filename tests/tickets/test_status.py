"""Finding a ticket by number and phone digits, what its status shows, and the per-user try limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.models import Ticket
from bot.tickets import CLOSED, COMPLAINT, REPORT
from bot.tickets.config import TicketPolicy
from bot.tickets.intake import TicketDraft, create_ticket
from bot.tickets.status import LOCK, MAX_FAILURES, WINDOW, Attempts, find_ticket, status_of
from bot.tickets.thread import add_note, close_ticket, reply_to_user

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def add(session: Session, phone: str | None, kind: str = COMPLAINT) -> Ticket:
    draft = TicketDraft(
        kind=kind, content="执行法官一直不接电话", channel="web", user_key="u-1", contact_phone=phone
    )
    return create_ticket(session, draft, now=NOW, policy=TicketPolicy(), timezone="Asia/Shanghai")


def test_found_only_with_the_right_digits_and_the_same_nothing_otherwise(db: Database) -> None:
    with db.transaction() as session:
        ticket = add(session, "13912345678")
        anonymous = add(session, None, REPORT)
        assert find_ticket(session, ticket.number.lower(), "5678") is ticket
        assert find_ticket(session, ticket.number, "5679") is None
        assert find_ticket(session, "GD20261127-0999", "5678") is None
        assert find_ticket(session, anonymous.number, "5678") is None
        assert find_ticket(session, ticket.number, "56789") is None
        assert (
            find_ticket(session, ticket.number, "５６７８") is None
        )  # the flow folds full-width digits first


def test_status_shows_the_latest_staff_reply_not_a_note_and_overdue(db: Database) -> None:
    with db.transaction() as session:
        ticket = add(session, "13912345678")
        reply_to_user(session, ticket, "已转交承办法官", None, now=NOW + timedelta(days=1))
        reply_to_user(session, ticket, "法官将于明天回电", None, now=NOW + timedelta(days=2))
        add_note(session, ticket, "内部：法官外出执行", None)
        shown = status_of(session, ticket, NOW + timedelta(days=2))
        late = status_of(session, ticket, NOW + timedelta(days=30))
        close_ticket(session, ticket, "已回电说明情况", None)
        closed = status_of(session, ticket, NOW + timedelta(days=30))
    assert shown.latest_reply == "法官将于明天回电" and not shown.overdue
    assert late.overdue
    assert closed.status == CLOSED and not closed.overdue and closed.resolution == "已回电说明情况"


def test_the_limit_locks_after_repeated_failures_and_forgets_old_ones() -> None:
    attempts = Attempts()
    for minute in range(MAX_FAILURES - 1):
        attempts.fail(NOW + timedelta(minutes=minute))
    assert attempts.locked(NOW) is None and attempts.left(NOW + timedelta(minutes=4)) == 1
    later = NOW + WINDOW + timedelta(minutes=5)  # the early failures fell out of the window
    attempts.fail(later)
    assert attempts.locked(later) is None
    for _ in range(MAX_FAILURES):
        attempts.fail(later)
    assert attempts.locked(later) == later + LOCK
    assert attempts.locked(later + LOCK + timedelta(seconds=1)) is None


@given(st.lists(st.integers(0, 120), max_size=12))
def test_attempts_survive_the_conversation_memory(minutes: list[int]) -> None:
    attempts = Attempts()
    for minute in sorted(minutes):
        attempts.fail(NOW + timedelta(minutes=minute))
    again = Attempts.from_memory(attempts.to_memory())
    assert again == attempts
    assert Attempts.from_memory({"failures": ["not a time"], "locked_until": None}) == Attempts()
    assert Attempts.from_memory("junk") == Attempts()

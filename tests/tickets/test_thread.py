"""A ticket's thread: staff replies reach the user's chat, notes stay internal, staff actions are audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.context import Services
from bot.core.push import take_for_user
from bot.storage.db import Database
from bot.storage.models import AuditEntry, ChatPush, StaffAccount, Ticket, TicketMessage
from bot.tickets import ANSWERED, CLOSED, HANDOFF, IN_PROGRESS, NOTE, OPEN, STAFF, SUGGESTION, USER
from bot.tickets.config import TicketPolicy
from bot.tickets.intake import TicketDraft, create_ticket
from bot.tickets.thread import (
    FALLBACK_PUSH,
    add_note,
    add_user_message,
    assign_ticket,
    close_ticket,
    latest_staff_reply,
    reply_to_user,
)

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def new_ticket(session: Session, kind: str = SUGGESTION) -> Ticket:
    draft = TicketDraft(
        kind=kind,
        content="建议周末也开放执行窗口",
        channel="web",
        user_key="u-1",
        contact_phone="13912345678",
    )
    return create_ticket(session, draft, now=NOW, policy=TicketPolicy(), timezone="Asia/Shanghai")


def operator(session: Session) -> int:
    account = StaffAccount(
        login="op1", password_hash="x", role="operator", name="话务员甲", court_code="浙0102"
    )
    session.add(account)
    session.flush()
    return account.id


def test_a_staff_reply_is_in_the_thread_answers_the_ticket_and_reaches_the_user(
    db: Database, services: Services
) -> None:
    with db.transaction() as session:
        ticket, account = new_ticket(session), operator(session)
        message = reply_to_user(
            session, ticket, "  您的建议已转交执行局研究。 ", account, texts=services.texts
        )
        assert (message.author, message.account_id, message.text) == (
            STAFF,
            account,
            "您的建议已转交执行局研究。",
        )
        assert ticket.status == ANSWERED
    with db.transaction() as session:
        pushed = take_for_user(session, "web", "u-1")
        assert take_for_user(session, "web", "other-user") == []
        entry = session.scalars(select(AuditEntry)).one()
    assert len(pushed) == 1
    assert ticket.number in pushed[0].text and "您的建议已转交执行局研究。" in pushed[0].text
    assert (entry.account_id, entry.action, entry.target) == (
        account,
        "ticket.reply",
        f"ticket:{ticket.number}",
    )


def test_nothing_is_pushed_when_the_staff_transaction_rolls_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        ticket = new_ticket(session)
        reply_to_user(session, ticket, "答复", None)
        raise RuntimeError("the console request failed")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ChatPush)) == 0
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_closing_tells_the_user_the_resolution_and_is_audited(db: Database, services: Services) -> None:
    with db.transaction() as session:
        ticket, account = new_ticket(session), operator(session)
        close_ticket(session, ticket, "已采纳，周六上午开放。", account, texts=services.texts, now=NOW)
        assert (ticket.status, ticket.resolution) == (CLOSED, "已采纳，周六上午开放。")
        pushes = take_for_user(session, "web", "u-1")
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "已办结" in pushes[0].text and "已采纳，周六上午开放。" in pushes[0].text
    assert actions == ["ticket.close"]


def test_a_closed_handoff_says_the_service_ended(db: Database, services: Services) -> None:
    with db.transaction() as session:
        ticket = new_ticket(session, HANDOFF)
        close_ticket(session, ticket, "已电话联系用户", None, texts=services.texts)
        pushes = take_for_user(session, "web", "u-1")
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0  # no staff account: no audit
    assert "人工服务已结束" in pushes[0].text and "已电话联系用户" not in pushes[0].text


def test_assigning_moves_the_ticket_in_and_out_of_progress(db: Database) -> None:
    with db.transaction() as session:
        ticket, account = new_ticket(session), operator(session)
        assign_ticket(session, ticket, account, account, court_code="浙0106")
        assert (ticket.status, ticket.assignee_id, ticket.court_code) == (IN_PROGRESS, account, "浙0106")
        assign_ticket(session, ticket, None, account)
        assert ticket.status == OPEN and ticket.assignee_id is None
        details = session.scalars(select(AuditEntry.details).order_by(AuditEntry.id)).all()
    assert details[0]["assignee"] == [None, account] and details[0]["court"] == [None, "浙0106"]
    assert details[1]["assignee"] == [account, None]


def test_a_note_stays_internal_and_a_user_message_reopens_an_answered_ticket(db: Database) -> None:
    with db.transaction() as session:
        ticket, account = new_ticket(session), operator(session)
        reply_to_user(session, ticket, "请补充案号", account)
        note = add_note(session, ticket, "已电话核实，用户不便接听", account)
        assert note.author == NOTE
        latest = latest_staff_reply(session, ticket)
        assert latest is not None and latest.text == "请补充案号"
        assert ticket.status == ANSWERED
        message = add_user_message(session, ticket, "(2024)浙0102执1234号")
        assert message.author == USER and ticket.status == OPEN
        authors = session.scalars(select(TicketMessage.author).order_by(TicketMessage.id)).all()
    assert authors == [USER, STAFF, NOTE, USER]


def test_empty_texts_are_refused(db: Database) -> None:
    with db.transaction() as session:
        ticket = new_ticket(session)
        for text in ("", "   \n"):
            with pytest.raises(ValueError):
                reply_to_user(session, ticket, text, None)
            with pytest.raises(ValueError):
                close_ticket(session, ticket, text, None)
        assert ticket.status == OPEN


def test_the_fallback_words_are_those_of_the_texts_file(services: Services) -> None:
    assert dict(FALLBACK_PUSH) == services.texts.raw("tickets.push")

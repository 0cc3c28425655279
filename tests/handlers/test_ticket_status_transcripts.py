"""Transcripts of 信访/工单查询: status, latest reply and due date by number and phone digits; the try limit."""

from __future__ import annotations

import pytest

from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.storage.db import Database
from bot.tickets.thread import add_note, close_ticket, reply_to_user
from tests.tickets.helpers import Chat, Clock, ticket_by_number

NUMBER = "GD20261127-0001"


@pytest.fixture
def chat(dialogue: Dialogue) -> Chat:
    """A user who has sent a suggestion with phone 139 1234 5678."""
    chat = Chat(dialogue, "citizen")
    for line in ("意见建议", "建议执行局公开每月的执行款发放情况。", "13912345678", "同意"):
        chat.say(line)
    assert NUMBER in chat.say("确认提交")
    return chat


def test_status_by_number_and_digits_then_the_staff_reply(
    chat: Chat, db: Database, services: Services, clock: Clock
) -> None:
    assert "请输入工单号，或从下面选择" in chat.say("信访/工单查询")
    assert chat.options() == (NUMBER, "返回菜单")
    assert "后四位" in chat.say("1")
    shown = chat.say("5678")
    for line in (f"工单号：{NUMBER}", "事项：意见建议", "受理日期：11月27日", "办理状态：已受理，等待处理"):
        assert line in shown
    assert "办理期限：12月12日前" in shown and "最新答复：暂无" in shown
    assert chat.options() == ("查询其他工单", "返回菜单")
    with db.transaction() as session:
        ticket = ticket_by_number(session, NUMBER)
        # On the test's clock: the reply date shown must not depend on when the suite runs.
        reply_to_user(session, ticket, "感谢建议，已转执行局研究。", None, texts=services.texts, now=clock())
        add_note(session, ticket, "内部：下月例会讨论", None, now=clock())
    chat.say("查询其他工单")
    shown = chat.say(f"{NUMBER.lower()} 5678")  # the number and the digits in one message
    assert "办理状态：已答复" in shown and "最新答复（11月27日）：感谢建议，已转执行局研究。" in shown
    assert "内部" not in shown
    assert any("感谢建议" in text for text in chat.pushed)  # and it reached the chat on its own


def test_closed_and_overdue_tickets(chat: Chat, db: Database, clock: Clock) -> None:
    clock.advance(days=20)
    chat.say("工单查询")
    chat.say(NUMBER)
    assert "已超期" in chat.say("5678")
    with db.transaction() as session:
        close_ticket(
            session, ticket_by_number(session, NUMBER), "已采纳，每月在官网公布。", None, now=clock()
        )
    chat.say("返回")
    chat.say(NUMBER)
    shown = chat.say("５６７８")
    assert (
        "办理状态：已办结" in shown
        and "处理结果：已采纳，每月在官网公布。" in shown
        and "已超期" not in shown
    )


def test_an_unknown_number_and_wrong_digits_get_the_same_answer(chat: Chat, dialogue: Dialogue) -> None:
    chat.say("信访/工单查询")
    chat.say(NUMBER)
    wrong_digits = chat.say("1234")
    other = Chat(dialogue, "other")
    other.say("信访/工单查询")
    other.say("GD20261127-0999")
    unknown = other.say("5678")
    assert "没有找到工单号和电话后四位都相符的工单" in wrong_digits
    assert wrong_digits == unknown and chat.options() == other.options()


def test_the_try_limit_locks_and_then_lets_go(chat: Chat, clock: Clock) -> None:
    chat.say("信访/工单查询")
    replies = []
    for digits in ("0000", "1111", "2222", "3333", "4444"):
        chat.say(NUMBER)
        replies.append(chat.say(digits))
    assert "还可以尝试 4 次" in replies[0] and "还可以尝试 1 次" in replies[3]
    assert "请于 11月27日 14:30 后再试" in replies[4]
    assert chat.options() == ("转人工", "返回菜单")
    assert "暂停工单查询" in chat.say("信访/工单查询")  # told at once
    assert "暂停工单查询" in chat.say(f"{NUMBER} 5678")  # and the right digits are not even checked
    clock.advance(minutes=31)
    chat.say("信访/工单查询")
    chat.say(NUMBER)
    assert "办理状态" in chat.say("5678")


@pytest.mark.parametrize(("typed", "says"), [("GD2026", "工单号的格式"), ("12345", "工单号的格式")])
def test_a_malformed_number_is_explained(chat: Chat, typed: str, says: str) -> None:
    chat.say("信访/工单查询")
    assert says in chat.say(typed)


@pytest.mark.parametrize("typed", ["56a8", "56789", "五六七八"])
def test_malformed_digits_are_asked_again_without_counting(chat: Chat, typed: str) -> None:
    chat.say("信访/工单查询")
    chat.say(NUMBER)
    assert "请输入4位数字" in chat.say(typed)
    assert "办理状态" in chat.say("5678")


def test_a_question_instead_of_a_number_leaves_the_query(chat: Chat) -> None:
    chat.say("信访/工单查询")
    chat.say("执行款多久能到账")
    assert chat.meta["flow"] != "ticket_status"


def test_a_ticket_number_typed_anywhere_starts_the_query(chat: Chat) -> None:
    chat.say("菜单")
    shown = chat.say(f"请帮我查一下工单{NUMBER}，电话尾号5678")
    assert chat.meta["flow"] == "ticket_status" and "办理状态" in shown

"""Transcripts of 意见建议: with and without a phone, and what is too little to send."""

from __future__ import annotations

import pytest

from bot.core.dialogue import Dialogue
from bot.storage.db import Database
from tests.tickets.helpers import Chat, only_ticket

IDEA = "建议在执行款到账后也发短信告诉申请人具体到账金额。"


@pytest.fixture
def chat(dialogue: Dialogue) -> Chat:
    return Chat(dialogue, "citizen")


def test_a_suggestion_without_a_phone(chat: Chat, db: Database) -> None:
    assert "意见建议" in chat.say("5")
    assert chat.meta["flow"] == "suggestion"
    assert "不愿留电话" in chat.say(IDEA)
    summary = chat.say("1")  # 不留电话
    assert "事项：意见建议" in summary and "联系电话：未留" in summary and "案号" not in summary
    accepted = chat.say("确认提交")
    assert "已受理，工单号 GD20261127-0001" in accepted and "12月12日前" in accepted
    ticket = only_ticket(db)
    assert (ticket.kind, ticket.content, ticket.contact_phone, ticket.callback_consent) == (
        "suggestion",
        IDEA,
        None,
        False,
    )


def test_a_suggestion_with_a_landline_and_no_call_back(chat: Chat, db: Database) -> None:
    chat.say("提建议")
    chat.say(IDEA)
    assert "0571-87001234" in chat.say("0571 8700 1234")
    summary = chat.say("不用")
    assert "同意回电：否" in summary
    accepted = chat.say("确认")
    assert "凭工单号和联系电话后四位查询" in accepted
    ticket = only_ticket(db)
    assert (ticket.contact_phone, ticket.callback_consent) == ("0571-87001234", False)


def test_the_consent_question_wants_a_yes_or_a_no(chat: Chat) -> None:
    chat.say("意见建议")
    chat.say(IDEA)
    chat.say("13912345678")
    assert "请回复“同意回电”或“不需要回电”" in chat.say("随便")
    assert chat.options() == ("同意回电", "不需要回电")
    assert "同意回电：是" in chat.say("可以")


@pytest.mark.parametrize("typed", ["好", "👍", "？？", "1 2"])
def test_too_little_to_be_a_suggestion(chat: Chat, typed: str) -> None:
    chat.say("意见建议")
    reply = chat.say(typed)
    assert "联系电话" not in reply
    assert chat.meta["flow"] == "suggestion"
    assert "联系电话" in chat.say(IDEA)

"""Transcripts of 转人工: the ticket carries the conversation, the bot keeps quiet, staff replies reach the user."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.storage.db import Database
from bot.storage.models import Ticket, TicketMessage
from bot.tickets.thread import close_ticket, reply_to_user
from tests.case_lookup.test_progress import add_case
from tests.tickets.helpers import Chat, Clock, only_ticket

QUESTION = "执行款多久能到账"


@pytest.fixture
def chat(dialogue: Dialogue) -> Chat:
    return Chat(dialogue, "caller")


def handed_off(chat: Chat) -> str:
    chat.say(QUESTION)
    started = chat.say("转人工")
    assert "已为您转接人工服务，工单号 GD20261127-0001" in started
    assert chat.meta["flow"] == "handoff"
    return started


def user_messages(db: Database) -> list[str]:
    with db.transaction() as session:
        query = select(TicketMessage.text).where(TicketMessage.author == "user").order_by(TicketMessage.id)
        return list(session.scalars(query))


def test_the_ticket_carries_the_recent_conversation(chat: Chat, db: Database) -> None:
    handed_off(chat)
    ticket = only_ticket(db)  # it exists as the user reads the number
    assert (ticket.kind, ticket.status, ticket.subject) == ("handoff", "open", "转人工")
    first = ticket.messages[0]
    assert first.author == "system" and first.text.startswith("用户请求人工服务。此前的对话：")
    assert f"用户：{QUESTION}" in first.text and "助手：" in first.text
    conversation = ticket.attachments["conversation"]
    assert [turn["user"] for turn in conversation] == [QUESTION]
    assert conversation[0]["bot"]


def test_only_the_last_ten_turns_are_carried(chat: Chat, db: Database) -> None:
    for number in range(14):
        chat.say(f"第{number}个问题：执行款怎么领取")
    chat.say("转人工")
    carried = only_ticket(db).attachments["conversation"]
    assert [turn["user"] for turn in carried] == [f"第{n}个问题：执行款怎么领取" for n in range(4, 14)]


def test_a_first_message_asking_for_a_person(chat: Chat, db: Database) -> None:
    chat.say("人工客服")
    assert only_ticket(db).content == "用户请求人工服务，此前没有对话记录。"


def test_messages_go_to_staff_with_an_acknowledgement_at_most_once_a_minute(
    chat: Chat, db: Database, clock: Clock
) -> None:
    handed_off(chat)
    assert chat.say("我是申请执行人张三，案号(2024)浙0102执1234号") == ""  # just greeted: quiet
    assert chat.meta.get("silent") is True and chat.options() == ()
    clock.advance(seconds=61)
    assert "已转给工作人员" in chat.say("法院说已经扣划了，但是我还没收到钱")
    clock.advance(seconds=30)
    assert chat.say("能帮我查一下吗") == ""
    assert user_messages(db) == [
        "我是申请执行人张三，案号(2024)浙0102执1234号",
        "法院说已经扣划了，但是我还没收到钱",
        "能帮我查一下吗",
    ]


def test_a_staff_reply_reaches_the_user_and_the_users_answer_reopens_it(
    chat: Chat, db: Database, services: Services
) -> None:
    handed_off(chat)
    with db.transaction() as session:
        ticket = session.scalars(select(Ticket)).one()
        reply_to_user(session, ticket, "您好，我是话务员小李，请告诉我您的案号。", None, texts=services.texts)
    chat.say("(2024)浙0102执1234号")
    assert chat.pushed == ["工作人员：您好，我是话务员小李，请告诉我您的案号。"]
    ticket = only_ticket(db)
    assert ticket.status == "open"  # the user answered: staff attention again
    assert [m.author for m in ticket.messages] == ["system", "staff", "user"]


def test_back_leaves_the_handoff_and_the_ticket_stays_with_a_note(chat: Chat, db: Database) -> None:
    handed_off(chat)
    left = chat.say("返回")
    assert "已结束人工服务" in left and "GD20261127-0001" in left and "请回复编号" in left
    assert chat.meta["flow"] is None
    ticket = only_ticket(db)
    assert ticket.status == "open"
    assert ticket.messages[-1].author == "system" and "离开" in ticket.messages[-1].text


def test_asking_again_joins_the_open_ticket(chat: Chat, db: Database) -> None:
    handed_off(chat)
    chat.say("返回")
    assert "您已在人工服务中（工单号 GD20261127-0001）" in chat.say("转人工")
    chat.say("我又回来了")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert user_messages(db) == ["我又回来了"]


def test_when_staff_close_it_the_bot_answers_again(chat: Chat, db: Database, services: Services) -> None:
    handed_off(chat)
    with db.transaction() as session:
        close_ticket(session, session.scalars(select(Ticket)).one(), "已电话联系", None, texts=services.texts)
    chat.say("执行款一般多久能到账？")
    assert "人工服务已结束" in chat.pushed[-1]
    assert chat.meta["flow"] != "handoff" and chat.reply()
    assert user_messages(db) == []
    assert "已为您转接人工服务，工单号 GD20261127-0002" in chat.say("转人工")  # a new one


def test_a_verified_partys_handoff_names_the_case(
    dialogue: Dialogue, db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, "(2024)浙0102执1234号")
    party = Chat(dialogue, "party")
    party.say("案件查询")
    party.say("(2024)浙0102执1234号")
    party.say("demo-pass-1")
    party.say("转人工")
    ticket = only_ticket(db)
    assert (ticket.case_no, ticket.court_code) == ("(2024)浙0102执1234号", "浙0102") and ticket.case_id
    assert "[已隐去]" in ticket.content and "demo-pass-1" not in ticket.content  # the password never travels


def test_cancel_leaves_with_a_note(chat: Chat, db: Database) -> None:
    handed_off(chat)
    assert "已结束人工服务" in chat.say("取消")
    assert chat.meta["flow"] is None
    assert "离开" in only_ticket(db).messages[-1].text


@pytest.mark.parametrize("typed", ["你好", "在吗", "2", "投诉", "👍", "人工"])
def test_what_would_be_a_command_elsewhere_is_for_the_person(chat: Chat, db: Database, typed: str) -> None:
    handed_off(chat)
    chat.say(typed)
    assert chat.meta["flow"] == "handoff"
    assert "请回复编号" not in chat.reply()
    if typed != "人工":
        assert user_messages(db) == [typed]


def test_a_photo_without_words_is_kept_for_staff(chat: Chat, db: Database) -> None:
    handed_off(chat)
    chat.send("", "wechat:image:MEDIA-1")
    assert user_messages(db) == ["[附件] wechat:image:MEDIA-1"]

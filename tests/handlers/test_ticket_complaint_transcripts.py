"""Transcripts of 投诉举报: a complaint, a property clue with photos, bad input at every step, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from bot.config import Settings
from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.storage.db import Database
from bot.storage.models import Ticket, TicketCounter
from tests.case_lookup.test_progress import add_case
from tests.tickets.helpers import Chat, only_ticket, ticket_by_number

CASE_NO = "(2024)浙0102执1234号"
COMPLAINT = "执行法官王明三个月没有任何进展，打电话从来不接，请督促尽快执行。"


@pytest.fixture
def chat(dialogue: Dialogue) -> Chat:
    return Chat(dialogue, "complainer")


def complain_until_confirmation(chat: Chat) -> str:
    assert "请选择您要办理的事项" in chat.say("投诉举报")
    assert chat.options() == ("投诉", "举报财产线索", "其他举报", "返回菜单")
    assert "请输入涉及的执行案号" in chat.say("1")
    assert "请详细说明您要投诉的事项" in chat.say("（2024）浙0102执1234号")
    assert "联系电话" in chat.say(COMPLAINT)
    assert "不留电话" not in chat.options()  # a complaint is answered: the number is required
    assert "是否同意回电" in chat.say("139 1234 5678")
    return chat.say("同意")


def test_a_complaint_from_menu_to_ticket(chat: Chat, db: Database) -> None:
    summary = complain_until_confirmation(chat)
    for line in (
        "事项：投诉",
        f"案号：{CASE_NO}",
        "转交：杭州市上城区人民法院",
        COMPLAINT,
        "13912345678",
        "同意回电：是",
    ):
        assert line in summary
    assert chat.options() == ("确认提交", "修改内容", "取消")
    accepted = chat.say("确认提交")
    assert accepted.startswith("已受理，工单号 GD20261127-0001")
    assert "12月7日前" in accepted  # ten days for a complaint
    assert chat.options() == ("信访/工单查询", "返回菜单")
    assert chat.meta["intent"] == "complaint" and chat.meta["flow"] is None
    ticket = only_ticket(db)
    assert (ticket.kind, ticket.subject, ticket.status) == ("complaint", "投诉", "open")
    assert (ticket.case_no, ticket.court_code, ticket.case_id) == (CASE_NO, "浙0102", None)
    assert (ticket.contact_phone, ticket.callback_consent) == ("13912345678", True)
    assert (ticket.channel, ticket.user_key) == ("console", "complainer")
    assert ticket.staff_member_id is None  # a complaint never goes to the judge it may be about
    assert [(m.author, m.text) for m in ticket.messages] == [("user", COMPLAINT)]
    due = ticket.due_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert (due.month, due.day, due.hour) == (12, 7, 23)


def test_the_ticket_exists_when_the_user_reads_accepted(chat: Chat, db: Database) -> None:
    complain_until_confirmation(chat)
    accepted = chat.say("确认")
    number = accepted.split("工单号 ", 1)[1][:15]
    with db.transaction() as session:  # a separate session, as a colleague's console would use
        assert ticket_by_number(session, number).content == COMPLAINT


@contextmanager
def failing_ticket_writes(db: Database) -> Iterator[None]:
    """A database that refuses to store ticket messages, as a full disk or a lost server would."""
    with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON ticket_messages FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON ticket_messages BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "DROP TRIGGER refuse ON ticket_messages"
                    if db.dialect == "postgresql"
                    else "DROP TRIGGER refuse"
                )
            )
            if db.dialect == "postgresql":
                connection.execute(text("DROP FUNCTION refuse()"))


def test_a_ticket_that_cannot_be_stored_is_never_reported_accepted(chat: Chat, db: Database) -> None:
    complain_until_confirmation(chat)
    with failing_ticket_writes(db):
        refused = chat.say("确认提交")
    assert "已受理" not in refused and "未能保存" in refused
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0
        assert (
            session.scalar(select(func.count()).select_from(TicketCounter)) == 0
        )  # the number was given back
    # The conversation is where it was: the user confirms again and gets the first number of the day.
    assert chat.say("确认提交").startswith("已受理，工单号 GD20261127-0001")


def test_a_property_clue_with_photos_and_no_phone(chat: Chat, db: Database) -> None:
    assert "请输入涉及的执行案号" in chat.say("举报财产线索")  # a menu word: no second question
    assert "财产线索" in chat.say("没有案号")
    assert "照片" in chat.send("被执行人李四名下有一辆浙A12345的白色宝马车，常停在滨江区某小区地下车库。")
    assert chat.options() == ("下一步",)
    assert "已收到 1 张照片" in chat.send("车的照片", "telegram:photo:AAA")
    assert "已收到 2 张照片" in chat.send("车库入口", "telegram:photo:BBB", "telegram:photo:AAA")
    assert "补充" in chat.send("每天晚上八点以后都在。")
    assert "不留电话" in chat.say("下一步")
    summary = chat.say("不留电话")
    assert "联系电话：未留" in summary and "照片：2 张" in summary and "同意回电" not in summary
    accepted = chat.say("确认提交")
    assert "已受理" in accepted and "无法凭电话后四位查询" in accepted and "12月12日前" in accepted
    ticket = only_ticket(db)
    assert (ticket.kind, ticket.subject, ticket.contact_phone) == ("report", "举报财产线索", None)
    assert ticket.attachments == {"photos": ["telegram:photo:AAA", "telegram:photo:BBB"]}
    assert ticket.content.endswith("车的照片\n车库入口\n每天晚上八点以后都在。")
    assert ticket.case_no is None and ticket.court_code is None


def test_photos_stop_at_nine(chat: Chat) -> None:
    chat.say("投诉举报")
    chat.say("3")  # 其他举报
    chat.say("没有案号")
    chat.say("被执行人把厂里的设备连夜运走了")
    reply = chat.send("照片", *(f"wechat:image:{n}" for n in range(12)))
    assert "已收到 9 张照片" in reply
    chat.say("下一步")
    chat.say("不留电话")
    assert "照片：9 张" in chat.reply()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("(2024)浙0102执", "缺少案件序号"),
        ("(2024)浙0102民初12号", "不是执行案件"),
        ("(2024)京0105执12号", "不是浙江法院的代字"),
        ("(2024)浙0199执12号", "没有找到代字为“浙0199”的浙江法院"),
        ("法官态度很差", "这不是案号"),
        ("12345", "无法识别"),
    ],
)
def test_bad_case_numbers_are_explained_and_asked_again(chat: Chat, typed: str, says: str) -> None:
    chat.say("投诉")
    reply = chat.say(typed)
    assert says in reply and "没有案号" in reply
    assert chat.options() == ("没有案号", "返回菜单")
    assert "请详细说明" in chat.say(CASE_NO)


def test_an_old_court_code_reaches_the_court_that_took_it_over(chat: Chat, db: Database) -> None:
    chat.say("投诉")
    chat.say("(2020)浙0104执88号")  # 江干区法院, merged into 上城区法院
    chat.say(COMPLAINT)
    chat.say("13912345678")
    assert "转交：杭州市上城区人民法院" in chat.say("不需要回电")
    chat.say("确认提交")
    ticket = only_ticket(db)
    assert (ticket.case_no, ticket.court_code, ticket.callback_consent) == (
        "(2020)浙0104执88号",
        "浙0102",
        False,
    )


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1391234", "11位"),
        ("23912345678", "区号"),
        ("87001234", "区号"),
        ("不留电话", "必须填写"),
        ("电话", "只能包含数字"),
    ],
)
def test_bad_phone_numbers_are_explained_and_asked_again(chat: Chat, typed: str, says: str) -> None:
    chat.say("投诉")
    chat.say("没有案号")
    chat.say(COMPLAINT)
    assert says in chat.say(typed)
    assert "是否同意回电" in chat.say("0571-87001234")


def test_empty_emoji_short_and_huge_content(chat: Chat, db: Database, settings: Settings) -> None:
    chat.say("投诉")
    chat.say("没有案号")
    assert "内容是空的" in chat.say("   ")
    assert "只能识别文字" in chat.say("😡😡😡")
    assert "至少写 4 个字" in chat.say("差")
    assert "请输入涉及的执行案号" in chat.say("返回")
    chat.say("没有案号")
    huge = "执行不力" * 5000
    reply = chat.say(huge)
    assert f"按前 {settings.max_message_chars} 个字处理" in reply and "联系电话" in reply
    chat.say("13912345678")
    chat.say("同意")
    chat.say("确认提交")
    assert len(only_ticket(db).content) == settings.max_message_chars


def test_back_and_edit_go_one_step_at_a_time(chat: Chat, db: Database) -> None:
    complain_until_confirmation(chat)
    assert "请详细说明" in chat.say("修改内容")
    summary = chat.say("执行法官态度恶劣，当面辱骂申请人。")
    assert "内容：执行法官态度恶劣，当面辱骂申请人。" in summary and "13912345678" in summary
    assert "是否同意回电" in chat.say("返回")
    assert "联系电话" in chat.say("返回")
    assert "请详细说明" in chat.say("返回")
    assert "案号" in chat.say("返回")
    assert "请选择您要办理的事项" in chat.say("返回")
    assert chat.say("返回") and chat.meta["flow"] is None


def test_cancel_at_the_confirmation_stores_nothing(chat: Chat, db: Database) -> None:
    complain_until_confirmation(chat)
    assert "请回复编号" in chat.say("3")  # 取消
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_something_else_at_the_confirmation_is_asked_again(chat: Chat) -> None:
    complain_until_confirmation(chat)
    assert "还没有提交" in chat.say("嗯嗯我再想想")
    assert chat.options() == ("确认提交", "修改内容", "取消")


def test_a_verified_party_is_offered_their_case(
    dialogue: Dialogue, db: Database, settings: Settings, services: Services
) -> None:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, CASE_NO)
    party = Chat(dialogue, "party")
    party.say("案件查询")
    party.say(CASE_NO)
    assert "验证通过" in party.say("demo-pass-1")
    assert f"您已验证案件 {CASE_NO}" in party.say("投诉")
    assert party.options()[0] == CASE_NO
    party.say("1")
    party.say(COMPLAINT)
    party.say("13912345678")
    party.say("同意")
    party.say("确认提交")
    ticket = only_ticket(db)
    assert ticket.case_no == CASE_NO and ticket.case_id is not None and ticket.court_code == "浙0102"


def test_traditional_characters_and_full_width_work_throughout(chat: Chat, db: Database) -> None:
    chat.say("投訴")
    chat.say("（２０２４）浙０１０２執１２３４號")
    chat.say("執行法官三個月沒有任何進展")
    chat.say("１３９１２３４５６７８")
    chat.say("同意")
    assert chat.say("確認提交").startswith("已受理")
    assert only_ticket(db).case_no == CASE_NO


def test_a_phone_number_at_the_photo_step_moves_on(chat: Chat, db: Database) -> None:
    chat.say("财产线索")
    chat.say("没有案号")
    chat.say("被执行人在城西开了一家饭店，生意很好。")
    assert "是否同意回电" in chat.say("13912345678")
    chat.say("同意")
    chat.say("确认提交")
    ticket = only_ticket(db)
    assert (
        ticket.contact_phone == "13912345678" and ticket.content == "被执行人在城西开了一家饭店，生意很好。"
    )


def test_a_photo_without_words_is_kept_with_the_report(chat: Chat, db: Database) -> None:
    chat.say("举报财产线索")
    chat.say("没有案号")
    chat.send("被执行人把挖掘机藏在城西一个废弃厂房里。")
    reply = chat.send("", "wechat:media:ONLY")  # a photo with no caption
    assert "已收到 1 张照片" in reply and "内容是空的" not in reply
    chat.say("下一步")
    chat.say("不留电话")
    assert "已受理" in chat.say("确认提交")
    assert only_ticket(db).attachments == {"photos": ["wechat:media:ONLY"]}

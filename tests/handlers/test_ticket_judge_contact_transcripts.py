"""Transcripts of 联系法官: a verified party gets the judge (or panel) per §3.2; anyone else reaches the court."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.storage.db import Database
from bot.storage.models import StaffMember, Ticket
from tests.case_lookup.test_progress import JUDGE_PHONE, add_case
from tests.tickets.helpers import Chat, Clock, make_dialogue, only_ticket
from tests.tickets.test_routing import PANEL_STAFF

CASE_NO = "(2024)浙0102执1234号"
PANEL_CASE = "(2024)浙0102执异5号"
MESSAGE = "申请人想当面提交被执行人新的房产线索，请法官安排时间。"


@pytest.fixture
def dialogue(db: Database, settings: Settings, services: Services, clock: Clock) -> Dialogue:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, CASE_NO)
    add_case(db, settings, services.catalogue, PANEL_CASE, staff=PANEL_STAFF)
    add_case(db, settings, services.catalogue, "(2024)浙0102执2号", staff=[])
    return make_dialogue(db, services, clock)


def verified(dialogue: Dialogue, case_no: str, user: str = "party") -> Chat:
    party = Chat(dialogue, user)
    party.say("案件查询")
    party.say(case_no)
    assert "验证通过" in party.say("demo-pass-1")
    return party


def test_a_verified_party_gets_the_judge_and_may_leave_a_message(dialogue: Dialogue, db: Database) -> None:
    party = verified(dialogue, CASE_NO)
    shown = party.say("联系法官")
    assert "第三条第2项" in shown and "承办人：王明（审判员），办公电话 " + JUDGE_PHONE in shown
    assert "周书" not in shown  # the clerk is not whom §3.2 names
    assert party.options() == ("留言请法官回电", "返回菜单")
    assert "请简要写下" in party.say("1")
    party.say(MESSAGE)
    summary = party.say("13912345678")
    assert "转交：杭州市上城区人民法院承办人王明" in summary and "同意回电" not in summary
    accepted = party.say("确认提交")
    assert "已受理" in accepted and "11月30日前" in accepted
    assert "法官或工作人员将通过 13912345678 与您联系" in accepted
    ticket = only_ticket(db)
    with db.transaction() as session:
        judge = session.scalars(select(StaffMember).where(StaffMember.name == "王明")).one()
    assert (ticket.kind, ticket.case_no, ticket.court_code) == ("judge_contact", CASE_NO, "浙0102")
    assert ticket.staff_member_id == judge.id and ticket.case_id is not None
    assert ticket.callback_consent is True


def test_an_objection_case_names_its_panel(dialogue: Dialogue, db: Database) -> None:
    party = verified(dialogue, PANEL_CASE)
    shown = party.say("找法官")
    assert "执异案件，由合议庭审查" in shown
    assert "承办人：陈审（审判员），办公电话 0571-87000001" in shown
    assert "合议庭成员：林合（审判员）" in shown and "合议庭成员：何合（人民陪审员）" in shown
    assert "周书" not in shown
    party.say("留言请法官回电")
    party.say(MESSAGE)
    party.say("13912345678")
    party.say("确认提交")
    with db.transaction() as session:
        presiding = session.scalars(select(StaffMember).where(StaffMember.name == "陈审")).one()
    assert only_ticket(db).staff_member_id == presiding.id


def test_no_judge_yet_goes_to_the_command_centre(dialogue: Dialogue, db: Database) -> None:
    party = verified(dialogue, "(2024)浙0102执2号")
    assert "承办人尚未确定" in party.say("联系法官")
    party.say("留言请法官回电")
    party.say(MESSAGE)
    assert "转交：杭州市上城区人民法院执行指挥中心" in party.say("13912345678")
    party.say("确认提交")
    ticket = only_ticket(db)
    assert ticket.staff_member_id is None and ticket.court_code == "浙0102"


def test_without_verification_the_message_goes_to_the_court_of_the_case_number(
    dialogue: Dialogue, db: Database
) -> None:
    chat = Chat(dialogue, "caller")
    asked = chat.say("联系法官")
    assert "请输入您的执行案号" in asked and "案件查询" in asked
    assert "没有案号" not in chat.options()
    assert "必须" not in chat.say("没有案号") and chat.meta["flow"] == "judge_contact"
    told = chat.say("(2025)浙执1号")
    assert "转交浙江省高级人民法院执行指挥中心" in told and "0571-88581111" in told
    assert "请简要写下" in told
    chat.say(MESSAGE)
    assert "必须填写" in chat.say("不留电话")
    chat.say("0571-87001234")
    assert "已受理" in chat.say("确认提交")
    ticket = only_ticket(db)
    assert (ticket.court_code, ticket.case_no, ticket.case_id, ticket.staff_member_id) == (
        "浙",
        "(2025)浙执1号",
        None,
        None,
    )


def test_a_known_and_an_unknown_case_get_the_same_answers(dialogue: Dialogue, db: Database) -> None:
    known, unknown = Chat(dialogue, "known"), Chat(dialogue, "unknown")
    answers = []
    for chat, case_no in ((known, CASE_NO), (unknown, "(2024)浙0102执88888号")):
        chat.say("联系法官")
        answers.append([chat.say(case_no), chat.say(MESSAGE), chat.say("13912345678").replace(case_no, "…")])
        chat.say("确认提交")
    assert answers[0] == answers[1]
    assert "王明" not in "".join(answers[0])  # no judge's name without verification
    with db.transaction() as session:
        tickets = session.scalars(select(Ticket).order_by(Ticket.id)).all()
        assert [t.case_id is not None for t in tickets] == [True, False]  # staff still see the case
        assert {t.staff_member_id for t in tickets} == {None}


def test_an_expired_verification_asks_for_the_case_number(dialogue: Dialogue, clock: Clock) -> None:
    party = verified(dialogue, CASE_NO)
    clock.advance(minutes=16)
    assert "请输入您的执行案号" in party.say("联系法官")
    assert "王明" not in party.reply()


def test_other_text_at_the_contacts_leaves_the_flow(dialogue: Dialogue) -> None:
    party = verified(dialogue, CASE_NO)
    party.say("联系法官")
    party.say("被执行人有房子吗")
    assert party.meta["flow"] != "judge_contact"

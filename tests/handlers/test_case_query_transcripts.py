"""Transcripts of 案件查询: verification, every category, paging, lockouts, expiry, switching, masking."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.case_lookup.case_number import CaseNumberError, parse_case_number
from bot.channels.console import ConsoleChannel
from bot.config import Settings
from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.handlers import build_flows, case_query, detectors
from bot.storage.db import Database
from bot.storage.models import Case, CaseView, Turn
from tests.case_lookup.test_progress import (
    ALL_CATEGORY_EVENTS,
    RESPONDENT_ID,
    RESPONDENT_PHONE,
    add_case,
)
from tests.conftest import Transcript

CASE_NO = "(2024)浙0102执1234号"
PASSWORD = "demo-pass-1"
OTHER = "(2024)浙0102执1235号"
OTHER_PASSWORD = "other-pass-2"
PAGED = "(2024)浙0102执9号"
UNKNOWN = "(2024)浙0102执88888号"
CATEGORIES = [
    "执行立案信息",
    "执行人员信息",
    "执行程序变更信息",
    "执行措施信息",
    "执行财产处置信息",
    "执行裁决信息",
    "执行款项分配信息",
    "暂缓、中止、终结执行信息",
]
START = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


@dataclasses.dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def dialogue(db: Database, settings: Settings, services: Services, clock: Clock) -> Iterator[Dialogue]:
    assert services.catalogue is not None
    add_case(db, settings, services.catalogue, CASE_NO, ALL_CATEGORY_EVENTS)
    add_case(db, settings, services.catalogue, OTHER, password=OTHER_PASSWORD)
    frozen = [
        (
            "property_frozen",
            f"2024-04-{day:02d}T10:00:00+08:00",
            f"冻结被执行人在第{day}家银行的存款，冻结期限一年。",
        )
        for day in range(1, 26)
    ]
    add_case(db, settings, services.catalogue, PAGED, frozen)
    timed = dataclasses.replace(services, clock=clock)
    flows = {**build_flows(), case_query.NAME: case_query.FLOW}
    # The case-number detector goes first: "(2024)浙0102执1234号" also names a court.
    found = [case_query.detect, *(detect for detect in detectors() if detect is not case_query.detect)]
    yield Dialogue(db, timed, flows, found)


@pytest.fixture
def party(dialogue: Dialogue) -> Transcript:
    return Transcript(ConsoleChannel(dialogue, "party"))


def verify_as(party: Transcript, case_no: str = CASE_NO, password: str = PASSWORD) -> str:
    party.say("案件查询")
    party.say(case_no)
    return party.say(password)


def test_success_through_every_category(party: Transcript, db: Database) -> None:
    assert "请输入您要查询的执行案号" in party.say("案件查询")
    assert "查询密码" in party.say("（2024）浙0102执1234号")
    text = party.say(PASSWORD)
    assert "验证通过" in text
    assert CASE_NO in text and "杭州市上城区人民法院" in text and "2024年3月5日" in text
    assert "1,234,567.80元" in text and "王明" in text and "0571-87001234" in text
    assert "中止执行" not in text and "执行中" in text
    assert list(party.options()) == [*CATEGORIES, "在此接收案件通知", "切换案件", "退出"]
    for number, label in enumerate(CATEGORIES, 1):
        page = party.say(str(number))
        assert page.startswith(f"【{label}】")
        assert len(page) <= 600
        assert "返回" in party.options()
        assert CASE_NO in party.say("返回")
    with db.transaction() as session:
        views = session.execute(select(CaseView.category, CaseView.channel, CaseView.user_key)).all()
    categories = [view.category for view in views]
    assert categories.count("summary") == 9
    assert set(categories) == {"summary", "filing", "staff", "procedure_change", "measure", "disposal"} | {
        "ruling",
        "payment",
        "suspension_closure",
    }
    assert {(view.channel, view.user_key) for view in views} == {("console", "party")}


def test_each_category_shows_its_events(party: Transcript) -> None:
    verify_as(party)
    assert "2024年3月20日　变更、追加当事人" in party.say("3")
    assert "询价确定房产处置参考价" in party.say("执行财产处置信息")
    assert "确认拍卖成交" in party.say("执行裁决")  # a category's name works from any page
    party.say("返回")
    assert "收到执行款50,000.00元" in party.say("7")
    party.say("返回")
    assert "中止执行" in party.say("8")


def test_long_category_is_paged(party: Transcript) -> None:
    assert "查询密码" in party.say(PAGED)  # typed outside any flow
    party.say(PASSWORD)
    pages = [party.say("4")]
    while "下一页" in party.options():
        pages.append(party.say("下一页"))
    assert len(pages) >= 2
    assert pages[0].startswith(f"【执行措施信息】第 1/{len(pages)} 页")
    assert all(len(page) <= 600 for page in pages)
    shown = "".join(pages)
    assert all(f"第{day}家银行" in shown for day in range(1, 26))
    assert "已经是最后一页了" in party.say("下一页")
    assert PAGED in party.say("返回")


def test_wrong_password_and_unknown_case_get_the_same_answer(dialogue: Dialogue) -> None:
    first = Transcript(ConsoleChannel(dialogue, "first"))
    second = Transcript(ConsoleChannel(dialogue, "second"))
    wrong = verify_as(first, CASE_NO, "not-the-password")
    unknown = verify_as(second, UNKNOWN, PASSWORD)
    assert "案号或查询密码不正确" in wrong
    assert wrong == unknown
    assert first.options() == second.options()


def test_lockout_after_five_wrong_passwords_and_its_expiry(party: Transcript, clock: Clock) -> None:
    party.say("案件查询")
    party.say(CASE_NO)
    replies = [party.say(f"wrong-{n}") for n in range(5)]
    assert "还可以尝试 1 次" in replies[3]
    assert "请于 14:30 后再试" in replies[4]
    assert "12368" in replies[4]
    assert party.options() == ("切换案件", "转人工", "返回菜单")
    clock.advance(minutes=10)
    assert "请于 14:30 后再试" in party.say(PASSWORD)  # not even the right password is checked
    assert "请于 14:30 后再试" in party.say(CASE_NO)  # told at once, before any password
    clock.advance(minutes=21)
    assert "查询密码" in party.say(CASE_NO)
    assert "验证通过" in party.say(PASSWORD)


def test_user_lockout_after_twenty_failures_across_cases(party: Transcript, clock: Clock) -> None:
    party.say("案件查询")
    for case in range(5):
        party.say(f"(2024)浙0106执{500 + case}号")
        for _ in range(4):
            text = party.say("guess-again")
    assert "暂停您的案件查询" in text
    assert "请于 15:00 后再试" in text
    assert "暂停您的案件查询" in party.say(CASE_NO)
    clock.advance(minutes=61)
    party.say(CASE_NO)
    assert "验证通过" in party.say(PASSWORD)


def test_locked_user_can_reach_a_person(party: Transcript) -> None:
    party.say("案件查询")
    party.say(CASE_NO)
    for n in range(5):
        party.say(f"wrong-{n}")
    assert "人工" in party.say(str(party.options().index("转人工") + 1))
    assert party.meta["flow"] != "case_query"


def test_session_expires_after_fifteen_idle_minutes(party: Transcript, clock: Clock) -> None:
    verify_as(party)
    clock.advance(minutes=14)
    assert party.say("1").startswith("【执行立案信息】")
    clock.advance(minutes=14)
    assert CASE_NO in party.say("返回")  # each look restarts the 15 minutes
    clock.advance(minutes=16)
    text = party.say("4")
    assert "查询已超时" in text and CASE_NO in text
    assert "执行措施信息" not in text
    assert "验证通过" in party.say(PASSWORD)


def test_exit_ends_the_verified_session(party: Transcript) -> None:
    verify_as(party)
    text = party.say("退出")
    assert "已退出案件查询" in text
    assert party.meta["flow"] is None
    party.say("4")  # now the main menu's 4, not a category
    assert party.meta["flow"] != "case_query" or "执行措施信息" not in party.reply()


def test_switching_case_asks_for_the_new_password(party: Transcript) -> None:
    verify_as(party)
    assert "请输入您要查询的执行案号" in party.say("切换案件")
    assert CASE_NO in party.say("返回")  # back to the case still verified
    party.say("切换案件")
    assert OTHER in party.say(OTHER)
    assert "案号或查询密码不正确" in party.say(PASSWORD)  # the first case's password opens only that case
    text = party.say(OTHER_PASSWORD)
    assert "验证通过" in text and OTHER in text and CASE_NO not in text


def test_typing_another_case_number_while_verified_switches(party: Transcript) -> None:
    verify_as(party)
    party.say("1")
    assert "请输入案件 (2024)浙0102执1235号 的查询密码" in party.say("(2024)浙0102执1235号")
    assert OTHER in party.say(OTHER_PASSWORD)


MALFORMED = [
    "(24)浙0102执1234号",
    "浙0102执1234号",
    "(1890)浙0102执1234号",
    "(2024)浙0102执号",
    "(2024)浙0102执0号",
    "(2024)浙012执1234号",
    "(2024)浙0102拆1234号",
]


def reason_of(text: str) -> str:
    with pytest.raises(CaseNumberError) as error:
        parse_case_number(text, today=START.date())
    return error.value.reason


@pytest.mark.parametrize("text", MALFORMED)
def test_each_malformed_case_number_gets_its_reason(party: Transcript, text: str) -> None:
    party.say("案件查询")
    reply = party.say(text)
    assert reason_of(text).rstrip("。") in reply
    assert party.meta["flow"] == "case_query"
    assert "查询密码" in party.say(CASE_NO)  # and the next try is taken


@pytest.mark.parametrize("text", MALFORMED[:4])
def test_malformed_case_number_outside_the_flow_gets_its_reason(party: Transcript, text: str) -> None:
    party.say("你好")
    assert reason_of(text).rstrip("。") in party.say(text)
    assert party.meta["flow"] == "case_query"


def test_a_password_typed_for_a_case_number_is_not_quoted(party: Transcript) -> None:
    party.say("案件查询")
    text = party.say("zx81kq")
    assert "这不是执行案号" in text
    assert not any(ch in text for ch in "zxkq")


def test_civil_case_number_is_explained(party: Transcript) -> None:
    party.say("案件查询")
    assert "“民初”不是执行案件" in party.say("(2024)浙0102民初5号")


def test_case_number_in_a_sentence_starts_the_query(party: Transcript) -> None:
    party.say("你好")
    text = party.say("请帮我查一下（2024）浙0102执1234号的进度")
    assert f"请输入案件 {CASE_NO} 的查询密码" in text
    assert party.meta["flow"] == "case_query"


def test_the_other_sides_numbers_are_masked(party: Transcript) -> None:
    verify_as(party)
    filing = party.say("1")
    measures = party.say("执行措施信息")
    for text in (filing, measures):
        assert RESPONDENT_ID not in text and RESPONDENT_PHONE not in text
        assert f"{RESPONDENT_ID[:6]}********{RESPONDENT_ID[-4:]}" in text
        assert "139****5678" in text


def test_no_password_or_hash_in_any_reply_or_log(
    dialogue: Dialogue, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = ConsoleChannel(dialogue, "careful")
    party = Transcript(channel)
    party.say("案件查询")
    party.say(CASE_NO)
    secrets = ["Guess-Number-1", "Guess-Number-2"]
    for secret in secrets:
        party.say(secret)
    party.say(PASSWORD)
    party.say("1")
    party.say("切换案件")
    party.say(UNKNOWN)
    party.say("Guess-Number-3")
    with db.transaction() as session:
        hashes = [value for value in session.scalars(select(Case.password_hash)) if value]
        stored = [json.dumps(reply, ensure_ascii=False) for reply in session.scalars(select(Turn.reply))]
    replies = [json.dumps(reply.to_dict(), ensure_ascii=False) for reply in channel.replies]
    seen = "\n".join([caplog.text, *replies, *stored])
    for value in [*secrets, "Guess-Number-3", PASSWORD, *hashes]:
        assert value not in seen
    assert hashes and all("$argon2id$" in value for value in hashes)


def test_the_password_never_reaches_the_turn_log(party: Transcript, db: Database) -> None:
    verify_as(party)
    party.say(CASE_NO)
    party.say("wrong-password-9")
    with db.transaction() as session:
        logged = session.scalars(select(Turn.text)).all()
    assert PASSWORD not in logged
    assert "wrong-password-9" not in logged
    assert logged.count("[已隐去]") == 2


def test_the_verified_case_outlives_other_flows(party: Transcript, clock: Clock) -> None:
    verify_as(party)
    party.say("法律咨询")
    party.say("被限高了怎么办")
    clock.advance(minutes=5)
    text = party.say("案件查询")
    assert CASE_NO in text and "请输入" not in text  # straight to the summary, no password again
    clock.advance(minutes=16)
    party.say("法院通讯录")
    assert "请输入您要查询的执行案号" in party.say("案件查询")  # expired meanwhile


def test_a_verified_party_opts_in_to_notices_on_this_channel(
    party: Transcript, db: Database, services: Services
) -> None:
    from bot.case_lookup.ingest import add_event
    from bot.case_lookup.payloads import EventPayload
    from bot.notify.record import notifier
    from bot.storage.models import ChatPush, NoticeOptIn

    verify_as(party)
    assert "请选择您在本案中的身份" in party.say("在此接收案件通知")
    assert "已开通" in party.say("申请执行人")
    assert CASE_NO in party.reply()  # back at the summary
    assert services.catalogue is not None
    event = EventPayload.model_validate(
        {
            "event_id": "EV-optin-1",
            "kind": "money_received",
            "occurred_at": datetime.now(UTC).isoformat(),
            "summary": "执行款到账",
            "details": {"amount": "5000.00", "confirmed_at": datetime.now(UTC).date().isoformat()},
        }
    )
    with db.transaction() as session:
        add_event(session, CASE_NO, event, services.catalogue, notify=notifier(services.notify_rules))
    with db.transaction() as session:
        opt_ins = session.scalars(select(NoticeOptIn)).all()
        pushes = session.scalars(select(ChatPush)).all()
    assert [(item.role, item.channel, item.user_key) for item in opt_ins] == [
        ("applicant", "console", "party")
    ]
    assert [(push.channel, push.user_key) for push in pushes] == [("console", "party")]

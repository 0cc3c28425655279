"""Transcripts of 失信等名单查询: name then ID, both at once, organisations, check digits, limits, notices."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.channels.console import ConsoleChannel
from bot.config import Settings
from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.handlers import build_flows, detectors, list_search
from bot.storage.db import Database
from bot.storage.models import Conversation
from tests.conftest import Transcript
from tests.public_lists.factories import (
    COMPANY_CODE,
    COMPANY_NAME,
    PERSON_ID,
    PERSON_NAME,
    WRONG_CHECK_ID,
    company_entry,
    notice,
    person_entry,
    put,
    put_notice,
)

NOW = datetime(2025, 6, 1, 6, 0, tzinfo=UTC)
MASKED = PERSON_ID[:6] + "********" + PERSON_ID[-4:]


@pytest.fixture
def talk(db: Database, settings: Settings, services: Services) -> Callable[[str], Transcript]:
    put(db, "dishonest", "SX-1", person_entry())
    put(db, "consumption_ban", "XG-1", person_entry(published_on="2023-07-01"))
    put(db, "bidding_ban", "ZB-1", company_entry())
    limited = settings.model_copy(update={"list_queries_per_user": 3})
    timed = dataclasses.replace(services, settings=limited, clock=lambda: NOW)
    flows = {**build_flows(), list_search.FLOW.name: list_search.FLOW}
    dialogue = Dialogue(db, timed, flows, detectors())
    return lambda user: Transcript(ConsoleChannel(dialogue, user))


@pytest.fixture
def user(talk: Callable[[str], Transcript]) -> Transcript:
    return talk("citizen")


def test_name_then_id_finds_every_list_masked(user: Transcript) -> None:
    assert "五类名单" in user.say("失信等名单查询")
    assert "18位身份证号" in user.say(PERSON_NAME)
    text = user.say(PERSON_ID)
    assert f"“{PERSON_NAME}”（{MASKED}）" in text
    assert "【失信被执行人名单】" in text and "【限制高消费被执行人名单】" in text
    assert "(2023)浙0106执1234号" in text and "杭州市西湖区人民法院" in text
    assert "有履行能力而拒不履行生效法律文书确定义务" in text
    assert PERSON_ID not in text
    assert user.options()[0] == "再查一个"
    assert user.meta["flow"] == "list_search"


def test_name_and_id_in_one_message_from_the_menu_by_number(user: Transcript) -> None:
    user.say("菜单")
    user.say("7")
    text = user.say(f"{PERSON_NAME} {PERSON_ID}")
    assert MASKED in text and "【失信被执行人名单】" in text


def test_a_wrong_check_digit_is_named_and_the_next_try_works(user: Transcript, db: Database) -> None:
    user.say("查失信")
    user.say(PERSON_NAME)
    text = user.say(WRONG_CHECK_ID)
    assert f"校验位错误：第18位应为{PERSON_ID[-1]}" in text
    with db.transaction() as session:
        state = session.scalars(select(Conversation.state).where(Conversation.user_key == "citizen")).one()
    assert state == {"step": "code", "name": PERSON_NAME}  # the number is never kept
    assert MASKED in user.say(PERSON_ID)


def test_an_organisation_by_full_name_or_by_code(user: Transcript) -> None:
    user.say("名单查询")
    text = user.say(COMPANY_NAME)
    assert f"“{COMPANY_NAME}”（{COMPANY_CODE}）" in text
    assert "【限制招投标被执行人名单】" in text and "法定代表人或负责人：周建国" in text
    user.say("再查一个")
    assert COMPANY_NAME in user.say(COMPANY_CODE)


def test_a_person_name_alone_never_finds_the_person(user: Transcript) -> None:
    user.say("失信查询")
    user.say(PERSON_NAME)
    text = user.say("按单位全称查询")
    assert "没有找到名称为" in text
    assert "失信被执行人名单" not in text


def test_an_id_without_a_name_asks_for_the_name(user: Transcript) -> None:
    user.say("失信查询")
    text = user.say(PERSON_ID)
    assert "须同时提供姓名和身份证号" in text
    assert PERSON_ID not in text


def test_no_match_says_so_and_points_to_the_national_site(
    user: Transcript, talk: Callable[[str], Transcript]
) -> None:
    user.say("失信查询")
    text = user.say(f"王小明 {PERSON_ID}")
    assert "没有找到" in text
    assert "中国执行信息公开网" in text and "zxgk.court.gov.cn" in text
    reply = user.channel.replies[-1]
    assert any("zxgk.court.gov.cn" in link.url for link in reply.links)


def test_a_removed_entry_is_not_shown(user: Transcript, db: Database) -> None:
    put(db, "dishonest", "SX-1", person_entry(removed_on="2025-05-30", removal_reason="被执行人已全部履行"))
    user.say("失信查询")
    text = user.say(f"{PERSON_NAME} {PERSON_ID}")
    assert "【失信被执行人名单】" not in text
    assert "【限制高消费被执行人名单】" in text


def test_queries_are_limited_per_user(talk: Callable[[str], Transcript]) -> None:
    first = talk("busy")
    first.say("失信查询")
    for _ in range(3):
        assert MASKED in first.say(f"{PERSON_NAME} {PERSON_ID}")
    assert "查询过于频繁" in first.say(f"{PERSON_NAME} {PERSON_ID}")
    other = talk("someone-else")
    other.say("失信查询")
    assert MASKED in other.say(f"{PERSON_NAME} {PERSON_ID}")


def test_notices_are_listed_with_links_and_filtered_by_court(user: Transcript, db: Database) -> None:
    put_notice(db, "PM-1", notice())
    put_notice(
        db,
        "XS-1",
        notice(
            kind="reward",
            title="关于悬赏查找被执行人财产线索的公告",
            court_code="浙0102",
            court_name="杭州市上城区人民法院",
        ),
    )
    user.say("失信查询")
    text = user.say("悬赏与拍卖公告")
    assert "【拍卖公告】杭州市西湖区人民法院" in text and "【悬赏公告】杭州市上城区人民法院" in text
    reply = user.channel.replies[-1]
    assert reply.links and reply.links[0].url.startswith("https://")
    text = user.say("上城区法院")
    assert "【悬赏公告】" in text and "【拍卖公告】" not in text
    assert "没有找到“宁波海事法院”" in user.say("宁波海事法院")


def test_back_and_menu_from_every_step(user: Transcript) -> None:
    user.say("失信查询")
    user.say(PERSON_NAME)
    assert "五类名单" in user.say("返回")
    user.say("返回")
    assert user.meta["flow"] is None
    user.say("失信查询")
    user.say(PERSON_NAME)
    user.say("菜单")
    assert user.meta["flow"] is None


def test_replies_are_json_safe_and_short_enough_for_a_chat(user: Transcript) -> None:
    user.say("失信查询")
    text = user.say(f"{PERSON_NAME} {PERSON_ID}")
    json.dumps(user.channel.replies[-1].to_dict(), ensure_ascii=False)
    assert len(text) < 1200

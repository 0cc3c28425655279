"""Transcripts through the main menu: every entry, by number and by words, and the universal commands."""

from __future__ import annotations

import pytest

from tests.conftest import Transcript

MENU = [
    "法律咨询",
    "案件查询",
    "信访/工单查询",
    "投诉举报",
    "意见建议",
    "联系法官",
    "失信等名单查询",
    "法院通讯录与执行须知",
]


def test_greeting_shows_welcome_and_the_eight_functions(user: Transcript) -> None:
    assert "12368" in user.say("你好")
    assert list(user.options()) == MENU


@pytest.mark.parametrize("number", range(1, 9))
def test_every_menu_entry_answers_by_number(user: Transcript, number: int) -> None:
    user.say("菜单")
    text = user.say(str(number))
    assert text
    assert user.meta["intent"] != "not_understood"
    assert "请回复编号" not in text  # left the main menu


@pytest.mark.parametrize("label", MENU)
def test_every_menu_entry_answers_by_words(user: Transcript, label: str) -> None:
    user.say(label)
    assert user.meta["intent"] not in {None, "not_understood"}


def test_unbuilt_function_says_so_and_offers_a_person(user: Transcript) -> None:
    user.say("菜单")
    for number, label in enumerate(MENU, 1):
        text = user.say(str(number))
        if "正在建设中" in text:
            assert label in text
            assert "12368" in text
            assert "转人工" in user.options()
        user.say("菜单")


def test_back_from_a_flow_returns_to_the_menu(user: Transcript) -> None:
    user.say("8")
    assert user.meta["flow"] == "directory"
    user.say("返回")
    assert user.meta["flow"] is None
    assert list(user.options()) == MENU


@pytest.mark.parametrize("command", ["菜单", "取消", "转人工"])
def test_universal_commands_work_from_any_state(user: Transcript, command: str) -> None:
    user.say("法院通讯录")
    user.say("法院强制执行须知")
    text = user.say(command)
    if command != "转人工":
        assert user.meta["flow"] is None
        assert list(user.options()) == MENU
    else:
        assert user.meta["flow"] == "handoff"
        assert "工作人员" in text


def test_back_goes_one_step_up_then_to_the_menu(user: Transcript) -> None:
    user.say("法院通讯录")
    user.say("法院强制执行须知")
    user.say(user.options()[0])  # a section
    user.say("返回")
    assert "共 7 部分" in user.reply()
    user.say("返回")
    assert user.meta["flow"] == "directory"
    assert "请输入法院名称" in user.reply()
    user.say("返回")
    assert list(user.options()) == MENU


def test_menu_option_label_from_a_reply_works(user: Transcript) -> None:
    user.say("法律咨询")
    user.say("返回菜单")
    assert list(user.options()) == MENU


def test_number_out_of_range_is_explained(user: Transcript) -> None:
    user.say("菜单")
    text = user.say("12")
    assert "没有编号 12" in text
    assert "1 到 8" in text


def test_a_court_named_in_free_text_opens_its_card_and_a_sentence_about_法院_does_not(
    user: Transcript,
) -> None:
    assert "杭州市西湖区人民法院" in user.say("西胡法院电话")  # short: a near miss is guessed
    assert user.meta["flow"] == "directory"
    user.say("菜单")
    text = user.say("晚上发现被执行人住在一家酒店里，想马上让法院去找他，该打哪个电话")
    assert user.meta["flow"] != "directory" and "上城区" not in text
    user.say("菜单")
    text = user.say(
        "我被法院限高了。昨天接到我姐电话，我妈在外地住院，我从温州过去坐不了高铁，能临时坐一次吗？"
    )
    assert user.meta["flow"] != "directory" and "温州市中级人民法院" not in text


def test_asking_which_court_to_apply_to_is_a_legal_question_not_a_court_card(user: Transcript) -> None:
    user.say("菜单")
    user.say("判决是丽水法院判的，对方的厂在金华，我该在哪个法院申请执行")
    assert user.meta["flow"] != "directory" and user.meta.get("faq_id") == "apply.court-judgment"
    user.say("菜单")
    assert "丽水市中级人民法院" in user.say("丽水中院在哪")
    assert user.meta["flow"] == "directory"

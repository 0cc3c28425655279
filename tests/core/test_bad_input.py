"""Bad input gets a polite, useful reply every time, and nothing is stored half-way."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.hotline import Hotline
from bot.storage.models import Turn
from tests.conftest import Transcript

MENU_PROMPT = "请回复编号"


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u0000\u0007\u200b"])
def test_empty_or_blank_message(user: Transcript, text: str) -> None:
    reply = user.say(text)
    assert "内容是空的" in reply
    assert MENU_PROMPT in reply


@pytest.mark.parametrize("text", ["😀", "👍👍👍", "？？？", "……", "🙏🏻❤️"])
def test_emoji_or_punctuation_only(user: Transcript, text: str) -> None:
    reply = user.say(text)
    assert "文字" in reply
    assert len(user.options()) == 8


def test_huge_message_is_cut_and_said_so(user: Transcript, hotline: Hotline) -> None:
    reply = user.say("执" * 100_000)
    assert "按前 2000 个字处理" in reply
    with hotline.db.transaction() as session:
        stored = session.scalars(select(Turn.text)).all()
    assert max(len(text) for text in stored) == 2000


def test_full_width_digit_selects_a_menu_entry(user: Transcript) -> None:
    user.say("菜单")
    user.say("８")
    assert user.meta["flow"] == "directory"


def test_traditional_characters_are_understood(user: Transcript) -> None:
    user.say("法院通訊錄")
    assert user.meta["flow"] == "directory"
    user.say("選單")
    user.say("菜單")
    assert len(user.options()) == 8


def test_control_characters_inside_a_command(user: Transcript) -> None:
    user.say("菜\u200b单\u0007")
    assert user.meta["intent"] == "menu"


def test_every_turn_is_logged_once(user: Transcript, hotline: Hotline) -> None:
    for text in ["你好", "", "😀", "8", "返回"]:
        user.say(text)
    with hotline.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 5

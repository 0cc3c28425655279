"""Splitting long replies: every piece fits, nothing is lost or reordered, cuts fall on natural boundaries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.splitting import split_text, utf8_size, utf16_size
from bot.channels.telegram import MAX_MESSAGE, messages_of
from bot.channels.wechat import MAX_TEXT, reply_parts
from bot.core.messages import Reply

TEXTS = st.text(alphabet=st.sampled_from(["执", "行", "a", " ", "\n", "。", "😀", "1"]), max_size=3000)


@given(TEXTS, st.integers(min_value=4, max_value=400))
def test_pieces_fit_and_keep_every_character_in_order(text: str, limit: int) -> None:
    for measure in (len, utf8_size, utf16_size):
        pieces = split_text(text, limit, measure)
        assert all(measure(piece) <= limit for piece in pieces)
        assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_short_text_is_one_piece() -> None:
    assert split_text("您好", 100) == ["您好"]


def test_cuts_between_paragraphs_when_possible() -> None:
    text = "第一段" * 10 + "\n\n" + "第二段" * 10
    assert split_text(text, 40) == ["第一段" * 10, "第二段" * 10]


def test_wechat_parts_are_at_most_2048_bytes_and_options_numbered() -> None:
    reply = Reply(("执行须知。" * 600,), ("返回", "返回菜单"))
    parts = reply_parts(reply)
    assert len(parts) > 1
    assert all(utf8_size(part) <= MAX_TEXT for part in parts)
    assert parts[-1].endswith("1. 返回\n2. 返回菜单")


def test_telegram_messages_split_at_4096_with_the_keyboard_on_the_last() -> None:
    reply = Reply(("强制执行" * 2500,), ("返回菜单",))
    messages = messages_of(reply)
    assert [utf16_size(text) <= MAX_MESSAGE for text, _ in messages] == [True, True, True]
    assert [markup is not None for _, markup in messages] == [False, False, True]
    assert "".join(text for text, _ in messages) == "强制执行" * 2500

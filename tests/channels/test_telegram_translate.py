"""Telegram updates as the dialogue sees them: commands, buttons, attachments, and what is not answered."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram import callback_data, command_text, inbound_of, keyboard
from tests.channels.fakes import telegram_update


def update(name: str, **changes: object) -> Update:
    return Update.de_json(telegram_update(name, **changes), None)


def test_commands_become_the_words_the_router_knows() -> None:
    assert command_text("/start", "你好") == "你好"
    assert command_text("/start court-qr-0102", "你好") == "你好"  # deep-link payloads are not words
    assert command_text("/menu@hotline12368_bot", "你好") == "/menu"
    assert command_text("/CANCEL", "你好") == "/cancel"
    assert command_text("执行款什么时候到账", "你好") == "执行款什么时候到账"


def test_messages_and_button_presses() -> None:
    text = inbound_of(update("message_text", update_id=7, text="案件查询"), "你好")
    assert text is not None and (text.channel, text.user_key, text.text, text.message_id) == (
        "telegram",
        "5012345678",
        "案件查询",
        "7",
    )
    pressed = inbound_of(update("callback_query", update_id=8, data="2"), "你好")
    assert pressed is not None and (pressed.text, pressed.user_key) == ("2", "5012345678")


def test_photo_keeps_the_largest_size_and_the_caption() -> None:
    photo = inbound_of(update("photo"), "你好")
    assert photo is not None
    assert photo.text == "财产线索照片" and photo.attachments == ("telegram:photo:AgACAgUAAxkBAAMTlarge",)


def test_group_chats_are_not_served() -> None:
    assert inbound_of(update("group_message"), "你好") is None


def test_long_labels_fall_back_to_their_number() -> None:
    assert callback_data("案件查询", 2) == "案件查询"
    assert callback_data("执" * 30, 3) == "3"  # 90 bytes: over Telegram's 64
    markup = keyboard(("执" * 30, "返回菜单"))
    assert markup is not None and [len(row) for row in markup.inline_keyboard] == [1, 1]

"""`hotline telegram` with python-telegram-bot itself, polling a local fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.channels.telegram_polling import run_polling
from bot.core.context import Services
from bot.core.messages import Reply
from bot.core.push import enqueue
from bot.hotline import Hotline, build_hotline
from bot.storage.models import ChatPush, Turn
from tests.channels.fakes import BOT_TOKEN, FakeTelegram, telegram_update
from tests.conftest import make_settings

Server = Callable[[web.Application], Awaitable[TestServer]]
CHAT = 5012345678
MENU_SIZE = 8


@pytest.fixture
async def fake(aiohttp_server: Server) -> FakeTelegram:
    fake = FakeTelegram()
    fake.server = await aiohttp_server(fake.app())  # type: ignore[attr-defined]
    return fake


@pytest.fixture
async def polling(
    fake: FakeTelegram, sqlite_url: str, services: Services, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Hotline]:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(
        sqlite_url,
        telegram_token=BOT_TOKEN,
        telegram_base_url=str(fake.server.make_url("/bot")),  # type: ignore[attr-defined]
        telegram_chat_rate=10.0,
        push_interval_seconds=0.1,
    )
    hotline = build_hotline(settings, services=services)
    stop = asyncio.Event()
    runner = asyncio.create_task(run_polling(hotline, stop, poll_timeout=1))
    yield hotline
    stop.set()
    await asyncio.wait_for(runner, 20)
    hotline.close()


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


async def test_start_greets_with_the_menu_as_an_inline_keyboard(fake: FakeTelegram, polling: Hotline) -> None:
    fake.updates.append(telegram_update("command_start", update_id=10))
    [message] = await fake.wait_sent(1)
    assert message["chat_id"] == str(CHAT)
    assert "12368" in message["text"]
    labels = [label for label, _ in buttons(message)]
    assert len(labels) == MENU_SIZE and "案件查询" in labels
    assert fake.methods()[:2] == ["getMe", "deleteWebhook"]  # polling always clears a webhook first


async def test_button_press_is_answered_and_routed_by_its_label(fake: FakeTelegram, polling: Hotline) -> None:
    fake.updates.append(telegram_update("callback_query", update_id=11, data="法院通讯录与执行须知"))
    [message] = await fake.wait_sent(1)
    assert "法院名称" in message["text"]
    answered = [params for method, params in fake.calls if method == "answerCallbackQuery"]
    assert answered and answered[0]["callback_query_id"] == "4382105593018839212"
    assert ("法院强制执行须知", "法院强制执行须知") in buttons(message)


async def test_menu_and_cancel_commands(fake: FakeTelegram, polling: Hotline) -> None:
    fake.updates.append(telegram_update("message_text", update_id=12, text="8"))
    fake.updates.append(telegram_update("message_text", update_id=13, text="/cancel"))
    fake.updates.append(telegram_update("message_text", update_id=14, text="/menu@hotline12368_bot"))
    first, cancelled, menu = await fake.wait_sent(3)
    assert "法院名称" in first["text"]
    assert len(buttons(cancelled)) == MENU_SIZE and len(buttons(menu)) == MENU_SIZE


async def test_group_chats_are_not_answered(fake: FakeTelegram, polling: Hotline) -> None:
    fake.updates.append(telegram_update("group_message", update_id=15))
    fake.updates.append(telegram_update("message_text", update_id=16, text="你好"))
    [message] = await fake.wait_sent(1)
    await asyncio.sleep(0.3)
    assert [sent["chat_id"] for sent in fake.sent] == [str(CHAT)] == [message["chat_id"]]


async def test_photo_is_accepted_with_its_caption(fake: FakeTelegram, polling: Hotline) -> None:
    fake.updates.append(telegram_update("photo", update_id=17))
    [message] = await fake.wait_sent(1)
    assert message["text"]
    with polling.db.transaction() as session:
        assert (
            session.scalar(select(Turn.text).where(Turn.message_key == f"telegram:{CHAT}:17"))
            == "财产线索照片"
        )


async def test_long_push_is_split_in_order_paced_with_the_keyboard_last(
    fake: FakeTelegram, polling: Hotline
) -> None:
    text = "".join(f"第{n}条。" + "执行" * 40 + "\n" for n in range(120))  # about 10,000 characters
    with polling.db.transaction() as session:
        enqueue(session, "telegram", str(CHAT), Reply((text,), ("返回菜单",)), "test:long")
    messages = await fake.wait_sent(3)
    assert len(messages) == 3
    assert all(len(message["text"]) <= 4096 for message in messages)
    assert "".join(message["text"] for message in messages).replace("\n", "") == text.replace("\n", "")
    assert [bool(buttons(message)) for message in messages] == [False, False, True]
    # telegram_chat_rate=10: sends at least 0.1 s apart. Arrival times jitter per request under load, so
    # the whole span is checked (one late arrival shortens one gap and lengthens the one before it).
    span = messages[-1]["at"] - messages[0]["at"]
    assert span >= 0.1 * (len(messages) - 1) * 0.9
    await asyncio.sleep(0.3)
    with polling.db.transaction() as session:
        assert session.scalar(select(ChatPush.delivered_at).where(ChatPush.source == "test:long")) is not None


async def test_blocked_user_push_is_marked_failed_and_others_still_go(
    fake: FakeTelegram, polling: Hotline
) -> None:
    fake.blocked.add("777")
    with polling.db.transaction() as session:
        enqueue(session, "telegram", "777", Reply(("工单已回复",)), "test:blocked")
        enqueue(session, "telegram", str(CHAT), Reply(("工单已回复",)), "test:ok")
    await fake.wait_sent(1)
    await asyncio.sleep(0.3)
    with polling.db.transaction() as session:
        blocked = session.scalars(select(ChatPush).where(ChatPush.source == "test:blocked")).one()
        assert blocked.delivered_at is None and "Forbidden" in (blocked.last_error or "")
        assert BOT_TOKEN not in (blocked.last_error or "")


async def test_flood_control_waits_and_sends_once(fake: FakeTelegram, polling: Hotline) -> None:
    fake.flood_once.add(str(CHAT))
    fake.updates.append(telegram_update("message_text", update_id=18, text="你好"))
    await fake.wait_sent(1, timeout=15)
    await asyncio.sleep(0.3)
    assert len(fake.sent) == 1
    with polling.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 1


async def test_the_token_is_never_logged(
    fake: FakeTelegram, polling: Hotline, caplog: pytest.LogCaptureFixture
) -> None:
    fake.updates.append(telegram_update("message_text", update_id=19, text="你好"))
    await fake.wait_sent(1)
    assert caplog.records  # the libraries did log (at DEBUG) …
    assert BOT_TOKEN not in caplog.text  # … but never the token
    assert BOT_TOKEN.split(":")[1] not in caplog.text

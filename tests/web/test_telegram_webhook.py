"""The Telegram webhook in `hotline serve`, talking to a local fake Bot API through python-telegram-bot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot import cli
from bot.core.context import Services
from bot.core.messages import Reply
from bot.core.push import enqueue
from bot.storage.models import ChatPush, Conversation, Turn
from bot.web.app import create_app
from bot.web.runtime import HOTLINE
from bot.web.telegram_webhook import PATH, SECRET_HEADER
from tests.channels.fakes import BOT_TOKEN, FakeTelegram, telegram_update
from tests.conftest import make_settings

Client = TestClient[web.Request, web.Application]
SECRET = "webhook-secret-0123456789"


@pytest.fixture
async def fake(aiohttp_server: Callable[[web.Application], Awaitable[TestServer]]) -> FakeTelegram:
    fake = FakeTelegram()
    fake.server = await aiohttp_server(fake.app())  # type: ignore[attr-defined]
    return fake


def base_url(fake: FakeTelegram) -> str:
    return str(fake.server.make_url("/bot"))  # type: ignore[attr-defined]


@pytest.fixture
async def client(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
    fake: FakeTelegram,
    sqlite_url: str,
    services: Services,
) -> Client:
    settings = make_settings(
        sqlite_url,
        telegram_token=BOT_TOKEN,
        telegram_webhook_secret=SECRET,
        telegram_base_url=base_url(fake),
        telegram_chat_rate=20.0,
        push_interval_seconds=0.1,
    )
    return await aiohttp_client(create_app(settings, None, services))


async def post(client: Client, update: dict[str, Any], secret: str = SECRET) -> int:
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: secret})
    return response.status


def counts(client: Client) -> tuple[int, int]:
    with client.app[HOTLINE].db.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(Conversation)) or 0,
            session.scalar(select(func.count()).select_from(Turn)) or 0,
        )


async def test_update_gets_a_reply_with_keyboard(client: Client, fake: FakeTelegram) -> None:
    assert await post(client, telegram_update("command_start", update_id=100)) == 200
    [message] = await fake.wait_sent(1)
    assert "12368" in message["text"] and message["reply_markup"]["inline_keyboard"]
    assert "getMe" in fake.methods()


async def test_wrong_or_missing_secret_is_refused_before_any_turn(client: Client, fake: FakeTelegram) -> None:
    assert await post(client, telegram_update("message_text", update_id=101), secret="guess") == 403
    response = await client.post(PATH, json=telegram_update("message_text", update_id=102))
    assert response.status == 403
    assert counts(client) == (0, 0)
    assert fake.sent == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"message": {}}',
        b'{"update_id": "x"}',
        b'{"update_id": 5, "message": {"chat": 5}}',
    ],
)
async def test_bad_bodies_are_400(client: Client, body: bytes) -> None:
    response = await client.post(PATH, data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    assert counts(client) == (0, 0)


async def test_huge_body_is_refused(client: Client) -> None:
    update = telegram_update("message_text", update_id=103, text="执" * 200_000)
    assert await post(client, update) == 400


async def test_a_redelivered_update_is_one_turn(client: Client, fake: FakeTelegram) -> None:
    update = telegram_update("message_text", update_id=104, text="8")
    assert await post(client, update) == 200
    assert await post(client, update) == 200  # Telegram re-sends when it missed our 200
    first, second = await fake.wait_sent(2)
    assert first["text"] == second["text"]  # at least once: the stored reply, not a second turn
    assert counts(client) == (1, 1)


async def test_pushes_are_delivered_and_marked(client: Client, fake: FakeTelegram) -> None:
    with client.app[HOTLINE].db.transaction() as session:
        enqueue(session, "telegram", "5012345678", Reply(("您的工单已有答复。",), ("返回菜单",)), "test:push")
    [message] = await fake.wait_sent(1)
    assert message["text"] == "您的工单已有答复。"
    await asyncio.sleep(0.3)
    with client.app[HOTLINE].db.transaction() as session:
        assert session.scalar(select(ChatPush.delivered_at).where(ChatPush.source == "test:push")) is not None


def test_webhook_is_not_mounted_without_a_secret(sqlite_url: str, services: Services) -> None:
    settings = make_settings(sqlite_url, telegram_token=BOT_TOKEN)
    app = create_app(settings, None, services)
    assert PATH not in {route.resource.canonical for route in app.router.routes() if route.resource}


async def test_cli_sets_and_deletes_the_webhook(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTLINE_TELEGRAM_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("HOTLINE_TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("HOTLINE_TELEGRAM_BASE_URL", base_url(fake))
    url = "https://12368.example.gov.cn/telegram/webhook"
    assert await asyncio.to_thread(cli.main, ["telegram", "--set-webhook", url]) == 0
    assert await asyncio.to_thread(cli.main, ["telegram", "--delete-webhook"]) == 0
    calls = {method: params for method, params in fake.calls}
    assert calls["setWebhook"]["url"] == url and calls["setWebhook"]["secret_token"] == SECRET
    assert "deleteWebhook" in calls


async def test_cli_rejected_token_is_reported_without_the_token(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTLINE_TELEGRAM_TOKEN", "999:wrong-token-secret")
    monkeypatch.setenv("HOTLINE_TELEGRAM_BASE_URL", base_url(fake))
    assert await asyncio.to_thread(cli.main, ["telegram", "--delete-webhook"]) == 2
    output = capsys.readouterr()
    assert "拒绝" in output.err
    assert "wrong-token-secret" not in output.err + output.out

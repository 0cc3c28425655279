"""The web-chat JSON endpoint and health check, through aiohttp's test client against the real app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database
from bot.web.app import create_app
from bot.web.runtime import HOTLINE
from tests.conftest import make_settings

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
    settings: Settings,
    db: Database,
    services: Services,
) -> Client:
    return await aiohttp_client(create_app(settings, db, services))


async def test_healthz(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_chat_turns_keep_state_per_user(client: Client) -> None:
    first = await (await client.post("/api/chat", json={"user": "w1", "text": "8"})).json()
    assert "法院强制执行须知" in first["options"]
    second = await (await client.post("/api/chat", json={"user": "w1", "text": "1", "explain": True})).json()
    assert "执行须知" in second["text"]
    assert second["flow"] == "directory"
    other = await (await client.post("/api/chat", json={"user": "w2", "text": "1", "explain": True})).json()
    assert other["intent"] == "consult"  # a new user's "1" is the main menu's 法律咨询


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"text": "hi"}', 422),
        (b'{"user": "", "text": "hi"}', 422),
        (b'{"user": "u", "text": 5}', 422),
    ],
)
async def test_bad_requests_get_clear_errors(client: Client, body: bytes, status: int) -> None:
    response = await client.post("/api/chat", data=body, headers={"Content-Type": "application/json"})
    assert response.status == status
    assert "error" in await response.json()


async def test_huge_body_is_refused(client: Client) -> None:
    response = await client.post("/api/chat", json={"user": "u", "text": "执" * 300_000})
    assert response.status == 413


async def test_a_database_gone_mid_service_answers_every_waiting_user_politely(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]], sqlite_url: str, services: Services
) -> None:
    settings = make_settings(sqlite_url)
    client = await aiohttp_client(create_app(settings, None, services))
    assert (await client.post("/api/chat", json={"user": "first", "text": "菜单"})).status == 200
    client.app[HOTLINE].db.dispose()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    path.unlink()
    path.mkdir()  # the database file is now a directory: every connection fails
    # Many at once, so they reach the lanes together: a failed batch is answered turn by turn.
    responses = await asyncio.gather(
        *(
            client.post("/api/chat", json={"user": f"u{n}", "text": "菜单", "explain": True})
            for n in range(20)
        )
    )
    replies = [await response.json() for response in responses]
    assert all(response.status == 200 for response in responses)
    assert all(reply["intent"] == "storage_unavailable" and "未能保存" in reply["text"] for reply in replies)

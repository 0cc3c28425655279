"""The web chat page's endpoints through aiohttp's test client: signed cookie, turns, retries, pushes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.core.context import Services
from bot.core.messages import Reply
from bot.core.push import enqueue
from bot.storage.models import Turn
from bot.web.app import create_app
from bot.web.runtime import HOTLINE
from bot.web.webchat import COOKIE, cookie_value, user_of
from tests.conftest import make_settings

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]], sqlite_url: str, services: Services
) -> Client:
    return await aiohttp_client(create_app(make_settings(sqlite_url), None, services))


async def visit(client: Client) -> str:
    response = await client.get("/chat")
    assert response.status == 200
    return response.cookies[COOKIE].value


async def test_page_sets_a_signed_http_only_cookie(client: Client) -> None:
    response = await client.get("/chat")
    assert response.status == 200 and "12368" in await response.text()
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/chat"
    assert user_of("test-secret", cookie.value) is not None
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    again = await client.get("/chat")  # the cookie jar sends it back: no new user key
    assert COOKIE not in again.cookies


async def test_static_files_are_served(client: Client) -> None:
    for name, kind in [("webchat.css", "text/css"), ("webchat.js", "application/javascript")]:
        response = await client.get(f"/chat/static/{name}")
        assert response.status == 200 and response.content_type == kind
    assert (await client.get("/chat/static/secrets.py")).status == 404


async def test_a_conversation_keyed_by_the_cookie(client: Client) -> None:
    await visit(client)
    menu = await (await client.post("/chat/api/message", json={"text": "你好"})).json()
    assert len(menu["options"]) == 8
    directory = await (await client.post("/chat/api/message", json={"text": "8"})).json()
    assert "法院强制执行须知" in directory["options"]


async def test_without_a_valid_cookie_nothing_is_answered(client: Client, sqlite_url: str) -> None:
    assert (await client.post("/chat/api/message", json={"text": "你好"})).status == 401
    forged = cookie_value("not-the-server-secret", "cVictim")
    client.session.cookie_jar.update_cookies({COOKIE: forged})
    assert (await client.post("/chat/api/message", json={"text": "你好"})).status == 401
    with client.app[HOTLINE].db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 0


async def test_a_retried_send_is_one_turn(client: Client) -> None:
    await visit(client)
    body = {"text": "8", "message_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}
    first = await (await client.post("/chat/api/message", json=body)).json()
    second = await (await client.post("/chat/api/message", json=body)).json()
    assert first == second
    with client.app[HOTLINE].db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 1


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"text=hi", "application/x-www-form-urlencoded", 415),
        (b"not json", "application/json", 400),
        (b'{"text": 5}', "application/json", 422),
        (b'{"text": "' + "执".encode() * 20_000 + b'"}', "application/json", 413),
    ],
)
async def test_bad_requests(client: Client, data: bytes, content_type: str, status: int) -> None:
    await visit(client)
    response = await client.post("/chat/api/message", data=data, headers={"Content-Type": content_type})
    assert response.status == status


async def test_pushes_reach_the_page_once(client: Client) -> None:
    user = user_of("test-secret", await visit(client))
    assert user is not None
    with client.app[HOTLINE].db.transaction() as session:
        enqueue(session, "web", user, Reply(("工作人员已回复您的留言。",)), "test:web")
    first = await (await client.get("/chat/api/pushes")).json()
    assert [message["text"] for message in first["messages"]] == ["工作人员已回复您的留言。"]
    assert (await (await client.get("/chat/api/pushes")).json())["messages"] == []


@given(st.text(max_size=40))
def test_only_our_signature_opens_a_cookie(value: str) -> None:
    assert user_of("test-secret", value) is None or value == cookie_value("test-secret", value.split(".")[0])
    assert user_of("test-secret", cookie_value("test-secret", "cAbc")) == "cAbc"

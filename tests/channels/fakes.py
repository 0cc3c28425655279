"""Local stand-ins for the platforms' APIs, real aiohttp servers the real clients talk to; they record calls."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BOT_TOKEN = "123456:TEST-token-do-not-log"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "12368", "username": "hotline12368_bot"}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def telegram_update(name: str, **changes: Any) -> dict[str, Any]:
    """A recorded update with update_id (and chat / user ids) changed so every test uses fresh ones."""
    update: dict[str, Any] = json.loads(fixture(f"telegram/{name}.json"))
    if "update_id" in changes:
        update["update_id"] = changes["update_id"]
    chat_id = changes.get("chat_id")
    if chat_id is not None:
        for key in ("message", "callback_query"):
            if key in update:
                node = update[key]
                node["from"]["id"] = chat_id
                message = node.get("message", node)
                if message["chat"]["type"] == "private":
                    message["chat"]["id"] = chat_id
    if "data" in changes:
        update["callback_query"]["data"] = changes["data"]
    if "text" in changes:
        update["message"]["text"] = changes["text"]
    return update


@dataclass
class FakeTelegram:
    """The Bot API methods the hotline uses; python-telegram-bot posts form fields, objects as JSON."""

    token: str = BOT_TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)  # chat ids that have blocked the bot
    flood_once: set[str] = field(default_factory=set)  # chat ids answered 429 once

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        return app

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(self.sent)}: {self.sent}")
            await asyncio.sleep(0.02)
        return self.sent

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        form = await request.post()
        params = {key: _value(str(value)) for key, value in form.items()}
        self.calls.append((method, params))
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset", 0) or 0)
        self.updates = [update for update in self.updates if update["update_id"] >= offset]
        if not self.updates:
            await asyncio.sleep(min(float(params.get("timeout", 0) or 0), 0.1))
        return self.updates[:100]

    async def _sendMessage(self, params: dict[str, Any]) -> Any:
        chat = str(params["chat_id"])
        if chat in self.blocked:
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
                status=403,
            )
        if chat in self.flood_once:
            self.flood_once.discard(chat)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        record = {**params, "chat_id": chat, "at": time.monotonic()}
        self.sent.append(record)
        return {
            "message_id": len(self.sent),
            "date": int(time.time()),
            "chat": {"id": int(chat), "type": "private"},
            "text": params.get("text", ""),
        }


def _value(raw: str) -> Any:
    if raw[:1] in "{[":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


@dataclass
class FakeWeChat:
    """api.weixin.qq.com's token, customer-service message and menu endpoints."""

    access_token: str = "ACCESS-TOKEN-test"
    sent: list[dict[str, Any]] = field(default_factory=list)
    menus: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    refuse: dict[str, int] = field(default_factory=dict)  # openid → errcode answered for it

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/cgi-bin/stable_token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._send)
        app.router.add_post("/cgi-bin/menu/create", self._menu)
        return app

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(self.sent)}: {self.sent}")
            await asyncio.sleep(0.02)
        return self.sent

    def texts_to(self, open_id: str) -> list[str]:
        return [item["text"]["content"] for item in self.sent if item["touser"] == open_id]

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.token_requests += 1
        if body.get("grant_type") != "client_credential" or not body.get("secret"):
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        return web.json_response({"access_token": self.access_token, "expires_in": 7200})

    def _authorized(self, request: web.Request) -> bool:
        return request.query.get("access_token") == self.access_token

    async def _send(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        body = json.loads(await request.read())
        errcode = self.refuse.get(body["touser"])
        if errcode:
            return web.json_response({"errcode": errcode, "errmsg": "refused by the fake"})
        self.sent.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _menu(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.menus.append(json.loads(await request.read()))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

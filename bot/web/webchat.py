"""The web chat page at /chat: static HTML/CSS/JS, and its JSON endpoints keyed by a signed cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path

from aiohttp import web

from bot.core.messages import Inbound, Reply
from bot.core.push import take_for_user
from bot.storage.db import Database
from bot.web.bodies import TooLarge, read_capped
from bot.web.chat_api import CHANNEL, reply_json
from bot.web.runtime import HOTLINE, run_sync, take_turn

COOKIE = "hotline_chat"
COOKIE_DAYS = 30
MAX_BODY = 16 * 1024
STATIC = Path(__file__).with_name("static")
FILES = {
    "webchat.html": "text/html",
    "webchat.css": "text/css",
    "webchat.js": "application/javascript",
}
_MESSAGE_ID = re.compile(r"[A-Za-z0-9\-]{1,64}")
# The page loads nothing from elsewhere and runs no inline script: a reply can never become markup.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _signature(secret: str, user_key: str) -> str:
    digest = hmac.new(secret.encode(), f"webchat:{user_key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def cookie_value(secret: str, user_key: str) -> str:
    return f"{user_key}.{_signature(secret, user_key)}"


def user_of(secret: str, value: str | None) -> str | None:
    """The user key in a cookie, if its signature is ours."""
    if not value or value.count(".") != 1:
        return None
    user_key, sent = value.split(".")
    # Bytes: compare_digest refuses str with non-ASCII characters, and a cookie is whatever the client sends.
    if not user_key or not hmac.compare_digest(sent.encode(), _signature(secret, user_key).encode()):
        return None
    return user_key


def new_user_key() -> str:
    return "c" + secrets.token_urlsafe(16)


async def page(request: web.Request) -> web.Response:
    """The chat page; a visitor without a valid cookie is given one (a new, random user key)."""
    secret = request.app[HOTLINE].settings.secret_key
    response = _file(request, "webchat.html")
    response.headers["Cache-Control"] = "no-store"
    if user_of(secret, request.cookies.get(COOKIE)) is None:
        response.set_cookie(
            COOKIE,
            cookie_value(secret, new_user_key()),
            max_age=COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.secure,
            path="/chat",
        )
    return response


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in FILES or name == "webchat.html":
        raise web.HTTPNotFound()
    return _file(request, name)


def _file(request: web.Request, name: str) -> web.Response:
    response = web.Response(body=request.app[PAGES][name], content_type=FILES[name], charset="utf-8")
    response.headers.update(HEADERS)
    return response


def _user(request: web.Request) -> str:
    user = user_of(request.app[HOTLINE].settings.secret_key, request.cookies.get(COOKIE))
    if user is None:
        raise web.HTTPUnauthorized(
            text='{"error": "会话已失效，请刷新页面"}', content_type="application/json"
        )
    return user


async def send(request: web.Request) -> web.Response:
    """One message from the page: {"text", "message_id"} → {"text", "options", "links"}."""
    user = _user(request)
    if request.content_type != "application/json":
        # A cross-site form cannot send JSON without a preflight: one more guard beside SameSite.
        return web.json_response({"error": "请求格式错误：需要 JSON"}, status=415)
    try:
        body = json.loads(await read_capped(request, MAX_BODY))
    except TooLarge:
        return web.json_response({"error": "消息过长"}, status=413)
    except ValueError:
        return web.json_response({"error": "请求格式错误"}, status=400)
    text, client_id = (body.get("text"), body.get("message_id")) if isinstance(body, dict) else (None, None)
    if not isinstance(text, str):
        return web.json_response({"error": "text 必须是字符串"}, status=422)
    # The page's retry of one send carries the same id; scoped to the user so ids never collide across users.
    message_id = (
        f"{user}:{client_id}" if isinstance(client_id, str) and _MESSAGE_ID.fullmatch(client_id) else None
    )
    reply = await take_turn(request.app, Inbound(CHANNEL, user, text, message_id))
    return web.json_response(reply_json(reply), headers={"Cache-Control": "no-store"})


def take_pushes(db: Database, user: str) -> list[Reply]:
    with db.transaction() as session:
        return take_for_user(session, CHANNEL, user)


async def pushes(request: web.Request) -> web.Response:
    """Messages staff sent this visitor since the last poll (the page asks every few seconds)."""
    user = _user(request)
    replies = await run_sync(request.app, take_pushes, request.app[HOTLINE].db, user)
    return web.json_response(
        {"messages": [reply_json(reply) for reply in replies]}, headers={"Cache-Control": "no-store"}
    )


PAGES = web.AppKey("webchat_pages", dict[str, bytes])


def setup(app: web.Application) -> None:
    # Read once when the app is built (not at import), served from memory.
    app[PAGES] = {name: (STATIC / name).read_bytes() for name in FILES}
    app.router.add_get("/chat", page)
    app.router.add_get("/chat/static/{name}", static)
    app.router.add_post("/chat/api/message", send)
    app.router.add_get("/chat/api/pushes", pushes)

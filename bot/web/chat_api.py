"""POST /api/chat: the JSON web-chat endpoint, the same reply shape as `hotline ask`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.messages import Inbound, Reply
from bot.web.runtime import take_turn

CHANNEL = "web"
MAX_BODY = 64 * 1024


def reply_json(reply: Reply, explain: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"text": reply.text, "options": list(reply.options)}
    if reply.links:
        data["links"] = [{"title": link.title, "url": link.url} for link in reply.links]
    if explain:
        data.update({name: value for name, value in reply.meta.items() if value is not None})
    return data


async def chat(request: web.Request) -> web.Response:
    if request.content_length and request.content_length > MAX_BODY:
        return web.json_response({"error": "消息过长"}, status=413)
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "请求格式错误：需要 JSON"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "请求格式错误：需要 JSON 对象"}, status=400)
    user, text = body.get("user"), body.get("text", "")
    if not isinstance(user, str) or not user.strip() or len(user) > 128:
        return web.json_response({"error": "缺少用户标识 user"}, status=422)
    if not isinstance(text, str):
        return web.json_response({"error": "text 必须是字符串"}, status=422)
    message_id = body.get("message_id")
    inbound = Inbound(CHANNEL, user, text, str(message_id) if message_id is not None else None)
    reply = await take_turn(request.app, inbound)
    return web.json_response(reply_json(reply, explain=bool(body.get("explain"))))


def setup(app: web.Application) -> None:
    app.router.add_post("/api/chat", chat)

"""The WeChat official account's callback at /wechat: URL verification (GET) and messages (POST)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web

from bot.channels.delivery import deliver_pending, every
from bot.channels.wechat import (
    CHANNEL,
    BadSignature,
    WeChatGate,
    message_id,
    passive_xml,
    reply_parts,
    translate,
)
from bot.channels.wechat_client import HotlineWeChatClient, SendFailed, make_client
from bot.channels.wechat_push import queue_reply, wechat_sender
from bot.channels.wechat_xml import MAX_BODY, BadXml
from bot.config import Settings
from bot.core.messages import Reply
from bot.notify.gateways import build_gateway
from bot.web.background import Background
from bot.web.bodies import TooLarge, read_capped
from bot.web.runtime import HOTLINE, run_sync, take_turn

PATH = "/wechat"
log = logging.getLogger(__name__)


@dataclass
class WeChatEndpoint:
    gate: WeChatGate
    client: HotlineWeChatClient | None
    reply_seconds: float
    background: Background = field(default_factory=Background)


WECHAT = web.AppKey("wechat", WeChatEndpoint)


def success() -> web.Response:
    """WeChat's "received, nothing to say (now)": no retries, nothing shown to the user."""
    return web.Response(text="success")


async def verify_url(request: web.Request) -> web.Response:
    try:
        request.app[WECHAT].gate.verify(request.query)
    except BadSignature:
        return web.Response(status=403, text="invalid signature")
    return web.Response(text=request.query.get("echostr", ""))


async def receive(request: web.Request) -> web.StreamResponse:
    started = time.monotonic()
    endpoint = request.app[WECHAT]
    # Everything up to translate() is signature, size and XML checks: a bad request never reaches the DB.
    try:
        endpoint.gate.verify(request.query)
        message = endpoint.gate.open(request.query, await read_capped(request, MAX_BODY))
    except BadSignature:
        return web.Response(status=403, text="invalid signature")
    except (TooLarge, BadXml) as error:
        log.info("wechat: refused a request (%s)", error if isinstance(error, BadXml) else "body too large")
        return web.Response(status=400, text="bad request")
    hotline = request.app[HOTLINE]
    outcome = translate(message, hotline.services)
    if outcome is None:
        return success()
    if isinstance(outcome, Reply):
        reply = outcome
    else:
        turn = asyncio.ensure_future(take_turn(request.app, outcome))
        if endpoint.client is None:
            reply = await turn  # no way to send it later: better late than lost
        else:
            budget = max(endpoint.reply_seconds - (time.monotonic() - started), 0.0)
            try:
                reply = await asyncio.wait_for(asyncio.shield(turn), budget)
            except TimeoutError:
                endpoint.background.spawn(
                    late_reply(request.app, message.from_user, turn, message_id(message))
                )
                return success()
    parts = reply_parts(reply)
    if not parts:
        return success()  # nothing to say this time: WeChat expects "success", not an empty message
    response = web.Response(
        text=endpoint.gate.seal(request.query, passive_xml(message, parts[0])), content_type="text/xml"
    )
    # At least once: a retry of an answered message sends the later parts again rather than risk losing them.
    if len(parts) > 1 and endpoint.client is not None:
        await response.prepare(request)
        await response.write_eof()  # the passive part is out before the later parts are sent
        endpoint.background.spawn(
            send_or_queue(request.app, message.from_user, parts[1:], message_id(message))
        )
    return response


async def late_reply(app: web.Application, open_id: str, turn: asyncio.Future[Reply], source: str) -> None:
    parts = reply_parts(await turn)
    if parts:
        await send_or_queue(app, open_id, parts, source)


async def send_or_queue(app: web.Application, open_id: str, parts: list[str], source: str) -> None:
    """Send as customer-service messages; if WeChat refuses or is unreachable, queue them for the deliverer."""
    client = app[WECHAT].client
    assert client is not None
    try:
        await run_sync(app, client.send_texts, open_id, parts)
    except SendFailed as error:
        log.warning("wechat: reply queued for retry (%s)", error)
        await run_sync(
            app, queue_reply, app[HOTLINE].db, open_id, Reply(tuple(parts)), f"wechat:{source}"[:100]
        )


def setup(app: web.Application, settings: Settings) -> None:
    """Mount /wechat when the account's token is configured."""
    if not settings.wechat_token:
        return
    endpoint = WeChatEndpoint(WeChatGate.of(settings), make_client(settings), settings.wechat_reply_seconds)

    async def context(app: web.Application) -> AsyncIterator[None]:
        app[WECHAT] = endpoint
        pushes = sms = None
        if endpoint.client is not None and settings.push_interval_seconds > 0:
            sms = build_gateway(settings, echo=None)  # for pushes outside WeChat's 48-hour window
            send = wechat_sender(endpoint.client, settings.wechat_window_hours, sms=sms)

            async def deliver() -> None:
                await run_sync(app, deliver_pending, app[HOTLINE].db, CHANNEL, send)

            pushes = asyncio.get_running_loop().create_task(every(settings.push_interval_seconds, deliver))
        yield
        if pushes is not None:
            pushes.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pushes
        await endpoint.background.close()
        if sms is not None:
            sms.close()

    app.cleanup_ctx.append(context)
    app.router.add_get(PATH, verify_url)
    app.router.add_post(PATH, receive)

"""Telegram's webhook at /telegram/webhook: updates in (secret-token header checked), replies sent paced."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError

from bot.channels.delivery import deliver_pending, every
from bot.channels.telegram import CHANNEL, TelegramChannel
from bot.channels.telegram_bot import greeting_of, make_bot, pacer_of, push_sender
from bot.config import Settings
from bot.core.messages import Inbound, Reply
from bot.web.bodies import TooLarge, read_capped
from bot.web.runtime import HOTLINE, run_sync, take_turn

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 256 * 1024
TELEGRAM = web.AppKey("telegram", TelegramChannel)
log = logging.getLogger(__name__)


async def receive(request: web.Request) -> web.Response:
    settings = request.app[HOTLINE].settings
    sent = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(sent.encode(), settings.telegram_webhook_secret.encode()):
        return web.Response(status=403, text="invalid secret token")
    channel = request.app[TELEGRAM]
    try:
        data = json.loads(await read_capped(request, MAX_BODY))
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not an update")
    except (TooLarge, ValueError):
        return web.Response(status=400, text="bad update")
    try:
        update = Update.de_json(data, channel.bot)
    except Exception:  # the library's own errors for a malformed object are of many kinds
        return web.Response(status=400, text="bad update")
    # The turn is committed before Telegram hears 200; sending goes on in the background (paced).
    await channel.handle_update(update)
    return web.Response(text="ok")


def setup(app: web.Application, settings: Settings) -> None:
    """Mount the webhook when a bot token and a secret token are configured (without the secret, anyone
    could post updates in a user's name)."""
    if not settings.telegram_token:
        return
    if not settings.telegram_webhook_secret:
        log.warning("telegram webhook not mounted: set HOTLINE_TELEGRAM_WEBHOOK_SECRET")
        return

    async def context(app: web.Application) -> AsyncIterator[None]:
        bot = make_bot(settings)
        try:
            await bot.initialize()
        except TelegramError as error:
            # Telegram unreachable at start-up must not stop the rest of the site; sends retry per message.
            log.warning("telegram: getMe failed at start-up (%s)", type(error).__name__)

        async def turn(inbound: Inbound) -> Reply:
            return await take_turn(app, inbound)

        channel = TelegramChannel(bot, turn, greeting_of(app[HOTLINE].services), pacer_of(settings))
        app[TELEGRAM] = channel
        pushes = None
        if settings.push_interval_seconds > 0:
            send = push_sender(channel, asyncio.get_running_loop(), settings.telegram_token)

            async def deliver() -> None:
                await run_sync(app, deliver_pending, app[HOTLINE].db, CHANNEL, send)

            pushes = asyncio.get_running_loop().create_task(every(settings.push_interval_seconds, deliver))
        yield
        if pushes is not None:
            pushes.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pushes
        await channel.close()
        await bot.shutdown()

    app.cleanup_ctx.append(context)
    app.router.add_post(PATH, receive)

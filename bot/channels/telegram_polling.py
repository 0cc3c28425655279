"""`hotline telegram`: long polling with python-telegram-bot, the same adapter as the webhook, and pushes."""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.channels.delivery import deliver_pending, every
from bot.channels.redaction import protect_secret
from bot.channels.telegram import CHANNEL, TelegramChannel
from bot.channels.telegram_bot import greeting_of, make_bot, pacer_of, push_sender
from bot.config import Settings
from bot.core.lanes import TurnLanes
from bot.hotline import Hotline


def build_application(settings: Settings) -> Application:
    protect_secret(settings.telegram_token)
    return ApplicationBuilder().token(settings.telegram_token).base_url(settings.telegram_base_url).build()


async def run_polling(hotline: Hotline, stop: asyncio.Event, poll_timeout: int = 10) -> None:
    """Poll until stop is set; turns run in the turn lanes, queued pushes go out every push interval."""
    settings = hotline.settings
    application = build_application(settings)
    pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="push")
    lanes = TurnLanes(hotline.dialogue.handle_many, settings.turn_lanes, settings.turn_batch)
    loop = asyncio.get_running_loop()
    channel = TelegramChannel(
        application.bot, lanes.submit, greeting_of(hotline.services), pacer_of(settings)
    )
    application.add_handler(TypeHandler(Update, channel.handle_update))
    send = push_sender(channel, loop, settings.telegram_token)

    async def deliver() -> None:
        await loop.run_in_executor(pool, deliver_pending, hotline.db, CHANNEL, send)

    try:
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(timeout=poll_timeout)
            pushes = None
            if settings.push_interval_seconds > 0:
                pushes = asyncio.create_task(every(settings.push_interval_seconds, deliver))
            await stop.wait()
            if pushes is not None:
                pushes.cancel()
            await application.updater.stop()
            await application.stop()
            await channel.close()
    finally:
        await loop.run_in_executor(pool, lanes.close)
        pool.shutdown(wait=True)


def main(hotline: Hotline) -> None:
    """The CLI entry: poll until Ctrl+C or SIGTERM."""

    async def polling() -> None:
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        await run_polling(hotline, stop)

    asyncio.run(polling())


async def set_webhook(settings: Settings, url: str) -> bool:
    async with make_bot(settings) as bot:
        return await bot.set_webhook(url, secret_token=settings.telegram_webhook_secret or None)


async def delete_webhook(settings: Settings) -> bool:
    async with make_bot(settings) as bot:
        return await bot.delete_webhook()

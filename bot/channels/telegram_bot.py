"""Building Telegram's Bot client from settings, and the sender the push deliverer uses."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import TelegramError

from bot.channels.delivery import Sender, Undelivered
from bot.channels.pacing import Pacer
from bot.channels.redaction import protect_secret, redact
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.core.context import Services
from bot.core.messages import Reply
from bot.storage.models import ChatPush

# How long a push deliverer thread waits for one reply to go out through the event loop.
SEND_TIMEOUT = 60.0


def greeting_of(services: Services) -> str:
    """The first greeting word (你好): what /start and a WeChat subscribe mean to the router."""
    return services.texts.words("commands.greet")[0]


def pacer_of(settings: Settings) -> Pacer:
    return Pacer(settings.telegram_chat_rate, settings.telegram_global_rate)


def make_bot(settings: Settings) -> Bot:
    protect_secret(settings.telegram_token)
    return Bot(settings.telegram_token, base_url=settings.telegram_base_url)


def push_sender(channel: TelegramChannel, loop: asyncio.AbstractEventLoop, token: str) -> Sender:
    """A deliverer's send for a worker thread: the reply goes out on the event loop, paced like any other."""

    def send(_session: Session, push: ChatPush) -> None:
        future = asyncio.run_coroutine_threadsafe(
            channel.send(push.user_key, Reply.from_dict(push.reply)), loop
        )
        try:
            future.result(SEND_TIMEOUT)
        except TelegramError as error:
            raise Undelivered(redact(f"{type(error).__name__}: {error}", token)) from None

    return send

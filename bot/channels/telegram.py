"""The Telegram adapter: an Update becomes an Inbound, a Reply becomes paced messages with inline keyboards."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.channels.pacing import Pacer
from bot.channels.render import plain_text
from bot.channels.splitting import split_text, utf16_size
from bot.core.messages import Inbound, Reply

CHANNEL = "telegram"
MAX_MESSAGE = 4096  # Bot API limit, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
# Telegram refuses empty messages; a keyboard still needs a text to hang on.
EMPTY_TEXT = "👇"

log = logging.getLogger(__name__)
Turn = Callable[[Inbound], Awaitable[Reply]]


def command_text(text: str, greeting: str) -> str:
    """'/start@HotlineBot payload' means hello (Telegram's first contact); '/menu@HotlineBot' is '/menu'."""
    if not text.startswith("/"):
        return text
    command = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return greeting if command == "/start" else command


def inbound_of(update: Update, greeting: str) -> Inbound | None:
    """The channel-neutral message of an update, or None for what the hotline does not answer
    (group chats — case details are private —, edits, channel posts)."""
    message_id = str(update.update_id)
    query = update.callback_query
    if query is not None:
        if query.message is not None and query.message.chat.type != "private":
            return None
        return Inbound(CHANNEL, str(query.from_user.id), query.data or "", message_id)
    message = update.message
    if message is None or message.chat.type != "private":
        return None
    text = command_text(message.text or message.caption or "", greeting)
    return Inbound(CHANNEL, str(message.chat.id), text, message_id, attachments_of(message))


def attachments_of(message: Message) -> tuple[str, ...]:
    """References a flow can resolve later with getFile: the largest photo size, a document, a voice note."""
    found = []
    if message.photo:
        found.append(f"telegram:photo:{message.photo[-1].file_id}")
    if message.document:
        found.append(f"telegram:document:{message.document.file_id}")
    if message.voice:
        found.append(f"telegram:voice:{message.voice.file_id}")
    return tuple(found)


def callback_data(label: str, number: int) -> str:
    """The label itself (the router understands it wherever it was offered), or the option number if too long."""
    return label if len(label.encode("utf-8")) <= MAX_CALLBACK_DATA else str(number)


def keyboard(options: tuple[str, ...]) -> InlineKeyboardMarkup | None:
    if not options:
        return None
    buttons = [
        InlineKeyboardButton(label, callback_data=callback_data(label, n))
        for n, label in enumerate(options, 1)
    ]
    # Two a row when the labels are short enough to read on a phone, else one a row.
    width = 2 if all(len(label) <= 8 for label in options) else 1
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def messages_of(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The reply as Telegram messages in order; the keyboard rides on the last one."""
    pieces = [piece for piece in split_text(plain_text(reply), MAX_MESSAGE, utf16_size) if piece.strip()]
    if not pieces:
        if not reply.options:
            return []  # a silent reply (an open hand-off between acknowledgements): send nothing
        pieces = [EMPTY_TEXT]
    markup = keyboard(reply.options)
    return [(piece, markup if number == len(pieces) - 1 else None) for number, piece in enumerate(pieces)]


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22.2+ warns that retry_after becomes a timedelta; both forms are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass
class TelegramChannel:
    """Holds the Bot client; turns run through `turn` (off the event loop), replies go out paced."""

    bot: Bot
    turn: Turn
    greeting: str
    pacer: Pacer = field(default_factory=Pacer)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def handle_update(self, update: Update, _context: object = None) -> None:
        if update.callback_query is not None:
            await self._answer(update.callback_query)
        inbound = inbound_of(update, self.greeting)
        if inbound is None:
            return
        reply = await self.turn(inbound)
        # The turn is committed; sending may wait for pacing, so it must not hold up other users' updates.
        self.spawn(self._deliver(inbound.user_key, reply))

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send a whole reply in order, paced; raises TelegramError if Telegram refuses a message."""
        messages = messages_of(reply)
        for (text, markup), due in zip(messages, self.pacer.reserve(chat_id, len(messages)), strict=True):
            await self.pacer.wait_until(due)
            try:
                await self.bot.send_message(chat_id, text, reply_markup=markup)
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
                await self.bot.send_message(chat_id, text, reply_markup=markup)

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def close(self) -> None:
        """Let replies already on their way finish."""
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _deliver(self, chat_id: str, reply: Reply) -> None:
        try:
            await self.send(chat_id, reply)
        except Forbidden:
            log.info("telegram: a user has blocked the bot; reply dropped")
        except TelegramError as error:
            log.warning("telegram: reply not sent (%s)", type(error).__name__)

    async def _answer(self, query: CallbackQuery) -> None:
        # Stops the button's spinner; a failure here must not cost the user the answer itself.
        try:
            await self.bot.answer_callback_query(query.id)
        except TelegramError as error:
            log.info("telegram: answerCallbackQuery failed (%s)", type(error).__name__)

"""Delivering queued pushes (bot/core/push.py) on one channel: claim, send, mark delivered or failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.core.push import claim, mark_delivered, mark_failed
from bot.storage.db import Database
from bot.storage.models import ChatPush

log = logging.getLogger(__name__)
Sender = Callable[[Session, ChatPush], None]


class Undelivered(Exception):
    """A push that cannot go out now; it stays queued and its last_error says why (the message, as is)."""


@dataclass(frozen=True)
class Delivery:
    delivered: int = 0
    failed: int = 0


def deliver_pending(db: Database, channel: str, send: Sender, limit: int = 20) -> Delivery:
    """One batch: the claimed rows stay locked while they are sent, so two workers never send one twice.

    send raises to refuse; any other outcome counts as delivered (at least once: a crash between the send
    and the commit sends that push again)."""
    delivered = failed = 0
    with db.transaction() as session:
        for push in claim(session, channel, limit):
            try:
                send(session, push)
            except Undelivered as error:
                mark_failed(session, push.id, str(error))
                failed += 1
            except Exception as error:
                # The error text may come from a platform client: its type and message, never a traceback.
                log.warning("push %s on %s not delivered (%s)", push.id, channel, type(error).__name__)
                mark_failed(session, push.id, f"{type(error).__name__}: {error}")
                failed += 1
            else:
                mark_delivered(session, push.id)
                delivered += 1
    return Delivery(delivered, failed)


async def every(interval: float, work: Callable[[], Awaitable[object]]) -> None:
    """Run work, then wait interval seconds, until cancelled; a failing round is logged, not fatal."""
    while True:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic delivery round failed")
        await asyncio.sleep(interval)

"""Pushing queued messages to WeChat users: customer-service messages within the 48-hour window, else SMS."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.delivery import Sender, Undelivered
from bot.channels.sms_fallback import send_by_sms
from bot.channels.wechat import CHANNEL, reply_parts
from bot.channels.wechat_client import OUT_OF_WINDOW, HotlineWeChatClient, SendFailed
from bot.core.messages import Reply
from bot.core.push import enqueue
from bot.notify.gateways import Gateway
from bot.storage.db import Database
from bot.storage.models import ChatPush, Conversation

OUTSIDE_WINDOW = "outside 48h window"
log = logging.getLogger(__name__)


def last_inbound(session: Session, open_id: str) -> datetime | None:
    """When the user last wrote or clicked: every inbound is a turn, and a turn updates its conversation."""
    value = session.scalar(
        select(Conversation.updated_at).where(
            Conversation.channel == CHANNEL, Conversation.user_key == open_id
        )
    )
    if value is not None and value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value


def wechat_sender(
    client: HotlineWeChatClient,
    window_hours: float,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sms: Gateway | None = None,
) -> Sender:
    """Customer-service messages within the window; outside it, SMS where a mobile is known (else the push
    waits: it goes out on WeChat if the user writes again)."""
    window = timedelta(hours=window_hours)

    def send(session: Session, push: ChatPush) -> None:
        last = last_inbound(session, push.user_key)
        if last is None or clock() - last > window:
            if send_by_sms(session, push, sms):
                return
            raise Undelivered(OUTSIDE_WINDOW)
        try:
            client.send_texts(push.user_key, reply_parts(Reply.from_dict(push.reply)))
        except SendFailed as error:
            if error.errcode == OUT_OF_WINDOW:  # WeChat's clock says so, whatever ours says
                if send_by_sms(session, push, sms):
                    return
                raise Undelivered(OUTSIDE_WINDOW) from None
            raise Undelivered(str(error)) from None

    return send


def queue_reply(db: Database, open_id: str, reply: Reply, source: str) -> None:
    """Keep a reply that could not be sent at once, for the deliverer to retry."""
    with db.transaction() as session:
        enqueue(session, CHANNEL, open_id, reply, source)

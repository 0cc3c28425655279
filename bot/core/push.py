"""Messages pushed to a user later (staff replies, opted-in notices): queued in the DB, delivered per channel."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.messages import Reply
from bot.storage.models import ChatPush, utcnow

MAX_ERROR = 300
# A push that failed this often stops being claimed (it stays on record), so it cannot starve newer ones.
MAX_ATTEMPTS = 20


def enqueue(session: Session, channel: str, user_key: str, reply: Reply, source: str) -> ChatPush:
    """Queue a message in the caller's transaction: it exists exactly when what caused it does."""
    push = ChatPush(channel=channel, user_key=user_key, reply=reply.to_dict(), source=source)
    session.add(push)
    return push


def take_for_user(session: Session, channel: str, user_key: str) -> list[Reply]:
    """Pending messages of one user, marked delivered: for channels that answer them with the next response
    (the web chat polls, the console shows them before its next reply)."""
    pushes = session.scalars(
        select(ChatPush)
        .where(ChatPush.channel == channel, ChatPush.user_key == user_key, ChatPush.delivered_at.is_(None))
        .order_by(ChatPush.id)
        .with_for_update(skip_locked=True)
    ).all()
    now = utcnow()
    for push in pushes:
        push.delivered_at = now
    return [Reply.from_dict(push.reply) for push in pushes]


def claim(session: Session, channel: str, limit: int = 50) -> list[ChatPush]:
    """A batch of pending messages of a channel, locked so that two deliverers never take the same one;
    fewest failures first, so messages that cannot go out now (a closed window) never block newer ones."""
    return list(
        session.scalars(
            select(ChatPush)
            .where(
                ChatPush.channel == channel,
                ChatPush.delivered_at.is_(None),
                ChatPush.attempts < MAX_ATTEMPTS,
            )
            .order_by(ChatPush.attempts, ChatPush.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )


def mark_delivered(session: Session, push_id: int) -> None:
    session.execute(update(ChatPush).where(ChatPush.id == push_id).values(delivered_at=utcnow()))


def mark_failed(session: Session, push_id: int, error: str) -> None:
    session.execute(
        update(ChatPush)
        .where(ChatPush.id == push_id)
        .values(attempts=ChatPush.attempts + 1, last_error=error[:MAX_ERROR])
    )

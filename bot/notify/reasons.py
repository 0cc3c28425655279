"""Reasons for notices sent late or not at all (§3.3: 不告知或延迟告知的，应说明理由并记录在案)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.notify.deadlines import as_utc, is_on_time
from bot.storage.models.core import utcnow
from bot.storage.models.notify import PENDING, SENT, Notification, NotificationReason

MAX_REASON = 500
MAX_WHO = 64


class ReasonError(ValueError):
    """A reason that cannot be recorded; the message says why, in Chinese."""


def needs_reason(notification: Notification, now: datetime) -> bool:
    """Sent after its deadline, or not sent and past it (failed, dead, skipped, or still pending)."""
    if notification.state == SENT and notification.sent_at is not None:
        return not is_on_time(notification.sent_at, notification.due_by)
    return notification.state != PENDING or as_utc(notification.due_by) <= as_utc(now)


def _clean(text: str, limit: int, what: str) -> str:
    text = text.strip()
    if not text:
        raise ReasonError(f"{what}不能为空")
    if len(text) > limit:
        raise ReasonError(f"{what}不能超过{limit}个字符")
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in text):
        raise ReasonError(f"{what}含有控制字符")
    return text


def record_reason(
    session: Session, notification_id: int, reason: str, recorded_by: str, now: datetime | None = None
) -> NotificationReason:
    """Record why a notice was late or missing, with who and when; a notice sent on time needs none.

    A reason may also be recorded ahead of the deadline for a notice known to be going to miss it (the
    party left no mobile number). Several reasons may be recorded for one notice; all are kept."""
    now = as_utc(now or utcnow())
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise ReasonError(f"没有编号为 {notification_id} 的通知")
    sent_at = notification.sent_at
    if notification.state == SENT and sent_at is not None and is_on_time(sent_at, notification.due_by):
        raise ReasonError("该通知已按时发送，无需说明理由")
    item = NotificationReason(
        notification_id=notification.id,
        reason=_clean(reason, MAX_REASON, "理由"),
        recorded_by=_clean(recorded_by, MAX_WHO, "记录人"),
        recorded_at=now,
    )
    session.add(item)
    return item


def reasons_for(session: Session, notification_id: int) -> list[NotificationReason]:
    return list(
        session.scalars(
            select(NotificationReason)
            .where(NotificationReason.notification_id == notification_id)
            .order_by(NotificationReason.id)
        ).all()
    )

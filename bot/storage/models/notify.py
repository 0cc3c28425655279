"""Models of the SMS notification platform (§3.2–§3.7): the outbox, recorded reasons and chat opt-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.models.cases import CaseEvent
from bot.storage.models.core import Base, utcnow

# Outbox states. pending: waiting for (another) attempt; sent: the gateway accepted it; failed: it cannot be
# sent as it stands (no phone, not a mobile, refused by the gateway); dead: given up after the last attempt;
# skipped: deliberately not sent (the event was already stale when it arrived).
PENDING, SENT, FAILED, DEAD, SKIPPED = "pending", "sent", "failed", "dead", "skipped"
STATES = (PENDING, SENT, FAILED, DEAD, SKIPPED)


class Notification(Base):
    """One SMS owed to one recipient because of one case event and one rule: the outbox row.

    Written in the same transaction as the event. `due_by` is the instant the last allowed day ends
    (midnight, Asia/Shanghai): the notice is on time when sent before it. While a dispatcher holds the
    row, `next_attempt_at` is the end of its lease, so a killed dispatcher's rows come back by themselves.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "state", "next_attempt_at"),
        Index("ix_notifications_report", "court_code", "due_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(48))
    # Copied from the case so the compliance report groups by court without joining every case.
    court_code: Mapped[str] = mapped_column(String(16))
    court_name: Mapped[str] = mapped_column(String(64))
    recipient_role: Mapped[str] = mapped_column(String(16))  # applicant / respondent / interested / …
    recipient_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(Integer)
    due_by: Mapped[datetime] = mapped_column()
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(36))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
    gateway_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()

    # Set on creation so that a batch's events and notices go out together at flush, in the right order.
    event: Mapped[CaseEvent] = relationship()


class NotificationReason(Base):
    """Why a notice went out late or not at all (§3.3: 应说明理由并记录在案), who said so and when."""

    __tablename__ = "notification_reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeOptIn(Base):
    """A verified party's wish to receive the notices of one role in one case on a chat channel too."""

    __tablename__ = "notice_opt_ins"
    __table_args__ = (UniqueConstraint("case_id", "role", "channel", "user_key", name="uq_notice_opt_in"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()

"""Parties' choice to receive a case's notices on a chat channel as well as by SMS."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.notify.rules import PARTY_ROLES
from bot.storage.models.core import utcnow
from bot.storage.models.notify import NoticeOptIn


def opt_in(
    session: Session, case_id: int, role: str, channel: str, user_key: str, now: datetime | None = None
) -> NoticeOptIn:
    """Send this role's notices of the case to (channel, user_key) too; doing it twice changes nothing.

    For a party who has verified on that channel; the caller (the case-query flow) checks that."""
    if role not in PARTY_ROLES:
        raise ValueError(f"unknown party role {role!r}")
    found = session.scalars(
        select(NoticeOptIn).where(
            NoticeOptIn.case_id == case_id,
            NoticeOptIn.role == role,
            NoticeOptIn.channel == channel,
            NoticeOptIn.user_key == user_key,
        )
    ).one_or_none()
    if found is None:
        found = NoticeOptIn(
            case_id=case_id, role=role, channel=channel, user_key=user_key, created_at=now or utcnow()
        )
        session.add(found)
    found.withdrawn_at = None
    return found


def opt_out(session: Session, case_id: int, channel: str, user_key: str, now: datetime | None = None) -> int:
    """Stop chat copies of the case's notices to this user; returns how many opt-ins were withdrawn."""
    found = session.scalars(
        select(NoticeOptIn).where(
            NoticeOptIn.case_id == case_id,
            NoticeOptIn.channel == channel,
            NoticeOptIn.user_key == user_key,
            NoticeOptIn.withdrawn_at.is_(None),
        )
    ).all()
    for item in found:
        item.withdrawn_at = now or utcnow()
    return len(found)


def active_opt_ins(session: Session, case_id: int) -> list[NoticeOptIn]:
    return list(
        session.scalars(
            select(NoticeOptIn)
            .where(NoticeOptIn.case_id == case_id, NoticeOptIn.withdrawn_at.is_(None))
            .order_by(NoticeOptIn.id)
        ).all()
    )

"""Models of enforcement cases as the management system pushes them, and of parties' access to them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.models.core import Base, utcnow


class Case(Base):
    """One enforcement case (执行案件), keyed by its canonical case number."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True)
    court_code: Mapped[str] = mapped_column(String(16), index=True)
    court_name: Mapped[str] = mapped_column(String(64))
    case_type: Mapped[str] = mapped_column(String(8))  # 执 / 执恢 / 执异 / 执复 / 执保 / 执监 …
    filed_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    cause: Mapped[str] = mapped_column(String(100), default="")  # 案由
    basis_document: Mapped[str] = mapped_column(String(200), default="")  # 执行依据
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / deferred / suspended / closed
    closing_type: Mapped[str | None] = mapped_column(String(32))
    closed_on: Mapped[date | None] = mapped_column(Date)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    parties: Mapped[list[Party]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Party.position"
    )
    assignments: Mapped[list[StaffAssignment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="StaffAssignment.assigned_on"
    )


class Party(Base):
    """申请执行人 (applicant), 被执行人 (respondent), 利害关系人 (interested) or 案外人 (outsider)."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # person / organisation
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(32))  # resident ID or unified social credit code
    phone: Mapped[str | None] = mapped_column(String(32))

    case: Mapped[Case] = relationship(back_populates="parties")


class StaffMember(Base):
    """A judge, panel member or clerk as known to the management system."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    court_code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(32), default="")  # 审判员 / 法官助理 / 书记员 …
    office_phone: Mapped[str | None] = mapped_column(String(32))


class StaffAssignment(Base):
    """Who handles a case, from when to when: 承办人 (presiding), 合议庭成员 (panel), 书记员 (clerk)."""

    __tablename__ = "staff_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # presiding / panel / clerk
    assigned_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="assignments")
    staff: Mapped[StaffMember] = relationship(lazy="joined")


class CaseEvent(Base):
    """Something that happened in a case, in one of the eight categories of §4 of the rules."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_time", "case_id", "category", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100), unique=True)  # the sender's id: replays are no-ops
    category: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(48))
    occurred_at: Mapped[datetime] = mapped_column()
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerificationFailure(Base):
    """A wrong case number / password pair, counted per case and per user for lockouts."""

    __tablename__ = "verification_failures"
    __table_args__ = (
        Index("ix_verification_failures_case", "case_no", "user_key", "failed_at"),
        Index("ix_verification_failures_user", "user_key", "failed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64))
    user_key: Mapped[str] = mapped_column(String(200))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerificationLock(Base):
    """A lockout: of one case for one user (scope "case"), or of a user across cases (scope "user")."""

    __tablename__ = "verification_locks"
    __table_args__ = (Index("ix_verification_locks_user", "user_key", "locked_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))
    case_no: Mapped[str | None] = mapped_column(String(64))
    user_key: Mapped[str] = mapped_column(String(200))
    locked_until: Mapped[datetime] = mapped_column()
    lifted_at: Mapped[datetime | None] = mapped_column()
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseView(Base):
    """Every look a verified party takes at a case: who, on which channel, when, which category."""

    __tablename__ = "case_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(24))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffAccount(Base):
    """A login to the staff console: 话务员 (operator), 法官 (judge) or 管理员 (admin)."""

    __tablename__ = "staff_accounts"
    __table_args__ = (UniqueConstraint("login", name="uq_staff_account_login"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # operator / judge / admin
    name: Mapped[str] = mapped_column(String(64))
    court_code: Mapped[str | None] = mapped_column(String(16))
    staff_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Models of the public lists of §3.5 (失信, 限高 …), the courts' reward and auction notices, and query counters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.core import Base, utcnow

# Only entries still in force are ever looked up; removed ones stay in the table for the record but
# out of these indexes, so the indexes a lookup walks hold live entries alone.
_LIVE = text("removed_on IS NULL")
_LIVE_ORGANISATION = text("removed_on IS NULL AND subject_type = 'organisation'")


class ListEntry(Base):
    """One entry of one public list, with the fields the national enforcement-information site shows."""

    __tablename__ = "list_entries"
    __table_args__ = (
        UniqueConstraint("kind", "entry_id", name="uq_list_entry"),
        Index("ix_list_entries_id_number", "id_number", postgresql_where=_LIVE, sqlite_where=_LIVE),
        Index(
            "ix_list_entries_org_name",
            "name_key",
            postgresql_where=_LIVE_ORGANISATION,
            sqlite_where=_LIVE_ORGANISATION,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # unfinished / dishonest / exit_ban / bidding_ban / consumption_ban (bot.public_lists.kinds)
    kind: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[str] = mapped_column(String(64))  # the management system's id of the entry
    subject_type: Mapped[str] = mapped_column(String(16))  # person / organisation
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # the name folded for matching
    # A person's 18-digit ID number (shown masked) or an organisation's credit code (public).
    id_number: Mapped[str | None] = mapped_column(String(32))
    legal_representative: Mapped[str | None] = mapped_column(String(64))  # 法定代表人或者负责人
    court_code: Mapped[str] = mapped_column(String(16))
    court_name: Mapped[str] = mapped_column(String(64))
    case_no: Mapped[str] = mapped_column(String(64))
    filed_on: Mapped[date | None] = mapped_column(Date)  # 立案时间
    basis_document: Mapped[str] = mapped_column(String(200), default="")  # 执行依据文号
    basis_issuer: Mapped[str] = mapped_column(String(100), default="")  # 做出执行依据单位
    obligation: Mapped[str] = mapped_column(Text, default="")  # 生效法律文书确定的义务
    performance: Mapped[str | None] = mapped_column(String(16))  # none / partial (被执行人的履行情况)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # 执行标的 / 未履行金额
    conduct: Mapped[str | None] = mapped_column(Text)  # 失信被执行人行为具体情形 (dishonest list only)
    published_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublicNotice(Base):
    """A court's reward notice (悬赏公告, §3.3) or auction notice (拍卖公告, §3.4), linked where it is published."""

    __tablename__ = "public_notices"
    __table_args__ = (
        Index("ix_public_notices_published", "published_on"),
        Index("ix_public_notices_court", "court_code", "published_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # reward / auction
    court_code: Mapped[str] = mapped_column(String(16))
    court_name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    case_no: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    published_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # reward deadline / auction date
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QueryCounter(Base):
    """A fixed-window count of list queries per user or per address, shared by every worker process."""

    __tablename__ = "query_counters"
    __table_args__ = (
        UniqueConstraint("scope", "subject", "window_start", name="uq_query_counter"),
        Index("ix_query_counters_window", "window_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # user / address
    subject: Mapped[str] = mapped_column(String(64))  # a digest of the user key or address
    window_start: Mapped[int] = mapped_column(BigInteger)  # Unix seconds
    count: Mapped[int] = mapped_column(Integer, default=0)

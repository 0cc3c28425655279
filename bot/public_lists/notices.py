"""Listing the courts' reward and auction notices, filtered by court, kind and publication date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.public_lists.kinds import NOTICE_KINDS
from bot.public_lists.search import QueryError
from bot.storage.models.lists import PublicNotice

if TYPE_CHECKING:
    from bot.courts.directory import CourtDirectory

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_COURT_TEXT = 40


@dataclass(frozen=True)
class NoticeFilter:
    court: str = ""
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class NoticeView:
    notice_id: str
    kind: str
    court_name: str
    title: str
    url: str
    case_no: str | None
    summary: str
    published_on: date
    ends_on: date | None


@dataclass(frozen=True)
class NoticePage:
    notices: tuple[NoticeView, ...]
    page: int
    has_more: bool


def _date(value: str | None, field: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(field, "日期格式应为2024-05-01") from None


def parse_filter(
    court: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: str | None = None,
) -> NoticeFilter:
    """A filter from form or query-string values; QueryError names the field to fix."""
    court_text = (court or "").strip()
    if len(court_text) > MAX_COURT_TEXT:
        raise QueryError("court", f"法院名称不能超过{MAX_COURT_TEXT}个字")
    if kind and kind not in NOTICE_KINDS:
        raise QueryError("kind", "公告类型应为 reward（悬赏公告）或 auction（拍卖公告）")
    first, last = _date(since, "from"), _date(until, "to")
    if first and last and first > last:
        raise QueryError("to", "结束日期不能早于开始日期")
    try:
        number = int(page or 1)
    except ValueError:
        raise QueryError("page", "页码应为数字") from None
    return NoticeFilter(court_text, kind or None, first, last, min(max(number, 1), MAX_PAGE))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_notices(
    session: Session, notice_filter: NoticeFilter, today: date, courts: CourtDirectory | None = None
) -> NoticePage:
    """Notices published by today and not withdrawn, newest first, one page of them."""
    statement = select(PublicNotice).where(
        PublicNotice.withdrawn_on.is_(None), PublicNotice.published_on <= today
    )
    if notice_filter.court:
        found = courts.find(notice_filter.court) if courts is not None else []
        if found:
            statement = statement.where(PublicNotice.court_code.in_([court.code for court in found]))
        else:
            pattern = f"%{_escape_like(notice_filter.court)}%"
            statement = statement.where(PublicNotice.court_name.like(pattern, escape="\\"))
    if notice_filter.kind:
        statement = statement.where(PublicNotice.kind == notice_filter.kind)
    if notice_filter.since:
        statement = statement.where(PublicNotice.published_on >= notice_filter.since)
    if notice_filter.until:
        statement = statement.where(PublicNotice.published_on <= notice_filter.until)
    offset = (notice_filter.page - 1) * PAGE_SIZE
    rows = list(
        session.scalars(
            statement.order_by(PublicNotice.published_on.desc(), PublicNotice.id.desc())
            .offset(offset)
            .limit(PAGE_SIZE + 1)
        )
    )
    views = tuple(
        NoticeView(
            notice_id=row.notice_id,
            kind=row.kind,
            court_name=row.court_name,
            title=row.title,
            url=row.url,
            case_no=row.case_no,
            summary=row.summary,
            published_on=row.published_on,
            ends_on=row.ends_on,
        )
        for row in rows[:PAGE_SIZE]
    )
    return NoticePage(views, notice_filter.page, len(rows) > PAGE_SIZE)

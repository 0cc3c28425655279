"""Admin page of knowledge-base gaps: questions the bot could not answer well, grouped and counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.hotline import Hotline
from bot.identity.masking import mask_in_text
from bot.storage.models import KnowledgeGap
from bot.web.console.labels import as_utc
from bot.web.console.paging import PAGE_SIZE, Paging, page_number
from bot.web.console.render import render
from bot.web.runtime import HOTLINE, run_sync

PERIODS = {"7": "近7天", "30": "近30天", "all": "全部"}


@dataclass(frozen=True)
class GapRow:
    question: str  # the latest wording, personal numbers masked
    count: int
    last_seen: datetime
    best_faq_id: str | None
    best_score: float | None


def load_gaps(session: Session, since: datetime | None, page: int) -> Paging[GapRow]:
    where = [KnowledgeGap.created_at >= since] if since is not None else []
    grouped = (
        select(
            KnowledgeGap.normalized,
            func.count(KnowledgeGap.id).label("count"),
            func.max(KnowledgeGap.id).label("latest"),
            func.max(KnowledgeGap.created_at).label("last_seen"),
            func.max(KnowledgeGap.score).label("best_score"),
        )
        .where(*where)
        .group_by(KnowledgeGap.normalized)
        .subquery()
    )
    total = int(session.scalar(select(func.count()).select_from(grouped)) or 0)
    rows = session.execute(
        select(grouped.c.count, grouped.c.last_seen, grouped.c.best_score, KnowledgeGap)
        .join(KnowledgeGap, KnowledgeGap.id == grouped.c.latest)
        .order_by(grouped.c.count.desc(), grouped.c.last_seen.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    items = [
        GapRow(mask_in_text(gap.question), int(count), last_seen, gap.best_faq_id, best)
        for count, last_seen, best, gap in rows
    ]
    return Paging(items, page, total)


def _load(hotline: Hotline, period: str, page: int) -> Paging[GapRow]:
    now = as_utc(hotline.services.clock())
    since = None if period == "all" else now - timedelta(days=int(period))
    with hotline.db.transaction() as session:
        return load_gaps(session, since, page)


async def gaps_page(request: web.Request) -> web.Response:
    period = request.query.get("period", "30")
    period = period if period in PERIODS else "30"
    gaps = await run_sync(request.app, _load, request.app[HOTLINE], period, page_number(request))
    return render(
        request, "gaps.html", gaps=gaps, periods=PERIODS, period=period, pages=gaps.links({"period": period})
    )

"""The notification compliance report (§3.2–§3.7) in the console, and recording why a notice was late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiohttp import web

from bot.hotline import Hotline
from bot.notify.reasons import ReasonError, record_reason
from bot.notify.report import Overdue, ReportFilter, ReportRow, compliance, overdue, totals
from bot.notify.rules import NotifyRules, load_rules
from bot.storage.models import Notification
from bot.web.console import audit
from bot.web.console.access import STAFF, Staff
from bot.web.console.forms import Refused, clean_text
from bot.web.console.labels import as_utc
from bot.web.console.render import error_page, redirect, render
from bot.web.runtime import HOTLINE, run_sync

STATES = {
    "sent": "逾期发送",
    "pending": "未发送",
    "failed": "发送失败",
    "dead": "多次失败",
    "skipped": "未发送",
}
MAX_REASON = 500


@dataclass(frozen=True)
class Report:
    rows: list[ReportRow]
    total: ReportRow
    overdue: list[Overdue]
    rules: NotifyRules


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filter(staff: Staff, query: dict[str, str]) -> ReportFilter:
    # An operator of one court sees that court's report only; others may filter by any court.
    court = staff.court_code if staff.role != "admin" and staff.court_code else query["court"] or None
    return ReportFilter(court, _day(query["from"]), _day(query["to"]))


def _load(hotline: Hotline, chosen: ReportFilter) -> Report:
    rules = load_rules(hotline.settings.data_dir, hotline.services.catalogue, hotline.settings.hotline_phone)
    now = as_utc(hotline.services.clock())
    with hotline.db.transaction() as session:
        rows = compliance(session, rules, chosen, now)
        return Report(rows, totals(rows), overdue(session, chosen, now), rules)


async def report_page(request: web.Request) -> web.Response:
    query = {key: request.query.get(key, "").strip()[:64] for key in ("court", "from", "to")}
    chosen = _filter(request[STAFF], query)
    report = await run_sync(request.app, _load, request.app[HOTLINE], chosen)
    return render(request, "notify.html", form=query, chosen=chosen, report=report, states=STATES)


def _record(hotline: Hotline, staff: Staff, notification_id: int, reason: str) -> None:
    with hotline.db.transaction() as session:
        notice = session.get(Notification, notification_id)
        limited = staff.role != "admin" and staff.court_code is not None
        if notice is None or (limited and notice.court_code != staff.court_code):
            raise Refused(404, f"没有编号为 {notification_id} 的通知，或不属于您的法院。")
        try:
            record_reason(
                session, notification_id, reason, staff.audit_name, as_utc(hotline.services.clock())
            )
        except ReasonError as error:
            raise Refused(422, str(error)) from None
        audit.record(session, staff.account_id, "notify.reason", str(notification_id), reason=reason[:200])


async def record_delay_reason(request: web.Request) -> web.Response:
    raw = request.match_info["notification_id"]
    if not raw.isascii() or not raw.isdigit():
        return error_page(request, 404, "没有这个通知。")
    form = await request.post()
    try:
        reason = clean_text(form.get("reason"), "理由", MAX_REASON)
        await run_sync(request.app, _record, request.app[HOTLINE], request[STAFF], int(raw), reason)
    except Refused as refused:
        return error_page(request, refused.status, refused.message)
    return redirect("/console/notify?done=reason")

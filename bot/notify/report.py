"""The compliance report: per court and per rule, notices due, sent on time, late, missing, and reasons."""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.notify.deadlines import as_utc, day_start, last_day
from bot.notify.rules import NotifyRules
from bot.storage.models.cases import Case
from bot.storage.models.notify import DEAD, FAILED, PENDING, SENT, SKIPPED, Notification, NotificationReason

N = Notification


@dataclass(frozen=True)
class ReportFilter:
    court: str | None = None  # a court code (浙0102) or part of a court's name
    date_from: date | None = None  # by the last allowed day of the notice (Asia/Shanghai)
    date_to: date | None = None


@dataclass(frozen=True)
class ReportRow:
    court_code: str
    court_name: str
    rule: str
    section: str
    title: str
    due: int  # every notice owed, whatever became of it
    on_time: int
    late: int
    missing: int  # not sent and past its deadline, or not sendable (no or bad phone, given up, skipped)
    waiting: int  # not sent yet, deadline not passed
    explained: int  # late or missing with a recorded reason

    @property
    def unexplained(self) -> int:
        return self.late + self.missing - self.explained


@dataclass(frozen=True)
class Overdue:
    """A late or missing notice without a recorded reason, for staff to explain."""

    id: int
    case_no: str
    court_name: str
    rule: str
    recipient_role: str
    due_day: date
    state: str
    sent_at: datetime | None
    problem: str | None


def _conditions(now: datetime) -> dict[str, ColumnElement[bool]]:
    sent = N.state == SENT
    late = and_(sent, N.sent_at >= N.due_by)
    missing = or_(N.state.in_((FAILED, DEAD, SKIPPED)), and_(N.state == PENDING, N.due_by <= now))
    has_reason = exists().where(NotificationReason.notification_id == N.id)
    return {
        "on_time": and_(sent, N.sent_at < N.due_by),
        "late": late,
        "missing": missing,
        "waiting": and_(N.state == PENDING, N.due_by > now),
        "explained": and_(or_(late, missing), has_reason),
        "overdue": and_(or_(late, missing), ~has_reason),
    }


def _where(chosen: ReportFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if chosen.court:
        where.append(or_(N.court_code == chosen.court, N.court_name.contains(chosen.court)))
    # due_by is the midnight ending the last allowed day, so a day range is a range of those midnights.
    if chosen.date_from is not None:
        where.append(N.due_by >= day_start(chosen.date_from + timedelta(days=1)))
    if chosen.date_to is not None:
        where.append(N.due_by <= day_start(chosen.date_to + timedelta(days=1)))
    return where


def compliance(session: Session, rules: NotifyRules, chosen: ReportFilter, now: datetime) -> list[ReportRow]:
    """One row per court and rule, in court order then the rules file's order."""
    now = as_utc(now)
    cond = _conditions(now)
    counts = [func.sum(case((cond[name], 1), else_=0)) for name in ("on_time", "late", "missing", "waiting")]
    statement = (
        select(
            N.court_code,
            N.court_name,
            N.rule,
            func.count(),
            *counts,
            func.sum(case((cond["explained"], 1), else_=0)),
        )
        .where(*_where(chosen))
        .group_by(N.court_code, N.court_name, N.rule)
    )
    order = {rule.code: index for index, rule in enumerate(rules.rules)}
    rows = []
    for code, name, rule_code, *numbers in session.execute(statement).all():
        rule = rules.get(rule_code)
        values = [int(number or 0) for number in numbers]
        rows.append(
            ReportRow(
                code, name, rule_code, rule.section if rule else "", rule.title if rule else "", *values
            )
        )
    return sorted(rows, key=lambda row: (row.court_code, order.get(row.rule, len(order)), row.rule))


def totals(rows: list[ReportRow]) -> ReportRow:
    numbers = [sum(getattr(row, name) for row in rows) for name in NUMBERS]
    return ReportRow("", "合计", "", "", "", *numbers)


def overdue(session: Session, chosen: ReportFilter, now: datetime, limit: int = 200) -> list[Overdue]:
    """Late or missing notices that still lack a reason, oldest deadline first."""
    statement = (
        select(
            N.id,
            Case.case_no,
            N.court_name,
            N.rule,
            N.recipient_role,
            N.due_by,
            N.state,
            N.sent_at,
            N.last_error,
        )
        .join(Case, Case.id == N.case_id)
        .where(*_where(chosen), _conditions(as_utc(now))["overdue"])
        .order_by(N.due_by, N.id)
        .limit(limit)
    )
    return [
        Overdue(row[0], row[1], row[2], row[3], row[4], last_day(row[5]), row[6], row[7], row[8])
        for row in session.execute(statement).all()
    ]


NUMBERS = ("due", "on_time", "late", "missing", "waiting", "explained")
HEADERS = {
    "court_code": "法院代字",
    "court_name": "法院",
    "rule": "规则",
    "section": "条款",
    "title": "告知事项",
    "due": "应告知",
    "on_time": "按时告知",
    "late": "逾期告知",
    "missing": "未告知",
    "waiting": "待发送（未到期）",
    "explained": "已记录理由",
    "unexplained": "未说明理由",
}


def _values(row: ReportRow) -> dict[str, Any]:
    values: dict[str, Any] = {item.name: getattr(row, item.name) for item in fields(row)}
    values["unexplained"] = row.unexplained
    return values


def write_csv(rows: list[ReportRow], path: Path) -> None:
    """The report as CSV with a BOM, so that spreadsheet programs read the Chinese headers correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(HEADERS))
        writer.writerow(HEADERS)
        for row in [*rows, totals(rows)]:
            writer.writerow(_values(row))

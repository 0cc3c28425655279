"""Shared helpers for the notification tests: cases and events through the real ingest path, and a clock."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import upsert_case
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.config import Settings
from bot.notify.record import record_event
from bot.notify.rules import NotifyRules
from bot.storage.db import Database
from bot.storage.models import Case, Notification

CASE_NO = "(2024)浙0102执1234号"
COURT = "杭州市上城区人民法院"
APPLICANT_PHONE = "13812345678"
RESPONDENT_PHONE = "13987654321"
INTERESTED_PHONE = "13711112222"
JUDGE_PHONE = "0571-88881234"
# 2024-03-05 10:00 in Shanghai.
EVENT_AT = "2024-03-05T10:00:00+08:00"
SOON_AFTER = datetime(2024, 3, 5, 2, 30, tzinfo=UTC)

CASE: dict[str, Any] = {
    "court_name": COURT,
    "filed_on": "2024-03-01",
    "amount": "125000.00",
    "cause": "民间借贷纠纷",
    "status": "open",
    "parties": [
        {"role": "applicant", "kind": "person", "name": "张三", "phone": APPLICANT_PHONE},
        {
            "role": "respondent",
            "kind": "organisation",
            "name": "杭州某某贸易有限公司",
            "phone": RESPONDENT_PHONE,
        },
        {"role": "interested", "kind": "person", "name": "李四", "phone": INTERESTED_PHONE},
    ],
    "staff": [
        {
            "staff_no": "T-1",
            "name": "王明",
            "title": "审判员",
            "office_phone": JUDGE_PHONE,
            "role": "presiding",
            "assigned_on": "2024-03-02",
        },
        {"staff_no": "T-9", "name": "周书", "title": "书记员", "role": "clerk", "assigned_on": "2024-03-02"},
    ],
}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = SOON_AFTER) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_case(
    session: Session, settings: Settings, catalogue: Catalogue, case_no: str = CASE_NO, **changes: Any
) -> Case:
    body = copy.deepcopy(CASE)
    body.update(changes)
    payload = CasePayload.model_validate(body, context={"catalogue": catalogue})
    upsert_case(session, case_no, payload, settings, catalogue=catalogue)
    session.flush()
    return session.scalars(select(Case).where(Case.case_no == case_no)).one()


def event(
    kind: str,
    when: str = EVENT_AT,
    event_id: str | None = None,
    summary: str = "冻结被执行人在中国工商银行的存款5万元。",
    **details: Any,
) -> EventPayload:
    return EventPayload.model_validate(
        {
            "event_id": event_id or f"EV-{kind}-{when}",
            "kind": kind,
            "occurred_at": when,
            "summary": summary,
            "details": details,
        }
    )


def record(
    session: Session,
    payload: EventPayload,
    catalogue: Catalogue,
    rules: NotifyRules,
    now: datetime = SOON_AFTER,
    case_no: str = CASE_NO,
) -> list[Notification]:
    result, rows = record_event(session, case_no, payload, catalogue, rules, now)
    assert result == "inserted"
    return rows


def by_role(rows: list[Notification]) -> dict[str, Notification]:
    return {row.recipient_role: row for row in rows}


def seed(
    db: Database,
    settings: Settings,
    catalogue: Catalogue,
    rules: NotifyRules,
    events: int,
    now: datetime = SOON_AFTER,
) -> list[str]:
    """A case and `events` money receipts, three pending notices each; returns their idempotency keys."""
    keys: list[str] = []
    with db.transaction() as session:
        add_case(session, settings, catalogue)
        for number in range(events):
            payload = event("money_received", event_id=f"EV-{number}", amount=str(100 + number))
            keys += [row.idempotency_key for row in record(session, payload, catalogue, rules, now)]
    return keys

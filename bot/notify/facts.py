"""The facts of a case event that SMS templates fill in, and the recipients an event names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.notify.deadlines import SHANGHAI, as_utc, local_day
from bot.notify.rules import DETAIL_ROLES, Anchor, NotifyRules
from bot.storage.models.cases import Case, CaseEvent, StaffAssignment


@dataclass(frozen=True)
class Recipient:
    """Someone a rule tells: `ordinal` tells apart several of one role (it is part of the idempotency key)."""

    role: str
    ordinal: int
    name: str
    phone: str | None


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_time(moment: datetime) -> str:
    local = as_utc(moment).astimezone(SHANGHAI)
    return f"{chinese_date(local.date())}{local.hour}时{local.minute:02d}分"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _amount(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return ""
    return f"{amount:,.2f}" if amount.is_finite() and amount >= 0 else ""


def _on_duty(assignments: list[StaffAssignment], role: str, day: date) -> list[StaffAssignment]:
    """Assignments of a role running on the day, oldest first (on a change day the new one comes last)."""
    running = [
        item
        for item in assignments
        if item.role == role and item.assigned_on <= day and (item.ended_on is None or item.ended_on >= day)
    ]
    if not running:
        running = [item for item in assignments if item.role == role and item.ended_on is None]
    return sorted(running, key=lambda item: item.assigned_on)


def event_facts(event: CaseEvent, case: Case, rules: NotifyRules) -> dict[str, str]:
    """Every template field for this event; an optional field the event lacks is the empty string."""
    details = event.details or {}
    day = local_day(event.occurred_at)
    presiding = _on_duty(case.assignments, "presiding", day)
    if _text(details.get("judge")):
        judge, judge_phone = _text(details.get("judge")), _text(details.get("judge_phone"))
    elif presiding:
        judge, judge_phone = presiding[-1].staff.name, presiding[-1].staff.office_phone or ""
    else:
        judge, judge_phone = "", ""
    panel_detail = details.get("panel")
    if isinstance(panel_detail, list):
        panel = "、".join(_text(name) for name in panel_detail if _text(name))
    else:
        panel = _text(panel_detail) or "、".join(
            item.staff.name for item in _on_duty(case.assignments, "panel", day)
        )
    return {
        "court": case.court_name,
        "case_no": case.case_no,
        "event": rules.kind_labels.get(event.kind, event.kind),
        "summary": event.summary.strip(),
        "date": chinese_date(day),
        "time": chinese_time(event.occurred_at),
        "hotline": rules.hotline,
        "judge": judge,
        "judge_phone": judge_phone,
        "panel": panel,
        "amount": _amount(details.get("amount")),
        "item": _text(details.get("item")),
    }


def anchor_day(counted_from: Anchor, event: CaseEvent, case: Case) -> date:
    """The day a deadline counts from: the event's, the filing's, or the day the money was confirmed."""
    if counted_from == "filing":
        return case.filed_on
    if counted_from == "confirmed":
        confirmed = (event.details or {}).get("confirmed_at")
        if isinstance(confirmed, str) and confirmed:
            try:
                moment = datetime.fromisoformat(confirmed)
            except ValueError:
                moment = None
            if moment is not None:
                return moment.date() if moment.tzinfo is None else local_day(moment)
    return local_day(event.occurred_at)


def recipients(roles: tuple[str, ...], event: CaseEvent, case: Case) -> Iterator[Recipient]:
    """The parties in the roles asked for, in the case's order, then any reporter or informant named."""
    counts: dict[str, int] = {}
    for party in case.parties:
        if party.role in roles:
            ordinal = counts.get(party.role, 0)
            counts[party.role] = ordinal + 1
            yield Recipient(party.role, ordinal, party.name, party.phone)
    details = event.details or {}
    for role in DETAIL_ROLES:
        if role not in roles:
            continue
        named = details.get(role)
        people = named if isinstance(named, list) else [named] if named else []
        for ordinal, person in enumerate(people):
            if isinstance(person, dict):
                yield Recipient(
                    role,
                    ordinal,
                    _text(person.get("name")) or "（未留姓名）",
                    _text(person.get("phone")) or None,
                )

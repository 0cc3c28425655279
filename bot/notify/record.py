"""Enqueueing an event's notifications in the transaction that records it: one event, or a batch of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import EventLookup, add_event
from bot.case_lookup.payloads import EventPayload
from bot.notify.optin import active_opt_ins
from bot.notify.outbox import enqueue_for_event
from bot.notify.rules import NotifyRules
from bot.storage.models.cases import Case, CaseEvent, StaffAssignment
from bot.storage.models.core import utcnow
from bot.storage.models.notify import NoticeOptIn, Notification


def notify_event(
    session: Session, event: CaseEvent, rules: NotifyRules, now: datetime | None = None
) -> list[Notification]:
    """The notifications of one newly added event (pending or flushed): what add_event calls last."""
    if event.kind not in rules.by_kind:
        return []
    case = session.get(Case, event.case_id, options=[joinedload(Case.parties), joinedload(Case.assignments)])
    if case is None:
        return []
    return enqueue_for_event(session, event, case, rules, now or utcnow())


def notifier(rules: NotifyRules | None) -> Callable[[Session, CaseEvent], object] | None:
    """What add_event calls with each new event: its notifications (None when no rules are loaded)."""
    return None if rules is None else partial(_notify, rules=rules)


def _notify(session: Session, event: CaseEvent, rules: NotifyRules) -> list[Notification]:
    return notify_event(session, event, rules)


@dataclass
class NotifyBatch:
    """For batch loads: the batch's cases (parties, staff) and chat opt-ins, fetched in a few queries.

    With it, enqueueing reads nothing per event, so a batch's events and notices are all inserted at
    flush, as the importer's fast path inserts its events.
    """

    rules: NotifyRules
    cases: dict[int, Case]
    opt_ins: dict[int, list[NoticeOptIn]]

    @classmethod
    def fetch(cls, session: Session, rules: NotifyRules, case_ids: Iterable[int]) -> NotifyBatch:
        wanted = set(case_ids)
        if not wanted:
            return cls(rules, {}, {})
        cases = session.scalars(
            select(Case)
            .where(Case.id.in_(wanted))
            .options(
                selectinload(Case.parties), selectinload(Case.assignments).joinedload(StaffAssignment.staff)
            )
        ).all()
        opt_ins: dict[int, list[NoticeOptIn]] = {case_id: [] for case_id in wanted}
        found = session.scalars(
            select(NoticeOptIn)
            .where(NoticeOptIn.case_id.in_(wanted), NoticeOptIn.withdrawn_at.is_(None))
            .order_by(NoticeOptIn.id)
        )
        for item in found:
            opt_ins[item.case_id].append(item)
        return cls(rules, {case.id: case for case in cases}, opt_ins)

    def enqueue(self, session: Session, event: CaseEvent, now: datetime | None = None) -> list[Notification]:
        if event.kind not in self.rules.by_kind:
            return []
        case = self.cases.get(event.case_id)
        if case is None:  # not fetched for this batch: read it now
            return notify_event(session, event, self.rules, now)
        opt_ins = self.opt_ins.get(event.case_id)
        if opt_ins is None:
            opt_ins = active_opt_ins(session, event.case_id)
        return enqueue_for_event(session, event, case, self.rules, now or utcnow(), opt_ins=opt_ins)


def record_event(
    session: Session,
    case_no: str,
    payload: EventPayload,
    catalogue: Catalogue,
    rules: NotifyRules,
    now: datetime | None = None,
    *,
    lookup: EventLookup | None = None,
    batch: NotifyBatch | None = None,
) -> tuple[Literal["inserted", "duplicate"], list[Notification]]:
    """add_event with the event's notifications, returning both (for tests, benches and tools)."""
    created: list[Notification] = []

    def notify(session: Session, event: CaseEvent) -> None:
        created.extend(
            batch.enqueue(session, event, now) if batch else notify_event(session, event, rules, now)
        )

    result = add_event(session, case_no, payload, catalogue, lookup=lookup, notify=notify)
    return result, created

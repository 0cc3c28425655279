"""Writing the SMS an event owes into the outbox, in the transaction that records the event."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.messages import Reply
from bot.core.push import enqueue as enqueue_push
from bot.identity.phone import PhoneError, normalize_mobile
from bot.notify.deadlines import as_utc, due_by
from bot.notify.facts import Recipient, anchor_day, event_facts, recipients
from bot.notify.optin import active_opt_ins
from bot.notify.rules import NotifyRules, Rule
from bot.notify.templates import segments
from bot.storage.models.cases import Case, CaseEvent
from bot.storage.models.notify import FAILED, PENDING, SKIPPED, NoticeOptIn, Notification

NO_PHONE = "未登记手机号"


def idempotency_key(event_external_id: str, rule: str, recipient: Recipient) -> str:
    """Stable across retries, restarts and database rebuilds: the sender's event id, rule and recipient.

    Hashed so that it is of fixed length and carries nothing personal to the gateway."""
    raw = "\x1f".join((event_external_id, rule, recipient.role, str(recipient.ordinal)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _phone_state(phone: str | None) -> tuple[str | None, str | None]:
    """(the number to text, why not): a mainland mobile, or None and the reason in Chinese."""
    if not phone or not phone.strip():
        return None, NO_PHONE
    try:
        return normalize_mobile(phone), None
    except PhoneError as error:
        return None, f"手机号无效：{error.reason}"


def enqueue_for_event(
    session: Session,
    event: CaseEvent,
    case: Case,
    rules: NotifyRules,
    now: datetime,
    *,
    opt_ins: Sequence[NoticeOptIn] | None = None,
) -> list[Notification]:
    """Add the notifications the rules owe for this event to the session (the caller commits).

    A recipient without a usable mobile gets a row in state failed, which the compliance report counts
    as missing until a reason is recorded; a notice already far past due when the event arrives is
    recorded as skipped. Calling it again for the same event adds nothing. Parties who opted in on a chat
    channel also get the text there; the SMS stays the notice of record.

    The event may still be pending (not flushed): the rows point at it by relationship, so a batch's
    events and notices are inserted together. `opt_ins` are the case's active chat opt-ins when the
    caller has fetched them for a whole batch; otherwise they are read here.
    """
    matched = rules.for_event(event.kind, case.case_type)
    if not matched:
        return []
    now = as_utc(now)
    # An event not yet flushed is new: nothing can have been enqueued for it.
    existing: set[str] = set()
    if event.id is not None:
        existing = set(
            session.scalars(select(Notification.idempotency_key).where(Notification.event_id == event.id))
        )
    facts = event_facts(event, case, rules)
    if opt_ins is None:
        opt_ins = active_opt_ins(session, case.id)
    created: list[Notification] = []
    for rule in matched:
        due = due_by(anchor_day(rule.counted_from, event, case), rule.days)
        stale = rules.stale_days > 0 and now >= due + timedelta(days=rules.stale_days)
        pushed: set[int] = set()
        for recipient in recipients(rule.recipients, event, case):
            key = idempotency_key(event.external_id, rule.code, recipient)
            if key in existing:
                continue
            text = rule.template.render(
                {**facts, "role": rules.role_labels[recipient.role], "name": recipient.name}
            )
            notification = _row(event, case, rule, recipient, key, text, due, now, stale)
            session.add(notification)
            created.append(notification)
            if stale:
                continue
            for opt_in in opt_ins:
                if opt_in.role == recipient.role and opt_in.id not in pushed:
                    pushed.add(opt_in.id)
                    enqueue_push(session, opt_in.channel, opt_in.user_key, Reply((text,)), f"notice:{key}")
    return created


def _row(
    event: CaseEvent,
    case: Case,
    rule: Rule,
    recipient: Recipient,
    key: str,
    text: str,
    due: datetime,
    now: datetime,
    stale: bool,
) -> Notification:
    mobile, problem = _phone_state(recipient.phone)
    state = SKIPPED if stale else FAILED if problem else PENDING
    if stale:
        problem = "事件推送时已远超告知期限，未发送短信"
    return Notification(
        case_id=case.id,
        event=event,
        rule=rule.code,
        court_code=case.court_code,
        court_name=case.court_name,
        recipient_role=recipient.role,
        recipient_name=recipient.name[:200],
        phone=mobile or (recipient.phone[:32] if recipient.phone else None),
        text=text,
        segments=segments(text),
        due_by=due,
        state=state,
        attempts=0,
        next_attempt_at=now,
        idempotency_key=key,
        last_error=problem,
        created_at=now,
    )

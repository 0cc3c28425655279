"""A ticket's thread: staff replies (pushed to the user's chat), notes, user messages, assignment and closing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.verification import as_utc
from bot.core import push
from bot.core.messages import Reply
from bot.core.texts import Texts
from bot.storage.models import AuditEntry, Ticket, TicketMessage, utcnow
from bot.tickets import ANSWERED, CLOSED, HANDOFF, IN_PROGRESS, NOTE, OPEN, STAFF, SYSTEM, USER

MAX_TEXT = 20_000
# The words of data/texts.yaml `tickets.push`, for a caller that has no loaded Texts at hand (a script, the
# console before it passes its own); tests keep the two identical, and texts passed in always win.
FALLBACK_PUSH: Mapping[str, str] = {
    "reply": "【工单 {number}】工作人员答复：\n{text}",
    "handoff_reply": "工作人员：{text}",
    "closed": "【工单 {number}】已办结。\n处理结果：{resolution}",
    "handoff_closed": "本次人工服务已结束（工单号 {number}）。如还需要帮助，请回复“菜单”或“转人工”。",
}


def reply_to_user(
    session: Session,
    ticket: Ticket,
    text: str,
    account_id: int | None,
    *,
    texts: Texts | None = None,
    now: datetime | None = None,
) -> TicketMessage:
    """A staff reply: added to the thread, the ticket marked answered, and queued for the user's chat, all in
    the caller's transaction (the user gets it exactly when it is committed)."""
    body = _checked(text)
    now = as_utc(now) if now else utcnow()
    message = _add(session, ticket, STAFF, body, now, account_id)
    if ticket.status != CLOSED:
        ticket.status = ANSWERED
    key = "handoff_reply" if ticket.kind == HANDOFF else "reply"
    _push(session, ticket, _words(texts, key, number=ticket.number, text=body))
    _audit(session, account_id, "ticket.reply", ticket, now, message_chars=len(body))
    return message


def close_ticket(
    session: Session,
    ticket: Ticket,
    resolution: str,
    account_id: int | None,
    *,
    texts: Texts | None = None,
    now: datetime | None = None,
    notify: bool = True,
) -> None:
    """Close with a resolution; the user is told on their chat unless notify is False."""
    body = _checked(resolution)
    now = as_utc(now) if now else utcnow()
    previous = ticket.status
    ticket.status, ticket.resolution, ticket.closed_at = CLOSED, body, now
    _add(session, ticket, SYSTEM, body, now, account_id)
    if notify:
        if ticket.kind == HANDOFF:
            words = _words(texts, "handoff_closed", number=ticket.number)
        else:
            words = _words(texts, "closed", number=ticket.number, resolution=body)
        _push(session, ticket, words)
    _audit(session, account_id, "ticket.close", ticket, now, previous=previous)


def assign_ticket(
    session: Session,
    ticket: Ticket,
    assignee_id: int | None,
    account_id: int | None,
    *,
    court_code: str | None = None,
    staff_member_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Give the ticket to a staff account (None: back to the queue), optionally to another court or judge."""
    now = as_utc(now) if now else utcnow()
    details: dict[str, Any] = {"assignee": [ticket.assignee_id, assignee_id]}
    ticket.assignee_id = assignee_id
    if court_code is not None:
        details["court"] = [ticket.court_code, court_code]
        ticket.court_code = court_code
    if staff_member_id is not None:
        details["staff_member"] = [ticket.staff_member_id, staff_member_id]
        ticket.staff_member_id = staff_member_id
    if assignee_id is not None and ticket.status == OPEN:
        ticket.status = IN_PROGRESS
    elif assignee_id is None and ticket.status == IN_PROGRESS:
        ticket.status = OPEN
    ticket.updated_at = now
    _audit(session, account_id, "ticket.assign", ticket, now, **details)


def add_note(
    session: Session, ticket: Ticket, text: str, account_id: int | None, *, now: datetime | None = None
) -> TicketMessage:
    """A staff-internal note: in the thread for colleagues, never shown to the user."""
    now = as_utc(now) if now else utcnow()
    message = _add(session, ticket, NOTE, _checked(text), now, account_id)
    _audit(session, account_id, "ticket.note", ticket, now)
    return message


def add_user_message(
    session: Session, ticket: Ticket, text: str, *, now: datetime | None = None
) -> TicketMessage:
    """A message from the user on an open ticket; an answered ticket needs staff attention again."""
    now = as_utc(now) if now else utcnow()
    message = _add(session, ticket, USER, _checked(text), now, None)
    if ticket.status == ANSWERED:
        ticket.status = IN_PROGRESS if ticket.assignee_id is not None else OPEN
    return message


def add_system_note(
    session: Session, ticket: Ticket, text: str, *, now: datetime | None = None
) -> TicketMessage:
    return _add(session, ticket, SYSTEM, _checked(text), as_utc(now) if now else utcnow(), None)


def latest_staff_reply(session: Session, ticket: Ticket) -> TicketMessage | None:
    return session.scalar(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket.id, TicketMessage.author == STAFF)
        .order_by(TicketMessage.id.desc())
        .limit(1)
    )


def _checked(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise ValueError("the text is empty")
    return body[:MAX_TEXT]


def _add(
    session: Session, ticket: Ticket, author: str, text: str, now: datetime, account_id: int | None
) -> TicketMessage:
    message = TicketMessage(ticket=ticket, author=author, account_id=account_id, text=text, created_at=now)
    session.add(message)
    ticket.updated_at = now
    session.flush()
    return message


def _words(texts: Texts | None, key: str, **values: object) -> str:
    if texts is not None:
        return texts(f"tickets.push.{key}", **values)
    return FALLBACK_PUSH[key].format(**values)


def _push(session: Session, ticket: Ticket, text: str) -> None:
    push.enqueue(session, ticket.channel, ticket.user_key, Reply((text,)), f"ticket:{ticket.number}")


def _audit(
    session: Session, account_id: int | None, action: str, ticket: Ticket, now: datetime, **details: Any
) -> None:
    """Staff actions only: what the user or the system does is in the thread, not the audit log."""
    if account_id is None:
        return
    details = {"status": ticket.status, **details}
    session.add(
        AuditEntry(
            account_id=account_id, action=action, target=f"ticket:{ticket.number}", details=details, at=now
        )
    )

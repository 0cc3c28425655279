"""信访/工单查询: a ticket's status, latest reply and due date, by its number and the contact phone's last digits."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.case_lookup.verification import as_utc
from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.handlers.ticket_submit import date_text
from bot.storage.models import Ticket
from bot.tickets.intake import tickets_of
from bot.tickets.numbering import split_number
from bot.tickets.status import MAX_FAILURES, WINDOW, Attempts, find_ticket, status_of

NAME = "ticket_status"
MEMORY = "ticket_status"
ASK_NUMBER, ASK_DIGITS, SHOWN = "number", "digits", "shown"
MAX_REPLY = 500
# Four digits on their own, after the ticket number in the same message ("GD20261127-0042 5678").
_DIGITS_AFTER = re.compile(r"(?<!\d)(\d{4})\s*$")


def start(ctx: Context) -> Reply:
    locked = _locked(ctx)
    if locked is not None:
        return locked
    ctx.state = {"step": ASK_NUMBER}
    mine = tuple(
        ticket.number for ticket in tickets_of(ctx.session, ctx.inbound.channel, ctx.inbound.user_key)
    )
    text = ctx.texts("tickets.status.ask_number_mine" if mine else "tickets.status.ask_number")
    return Reply((text,), (*mine, ctx.texts("options.menu")))


def on_message(ctx: Context) -> Reply | None:
    step = ctx.state.get("step")
    found = split_number(ctx.text)
    if found is not None:
        number, rest = found
        trailing = _DIGITS_AFTER.search(rest)
        return _check(ctx, number, trailing.group(1)) if trailing else _ask_digits(ctx, number)
    if ctx.text == ctx.texts("tickets.status.other"):
        return start(ctx)
    if step == ASK_DIGITS:
        digits = re.sub(r"\s", "", unicodedata.normalize("NFKC", ctx.text))
        if len(digits) == 4 and digits.isascii() and digits.isdigit():
            return _check(ctx, str(ctx.state["number"]), digits)
        return Reply((ctx.texts("tickets.status.bad_digits"),), (ctx.texts("options.menu"),))
    if step == ASK_NUMBER and any(ch.isdigit() for ch in ctx.text):
        return Reply((ctx.texts("tickets.status.bad_number"),), (ctx.texts("options.menu"),))
    return None  # not a ticket number: the router finds what it is


def detect(ctx: Context) -> Reply | None:
    """Outside any flow: a message holding a ticket number starts the query with it."""
    if split_number(ctx.text) is None:
        return None
    ctx.flow, ctx.state, ctx.intent = NAME, {}, NAME
    return on_message(ctx)


def back(ctx: Context) -> Reply | None:
    return start(ctx) if ctx.state.get("step") in (ASK_DIGITS, SHOWN) else None


def _ask_digits(ctx: Context, number: str) -> Reply:
    locked = _locked(ctx)
    if locked is not None:
        return locked
    ctx.state = {"step": ASK_DIGITS, "number": number}
    return Reply((ctx.texts("tickets.status.ask_digits", number=number),), (ctx.texts("options.menu"),))


def _check(ctx: Context, number: str, digits: str) -> Reply:
    locked = _locked(ctx)
    if locked is not None:
        return locked
    ticket = find_ticket(ctx.session, number, digits)
    if ticket is None:
        # An unknown number and wrong digits get the same answer, and both count against the limit.
        attempts = Attempts.from_memory(ctx.memory.get(MEMORY))
        now = ctx.services.clock()
        attempts.fail(now)
        ctx.memory[MEMORY] = attempts.to_memory()
        locked = _locked(ctx)
        if locked is not None:
            return locked
        ctx.state = {"step": ASK_NUMBER}
        left = ctx.texts(
            "tickets.status.attempts_left",
            minutes=int(WINDOW.total_seconds() // 60),
            limit=MAX_FAILURES,
            count=attempts.left(now),
        )
        return Reply((ctx.texts("tickets.status.not_found"), left), (ctx.texts("options.menu"),))
    ctx.state = {"step": SHOWN}
    return Reply((_status_text(ctx, ticket),), (ctx.texts("tickets.status.other"), ctx.texts("options.menu")))


def _status_text(ctx: Context, ticket: Ticket) -> str:
    now = ctx.services.clock()
    shown = status_of(ctx.session, ticket, now)
    texts = ctx.texts
    kind = ticket.subject or texts(f"tickets.subjects.{ticket.kind}")
    due = date_text(ctx, shown.due_at, now)
    lines = [
        texts("tickets.status.number", number=shown.number),
        texts("tickets.status.kind", kind=kind),
        texts("tickets.status.created", date=date_text(ctx, shown.created_at, now)),
        texts("tickets.status.state", status=texts(f"tickets.statuses.{shown.status}")),
        texts("tickets.status.overdue" if shown.overdue else "tickets.status.due", date=due),
    ]
    if shown.latest_reply and shown.latest_reply_at:
        reply = shown.latest_reply
        reply = reply if len(reply) <= MAX_REPLY else reply[: MAX_REPLY - 1] + "…"
        lines.append(
            texts("tickets.status.reply", date=date_text(ctx, shown.latest_reply_at, now), text=reply)
        )
    else:
        lines.append(texts("tickets.status.no_reply"))
    if shown.resolution:
        lines.append(texts("tickets.status.resolution", text=shown.resolution))
    return "\n".join(lines)


def _locked(ctx: Context) -> Reply | None:
    until = Attempts.from_memory(ctx.memory.get(MEMORY)).locked(ctx.services.clock())
    if until is None:
        return None
    ctx.finish()
    text = ctx.texts("tickets.status.locked", until=_clock_text(ctx, until))
    return Reply((text,), (ctx.texts("options.human"), ctx.texts("options.menu")))


def _clock_text(ctx: Context, until: datetime) -> str:
    # Rounded up to the minute, so "after 14:35" is never a moment too early.
    local = (as_utc(until) + timedelta(seconds=59)).astimezone(ZoneInfo(ctx.settings.timezone))
    values = {"month": local.month, "day": local.day, "hour": local.hour, "minute": local.minute}
    return ctx.texts("tickets.status.time", **values)


FLOW = Flow(NAME, start, on_message, back)

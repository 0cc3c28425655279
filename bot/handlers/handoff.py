"""转人工: hand the conversation to a person. The bot then keeps quiet: every message goes onto the ticket for
staff, with a short acknowledgement at most once a minute, until the user leaves with 取消 or staff close it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.case_lookup.verification import as_utc
from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.core.router import main_menu
from bot.handlers.case_query import verified_case
from bot.handlers.ticket_form import said
from bot.storage.models import Conversation, Ticket, Turn
from bot.tickets import CLOSED, HANDOFF, SYSTEM
from bot.tickets.intake import TicketDraft, file_ticket, open_ticket_of
from bot.tickets.thread import add_system_note, add_user_message

NAME = "handoff"
ACK_INTERVAL = timedelta(minutes=1)
HISTORY_TURNS = 10
MAX_LINE = 300
# Leaving the hand-off: the cancel, back and menu commands, and the hand-off's own words.
LEAVE_WORDS = ("commands.cancel", "commands.back", "commands.menu", "tickets.handoff.end_words")


def start(ctx: Context) -> Reply:
    """Join the user's open hand-off ticket, or open one carrying the recent conversation."""
    now = ctx.services.clock()
    ticket = open_ticket_of(ctx.session, ctx.inbound.channel, ctx.inbound.user_key, HANDOFF)
    if ticket is not None:
        _attach(ctx, ticket, now)
        return Reply((ctx.texts("tickets.handoff.already", number=ticket.number),))
    history = _recent_turns(ctx)
    content = _transcript(ctx, history)
    case = verified_case(ctx)
    draft = TicketDraft(
        kind=HANDOFF,
        content=content,
        channel=ctx.inbound.channel,
        user_key=ctx.inbound.user_key,
        subject=ctx.texts("tickets.subjects.handoff"),
        case_no=case.case_no if case else None,
        case_id=case.id if case else None,
        court_code=case.court_code if case else None,
        attachments={"conversation": [_turn_record(turn) for turn in history]},
        first_author=SYSTEM,
    )
    ticket = file_ticket(ctx.session, draft, ctx.settings, now)
    _attach(ctx, ticket, now)
    return Reply((ctx.texts("tickets.handoff.started", number=ticket.number),)).explained(
        ticket=ticket.number
    )


def on_message(ctx: Context) -> Reply | None:
    ticket = _ticket(ctx)
    if ticket is None or ticket.status == CLOSED:
        ctx.finish()
        return None  # staff closed it (the user was told on their chat): the message is the bot's again
    if any(said(ctx, words) for words in LEAVE_WORDS):
        return _leave(ctx, ticket)
    if said(ctx, "commands.human"):
        ctx.state["acked_at"] = ctx.services.clock().isoformat()
        return Reply((ctx.texts("tickets.handoff.already", number=ticket.number),))
    now = ctx.services.clock()
    text = _message_text(ctx)
    if text:
        add_user_message(ctx.session, ticket, text, now=now)
    last = ctx.state.get("acked_at")
    if last and as_utc(now) - as_utc(datetime.fromisoformat(str(last))) < ACK_INTERVAL:
        # The person is reading along; a bot line after every message would talk over them.
        return Reply((), meta={"silent": True, "ticket": ticket.number})
    ctx.state["acked_at"] = now.isoformat()
    return Reply((ctx.texts("tickets.handoff.ack"),)).explained(ticket=ticket.number)


def back(ctx: Context) -> Reply | None:
    ticket = _ticket(ctx)
    if ticket is None or ticket.status == CLOSED:
        return None
    return _leave(ctx, ticket)


def _leave(ctx: Context, ticket: Ticket) -> Reply:
    """The user leaves; the ticket stays for staff, with a note saying so."""
    add_system_note(ctx.session, ticket, ctx.texts("tickets.handoff.note_left"), now=ctx.services.clock())
    ctx.finish()
    return main_menu(ctx, ctx.texts("tickets.handoff.left", number=ticket.number))


def _attach(ctx: Context, ticket: Ticket, now: datetime) -> None:
    ctx.state = {"ticket_id": ticket.id, "number": ticket.number, "acked_at": now.isoformat()}


def _ticket(ctx: Context) -> Ticket | None:
    ticket_id = ctx.state.get("ticket_id")
    return ctx.session.get(Ticket, int(ticket_id)) if ticket_id else None


def _message_text(ctx: Context) -> str:
    refs = " ".join(ctx.inbound.attachments)
    attachment = ctx.texts("tickets.handoff.attachment", refs=refs) if refs else ""
    return "\n".join(part for part in (ctx.text, attachment) if part)


def _recent_turns(ctx: Context) -> list[Turn]:
    """The conversation's last turns before this one, oldest first."""
    conversation = select(Conversation.id).where(
        Conversation.channel == ctx.inbound.channel, Conversation.user_key == ctx.inbound.user_key
    )
    turns = ctx.session.scalars(
        select(Turn)
        .where(Turn.conversation_id == conversation.scalar_subquery())
        .order_by(Turn.id.desc())
        .limit(HISTORY_TURNS)
    ).all()
    return list(reversed(turns))


def _turn_record(turn: Turn) -> dict[str, Any]:
    return {"at": as_utc(turn.created_at).isoformat(), "user": turn.text, "bot": _reply_text(turn)}


def _reply_text(turn: Turn) -> str:
    parts = (turn.reply or {}).get("parts", ())
    text = "\n\n".join(str(part) for part in parts if part)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def _transcript(ctx: Context, turns: list[Turn]) -> str:
    if not turns:
        return ctx.texts("tickets.handoff.note_no_history")
    lines = [ctx.texts("tickets.handoff.note_started")]
    for turn in turns:
        lines.append(ctx.texts("tickets.handoff.transcript_user", text=turn.text))
        reply = _reply_text(turn)
        if reply:
            lines.append(ctx.texts("tickets.handoff.transcript_bot", text=reply))
    return "\n".join(lines)


FLOW = Flow(NAME, start, on_message, back)

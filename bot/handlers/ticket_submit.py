"""The end of a ticket flow: the summary the user confirms, and the ticket written in the turn's transaction."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.case_lookup.verification import as_utc
from bot.core.context import Context
from bot.core.messages import Reply
from bot.tickets.intake import TicketDraft, file_ticket

PREVIEW = 300


def summary(ctx: Context) -> tuple[str, ...]:
    """What will be submitted, line by line, for the user to check."""
    state, texts = ctx.state, ctx.texts
    lines = [texts("tickets.form.confirm_kind", kind=texts(f"tickets.subjects.{state['subject']}"))]
    if "case_no" in state["plan"] or state.get("case_no"):
        case_no = state.get("case_no")
        lines.append(
            texts("tickets.form.confirm_case", case_no=case_no)
            if case_no
            else texts("tickets.form.confirm_no_case")
        )
    if state.get("route"):
        lines.append(texts("tickets.form.confirm_route", route=state["route"]))
    content = str(state.get("content", ""))
    preview = content if len(content) <= PREVIEW else content[: PREVIEW - 1] + "…"
    lines.append(texts("tickets.form.confirm_content", content=preview))
    if state.get("photos"):
        lines.append(texts("tickets.form.confirm_photos", count=len(state["photos"])))
    phone = state.get("phone")
    lines.append(
        texts("tickets.form.confirm_phone", phone=phone) if phone else texts("tickets.form.confirm_no_phone")
    )
    if phone and not state.get("consent_implied"):
        consent = "confirm_consent_yes" if state.get("consent") else "confirm_consent_no"
        lines.append(texts(f"tickets.form.{consent}"))
    return (texts("tickets.form.confirm_head"), "\n".join(lines), texts("tickets.form.confirm_hint"))


def submit(ctx: Context) -> Reply:
    """Write the ticket in this turn's transaction; "已受理" is returned, and so read, only after it commits."""
    state, texts = ctx.state, ctx.texts
    now = ctx.services.clock()
    phone = state.get("phone")
    draft = TicketDraft(
        kind=state["kind"],
        content=str(state["content"]),
        channel=ctx.inbound.channel,
        user_key=ctx.inbound.user_key,
        subject=texts(f"tickets.subjects.{state['subject']}"),
        case_no=state.get("case_no"),
        case_id=state.get("case_id"),
        court_code=state.get("court_code"),
        staff_member_id=state.get("staff_member_id"),
        contact_phone=phone,
        callback_consent=bool(state.get("consent")),
        attachments={"photos": list(state["photos"])} if state.get("photos") else {},
    )
    ticket = file_ticket(ctx.session, draft, ctx.settings, now)
    ctx.intent = ctx.intent or ctx.flow
    ctx.finish()
    parts = [
        texts("tickets.form.accepted", number=ticket.number),
        texts("tickets.form.accepted_due", due=date_text(ctx, ticket.due_at, now)),
    ]
    if phone and state.get("consent_implied"):
        parts.append(texts("tickets.form.accepted_callback", phone=phone))
    parts.append(texts("tickets.form.accepted_query" if phone else "tickets.form.accepted_no_phone"))
    options = (texts("tickets.options.status"), texts("options.menu"))
    return Reply(tuple(parts), options).explained(ticket=ticket.number)


def date_text(ctx: Context, moment: datetime, now: datetime) -> str:
    """ "12月7日", with the year when it is not this year's."""
    zone = ZoneInfo(ctx.settings.timezone)
    day, today = as_utc(moment).astimezone(zone).date(), as_utc(now).astimezone(zone).date()
    name = "tickets.date" if day.year == today.year else "tickets.date_full"
    return ctx.texts(name, year=day.year, month=day.month, day=day.day)

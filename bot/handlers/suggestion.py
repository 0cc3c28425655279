"""意见建议: a suggestion about enforcement work or this hotline, with an optional phone number."""

from __future__ import annotations

from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.handlers import ticket_form
from bot.handlers.ticket_form import CONFIRM, CONSENT, CONTENT, PHONE
from bot.tickets import SUGGESTION

NAME = "suggestion"


def start(ctx: Context) -> Reply:
    return ticket_form.begin(
        ctx, [CONTENT, PHONE, CONSENT, CONFIRM], kind=SUGGESTION, subject="suggestion", phone_required=False
    )


def on_message(ctx: Context) -> Reply | None:
    return ticket_form.handle(ctx)


def back(ctx: Context) -> Reply | None:
    return ticket_form.back(ctx)


FLOW = Flow(NAME, start, on_message, back)

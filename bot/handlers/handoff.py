"""转人工: hand the conversation to a person. Until the staff console exists, say so honestly."""

from __future__ import annotations

from bot.core.context import Context, Flow
from bot.core.messages import Reply


def start(ctx: Context) -> Reply:
    ctx.finish()
    return Reply((ctx.texts("human.unavailable"),), (ctx.texts("options.menu"),))


def on_message(ctx: Context) -> Reply | None:
    return None


FLOW = Flow("handoff", start, on_message)

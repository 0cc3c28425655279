"""Deciding what a message means: universal commands, option numbers, the active flow, menu words, intents."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.context import Context, MenuItem
from bot.core.messages import Reply
from bot.core.normalize import has_letters_or_digits

# An intent detector looks at free text outside any flow and answers it, or returns None.
Detector = Callable[[Context], "Reply | None"]


def main_menu(ctx: Context, *lead: str) -> Reply:
    parts = (*lead, ctx.texts("menu.title"))
    return Reply(parts, tuple(item.label for item in ctx.services.menu))


def welcome(ctx: Context) -> Reply:
    return main_menu(ctx, ctx.texts("welcome"))


def command_of(ctx: Context) -> str | None:
    return ctx.services.vocabulary.commands.get(ctx.key)


def menu_item(ctx: Context) -> MenuItem | None:
    return ctx.services.vocabulary.menu_items.get(ctx.key)


def resolve_number(ctx: Context, offered: Sequence[str]) -> Reply | None:
    """Turn "2" into the label of option 2 (of the last reply, else the main menu)."""
    folded = ctx.key
    if not folded.isdigit() or len(folded) > 3:
        return None
    choices = list(offered) or [item.label for item in ctx.services.menu]
    number = int(folded)
    if 1 <= number <= len(choices):
        ctx.text = choices[number - 1]
        return None
    return Reply(
        (ctx.texts("input.number_out_of_range", number=number, count=len(choices)),),
        tuple(choices),
    )


HANDOFF = "handoff"


def route(ctx: Context, offered: Sequence[str], detectors: Sequence[Detector]) -> Reply:
    # A conversation handed to a person: every message is theirs; the flow knows the words that leave it.
    if ctx.flow == HANDOFF and HANDOFF in ctx.flows:
        reply = ctx.flows[HANDOFF].on_message(ctx)
        if reply is not None:
            return reply
        ctx.finish()
    if not ctx.text:
        flow = ctx.flows.get(ctx.flow or "")
        if ctx.inbound.attachments and flow is not None and flow.takes_attachments:
            reply = flow.on_message(ctx)
            if reply is not None:
                return reply
        return main_menu(ctx, ctx.texts("input.empty"))
    if not has_letters_or_digits(ctx.text):
        return main_menu(ctx, ctx.texts("input.no_text"))

    problem = resolve_number(ctx, offered)
    if problem:
        return problem

    command = command_of(ctx)
    if command:
        ctx.intent = command
        return _command(ctx, command)

    item = menu_item(ctx)
    if item:
        ctx.intent = item.key
        return ctx.start(item.key)

    if ctx.flow in ctx.flows:
        reply = ctx.flows[ctx.flow].on_message(ctx)
        if reply is not None:
            ctx.intent = ctx.intent or ctx.flow
            return reply
        ctx.finish()

    for detect in detectors:
        reply = detect(ctx)
        if reply is not None:
            return reply
    ctx.intent = "not_understood"
    return main_menu(ctx, ctx.texts("input.not_understood"))


def _command(ctx: Context, command: str) -> Reply:
    if command == "back" and ctx.flow in ctx.flows:
        back = ctx.flows[ctx.flow].back
        reply = back(ctx) if back else None
        if reply is not None:
            return reply
    if command == "human":
        return ctx.start(HANDOFF)
    ctx.finish()
    if command == "greet":
        return welcome(ctx)
    return main_menu(ctx)

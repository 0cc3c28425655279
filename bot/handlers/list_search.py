"""失信等名单查询: search the five public lists of §3.5 by name and ID number or credit code; notices by court."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.context import Context, Flow
from bot.core.messages import Link, Reply
from bot.public_lists.limits import QueryLimits, Requester
from bot.public_lists.notices import parse_filter, search_notices
from bot.public_lists.present import chat_parts
from bot.public_lists.search import QueryError, looks_like_person_name
from bot.public_lists.service import lookup
from bot.public_lists.subjects import find_code

CHAT_NOTICES = 5


def start(ctx: Context) -> Reply:
    ctx.state = {"step": "name"}
    return Reply(
        (ctx.texts("lists.prompt"),), (ctx.texts("lists.options.notices"), ctx.texts("options.menu"))
    )


def on_message(ctx: Context) -> Reply | None:
    step = ctx.state.get("step")
    if ctx.text == ctx.texts("lists.options.again"):
        return start(ctx)
    if ctx.text == ctx.texts("lists.options.notices"):
        return _notices(ctx, "")
    if step == "notices":
        return _notices(ctx, ctx.text)
    if step == "code":
        name = str(ctx.state.get("name", ""))
        if ctx.text == ctx.texts("lists.options.by_org_name"):
            return _lookup(ctx, name, None, organisation_name=True)
        if not any(ch.isdigit() for ch in ctx.text):
            return _name(ctx, ctx.text)  # a new name instead of a number: start over with it
        found = find_code(ctx.text)
        if found and found[0]:
            return _lookup(ctx, found[0], found[1])
        return _lookup(ctx, name, ctx.text)
    return _name(ctx, ctx.text)


def back(ctx: Context) -> Reply | None:
    return start(ctx) if ctx.state.get("step") in {"code", "done", "notices"} else None


def _name(ctx: Context, text: str) -> Reply:
    """A name, a name with a number ("张三 3301…"), or a credit code alone."""
    found = find_code(text)
    if found is not None:
        return _lookup(ctx, found[0], found[1])
    if looks_like_person_name(text):
        # The number is asked for next; the conversation keeps the name only, never the number.
        ctx.state = {"step": "code", "name": text}
        return Reply(
            (ctx.texts("lists.ask_code", name=text),),
            (ctx.texts("lists.options.by_org_name"), ctx.texts("options.menu")),
        )
    return _lookup(ctx, text, None)


def _lookup(ctx: Context, name: str, code: str | None, organisation_name: bool = False) -> Reply:
    requester = Requester(user=f"{ctx.inbound.channel}:{ctx.inbound.user_key}")
    limits = QueryLimits.from_settings(ctx.settings)
    now = ctx.services.clock()
    result = lookup(
        ctx.session,
        limits,
        requester,
        name,
        code,
        now,
        ctx.settings.timezone,
        organisation_name=organisation_name,
    )
    ctx.intent = "list_search"
    if result.status == "invalid":
        error = result.error
        options: tuple[str, ...]
        if error is not None and error.field == "id" and name:
            ctx.state = {"step": "code", "name": name}
            options = (ctx.texts("lists.options.by_org_name"), ctx.texts("options.menu"))
        else:
            ctx.state = {"step": "name"}
            options = (ctx.texts("options.menu"),)
        return Reply(chat_parts(ctx.texts, result), options, meta={"lists": result.status})
    if result.status == "needs_id":
        ctx.state = {"step": "code", "name": name}
        options = (ctx.texts("lists.options.by_org_name"), ctx.texts("options.menu"))
        return Reply(chat_parts(ctx.texts, result), options, meta={"lists": result.status})
    ctx.state = {"step": "done"}
    links: tuple[Link, ...] = ()
    if result.status == "not_found":
        links = (Link(ctx.texts("lists.national_site"), ctx.texts("lists.national_site_url")),)
    return Reply(
        chat_parts(ctx.texts, result),
        (ctx.texts("lists.options.again"), ctx.texts("lists.options.notices"), ctx.texts("options.menu")),
        links,
        meta={"lists": result.status},
    )


def _notices(ctx: Context, court: str) -> Reply:
    ctx.intent = "list_search"
    ctx.state = {"step": "notices"}
    options = (ctx.texts("lists.options.again"), ctx.texts("options.menu"))
    try:
        notice_filter = parse_filter(court=court)
    except QueryError as error:
        return Reply((ctx.texts("lists.invalid", reason=error.reason),), options)
    today = ctx.services.clock().astimezone(ZoneInfo(ctx.settings.timezone)).date()
    page = search_notices(ctx.session, notice_filter, today, ctx.services.courts)
    notices = page.notices[:CHAT_NOTICES]
    if not notices:
        text = ctx.texts("lists.notices.none_for", court=court) if court else ctx.texts("lists.notices.none")
        return Reply((text, ctx.texts("lists.notices.ask_court")), options)
    lines = [
        ctx.texts(
            "lists.notices.line",
            number=number,
            kind=ctx.texts(f"lists.notice_kinds.{notice.kind}"),
            court=notice.court_name,
            date=notice.published_on.isoformat(),
            title=notice.title,
        )
        for number, notice in enumerate(notices, 1)
    ]
    head = ctx.texts("lists.notices.head_for", court=court) if court else ctx.texts("lists.notices.head")
    return Reply(
        (head, "\n".join(lines), ctx.texts("lists.notices.ask_court")),
        options,
        tuple(Link(notice.title, notice.url) for notice in notices),
    )


FLOW = Flow("list_search", start, on_message, back)

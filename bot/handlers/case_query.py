"""案件查询: a party proves a case is theirs (case number + query password) and reads its progress (§4)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.case_lookup import progress
from bot.case_lookup.case_number import CaseNumberError, parse_case_number
from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.verification import (
    CASE_FAILURES,
    CASE_LOCK,
    Refused,
    Verified,
    active_lock,
    as_utc,
    find_case_number,
    looks_like_case_number,
    verify,
)
from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.core.normalize import key
from bot.core.router import main_menu
from bot.notify.optin import opt_in
from bot.storage.models import Case

NAME = "case_query"
VERIFIED_MEMORY = "verified"
ASK_CASE_NO, ASK_PASSWORD, VERIFIED, CATEGORY = "ask_case_no", "ask_password", "verified", "category"
NOTICES = "notices"


def start(ctx: Context) -> Reply:
    prefilled = ctx.state.get("case_no")
    if prefilled:
        return _ask_password(ctx, prefilled)
    if verified_case(ctx) is not None:
        return _show_summary(ctx)
    return _ask_case_no(ctx)


def on_message(ctx: Context) -> Reply | None:
    if _said(ctx, "exit"):
        ctx.finish()
        ctx.memory.pop(VERIFIED_MEMORY, None)
        return main_menu(ctx, ctx.texts("case_query.exited"))
    if _said(ctx, "switch"):
        return _ask_case_no(ctx)
    step = ctx.state.get("step")
    if step in (VERIFIED, CATEGORY, NOTICES) and _expired(ctx):
        return _expire(ctx)
    if step in (VERIFIED, CATEGORY) and ctx.text == ctx.texts("case_query.options.notices"):
        return _ask_notice_role(ctx)
    if step == NOTICES:
        return _opt_in(ctx)
    if step == ASK_CASE_NO:
        return _take_case_no(ctx)
    if step == ASK_PASSWORD:
        found = find_case_number(ctx.text, _now(ctx).date())
        if found:
            return _ask_password(ctx, found.canonical)
        # The message was a password: the dialogue may keep it out of the turn log.
        return _take_password(ctx).explained(redact_input=True)
    found = find_case_number(ctx.text, _now(ctx).date())
    if found:
        return _ask_password(ctx, found.canonical)
    if step == CATEGORY and _said(ctx, "next"):
        return _show_category(ctx, ctx.state["category"], int(ctx.state.get("page", 0)) + 1)
    code = _category_of(ctx)
    if code:
        return _show_category(ctx, code, 0)
    return None  # not about this case: the router tries other intents


def back(ctx: Context) -> Reply | None:
    step = ctx.state.get("step")
    if step in (CATEGORY, NOTICES):
        return _expire(ctx) if _expired(ctx) else _show_summary(ctx)
    if step == ASK_PASSWORD:
        return _ask_case_no(ctx)
    if step == ASK_CASE_NO and VERIFIED_MEMORY in ctx.memory and not _expired(ctx):
        return _show_summary(ctx)
    return None


def detect(ctx: Context) -> Reply | None:
    """Outside any flow: a message holding a case number starts the query with it filled in."""
    found = find_case_number(ctx.text, _now(ctx).date())
    if found is None and not looks_like_case_number(ctx.text):
        return None
    ctx.flow, ctx.state, ctx.intent = NAME, {}, NAME
    return _ask_password(ctx, found.canonical) if found else _take_case_no(ctx)


def _ask_case_no(ctx: Context) -> Reply:
    ctx.state = {"step": ASK_CASE_NO}
    return Reply((ctx.texts("case_query.ask_case_no"),), (ctx.texts("options.menu"),))


def _take_case_no(ctx: Context) -> Reply | None:
    found = find_case_number(ctx.text, _now(ctx).date())
    if found:
        return _ask_password(ctx, found.canonical)
    if not any(ch.isdigit() for ch in ctx.text) and not any(ch in ctx.text for ch in "执執号號"):
        return None  # not a case number at all: let the router find what it is
    ctx.state = {"step": ASK_CASE_NO}
    if not any("\u4e00" <= ch <= "\u9fff" for ch in ctx.text):
        # Letters and digits only (perhaps a password typed early): answer without quoting any of it.
        return Reply((ctx.texts("case_query.not_a_case_no"),), (ctx.texts("options.menu"),))
    try:
        number = parse_case_number(ctx.text, today=_now(ctx).date())
    except CaseNumberError as error:
        text = ctx.texts("case_query.malformed", reason=error.reason.rstrip("。"))
    else:
        if number.is_enforcement:  # a long message the scan did not reach
            return _ask_password(ctx, number.canonical)
        text = ctx.texts("case_query.not_enforcement", type_code=number.type_code)
    return Reply((text,), (ctx.texts("options.menu"),))


def _ask_password(ctx: Context, case_no: str) -> Reply:
    ctx.state = {"step": ASK_PASSWORD, "case_no": case_no}
    lock = active_lock(ctx.session, case_no, _user(ctx), _now(ctx))
    if lock is not None:
        return _locked(ctx, lock.scope, as_utc(lock.locked_until))
    return Reply(
        (ctx.texts("case_query.ask_password", case_no=case_no), ctx.texts("case_query.password_help")),
        _options(ctx, "switch", "menu"),
    )


def _take_password(ctx: Context) -> Reply:
    case_no = str(ctx.state.get("case_no", ""))
    result = verify(ctx.session, case_no, ctx.text.strip(), _user(ctx), _now(ctx), ctx.settings)
    if isinstance(result, Verified):
        # Kept in the conversation's memory, so 联系法官 and other flows know whose case this is.
        ctx.memory[VERIFIED_MEMORY] = {"case_id": result.case_id, "case_no": result.case_no}
        return _show_summary(ctx, ctx.texts("case_query.verified"))
    return _refused(ctx, result)


def _refused(ctx: Context, result: Refused) -> Reply:
    if result.reason == "locked" and result.locked_until is not None:
        return _locked(ctx, result.scope or "case", result.locked_until)
    if result.reason == "mismatch":
        left = ctx.texts(
            "case_query.attempts_left",
            limit=CASE_FAILURES,
            minutes=int(CASE_LOCK.total_seconds() // 60),
            count=result.attempts_left,
        )
        parts = (ctx.texts("case_query.mismatch"), left, ctx.texts("case_query.password_help"))
        return Reply(parts, _options(ctx, "switch", "human", "menu"))
    ctx.state = {"step": ASK_CASE_NO}
    return Reply((ctx.texts("case_query.malformed", reason=result.detail),), (ctx.texts("options.menu"),))


def _locked(ctx: Context, scope: str, until: datetime) -> Reply:
    # The state stays at the password prompt: further tries get this answer and are never checked.
    text = ctx.texts(f"case_query.locked_{scope}", until=_clock_text(ctx, until))
    return Reply((text,), _options(ctx, *(("switch",) if scope == "case" else ()), "human", "menu"))


def _show_summary(ctx: Context, *lead: str) -> Reply:
    case = _case(ctx)
    if case is None:
        return _ask_case_no(ctx)
    ctx.state = {"step": VERIFIED}
    _touch(ctx)
    catalogue = _catalogue(ctx)
    text = progress.summary(ctx.session, case, catalogue, _now(ctx), texts=ctx.texts)
    _record_view(ctx, case, progress.SUMMARY_VIEW)
    menu = () if lead else (ctx.texts("case_query.menu"),)
    labels = tuple(category.label for category in catalogue.categories)
    return Reply((*lead, text, *menu), (*labels, *_options(ctx, "notices", "switch", "exit")))


def _show_category(ctx: Context, code: str, page: int) -> Reply:
    case = _case(ctx)
    if case is None:
        return _ask_case_no(ctx)
    shown = progress.category_page(ctx.session, case, code, page, _catalogue(ctx), None, texts=ctx.texts)
    ctx.state = {"step": CATEGORY, "category": code, "page": shown.number - 1}
    _touch(ctx)
    _record_view(ctx, case, code)
    parts = (shown.text,) if shown.number - 1 == page else (ctx.texts("case_query.no_more"), shown.text)
    more = ("next",) if shown.has_next else ()
    return Reply(parts, _options(ctx, *more, "back", "exit"))


def _ask_notice_role(ctx: Context) -> Reply:
    """A verified party may have their notices copied to this chat (SMS stays the channel of record)."""
    ctx.state = {"step": NOTICES}
    roles = tuple(_catalogue(ctx).roles.values())
    return Reply((ctx.texts("case_query.notices.ask_role"),), (*roles, *_options(ctx, "back")))


def _opt_in(ctx: Context) -> Reply | None:
    case = _case(ctx)
    role = next((code for code, label in _catalogue(ctx).roles.items() if label == ctx.text), None)
    if case is None or role is None:
        return None
    opt_in(ctx.session, case.id, role, ctx.inbound.channel, ctx.inbound.user_key, _now(ctx))
    return _show_summary(ctx, ctx.texts("case_query.notices.done", role=ctx.text))


def _record_view(ctx: Context, case: Case, category: str) -> None:
    inbound = ctx.inbound
    progress.record_view(ctx.session, case.id, inbound.channel, inbound.user_key, category, _now(ctx))


def _expire(ctx: Context) -> Reply:
    case_no = str(ctx.memory.pop(VERIFIED_MEMORY, {}).get("case_no", ""))
    ctx.state = {"step": ASK_PASSWORD, "case_no": case_no}
    text = ctx.texts("case_query.expired", minutes=ctx.settings.verified_minutes, case_no=case_no)
    return Reply((text,), _options(ctx, "switch", "menu"))


def _expired(ctx: Context) -> bool:
    last = ctx.memory.get(VERIFIED_MEMORY, {}).get("last_active")
    if not last:
        return True
    idle = _now(ctx) - as_utc(datetime.fromisoformat(str(last)))
    return idle > timedelta(minutes=ctx.settings.verified_minutes)


def _touch(ctx: Context) -> None:
    ctx.memory[VERIFIED_MEMORY]["last_active"] = _now(ctx).isoformat()


def verified_case(ctx: Context) -> Case | None:
    """The case this user has proved is theirs, while the verified session lasts; else None."""
    return None if _expired(ctx) else _case(ctx)


def _case(ctx: Context) -> Case | None:
    verified = ctx.memory.get(VERIFIED_MEMORY)
    return ctx.session.get(Case, int(verified["case_id"])) if verified else None


def _category_of(ctx: Context) -> str | None:
    folded = ctx.key
    categories = _catalogue(ctx).categories
    exact = [c.code for c in categories if key(c.label) == folded]
    loose = [c.code for c in categories if len(folded) >= 2 and folded in key(c.label)]
    return exact[0] if exact else loose[0] if len(loose) == 1 else None


def _said(ctx: Context, what: str) -> bool:
    return ctx.key in {key(word) for word in ctx.texts.words(f"case_query.words.{what}")}


def _options(ctx: Context, *names: str) -> tuple[str, ...]:
    general = {"menu": "options.menu", "human": "options.human"}
    return tuple(ctx.texts(general.get(name, f"case_query.options.{name}")) for name in names)


def _clock_text(ctx: Context, until: datetime) -> str:
    zone = ZoneInfo(ctx.settings.timezone)
    # Round up to the minute, so "after 14:35" is never a moment too early.
    local = (until + timedelta(seconds=59)).astimezone(zone).replace(second=0, microsecond=0)
    today = _now(ctx).astimezone(zone).date()
    name = "time_today" if local.date() == today else "time_other_day"
    values = {"month": local.month, "day": local.day, "hour": local.hour, "minute": local.minute}
    return ctx.texts(f"case_query.{name}", **values)


def _catalogue(ctx: Context) -> Catalogue:
    catalogue = ctx.services.catalogue
    assert catalogue is not None, "the event catalogue is loaded at start-up"
    return catalogue


def _user(ctx: Context) -> str:
    return f"{ctx.inbound.channel}:{ctx.inbound.user_key}"


def _now(ctx: Context) -> datetime:
    return as_utc(ctx.services.clock())


FLOW = Flow(NAME, start, on_message, back)

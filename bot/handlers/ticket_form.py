"""The steps the ticket flows share: case number, content, photos, phone, consent, confirmation and submission."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from bot.core.context import Context
from bot.core.messages import Reply
from bot.core.normalize import key
from bot.handlers.ticket_case import read_case
from bot.handlers.ticket_submit import submit, summary
from bot.tickets import JUDGE_CONTACT
from bot.tickets.contact import PhoneError, normalize_contact_phone

CASE_NO, CONTENT, PHOTOS, PHONE, CONSENT, CONFIRM = (
    "case_no",
    "content",
    "photos",
    "phone",
    "consent",
    "confirm",
)
MIN_CONTENT = 4
MAX_PHOTOS = 9


def begin(ctx: Context, plan: Sequence[str], **fields: Any) -> Reply:
    """Start collecting a ticket: fields say what kind, what is already known and how it is routed."""
    ctx.state = {**fields, "plan": list(plan), "step": plan[0]}
    return ask(ctx)


def handle(ctx: Context) -> Reply | None:
    step = ctx.state.get("step")
    take = _STEPS.get(str(step))
    return take(ctx) if take else None


def back(ctx: Context) -> Reply | None:
    """One step back; None at the first step (the flow decides what lies before it)."""
    plan, step = list(ctx.state.get("plan", ())), ctx.state.get("step")
    if step not in plan:
        return None
    earlier = [name for name in plan[: plan.index(step)] if _applies(ctx, name)]
    if not earlier:
        return None
    ctx.state["step"] = earlier[-1]
    return ask(ctx)


def ask(ctx: Context, *lead: str) -> Reply:
    """The question of the current step."""
    step, state, texts = ctx.state["step"], ctx.state, ctx.texts
    menu = texts("options.menu")
    if step == CASE_NO:
        return Reply((*lead, _case_prompt(ctx)), _case_options(ctx))
    if step == CONTENT:
        return Reply((*lead, texts(f"tickets.form.ask_content.{state['subject']}")), (menu,))
    if step == PHOTOS:
        return Reply(
            (*lead, texts("tickets.form.ask_photos", max=MAX_PHOTOS)), (texts("tickets.options.next"),)
        )
    if step == PHONE:
        if state.get("phone_required"):
            return Reply((*lead, texts("tickets.form.ask_phone_required")), (menu,))
        return Reply(
            (*lead, texts("tickets.form.ask_phone_optional")), (texts("tickets.options.no_phone"), menu)
        )
    if step == CONSENT:
        text = texts("tickets.form.ask_consent", phone=state["phone"])
        return Reply((*lead, text), _consent_options(ctx))
    return Reply((*lead, *summary(ctx)), _confirm_options(ctx))


def advance(ctx: Context, *lead: str) -> Reply:
    plan, step = ctx.state["plan"], ctx.state["step"]
    following = [name for name in plan[plan.index(step) + 1 :] if _applies(ctx, name)]
    ctx.state["step"] = following[0] if following else CONFIRM
    return ask(ctx, *lead)


def _applies(ctx: Context, step: str) -> bool:
    # Consent to a call back is asked only of someone who left a number, and only where it is a choice.
    if step == CONSENT:
        return bool(ctx.state.get("phone")) and not ctx.state.get("consent_implied")
    return True


def _take_case_no(ctx: Context) -> Reply:
    state = ctx.state
    if not state.get("case_required") and _said(ctx, "skip_case"):
        state.update(case_no=None, court_code=None, court_name=None, case_id=None, route=None)
        return advance(ctx)
    found = read_case(ctx)
    if isinstance(found, str):
        return _case_again(ctx, found)
    state.update(
        case_no=found.case_no, court_code=found.court_code, court_name=found.court_name, case_id=found.case_id
    )
    court, lead = found.court, []
    if state.get("kind") == JUDGE_CONTACT and court is not None:
        # Told the same whether or not the case is on file here: a case number alone reveals nothing.
        state["route"] = ctx.texts("tickets.form.route_queue", court=court.name)
        lead.append(ctx.texts("tickets.judge_contact.court_queue", court=court.name))
        if court.duty_phone:
            values = {"court": court.name, "phone": court.duty_phone}
            lead.append(ctx.texts("tickets.judge_contact.court_duty_phone", **values))
    elif found.court_name:
        state["route"] = ctx.texts("tickets.form.route_court", court=found.court_name)
    return advance(ctx, "\n".join(lead)) if lead else advance(ctx)


def _case_again(ctx: Context, problem: str) -> Reply:
    parts = (problem,) if ctx.state.get("case_required") else (problem, ctx.texts("tickets.form.or_skip"))
    return Reply(parts, _case_options(ctx))


def _case_prompt(ctx: Context) -> str:
    state = ctx.state
    if state.get("case_prompt"):
        return ctx.texts(str(state["case_prompt"]))
    if state.get("verified_case_no"):
        return ctx.texts("tickets.form.ask_case_no_verified", case_no=state["verified_case_no"])
    if state.get("case_required"):
        return ctx.texts("tickets.form.ask_case_no_required")
    return ctx.texts("tickets.form.ask_case_no")


def _case_options(ctx: Context) -> tuple[str, ...]:
    verified = ctx.state.get("verified_case_no")
    skip = () if ctx.state.get("case_required") else (ctx.texts("tickets.options.skip_case"),)
    return (*((verified,) if verified else ()), *skip, ctx.texts("options.menu"))


def _take_content(ctx: Context) -> Reply:
    photos = _add_photos(ctx)
    text = ctx.text.strip()
    if not text:
        lead = (ctx.texts("tickets.form.photo_needs_text"),) if photos else ()
        return Reply(
            lead or (ctx.texts(f"tickets.form.ask_content.{ctx.state['subject']}"),), ask(ctx).options
        )
    if sum(1 for ch in text if ch.isalnum()) < MIN_CONTENT:
        return Reply((ctx.texts("tickets.form.content_too_short", min=MIN_CONTENT),), ask(ctx).options)
    ctx.state["content"] = text
    if ctx.state.pop("editing", False):
        ctx.state["step"] = CONFIRM  # only the content was to change: straight back to the summary
        return ask(ctx)
    return advance(ctx)


def _take_photos(ctx: Context) -> Reply:
    photos = _add_photos(ctx)
    if _said(ctx, "next"):
        return advance(ctx)
    if not photos and _is_phone(ctx.text):
        ctx.state["step"] = PHONE  # done with photos and already giving the number
        return _take_phone(ctx)
    options = (ctx.texts("tickets.options.next"),)
    text = ctx.text.strip()
    if text:
        ctx.state["content"] = f"{ctx.state.get('content', '')}\n{text}".strip()
    count = len(ctx.state.get("photos", ()))
    if photos and count >= MAX_PHOTOS:
        return Reply((ctx.texts("tickets.form.photos_full", max=MAX_PHOTOS),), options)
    if photos:
        return Reply((ctx.texts("tickets.form.photos_received", count=count),), options)
    if text:
        return Reply((ctx.texts("tickets.form.supplement_added"),), options)
    return ask(ctx)


def _add_photos(ctx: Context) -> list[str]:
    """Photos or files that came with this message, kept as the channel's references (up to MAX_PHOTOS)."""
    kept = list(ctx.state.get("photos", ()))
    added = [ref for ref in ctx.inbound.attachments if ref not in kept][: max(MAX_PHOTOS - len(kept), 0)]
    if added:
        ctx.state["photos"] = kept + added
    return added


def _is_phone(text: str) -> bool:
    try:
        normalize_contact_phone(text)
    except PhoneError:
        return False
    return True


def _take_phone(ctx: Context) -> Reply:
    if _said(ctx, "no_phone"):
        if ctx.state.get("phone_required"):
            return Reply((ctx.texts("tickets.form.phone_required"),), (ctx.texts("options.menu"),))
        ctx.state.update(phone=None, consent=False)
        return advance(ctx)
    try:
        phone = normalize_contact_phone(ctx.text)
    except PhoneError as error:
        text = ctx.texts("tickets.form.bad_phone", reason=error.reason.rstrip("。"))
        return Reply((text,), ask(ctx).options)
    ctx.state.update(phone=phone, consent=bool(ctx.state.get("consent_implied")))
    return advance(ctx)


def _take_consent(ctx: Context) -> Reply:
    if _said(ctx, "consent_yes") or _said(ctx, "consent_no"):
        ctx.state["consent"] = _said(ctx, "consent_yes")
        return advance(ctx)
    return Reply((ctx.texts("tickets.form.consent_again"),), _consent_options(ctx))


def _take_confirm(ctx: Context) -> Reply:
    if _said(ctx, "confirm"):
        return submit(ctx)
    if _said(ctx, "edit"):
        ctx.state.update(step=CONTENT, editing=True)
        return ask(ctx)
    return Reply((ctx.texts("tickets.form.not_confirmed"),), _confirm_options(ctx))


def _consent_options(ctx: Context) -> tuple[str, ...]:
    return (ctx.texts("tickets.options.consent_yes"), ctx.texts("tickets.options.consent_no"))


def _confirm_options(ctx: Context) -> tuple[str, ...]:
    cancel = ctx.texts.words("commands.cancel")[0]
    return (ctx.texts("tickets.options.confirm"), ctx.texts("tickets.options.edit"), cancel)


def said(ctx: Context, words_key: str) -> bool:
    """Whether the message is one of the words listed under the key (any form: full-width, traditional …)."""
    return ctx.key in {key(word) for word in ctx.texts.words(words_key)}


def _said(ctx: Context, what: str) -> bool:
    return said(ctx, f"tickets.words.{what}")


_STEPS = MappingProxyType(
    {
        CASE_NO: _take_case_no,
        CONTENT: _take_content,
        PHOTOS: _take_photos,
        PHONE: _take_phone,
        CONSENT: _take_consent,
        CONFIRM: _take_confirm,
    }
)

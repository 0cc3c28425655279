"""投诉举报: a complaint (e.g. about an enforcement officer) or a report (a debtor's property clues, with photos)."""

from __future__ import annotations

from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.handlers import ticket_form
from bot.handlers.case_query import verified_case
from bot.handlers.ticket_form import CASE_NO, CONFIRM, CONSENT, CONTENT, PHONE, PHOTOS
from bot.tickets import COMPLAINT, REPORT

NAME = "complaint"
KIND_STEP = "kind"
# What the user may choose, as the subject keys of data/texts.yaml (tickets.subjects), and the ticket kind.
SUBJECTS = {"complaint": COMPLAINT, "clue": REPORT, "report": REPORT}


def start(ctx: Context) -> Reply:
    # "投诉" or "举报财产线索" typed from anywhere (they are menu words) needs no second question.
    subject = _chosen(ctx)
    return _begin(ctx, subject) if subject else _ask_kind(ctx)


def on_message(ctx: Context) -> Reply | None:
    if ctx.state.get("step") == KIND_STEP:
        subject = _chosen(ctx)
        return _begin(ctx, subject) if subject else _ask_kind(ctx, ctx.texts("tickets.complaint.pick"))
    return ticket_form.handle(ctx)


def back(ctx: Context) -> Reply | None:
    if ctx.state.get("step") == KIND_STEP:
        return None
    return ticket_form.back(ctx) or _ask_kind(ctx)


def _ask_kind(ctx: Context, *lead: str) -> Reply:
    ctx.state = {"step": KIND_STEP}
    labels = tuple(ctx.texts(f"tickets.subjects.{subject}") for subject in SUBJECTS)
    return Reply((*lead, ctx.texts("tickets.complaint.prompt")), (*labels, ctx.texts("options.menu")))


def _chosen(ctx: Context) -> str | None:
    return next((name for name in SUBJECTS if ticket_form.said(ctx, f"tickets.complaint.words.{name}")), None)


def _begin(ctx: Context, subject: str) -> Reply:
    # Photos matter for reports (a debtor's car, house, shop); a complaint needs a number to answer to.
    steps = [CASE_NO, CONTENT, *((PHOTOS,) if SUBJECTS[subject] == REPORT else ()), PHONE, CONSENT, CONFIRM]
    verified = verified_case(ctx)
    return ticket_form.begin(
        ctx,
        steps,
        kind=SUBJECTS[subject],
        subject=subject,
        phone_required=subject == "complaint",
        verified_case_no=verified.case_no if verified else None,
    )


FLOW = Flow(NAME, start, on_message, back, takes_attachments=True)

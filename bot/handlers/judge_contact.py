"""联系法官: a verified party gets the judge's name and office phone (§3.2) and may leave a message for a call
back; anyone else leaves a message with the case number for the court's 执行指挥中心."""

from __future__ import annotations

from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.handlers import ticket_form
from bot.handlers.case_query import verified_case
from bot.handlers.ticket_form import CASE_NO, CONFIRM, CONTENT, PHONE
from bot.storage.models import Case, StaffAssignment
from bot.tickets import JUDGE_CONTACT
from bot.tickets.routing import case_staff

NAME = "judge_contact"
CONTACTS = "contacts"


def start(ctx: Context) -> Reply:
    case = verified_case(ctx)
    if case is not None:
        return _contacts(ctx, case)
    return ticket_form.begin(
        ctx,
        [CASE_NO, CONTENT, PHONE, CONFIRM],
        kind=JUDGE_CONTACT,
        subject="judge_contact",
        case_required=True,
        case_prompt="tickets.judge_contact.ask_case_no",
        phone_required=True,
        consent_implied=True,
    )


def on_message(ctx: Context) -> Reply | None:
    if ctx.state.get("step") == CONTACTS:
        if ctx.text != ctx.texts("tickets.judge_contact.leave_message"):
            return None  # something else: the router finds what it is
        return _leave_message(ctx)
    return ticket_form.handle(ctx)


def back(ctx: Context) -> Reply | None:
    if ctx.state.get("step") == CONTACTS:
        return None
    reply = ticket_form.back(ctx)
    if reply is None and ctx.state.get("verified"):
        case = verified_case(ctx)
        return _contacts(ctx, case) if case is not None else None
    return reply


def _contacts(ctx: Context, case: Case) -> Reply:
    """The 承办人 (or, for 执异/执复, the panel) with office phones, as §3.2 tells the parties."""
    ctx.state = {"step": CONTACTS}
    staff = case_staff(case)
    if staff.handler is None:
        text = ctx.texts("tickets.judge_contact.no_handler", case_no=case.case_no, court=case.court_name)
        return Reply((text,), _contact_options(ctx))
    if staff.panel:
        head = ctx.texts("tickets.judge_contact.panel_head", case_no=case.case_no, case_type=case.case_type)
        lines = [_staff_line(ctx, item) for item in staff.panel]
    else:
        head = ctx.texts("tickets.judge_contact.verified_head", case_no=case.case_no)
        lines = [_staff_line(ctx, item) for item in (staff.handler,)]
    tail = ctx.texts("tickets.judge_contact.verified_tail")
    return Reply((head, "\n".join(lines), tail), _contact_options(ctx))


def _staff_line(ctx: Context, item: StaffAssignment) -> str:
    catalogue = ctx.services.catalogue
    role = catalogue.staff_roles.get(item.role, item.role) if catalogue else item.role
    member = item.staff
    title = ctx.texts("tickets.judge_contact.title", title=member.title) if member.title else ""
    values = {"role": role, "name": member.name, "title": title, "phone": member.office_phone}
    key = "staff_line" if member.office_phone else "staff_line_no_phone"
    return ctx.texts(f"tickets.judge_contact.{key}", **values)


def _contact_options(ctx: Context) -> tuple[str, ...]:
    return (ctx.texts("tickets.judge_contact.leave_message"), ctx.texts("options.menu"))


def _leave_message(ctx: Context) -> Reply:
    case = verified_case(ctx)
    if case is None:
        return start(ctx)  # the verified session ended meanwhile: ask for the case number instead
    handler = case_staff(case).handler
    catalogue = ctx.services.catalogue
    if handler is not None:
        role = catalogue.staff_roles.get(handler.role, handler.role) if catalogue else handler.role
        route = ctx.texts(
            "tickets.form.route_judge", court=case.court_name, role=role, name=handler.staff.name
        )
    else:
        route = ctx.texts("tickets.form.route_queue", court=case.court_name)
    return ticket_form.begin(
        ctx,
        [CONTENT, PHONE, CONFIRM],
        kind=JUDGE_CONTACT,
        subject="judge_contact",
        verified=True,
        case_no=case.case_no,
        case_id=case.id,
        court_code=case.court_code,
        court_name=case.court_name,
        staff_member_id=handler.staff_id if handler else None,
        route=route,
        phone_required=True,
        consent_implied=True,
    )


FLOW = Flow(NAME, start, on_message, back)

"""What staff do to a ticket from its page: reply to the user, reassign, add a note, close with a resolution."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.texts import TextMissing, Texts
from bot.hotline import Hotline
from bot.storage.models import Ticket
from bot.tickets.thread import add_note, assign_ticket, close_ticket, reply_to_user
from bot.web.console.access import STAFF, Staff
from bot.web.console.forms import Refused, clean_text
from bot.web.console.render import error_page, redirect
from bot.web.console.ticket_view import assignable, find_ticket
from bot.web.runtime import HOTLINE, run_sync

Work = Callable[[Session, Ticket, Staff], None]


def _on_ticket(hotline: Hotline, staff: Staff, number: str, work: Work, open_only: bool) -> None:
    with hotline.db.transaction() as session:
        ticket = find_ticket(session, staff, number)
        if ticket is None:
            raise Refused(404, f"没有找到工单 {number}，或该工单不在您的处理范围内。")
        if open_only and ticket.status == "closed":
            raise Refused(422, "该工单已办结，不能再答复、改派或办结。")
        work(session, ticket, staff)


async def _act(
    request: web.Request, done: str, prepare: Callable[[Any, Texts | None], Work], open_only: bool = True
) -> web.Response:
    number = request.match_info["number"][:32]
    form = await request.post()
    try:
        work = prepare(form, push_texts(request.app[HOTLINE].services.texts))
        await run_sync(request.app, _on_ticket, request.app[HOTLINE], request[STAFF], number, work, open_only)
    except Refused as refused:
        return error_page(request, refused.status, refused.message)
    return redirect(f"/console/tickets/{number}?done={done}")


def push_texts(texts: Texts) -> Texts | None:
    """The court's own words for pushed replies once data/texts.yaml has them; else the tickets defaults."""
    try:
        texts.raw("tickets.push")
    except TextMissing:
        return None
    return texts


# The thread functions of bot.tickets write the audit entries of these actions themselves.
def _reply(form: Any, texts: Texts | None) -> Work:
    text = clean_text(form.get("text"), "答复内容")

    def work(session: Session, ticket: Ticket, staff: Staff) -> None:
        reply_to_user(session, ticket, text, staff.account_id, texts=texts)

    return work


def _note(form: Any, texts: Texts | None) -> Work:
    text = clean_text(form.get("text"), "备注内容")

    def work(session: Session, ticket: Ticket, staff: Staff) -> None:
        add_note(session, ticket, text, staff.account_id)

    return work


def _close(form: Any, texts: Texts | None) -> Work:
    resolution = clean_text(form.get("resolution"), "办结结果")

    def work(session: Session, ticket: Ticket, staff: Staff) -> None:
        close_ticket(session, ticket, resolution, staff.account_id, texts=texts)

    return work


def _assign(form: Any, texts: Texts | None) -> Work:
    raw = str(form.get("assignee", ""))
    if raw and not (raw.isascii() and raw.isdigit()):
        raise Refused(422, "请选择改派给谁。")
    target = int(raw) if raw else None  # empty: back to the queue, nobody's in particular

    def work(session: Session, ticket: Ticket, staff: Staff) -> None:
        if target is not None and target not in dict(assignable(session, ticket)):
            raise Refused(422, "所选人员不能承接该工单（账号已停用或不属于该法院）。")
        assign_ticket(session, ticket, target, staff.account_id)

    return work


async def reply(request: web.Request) -> web.Response:
    return await _act(request, "reply", _reply)


async def note(request: web.Request) -> web.Response:
    return await _act(request, "note", _note, open_only=False)


async def close(request: web.Request) -> web.Response:
    return await _act(request, "close", _close)


async def assign(request: web.Request) -> web.Response:
    return await _act(request, "assign", _assign)

"""Reading the case number a ticket is about: an enforcement case of a Zhejiang court, or why not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.case_lookup.case_number import CaseNumberError, parse_case_number
from bot.case_lookup.verification import as_utc, find_case_number
from bot.core.context import Context
from bot.courts.directory import Court
from bot.tickets.routing import find_case


@dataclass(frozen=True)
class CaseFound:
    case_no: str
    court_code: str
    court_name: str | None
    court: Court | None  # None only when no court directory is loaded
    case_id: int | None  # None for a case not (yet) in this system: the ticket is taken all the same


def read_case(ctx: Context) -> CaseFound | str:
    """The case the message names, or what is wrong with it (a sentence for the user)."""
    found = find_case_number(ctx.text, today(ctx))
    if found is None:
        return _problem(ctx)
    code = found.court_code
    if not code.startswith("浙"):
        return ctx.texts("tickets.form.other_province", court_code=code)
    directory = ctx.services.courts
    court = directory.by_code(code) if directory is not None else None
    if directory is not None and court is None:
        return ctx.texts("tickets.form.unknown_court", court_code=code)
    case = find_case(ctx.session, found.canonical)
    return CaseFound(
        case_no=found.canonical,
        # A merged court's old code leads to the court that took its cases over.
        court_code=court.code if court else code,
        court_name=court.name if court else case.court_name if case else None,
        court=court,
        case_id=case.id if case else None,
    )


def _problem(ctx: Context) -> str:
    text = ctx.text
    if not any(ch.isdigit() for ch in text) and not any(ch in text for ch in "执執号號"):
        return ctx.texts("tickets.form.not_a_case_no")
    try:
        number = parse_case_number(text, today=today(ctx))
    except CaseNumberError as error:
        return ctx.texts("tickets.form.bad_case_no", reason=error.reason.rstrip("。"))
    return ctx.texts("tickets.form.not_enforcement", type_code=number.type_code)


def today(ctx: Context) -> date:
    return as_utc(ctx.services.clock()).astimezone(ZoneInfo(ctx.settings.timezone)).date()

"""What a verified party reads about a case: the summary, one category's events page by page, the view log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.catalogue import Catalogue
from bot.core.texts import Texts
from bot.identity.masking import mask_id_number, mask_in_text, mask_phone
from bot.storage.models import Case, CaseEvent, CaseView, Party, StaffAssignment

MESSAGE_BUDGET = 600
SUMMARY_VIEW = "summary"
ZONE = "Asia/Shanghai"
# Case types examined by a collegial panel rather than one judge (异议 and 复议 reviews).
PANEL_TYPES = frozenset({"执异", "执复"})


@dataclass(frozen=True)
class Page:
    text: str
    has_next: bool
    number: int = 1  # 1-based
    pages: int = 1


def local_date(moment: datetime | date) -> date:
    """The calendar date in Shanghai; SQLite returns naive datetimes, which are UTC here."""
    if isinstance(moment, datetime):
        aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        return aware.astimezone(ZoneInfo(ZONE)).date()
    return moment


def date_text(moment: datetime | date, texts: Texts) -> str:
    day = local_date(moment)
    return texts("case_query.date", year=day.year, month=day.month, day=day.day)


def amount_text(amount: Decimal) -> str:
    """Yuan with thousands separators and two decimals: 1,234,567.80."""
    return f"{amount:,.2f}"


def fit(text: str, limit: int = MESSAGE_BUDGET) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def current_staff(case: Case) -> list[StaffAssignment]:
    """Assignments still running, the presiding judge first."""
    running = [item for item in case.assignments if item.ended_on is None]
    order = {"presiding": 0, "panel": 1, "clerk": 2}
    return sorted(running, key=lambda item: (order.get(item.role, 3), item.assigned_on, item.id))


def summary(session: Session, case: Case, catalogue: Catalogue, now: datetime, *, texts: Texts) -> str:
    """Case number, court, filing date, amount, the judge (or panel) with office phone, and status."""
    lines = [
        texts("case_query.summary.case_no", case_no=case.case_no),
        texts("case_query.summary.court", court=case.court_name),
        texts("case_query.summary.filed", date=date_text(case.filed_on, texts)),
    ]
    if case.amount is not None:
        lines.append(texts("case_query.summary.amount", amount=amount_text(case.amount)))
    lines.append(_staff_line(case, catalogue, texts))
    lines.append(_status_line(case, catalogue, texts))
    return fit("\n".join(lines))


def _staff_line(case: Case, catalogue: Catalogue, texts: Texts) -> str:
    staff = [item for item in current_staff(case) if item.role != "clerk"]
    presiding = next((item for item in staff if item.role == "presiding"), None)
    if case.case_type in PANEL_TYPES and len(staff) > 1:
        members = []
        for item in staff:
            role = catalogue.staff_roles.get(item.role, item.role)
            phone = item.staff.office_phone
            key = "panel_member_phone" if phone else "panel_member"
            members.append(texts(f"case_query.summary.{key}", name=item.staff.name, role=role, phone=phone))
        return texts("case_query.summary.panel", members="、".join(members))
    if presiding is None:
        return texts("case_query.summary.no_presiding")
    phone = presiding.staff.office_phone
    if phone:
        return texts("case_query.summary.presiding", name=presiding.staff.name, phone=phone)
    return texts("case_query.summary.presiding_no_phone", name=presiding.staff.name)


def _status_line(case: Case, catalogue: Catalogue, texts: Texts) -> str:
    if case.status == "closed":
        closing = catalogue.closing_types.get(case.closing_type or "", catalogue.statuses["closed"])
        when = date_text(case.closed_on, texts) if case.closed_on else ""
        return texts("case_query.summary.closed", closing=closing, date=when).replace("，）", "）")
    return texts("case_query.summary.status", status=catalogue.statuses.get(case.status, case.status))


def category_page(
    session: Session,
    case: Case,
    category_code: str,
    page: int,
    catalogue: Catalogue,
    viewer_role: str | None,
    *,
    texts: Texts,
) -> Page:
    """Page `page` (0-based) of one category's events, newest first, each page within the message budget.

    viewer_role is the verified party's side when known; every other party's ID number and phone are
    masked, and with None (a query password does not say which side holds it) all of them are.
    """
    label = catalogue.category(category_code).label
    blocks = _preamble(case, category_code, catalogue, viewer_role, texts)
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.category == category_code)
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
    ).all()
    blocks.extend(_event_line(event, catalogue, texts) for event in events)
    if not events:
        blocks.append(texts("case_query.page.empty", label=label))

    # Reserve room for the widest header any page could get, so page breaks do not depend on the number.
    widest = texts("case_query.page.header_paged", label=label, page=999, pages=999)
    pages = _pack(blocks, MESSAGE_BUDGET - len(widest) - 1)
    index = max(0, min(page, len(pages) - 1))
    if len(pages) == 1:
        header = texts("case_query.page.header", label=label)
    else:
        header = texts("case_query.page.header_paged", label=label, page=index + 1, pages=len(pages))
    text = header + "\n" + "\n".join(pages[index])
    return Page(text, index + 1 < len(pages), index + 1, len(pages))


def _pack(blocks: list[str], budget: int) -> list[list[str]]:
    """Greedy pages of whole lines; a single line longer than a page is shortened with an ellipsis."""
    pages: list[list[str]] = [[]]
    used = 0
    for raw in blocks:
        block = fit(raw, budget)
        cost = len(block) + (1 if pages[-1] else 0)
        if pages[-1] and used + cost > budget:
            pages.append([])
            used, cost = 0, len(block)
        pages[-1].append(block)
        used += cost
    return pages


def _event_line(event: CaseEvent, catalogue: Catalogue, texts: Texts) -> str:
    kind = catalogue.kinds.get(event.kind)
    label = kind.label if kind else event.kind
    when = date_text(event.occurred_at, texts)
    # Summaries come from the court's system and may name anyone: mask whatever looks like an ID or phone.
    detail = mask_in_text(" ".join(event.summary.split()))
    if not detail:
        return texts("case_query.page.event_bare", date=when, kind=label)
    return texts("case_query.page.event", date=when, kind=label, summary=detail)


def _preamble(
    case: Case, category_code: str, catalogue: Catalogue, viewer_role: str | None, texts: Texts
) -> list[str]:
    if category_code == "filing":
        lines = [texts("case_query.summary.filed", date=date_text(case.filed_on, texts))]
        if case.cause:
            lines.append(texts("case_query.page.cause", cause=case.cause))
        if case.basis_document:
            lines.append(texts("case_query.page.basis", basis=mask_in_text(case.basis_document)))
        lines.extend(_party_line(party, catalogue, viewer_role, texts) for party in case.parties)
        return lines
    if category_code == "staff":
        lines = []
        for item in current_staff(case):
            role = catalogue.staff_roles.get(item.role, item.role)
            phone = item.staff.office_phone
            key = "staff_phone" if phone else "staff"
            lines.append(texts(f"case_query.page.{key}", role=role, name=item.staff.name, phone=phone))
        return lines
    return []


def _party_line(party: Party, catalogue: Catalogue, viewer_role: str | None, texts: Texts) -> str:
    role = catalogue.roles.get(party.role, party.role)
    own_side = viewer_role is not None and party.role == viewer_role
    identifier = party.id_number or ""
    if party.kind == "person" and identifier and not own_side:
        identifier = mask_id_number(identifier)
    phone = party.phone or ""
    if phone and not own_side:
        phone = mask_phone(phone)
    id_label = texts(
        "case_query.page.id_person" if party.kind == "person" else "case_query.page.id_organisation"
    )
    values = {"role": role, "name": party.name, "id_label": id_label, "id": identifier, "phone": phone}
    if identifier and phone:
        return texts("case_query.page.party_id_phone", **values)
    if identifier:
        return texts("case_query.page.party_id", **values)
    if phone:
        return texts("case_query.page.party_phone", **values)
    return texts("case_query.page.party", **values)


def record_view(
    session: Session, case_id: int, channel: str, user_key: str, category: str, now: datetime
) -> None:
    """Log one look at a case (SUMMARY_VIEW for the summary) in the turn's transaction."""
    session.add(
        CaseView(case_id=case_id, channel=channel, user_key=user_key, category=category, viewed_at=now)
    )

"""Writing what the management system sends into the database: case upserts and idempotent events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.case_lookup.case_number import CaseNumber, CaseNumberError, parse_case_number
from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.passwords import hash_password
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.config import Settings
from bot.storage.models.cases import Case, CaseEvent, Party, StaffAssignment, StaffMember
from bot.storage.models.core import utcnow

if TYPE_CHECKING:
    from bot.courts.directory import CourtDirectory


class IngestError(ValueError):
    """Data the caller must fix (a 422): `path` names the field ("parties.0.id_number"), `reason` why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason


class UnknownCase(IngestError):
    """An event for a case number the database does not hold (a 404 to an API caller)."""

    def __init__(self, case_no: str) -> None:
        super().__init__("case_no", f"案件{case_no}不存在，请先推送案件信息")
        self.case_no = case_no


def enforcement_case_number(case_no: str) -> CaseNumber:
    """The parsed case number, or IngestError when it cannot be read or is not an enforcement case."""
    try:
        number = parse_case_number(case_no)
    except CaseNumberError as error:
        raise IngestError("case_no", f"案号无法识别：{error.reason}") from None
    if not number.is_enforcement:
        raise IngestError("case_no", f"“{number.type_code}”不是执行案件的类型代字")
    return number


def _court_name(
    payload: CasePayload, court_code: str, existing: Case | None, courts: CourtDirectory | None
) -> str:
    if payload.court_name:
        return payload.court_name
    court = courts.by_code(court_code) if courts is not None else None
    if court is not None:
        return court.name
    if existing is not None and existing.court_code == court_code:
        return existing.court_name
    raise IngestError("court_name", f"未填写法院名称，法院名录中也没有法院代字“{court_code}”")


def _check_catalogue(payload: CasePayload, catalogue: Catalogue | None) -> None:
    if catalogue is not None and payload.closing_type and payload.closing_type not in catalogue.closing_types:
        raise IngestError(
            "closing_type", f"未知的结案方式，应为以下之一：{'、'.join(catalogue.closing_types)}"
        )


@dataclass
class CaseLookup:
    """The cases (with parties and assignments) and staff members a batch of case lines touches.

    For batch loads only: with it, upsert_case reads no row itself, so a batch's inserts go out
    together at commit. It must hold the canonical case numbers of the batch; new rows join it.
    """

    cases: dict[str, Case]
    staff: dict[str, StaffMember]

    @classmethod
    def fetch(cls, session: Session, case_nos: Iterable[str], staff_nos: Iterable[str]) -> CaseLookup:
        cases = session.scalars(
            select(Case)
            .where(Case.case_no.in_(set(case_nos)))
            .options(selectinload(Case.parties), selectinload(Case.assignments))
            .with_for_update(of=Case)
        ).all()
        staff = session.scalars(select(StaffMember).where(StaffMember.staff_no.in_(set(staff_nos)))).all()
        return cls({case.case_no: case for case in cases}, {member.staff_no: member for member in staff})


def _staff_members(
    session: Session, payload: CasePayload, court_code: str, lookup: CaseLookup | None
) -> dict[str, StaffMember]:
    """StaffMember rows by staff_no, inserted or brought up to date with what was sent."""
    wanted = {item.staff_no: item for item in payload.staff}
    if not wanted:
        return {}
    if lookup is None:
        found = session.scalars(select(StaffMember).where(StaffMember.staff_no.in_(wanted))).all()
        members = {member.staff_no: member for member in found}
    else:
        members = lookup.staff
    for staff_no, item in wanted.items():
        member = members.get(staff_no)
        if member is None:
            member = StaffMember(staff_no=staff_no)
            session.add(member)
            members[staff_no] = member
        member.name = item.name
        member.title = item.title
        member.office_phone = item.office_phone
        member.court_code = court_code
    return members


def upsert_case(
    session: Session,
    case_no: str,
    payload: CasePayload,
    settings: Settings,
    *,
    catalogue: Catalogue | None = None,
    courts: CourtDirectory | None = None,
    lookup: CaseLookup | None = None,
) -> Literal["inserted", "updated"]:
    """Insert or update the case; its parties and staff assignments become exactly those sent.

    Runs inside the caller's transaction and does not commit; every IngestError is raised before
    anything is written. The plaintext password is hashed here and goes no further; without one, an
    existing hash stays.
    """
    number = enforcement_case_number(case_no)
    if payload.case_type is not None and payload.case_type != number.type_code:
        raise IngestError("case_type", f"与案号中的类型代字“{number.type_code}”不一致")
    if payload.court_code is not None and payload.court_code != number.court_code:
        raise IngestError("court_code", f"与案号中的法院代字“{number.court_code}”不一致")
    _check_catalogue(payload, catalogue)
    if lookup is None:
        query = select(Case).where(Case.case_no == number.canonical).with_for_update()
        case = session.scalars(query).one_or_none()
    else:
        case = lookup.cases.get(number.canonical)
    court_name = _court_name(payload, number.court_code, case, courts)
    # Before the case row exists in the session: a query after it would flush the new case and then
    # lazy-load its (empty) collections, two round trips for nothing.
    members = _staff_members(session, payload, number.court_code, lookup)
    result: Literal["inserted", "updated"] = "updated"
    if case is None:
        case = Case(case_no=number.canonical)
        session.add(case)
        result = "inserted"
        if lookup is not None:
            lookup.cases[number.canonical] = case
    case.court_code = number.court_code
    case.court_name = court_name
    case.case_type = number.type_code
    case.filed_on = payload.filed_on
    case.amount = payload.amount
    case.cause = payload.cause
    case.basis_document = payload.basis_document
    case.status = payload.status
    case.closing_type = payload.closing_type
    case.closed_on = payload.closed_on
    case.updated_at = utcnow()
    if payload.password is not None:
        case.password_hash = hash_password(payload.password.get_secret_value(), settings)
    case.parties = [
        Party(
            position=position,
            role=item.role,
            kind=item.kind,
            name=item.name,
            id_number=item.id_number,
            phone=item.phone,
        )
        for position, item in enumerate(payload.parties)
    ]
    case.assignments = [
        StaffAssignment(
            staff=members[item.staff_no], role=item.role, assigned_on=item.assigned_on, ended_on=item.ended_on
        )
        for item in payload.staff
    ]
    return result


@dataclass
class EventLookup:
    """What add_event asks the database, fetched for a whole batch of events in two queries.

    For batch loads only: with it, add_event reads no row itself, so a batch's inserts go out
    together at commit. It must hold the canonical case numbers and event ids of the batch.
    """

    case_ids: dict[str, int]
    owners: dict[str, int]  # event id -> the case it belongs to

    @classmethod
    def fetch(cls, session: Session, case_nos: Iterable[str], event_ids: Iterable[str]) -> EventLookup:
        cases = session.execute(select(Case.case_no, Case.id).where(Case.case_no.in_(set(case_nos))))
        owners = session.execute(
            select(CaseEvent.external_id, CaseEvent.case_id).where(CaseEvent.external_id.in_(set(event_ids)))
        )
        return cls(dict(cases.tuples().all()), dict(owners.tuples().all()))


def _case_and_owner(session: Session, canonical: str, event_id: str) -> tuple[int, int | None]:
    # One round trip for both questions: the case's id and whether this event id was seen before.
    owner = select(CaseEvent.case_id).where(CaseEvent.external_id == event_id).scalar_subquery()
    row = session.execute(select(Case.id, owner).where(Case.case_no == canonical)).one_or_none()
    if row is None:
        raise UnknownCase(canonical)
    return row[0], row[1]


def add_event(
    session: Session,
    case_no: str,
    payload: EventPayload,
    catalogue: Catalogue,
    *,
    lookup: EventLookup | None = None,
    notify: Callable[[Session, CaseEvent], object] | None = None,
) -> Literal["inserted", "duplicate"]:
    """Record a case event once: a replay of the same event_id changes nothing and says "duplicate".

    notify (the SMS outbox, bot.notify) is called with the new event in the same transaction, so a
    notice exists exactly when its event does.

    The one entry point for events, inside the caller's transaction (it does not commit), so that
    whatever an event causes is written in the same transaction as the event. Every IngestError is
    raised before anything is written.
    """
    number = enforcement_case_number(case_no)
    kind = catalogue.kinds.get(payload.kind)
    if kind is None:
        raise IngestError("kind", "未知的事件类型")
    if lookup is None:
        case_id, owner = _case_and_owner(session, number.canonical, payload.event_id)
    else:
        known = lookup.case_ids.get(number.canonical)
        if known is None:
            raise UnknownCase(number.canonical)
        case_id, owner = known, lookup.owners.get(payload.event_id)
    if owner is not None:
        if owner != case_id:
            raise IngestError("event_id", "该事件编号已用于另一案件")
        return "duplicate"
    event = CaseEvent(
        case_id=case_id,
        external_id=payload.event_id,
        category=kind.category,
        kind=kind.code,
        # Stored in UTC: SQLite keeps no offset, and every reader takes a naive time as UTC.
        occurred_at=payload.occurred_at.astimezone(UTC),
        summary=payload.summary,
        details=dict(payload.details),
    )
    session.add(event)
    if lookup is not None:
        lookup.owners[payload.event_id] = case_id
    if notify is not None:
        notify(session, event)
    return "inserted"


_SIMPLE_REASONS = {
    "missing": "缺少此项",
    "string_type": "应为字符串",
    "list_type": "应为数组",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "extra_forbidden": "不支持此字段",
    "date_type": "应为日期，格式如2024-05-01",
    "date_parsing": "应为日期，格式如2024-05-01",
    "date_from_datetime_parsing": "应为日期，格式如2024-05-01",
    "date_from_datetime_inexact": "应为日期，不含时间",
    "datetime_type": "应为时间，格式如2024-05-01T09:30:00+08:00",
    "datetime_parsing": "应为时间，格式如2024-05-01T09:30:00+08:00",
    "datetime_from_date_parsing": "应为时间，格式如2024-05-01T09:30:00+08:00",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_places": "最多两位小数",
    "decimal_max_digits": "数值过大",
    "decimal_whole_digits": "数值过大",
    "finite_number": "应为有限数值",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
}


def _reason(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", "取值不合法"))
    if kind in ("string_too_short", "too_short"):
        return "不能为空" if ctx.get("min_length") == 1 else f"长度至少为{ctx.get('min_length')}"
    if kind == "string_too_long":
        return f"长度不能超过{ctx.get('max_length')}个字符"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    return _SIMPLE_REASONS.get(kind, "取值不合法")


def error_list(errors: ValidationError | Iterable[IngestError]) -> list[dict[str, str]]:
    """Validation problems as [{"path": "parties.0.id_number", "reason": "…"}], never echoing the input."""
    if isinstance(errors, ValidationError):
        return [
            {"path": ".".join(str(part) for part in error["loc"]), "reason": _reason(error)}
            for error in errors.errors(include_input=False, include_url=False)
        ]
    return [{"path": error.path, "reason": error.reason} for error in errors]

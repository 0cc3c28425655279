"""Writing list entries and notices as the management system sends them: validated upserts by the sender's id."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_lookup.case_number import parse_case_number
from bot.case_lookup.ingest import IngestError
from bot.public_lists.kinds import LIST_KINDS
from bot.public_lists.payloads import ListEntryPayload, NoticePayload
from bot.public_lists.subjects import name_key
from bot.storage.models.core import utcnow
from bot.storage.models.lists import ListEntry, PublicNotice

if TYPE_CHECKING:
    from bot.courts.directory import CourtDirectory

Outcome = Literal["inserted", "updated"]
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")
_COURT_CODE = re.compile(r"^浙(?:\d{2}|\d{4})?$")


def check_kind(kind: str) -> str:
    if kind not in LIST_KINDS:
        raise IngestError("kind", f"未知的名单类型，应为以下之一：{'、'.join(LIST_KINDS)}")
    return kind


def check_external_id(value: str, path: str = "id") -> str:
    if not _EXTERNAL_ID.match(value):
        raise IngestError(path, "编号只能由字母、数字和 . _ : - 组成，以字母或数字开头，最长64位")
    return value


def parse_entry(kind: str, body: Any) -> ListEntryPayload:
    """The payload for a list of this kind; raises pydantic's ValidationError with field paths."""
    return ListEntryPayload.model_validate(body, context={"kind": check_kind(kind)})


def _court_name(code: str, given: str | None, courts: CourtDirectory | None, path: str) -> str:
    if given:
        return given
    court = courts.by_code(code) if courts is not None else None
    if court is None:
        raise IngestError(path, f"未填写法院名称，法院名录中也没有法院代字“{code}”")
    return court.name


def upsert_entry(
    session: Session,
    kind: str,
    entry_id: str,
    payload: ListEntryPayload,
    courts: CourtDirectory | None = None,
) -> Outcome:
    """Insert or replace one entry (inside the caller's transaction). Removal is an update with removed_on."""
    check_kind(kind)
    check_external_id(entry_id)
    court_code = parse_case_number(payload.case_no).court_code
    court_name = _court_name(court_code, payload.court_name, courts, "court_name")
    entry = session.scalars(
        select(ListEntry).where(ListEntry.kind == kind, ListEntry.entry_id == entry_id).with_for_update()
    ).one_or_none()
    outcome: Outcome = "updated"
    if entry is None:
        entry = ListEntry(kind=kind, entry_id=entry_id)
        session.add(entry)
        outcome = "inserted"
    entry.subject_type = payload.subject_type
    entry.name = payload.name
    entry.name_key = name_key(payload.name)
    entry.id_number = payload.id_number
    entry.legal_representative = payload.legal_representative
    entry.court_code = court_code
    entry.court_name = court_name
    entry.case_no = payload.case_no
    entry.filed_on = payload.filed_on
    entry.basis_document = payload.basis_document
    entry.basis_issuer = payload.basis_issuer
    entry.obligation = payload.obligation
    entry.performance = payload.performance
    entry.amount = payload.amount
    entry.conduct = payload.conduct
    entry.published_on = payload.published_on
    entry.removed_on = payload.removed_on
    entry.removal_reason = payload.removal_reason
    entry.updated_at = utcnow()
    return outcome


def upsert_notice(
    session: Session, notice_id: str, payload: NoticePayload, courts: CourtDirectory | None = None
) -> Outcome:
    """Insert or replace one reward or auction notice (inside the caller's transaction)."""
    check_external_id(notice_id)
    code = payload.court_code
    if code is None and payload.case_no:
        code = parse_case_number(payload.case_no).court_code
    if code is None:
        raise IngestError("court_code", "请填写法院代字（如浙0106）或案号")
    if not _COURT_CODE.match(code):
        raise IngestError("court_code", "法院代字应为“浙”加2位或4位数字，如浙01、浙0106")
    court_name = _court_name(code, payload.court_name, courts, "court_name")
    notice = session.scalars(
        select(PublicNotice).where(PublicNotice.notice_id == notice_id).with_for_update()
    ).one_or_none()
    outcome: Outcome = "updated"
    if notice is None:
        notice = PublicNotice(notice_id=notice_id)
        session.add(notice)
        outcome = "inserted"
    notice.kind = payload.kind
    notice.court_code = code
    notice.court_name = court_name
    notice.title = payload.title
    notice.url = payload.url
    notice.case_no = payload.case_no
    notice.summary = payload.summary
    notice.published_on = payload.published_on
    notice.ends_on = payload.ends_on
    notice.withdrawn_on = payload.withdrawn_on
    notice.updated_at = utcnow()
    return outcome

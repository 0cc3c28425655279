"""Searching the lists: a person by name and ID number, an organisation by credit code or by its full name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, literal_column, select
from sqlalchemy.orm import Session

from bot.public_lists.kinds import LIST_KINDS, ORGANISATION, PERSON, SubjectType
from bot.public_lists.subjects import CodeError, SubjectCode, clean_name, name_key, parse_code
from bot.storage.models.lists import ListEntry

MAX_NAME = 100
# One subject on hundreds of entries is possible for a large company; the answer shows at most this many.
MAX_ENTRIES = 200
_CJK_NAME = re.compile(r"^[\u3400-\u9fff·]{2,6}$")
# Words that end or mark the name of an organisation; a short name without them is a person's.
_ORGANISATION_WORDS = re.compile(
    r"公司|集团|厂|店|商行|经营部|部|中心|合作社|社|协会|学会|基金会|事务所|所|医院|院|学校|学院|银行|工作室|馆|场|站|委员会|局|会"
)


class QueryError(ValueError):
    """A query the user must correct; `field` is "name" or "id", `reason` says what to do, in Chinese."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ListQuery:
    name: str
    code: SubjectCode | None

    @property
    def by(self) -> str:
        """id_number (a person), credit_code or org_name (an organisation)."""
        if self.code is None:
            return "org_name"
        return "id_number" if self.code.subject_type == PERSON else "credit_code"


def parse_query(name: str | None, code: str | None) -> ListQuery:
    """A query from what the user typed; QueryError names the field to fix and how."""
    cleaned = clean_name(name or "")
    if len(cleaned) > MAX_NAME:
        raise QueryError("name", f"名称过长：不能超过{MAX_NAME}个字")
    subject = None
    if code and code.strip():
        try:
            subject = parse_code(code)
        except CodeError as error:
            raise QueryError("id", error.reason) from None
    if subject is not None and subject.subject_type == PERSON and not cleaned:
        raise QueryError("name", "查询个人须同时提供姓名和身份证号")
    if subject is None and not cleaned:
        raise QueryError("name", "请输入被执行人的姓名或单位全称")
    return ListQuery(cleaned, subject)


def looks_like_person_name(name: str) -> bool:
    """A short run of Chinese characters without any organisation word, such as 张三 or 阿依古丽·买买提."""
    key = name_key(name)
    return bool(_CJK_NAME.match(key)) and not _ORGANISATION_WORDS.search(key)


@dataclass(frozen=True)
class EntryView:
    """One entry as the public may see it: no ID number here, the subject carries the shown form."""

    kind: str
    case_no: str
    court_name: str
    filed_on: date | None
    basis_document: str
    basis_issuer: str
    obligation: str
    performance: str | None
    amount: Decimal | None
    conduct: str | None
    published_on: date


@dataclass(frozen=True)
class SubjectResult:
    """Everything the lists hold on one person or organisation, in force today."""

    subject_type: SubjectType
    name: str
    shown_code: str | None  # a person's ID masked; an organisation's credit code as it is
    legal_representative: str | None
    entries: tuple[EntryView, ...]

    def by_kind(self) -> list[tuple[str, list[EntryView]]]:
        """The lists this subject is on, in the order of §3.5, each with its entries."""
        grouped = [(kind, [e for e in self.entries if e.kind == kind]) for kind in LIST_KINDS]
        return [(kind, entries) for kind, entries in grouped if entries]


def _live(today: date) -> tuple[ColumnElement[bool], ...]:
    # "removed_on IS NULL" is written the way the partial indexes are, so PostgreSQL can use them.
    return (ListEntry.removed_on.is_(None), ListEntry.published_on <= today)


def statement(query: ListQuery, today: date) -> Select[tuple[ListEntry]]:
    """The SELECT for a query: a person only when name and ID both match, organisations by code or name."""
    found = select(ListEntry).where(*_live(today))
    if query.code is not None and query.code.subject_type == PERSON:
        found = found.where(
            ListEntry.id_number == query.code.value,
            ListEntry.subject_type == PERSON,
            ListEntry.name_key == name_key(query.name),
        )
    elif query.code is not None:
        found = found.where(ListEntry.id_number == query.code.value, ListEntry.subject_type == ORGANISATION)
    else:
        # A literal, not a bound parameter: the organisation-name index is partial on this very
        # condition, and a prepared statement's generic plan cannot prove a parameter matches it.
        found = found.where(
            ListEntry.name_key == name_key(query.name),
            ListEntry.subject_type == literal_column("'organisation'"),
        )
    return found.order_by(ListEntry.published_on.desc(), ListEntry.id).limit(MAX_ENTRIES)


def search(session: Session, query: ListQuery, today: date) -> list[SubjectResult]:
    """The subjects the query finds among entries in force today."""
    return group(list(session.scalars(statement(query, today))))


def group(rows: Sequence[ListEntry]) -> list[SubjectResult]:
    """Rows of one or more subjects as one result per subject (same type and code, else same name)."""
    subjects: dict[tuple[str, str], list[ListEntry]] = {}
    for row in rows:
        identity = row.id_number or f"name:{row.name_key}"
        subjects.setdefault((row.subject_type, identity), []).append(row)
    return [_subject(entries) for entries in subjects.values()]


def _subject(rows: list[ListEntry]) -> SubjectResult:
    first = rows[0]
    subject_type: SubjectType = ORGANISATION if first.subject_type == ORGANISATION else PERSON
    code = SubjectCode(subject_type, first.id_number).shown if first.id_number else None
    return SubjectResult(
        subject_type=subject_type,
        name=first.name,
        shown_code=code,
        legal_representative=first.legal_representative,
        entries=tuple(
            EntryView(
                kind=row.kind,
                case_no=row.case_no,
                court_name=row.court_name,
                filed_on=row.filed_on,
                basis_document=row.basis_document,
                basis_issuer=row.basis_issuer,
                obligation=row.obligation,
                performance=row.performance,
                amount=row.amount,
                conduct=row.conduct,
                published_on=row.published_on,
            )
            for row in rows
        ),
    )

"""Shared test data for the public lists: synthetic people and companies with checksum-valid identifiers."""

from __future__ import annotations

from typing import Any

from bot.identity.id_number import id_check_digit
from bot.identity.uscc import org_code_check_char, uscc_check_char
from bot.public_lists.ingest import parse_entry, upsert_entry, upsert_notice
from bot.public_lists.payloads import NoticePayload
from bot.storage.db import Database


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


def credit_code(region: str, org8: str) -> str:
    first17 = f"91{region}{org8}{org_code_check_char(org8)}"
    return first17 + uscc_check_char(first17)


PERSON_NAME = "林晓峰"
PERSON_ID = id_number("33010619850312123")
OTHER_ID = id_number("33010219900101456")
# The same number with a wrong check digit.
WRONG_CHECK_ID = PERSON_ID[:17] + next(ch for ch in "0123456789X" if ch != PERSON_ID[-1])
COMPANY_NAME = "杭州恒盛贸易有限公司"
COMPANY_CODE = credit_code("330106", "MA2H7K4Q")
CASE_NO = "(2023)浙0106执1234号"
COURT = "杭州市西湖区人民法院"


def person_entry(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject_type": "person",
        "name": PERSON_NAME,
        "id_number": PERSON_ID,
        "case_no": CASE_NO,
        "court_name": COURT,
        "filed_on": "2023-03-01",
        "basis_document": "(2022)浙0106民初5678号",
        "basis_issuer": COURT,
        "obligation": "被执行人于判决生效之日起十日内偿还借款本金200000元及利息。",
        "performance": "none",
        "amount": "200000.00",
        "conduct": "有履行能力而拒不履行生效法律文书确定义务",
        "published_on": "2023-06-01",
    }
    body.update(changes)
    return body


def company_entry(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject_type": "organisation",
        "name": COMPANY_NAME,
        "id_number": COMPANY_CODE,
        "legal_representative": "周建国",
        "case_no": "(2024)浙0106执88号",
        "court_name": COURT,
        "filed_on": "2024-01-10",
        "basis_document": "(2023)浙0106民初901号",
        "basis_issuer": COURT,
        "obligation": "被执行人支付货款560000元。",
        "amount": "560000.00",
        "published_on": "2024-03-15",
    }
    body.update(changes)
    return body


def put(db: Database, kind: str, entry_id: str, body: dict[str, Any]) -> str:
    """Store an entry the way the API and the importer do: validate for its list, then upsert."""
    if kind != "dishonest":
        body = {key: value for key, value in body.items() if key not in {"conduct"}}
    payload = parse_entry(kind, body)
    with db.transaction() as session:
        return upsert_entry(session, kind, entry_id, payload)


def notice(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "auction",
        "title": "杭州市西湖区人民法院关于网络司法拍卖住宅的公告（第一次拍卖）",
        "url": "https://sf-item.taobao.com/sf_item/612345678901.htm",
        "court_code": "浙0106",
        "court_name": COURT,
        "case_no": "(2024)浙0106执77号",
        "summary": "起拍价以评估价为基础确定。",
        "published_on": "2025-03-01",
        "ends_on": "2025-04-01",
    }
    body.update(changes)
    return body


def put_notice(db: Database, notice_id: str, body: dict[str, Any]) -> str:
    with db.transaction() as session:
        return upsert_notice(session, notice_id, NoticePayload.model_validate(body))

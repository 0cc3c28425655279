"""Validating and storing list entries and notices, and `hotline import lists FILE.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.case_lookup.ingest import IngestError, error_list
from bot.courts.directory import CourtDirectory
from bot.public_lists.importer import import_lists
from bot.public_lists.ingest import parse_entry, upsert_entry
from bot.public_lists.payloads import NoticePayload
from bot.storage.db import Database
from bot.storage.models import ListEntry, PublicNotice
from tests.conftest import REPO
from tests.public_lists.factories import PERSON_ID, WRONG_CHECK_ID, company_entry, notice, person_entry


@pytest.fixture(scope="module")
def courts() -> CourtDirectory:
    return CourtDirectory.load(REPO / "data" / "courts.yaml")


def problems(kind: str, body: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        parse_entry(kind, body)
    return {item["path"]: item["reason"] for item in error_list(caught.value)}


def test_a_dishonest_entry_needs_the_conduct_and_the_performance() -> None:
    found = problems("dishonest", person_entry(conduct=None, performance=None))
    assert "失信行为具体情形" in found["conduct"]
    assert "履行情况" in found["performance"]


def test_conduct_belongs_to_the_dishonest_list_only() -> None:
    assert "只有失信被执行人名单" in problems("consumption_ban", person_entry())["conduct"]


@pytest.mark.parametrize(
    ("changes", "path", "reason_part"),
    [
        ({"id_number": None}, "id_number", "个人须提供18位身份证号"),
        ({"id_number": WRONG_CHECK_ID}, "id_number", "校验位错误"),
        ({"case_no": "(2023)浙0106民初12号"}, "case_no", "不是执行案件"),
        ({"case_no": "浙0106执12号"}, "case_no", "案号无法识别"),
        ({"published_on": "2099-01-01"}, "published_on", "不能晚于今天"),
        ({"removed_on": "2023-01-01"}, "removed_on", "不能早于发布日期"),
        ({"performance": "paid"}, "performance", "应为以下之一"),
        ({"legal_representative": "某人"}, "legal_representative", "只有单位"),
        ({"name": ""}, "name", "不能为空"),
        ({"nickname": "x"}, "nickname", "不支持此字段"),
    ],
)
def test_bad_fields_are_named_with_a_reason(changes: dict[str, Any], path: str, reason_part: str) -> None:
    found = problems("dishonest", person_entry(**changes))
    assert reason_part in found[path]


def test_errors_never_echo_the_id_number() -> None:
    found = problems("dishonest", person_entry(id_number=WRONG_CHECK_ID))
    assert PERSON_ID[:17] not in json.dumps(found, ensure_ascii=False)


def test_a_bad_credit_code_is_refused() -> None:
    found = problems("bidding_ban", company_entry(id_number="91330106MA2H7K4Q00"))
    assert "统一社会信用代码有误" in found["id_number"]


def test_the_court_name_comes_from_the_directory_when_left_out(db: Database, courts: CourtDirectory) -> None:
    payload = parse_entry("unfinished", company_entry(court_name=None))
    with db.transaction() as session:
        assert upsert_entry(session, "unfinished", "BZX-1", payload, courts) == "inserted"
    with db.transaction() as session:
        entry = session.scalars(select(ListEntry)).one()
        assert (entry.court_code, entry.court_name) == ("浙0106", "杭州市西湖区人民法院")
    unknown = parse_entry("unfinished", company_entry(court_name=None, case_no="(2024)浙9999执1号"))
    with db.transaction() as session, pytest.raises(IngestError) as caught:
        upsert_entry(session, "unfinished", "BZX-2", unknown, courts)
    assert caught.value.path == "court_name"


def test_an_upsert_replaces_the_entry_of_the_same_list_and_id(db: Database) -> None:
    with db.transaction() as session:
        upsert_entry(session, "dishonest", "SX-1", parse_entry("dishonest", person_entry()))
        upsert_entry(
            session, "consumption_ban", "SX-1", parse_entry("consumption_ban", person_entry(conduct=None))
        )
    with db.transaction() as session:
        outcome = upsert_entry(
            session, "dishonest", "SX-1", parse_entry("dishonest", person_entry(performance="partial"))
        )
    assert outcome == "updated"
    with db.transaction() as session:
        rows = session.scalars(select(ListEntry).order_by(ListEntry.kind)).all()
        assert [(row.kind, row.performance) for row in rows] == [
            ("consumption_ban", "none"),
            ("dishonest", "partial"),
        ]


@pytest.mark.parametrize("bad_id", ["", "有空格 的编号", "x" * 65, "-leading-dash"])
def test_entry_ids_are_checked(db: Database, bad_id: str) -> None:
    with db.transaction() as session, pytest.raises(IngestError) as caught:
        upsert_entry(session, "dishonest", bad_id, parse_entry("dishonest", person_entry()))
    assert caught.value.path == "id"


def test_unknown_list_kind_is_refused() -> None:
    with pytest.raises(IngestError) as caught:
        parse_entry("blacklist", person_entry())
    assert caught.value.path == "kind"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://example.org/x"}, "url"),
        ({"kind": "lottery"}, "kind"),
        ({"case_no": "(2024)浙0106民初1号"}, "case_no"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_notices_are_refused(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        NoticePayload.model_validate(notice(**changes))
    assert path in {item["path"] for item in error_list(caught.value)}


def test_the_demo_file_imports_cleanly_and_again_as_updates(db: Database) -> None:
    path = REPO / "data" / "demo_lists.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    first = import_lists(path, db)
    assert first.errors == []
    assert first.inserted == len(lines)
    second = import_lists(path, db)
    assert (second.inserted, second.updated, second.errors) == (0, len(lines), [])
    with db.transaction() as session:
        notices = session.scalar(select(func.count()).select_from(PublicNotice))
        entries = session.scalar(select(func.count()).select_from(ListEntry))
    assert notices == sum(1 for line in lines if line["kind"] in {"reward", "auction"})
    assert entries == len(lines) - notices


def test_bad_lines_are_reported_by_line_and_field_and_the_rest_imported(db: Database, tmp_path: Path) -> None:
    good = {"kind": "dishonest", "id": "SX-1", **person_entry()}
    lines = [
        json.dumps(good, ensure_ascii=False),
        "not json",
        json.dumps({**good, "id": "SX-2", "id_number": WRONG_CHECK_ID}),
        "",
        json.dumps({**good, "kind": "blacklist"}),
        json.dumps({"kind": "auction", "id": "PM-1", **{k: v for k, v in notice().items() if k != "kind"}}),
        json.dumps({**good, "id": "SX-3", "court_name": None, "case_no": "(2024)浙9999执1号"}),
    ]
    path = tmp_path / "lists.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    summary = import_lists(path, db)
    assert summary.inserted == 2
    assert [(line, where) for line, where, _ in summary.errors] == [
        (2, ""),
        (3, "id_number"),
        (5, "kind"),
        (7, "court_name"),
    ]
    assert PERSON_ID[:17] not in json.dumps(summary.to_dict(), ensure_ascii=False)

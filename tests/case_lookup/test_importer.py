"""`hotline import cases|events`: a bad line rejects only itself, with its number, and leaves no partial case."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.importer import Rejection, command, format_summary, run_import
from bot.config import Settings
from bot.storage.db import Database
from bot.storage.models import Case, CaseEvent, Party, StaffAssignment
from bot.web.openapi import CASE_EXAMPLE, EVENT_EXAMPLE
from tests.conftest import REPO

BAD_ID = "330102199001011235"  # the check digit should be 4


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(REPO / "data" / "case_events.yaml")


def case_line(seq: int, **changes: Any) -> str:
    body = copy.deepcopy(CASE_EXAMPLE)
    body.update(changes)
    return json.dumps({"case_no": f"(2024)浙0102执{seq}号", **body}, ensure_ascii=False)


def event_line(seq: int, event_id: str, **changes: Any) -> str:
    return json.dumps({"case_no": f"(2024)浙0102执{seq}号", **EVENT_EXAMPLE, "event_id": event_id, **changes})


def write(tmp_path: Path, name: str, lines: Sequence[str | bytes]) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return path


def counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Case, Party, StaffAssignment, CaseEvent)
        }


def test_bad_case_line_in_the_middle_rejects_only_itself(
    tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue
) -> None:
    bad_party = [{"role": "applicant", "kind": "person", "name": "张三", "id_number": BAD_ID}]
    lines = [case_line(1), case_line(2), case_line(3, parties=bad_party), case_line(4), case_line(5)]
    path = write(tmp_path, "cases.jsonl", lines)
    summary = run_import("cases", path, db, settings, catalogue, batch_size=2, progress=False)
    assert (summary.lines, summary.inserted, summary.updated) == (5, 4, 0)
    assert [(item.line, item.path) for item in summary.rejected] == [(3, "parties.0.id_number")]
    assert counts(db) == {"Case": 4, "Party": 8, "StaffAssignment": 4, "CaseEvent": 0}
    with db.transaction() as session:
        assert session.scalar(select(Case).where(Case.case_no == "(2024)浙0102执3号")) is None


def test_a_line_refused_after_validation_leaves_nothing_of_itself(
    tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue
) -> None:
    lines = [case_line(1), case_line(2, case_type="执恢"), case_line(3)]
    summary = run_import("cases", write(tmp_path, "c.jsonl", lines), db, settings, catalogue, progress=False)
    assert summary.rejected == [Rejection(2, "case_type", "与案号中的类型代字“执”不一致")]
    assert counts(db)["Case"] == 2


def test_reimport_updates(tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue) -> None:
    path = write(tmp_path, "cases.jsonl", [case_line(1), case_line(2)])
    run_import("cases", path, db, settings, catalogue, progress=False)
    again = run_import("cases", path, db, settings, catalogue, progress=True)
    assert (again.inserted, again.updated, again.rejected) == (0, 2, [])


def test_events_summary_names_every_kind_of_bad_line(
    tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue
) -> None:
    run_import("cases", write(tmp_path, "cases.jsonl", [case_line(1), case_line(2)]), db, settings, catalogue)
    lines: list[str | bytes] = [
        event_line(1, "E1"),
        event_line(2, "E2", kind="auction_result"),
        event_line(1, "E1"),
        event_line(9, "E3"),
        "{not json",
        "",
        b'{"case_no": "\xff"}',
        event_line(1, "E4", kind="teleported"),
        json.dumps({**EVENT_EXAMPLE, "event_id": "E5"}),
        event_line(2, "E6", occurred_at="yesterday"),
        event_line(2, "E7"),
    ]
    summary = run_import(
        "events", write(tmp_path, "events.jsonl", lines), db, settings, catalogue, batch_size=3
    )
    assert (summary.lines, summary.inserted, summary.duplicate) == (10, 3, 1)
    assert [(item.line, item.path) for item in summary.rejected] == [
        (4, "case_no"),
        (5, ""),
        (7, ""),
        (8, "kind"),
        (9, "case_no"),
        (10, "occurred_at"),
    ]
    with db.transaction() as session:
        stored = session.scalars(select(CaseEvent.external_id).order_by(CaseEvent.external_id)).all()
    assert stored == ["E1", "E2", "E7"]
    text = format_summary(summary)
    assert "共 10 行，新增 3，更新 0，重复 1，拒绝 6" in text
    assert "第 4 行 case_no：案件(2024)浙0102执9号不存在" in text


def test_passwords_and_ids_stay_out_of_the_summary_and_logs(
    tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad_party = [{"role": "applicant", "kind": "person", "name": "张三", "id_number": BAD_ID}]
    lines = [case_line(1), case_line(2, parties=bad_party), case_line(3, password="12")]
    summary = run_import("cases", write(tmp_path, "cases.jsonl", lines), db, settings, catalogue)
    text = format_summary(summary)
    assert [item.path for item in summary.rejected] == ["parties.0.id_number", "password"]
    for secret in (CASE_EXAMPLE["password"], BAD_ID, "330102199001011234"):
        assert secret not in text and secret not in caplog.text


def test_unknown_kind_is_refused(
    tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue
) -> None:
    with pytest.raises(ValueError):
        run_import("faq", write(tmp_path, "x.jsonl", []), db, settings, catalogue)


def test_event_id_reused_for_another_case_in_one_batch(
    tmp_path: Path, db: Database, settings: Settings, catalogue: Catalogue
) -> None:
    run_import("cases", write(tmp_path, "cases.jsonl", [case_line(1), case_line(2)]), db, settings, catalogue)
    lines: list[str | bytes] = [
        event_line(1, "E1"),
        event_line(2, "E1"),
        event_line(2, "E2"),
        event_line(2, "E2"),
    ]
    summary = run_import("events", write(tmp_path, "events.jsonl", lines), db, settings, catalogue)
    assert (summary.inserted, summary.duplicate) == (2, 1)
    assert [(item.line, item.path) for item in summary.rejected] == [(2, "event_id")]
    with db.transaction() as session:
        owners = session.execute(
            select(CaseEvent.external_id, CaseEvent.case_id).order_by(CaseEvent.external_id)
        )
        assert owners.tuples().all() == [("E1", 1), ("E2", 2)]


def test_command_prints_the_summary_and_says_how_it_went(
    tmp_path: Path, db: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.jsonl", [case_line(1), case_line(2)])
    assert command("cases", good, settings) == 0
    assert "新增 2" in capsys.readouterr().out
    mixed = write(tmp_path, "mixed.jsonl", [case_line(3), "[]"])
    assert command("cases", mixed, settings) == 1
    assert "第 2 行：每行应为一个 JSON 对象" in capsys.readouterr().out
    assert command("cases", tmp_path / "missing.jsonl", settings) == 2
    assert counts(db)["Case"] == 3

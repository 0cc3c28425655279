"""The compliance report and recorded reasons, through the functions and through `hotline notify`."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.case_lookup.catalogue import Catalogue
from bot.cli import main
from bot.config import Settings
from bot.notify.reasons import ReasonError, needs_reason, reasons_for, record_reason
from bot.notify.report import ReportFilter, compliance, overdue, totals, write_csv
from bot.notify.rules import NotifyRules
from bot.storage.db import Database
from bot.storage.models import Notification
from bot.storage.models.notify import DEAD, FAILED, PENDING, SENT
from tests.notify.factories import add_case, event, record

WEST_LAKE = "(2024)浙0106执77号"
# Deadlines: same-day notices of 5 March end at 16:00 UTC that day; the 3-day ones on 8 March.
DUE = datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
NOW = datetime(2024, 3, 10, tzinfo=UTC)


def build(db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules) -> dict[str, int]:
    """Notices in every condition the report distinguishes, in two courts; returns ids by condition."""
    with db.transaction() as session:
        add_case(session, settings, catalogue)
        add_case(session, settings, catalogue, WEST_LAKE, court_name="杭州市西湖区人民法院")
        paid = record(session, event("money_received", event_id="m1"), catalogue, rules)  # 3 rows, same day
        judge = record(session, event("judge_assigned", event_id="j1"), catalogue, rules)  # 2 rows, same day
        far = record(
            session, event("fined", event_id="f1", when="2024-03-09T09:00:00+08:00"), catalogue, rules
        )
        west = record(session, event("judge_assigned", event_id="w1"), catalogue, rules, case_no=WEST_LAKE)
        session.flush()
        ids = {
            "on_time": paid[0].id,
            "late": paid[1].id,
            "failed": paid[2].id,
            "dead": judge[0].id,
            "pending_overdue": judge[1].id,
            "waiting": far[0].id,
            "west": west[0].id,
        }
        changes = {
            "on_time": {"state": SENT, "sent_at": DUE - timedelta(hours=1)},
            "late": {"state": SENT, "sent_at": DUE + timedelta(minutes=5)},
            "failed": {"state": FAILED, "last_error": "未登记手机号"},
            "dead": {"state": DEAD},
        }
        for name, values in changes.items():
            session.execute(update(Notification).where(Notification.id == ids[name]).values(**values))
        # The other rows of the fine and of West Lake: sent in time, so they do not muddy the counts.
        others = [row.id for row in far[1:] + west]
        session.execute(
            update(Notification)
            .where(Notification.id.in_(others))
            .values(state=SENT, sent_at=DUE - timedelta(hours=2))
        )
    return ids


def test_the_report_counts_on_time_late_missing_waiting_and_reasons_per_court_and_rule(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    ids = build(db, settings, catalogue, rules)
    with db.transaction() as session:
        record_reason(session, ids["late"], "系统升级，短信平台停用两小时", "张科长", NOW)
        record_reason(session, ids["dead"], "当事人手机号已停机", "张科长", NOW)
        record_reason(session, ids["dead"], "已电话告知", "李法官", NOW)  # a second reason counts once
        rows = compliance(session, rules, ReportFilter(), NOW)
    shown = {(row.court_code, row.rule): row for row in rows}
    paid = shown[("浙0102", "money_received")]
    assert (paid.due, paid.on_time, paid.late, paid.missing, paid.waiting) == (3, 1, 1, 1, 0)
    assert (paid.explained, paid.unexplained) == (1, 1)
    judge = shown[("浙0102", "judge_assigned")]
    assert (judge.due, judge.missing, judge.explained, judge.unexplained) == (2, 2, 1, 1)
    fine = shown[("浙0102", "sanctions")]
    assert (fine.due, fine.on_time, fine.waiting) == (3, 2, 1)  # due by the end of 12 March
    assert shown[("浙0106", "judge_assigned")].court_name == "杭州市西湖区人民法院"
    assert [row.court_code for row in rows] == sorted(row.court_code for row in rows)
    total = totals(rows)
    assert (total.due, total.late, total.missing, total.explained) == (10, 1, 3, 2)


def test_a_notice_not_yet_due_is_waiting_not_missing(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    ids = build(db, settings, catalogue, rules)
    early = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)
    with db.transaction() as session:
        fine = {row.rule: row for row in compliance(session, rules, ReportFilter(), early)}["sanctions"]
        notice = session.get(Notification, ids["waiting"])
        assert notice is not None and not needs_reason(notice, early)
    assert (fine.waiting, fine.missing) == (1, 0)


def test_filters_by_court_and_by_last_allowed_day(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    build(db, settings, catalogue, rules)
    with db.transaction() as session:
        west = compliance(session, rules, ReportFilter(court="西湖"), NOW)
        by_code = compliance(session, rules, ReportFilter(court="浙0106"), NOW)
        march_5 = compliance(
            session, rules, ReportFilter(date_from=date(2024, 3, 5), date_to=date(2024, 3, 5)), NOW
        )
        after = compliance(session, rules, ReportFilter(date_from=date(2024, 3, 6)), NOW)
    assert [row.court_code for row in west] == ["浙0106"] and west == by_code
    assert totals(march_5).due == 7 and {row.rule for row in after} == {"sanctions"}


def test_overdue_lists_what_still_needs_a_reason(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    ids = build(db, settings, catalogue, rules)
    with db.transaction() as session:
        record_reason(session, ids["late"], "网关故障", "张科长", NOW)
        listed = overdue(session, ReportFilter(), NOW)
    assert {item.id for item in listed} == {ids["failed"], ids["dead"], ids["pending_overdue"]}
    failed = next(item for item in listed if item.id == ids["failed"])
    assert failed.due_day == date(2024, 3, 5) and failed.problem == "未登记手机号"


def test_reasons_keep_who_and_when_and_refuse_what_needs_none(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    ids = build(db, settings, catalogue, rules)
    with db.transaction() as session:
        record_reason(session, ids["failed"], "  当事人未留手机号，已邮寄告知书  ", "王书记员", NOW)
        kept = reasons_for(session, ids["failed"])
        assert [(item.reason, item.recorded_by) for item in kept] == [
            ("当事人未留手机号，已邮寄告知书", "王书记员")
        ]
        assert kept[0].recorded_at.replace(tzinfo=UTC) == NOW
        with pytest.raises(ReasonError, match="已按时发送"):
            record_reason(session, ids["on_time"], "无", "王书记员", NOW)
        with pytest.raises(ReasonError, match="没有编号为 999999"):
            record_reason(session, 999999, "理由", "王书记员", NOW)
        with pytest.raises(ReasonError, match="理由不能为空"):
            record_reason(session, ids["late"], "   ", "王书记员", NOW)
        with pytest.raises(ReasonError, match="不能超过500"):
            record_reason(session, ids["late"], "很" * 501, "王书记员", NOW)


def test_csv_has_chinese_headers_a_row_per_court_and_rule_and_a_total(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, tmp_path: Path
) -> None:
    build(db, settings, catalogue, rules)
    with db.transaction() as session:
        rows = compliance(session, rules, ReportFilter(), NOW)
    path = tmp_path / "out" / "report.csv"
    write_csv(rows, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:3] == ["法院代字", "法院", "规则"] and "未说明理由" in lines[0]
    assert len(lines) == 1 + len(rows) + 1 and lines[-1][1] == "合计"


def test_the_cli_records_a_reason_and_prints_the_report(
    db: Database,
    settings: Settings,
    catalogue: Catalogue,
    rules: NotifyRules,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = build(db, settings, catalogue, rules)
    monkeypatch.chdir(tmp_path)
    url = ["--database-url", settings.database_url]
    assert main([*url, "notify", "reason", str(ids["late"]), "短信平台故障", "--by", "张科长"]) == 0
    assert "已记录通知" in capsys.readouterr().out
    assert main([*url, "notify", "reason", str(ids["on_time"]), "无"]) == 1
    assert "已按时发送" in capsys.readouterr().out
    csv_path = tmp_path / "r.csv"
    assert main([*url, "notify", "report", "--court", "浙0102", "--list", "--csv", str(csv_path)]) == 0
    out = capsys.readouterr().out
    assert "money_received" in out and "合计" in out and "浙0106" not in out
    assert str(ids["failed"]) in out and "未登记手机号" in out
    assert csv_path.exists()
    with db.transaction() as session:
        stored = session.scalars(select(Notification).where(Notification.id == ids["late"])).one()
        assert reasons_for(session, stored.id)[0].recorded_by == "张科长"


def test_the_cli_run_delivers_with_the_log_gateway_by_default(
    db: Database,
    settings: Settings,
    catalogue: Catalogue,
    rules: NotifyRules,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with db.transaction() as session:
        add_case(session, settings, catalogue)
        recent = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        record(session, event("judge_assigned", when=recent), catalogue, rules, now=datetime.now(UTC))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOTLINE_SMS_GATEWAY", raising=False)
    assert main(["--database-url", settings.database_url, "notify", "run", "--once"]) == 0
    out = capsys.readouterr().out
    assert "138****5678" in out and "已发送 2 条" in out
    assert (tmp_path / "var" / "sms.log").read_text(encoding="utf-8").count("\n") == 2
    with db.transaction() as session:
        assert {row.state for row in session.scalars(select(Notification))} == {SENT}
    assert PENDING not in out


def test_the_cli_shows_templates_with_segment_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notify", "templates"]) == 0
    out = capsys.readouterr().out
    assert "§3.4 money_received" in out and "1条" in out

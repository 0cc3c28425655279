"""Every row of the seed's notification table (DESIGN.md), bad phones, idempotency, staleness and chat copies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.case_lookup.catalogue import Catalogue
from bot.config import Settings
from bot.core.messages import Reply
from bot.notify.outbox import NO_PHONE, enqueue_for_event
from bot.notify.record import record_event
from bot.notify.rules import NotifyRules
from bot.storage.db import Database
from bot.storage.models import CaseEvent, ChatPush, Notification
from bot.storage.models.notify import FAILED, PENDING, SKIPPED
from tests.notify.factories import (
    APPLICANT_PHONE,
    CASE_NO,
    COURT,
    JUDGE_PHONE,
    SOON_AFTER,
    by_role,
    event,
    record,
)
from tests.notify.factories import add_case as make_case

# The midnight that ends 2024-03-05 in Shanghai, and the one that ends 2024-03-08 (3 days later).
END_OF_MARCH_5 = datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
END_OF_MARCH_8 = datetime(2024, 3, 8, 16, 0, tzinfo=UTC)
BOTH = ["applicant", "respondent"]
BOTH_AND_INTERESTED = ["applicant", "respondent", "interested"]


def _roles(rows: list[Notification]) -> list[str]:
    return [row.recipient_role for row in rows]


def _due(row: Notification) -> datetime:
    return row.due_by.replace(tzinfo=UTC) if row.due_by.tzinfo is None else row.due_by


def test_3_2_judge_assigned_tells_both_parties_the_judge_and_office_phone_the_same_day(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event("judge_assigned", summary="确定王明为本案承办人。"), catalogue, rules)
        assert _roles(rows) == BOTH
        assert {row.rule for row in rows} == {"judge_assigned"}
        for row in rows:
            assert row.text.startswith(f"【{COURT}】{CASE_NO}")
            assert "王明" in row.text and JUDGE_PHONE in row.text
            assert _due(row) == END_OF_MARCH_5
            assert row.state == PENDING and row.segments == 1
        assert by_role(rows)["applicant"].phone == APPLICANT_PHONE


def test_3_2_objection_case_tells_every_party_judge_and_panel_counted_from_filing(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    case_no = "(2024)浙0102执异12号"
    staff = [
        {"staff_no": "P-1", "name": "陈法官", "office_phone": "0571-88880001", "role": "presiding"}
        | {"assigned_on": "2024-03-01"},
        {"staff_no": "P-2", "name": "王芳", "role": "panel", "assigned_on": "2024-03-01"},
        {"staff_no": "P-3", "name": "赵强", "role": "panel", "assigned_on": "2024-03-01"},
    ]
    outsider = {"role": "outsider", "kind": "person", "name": "钱五", "phone": "15000001111"}
    with db.transaction() as session:
        case = make_case(session, settings, catalogue, case_no, staff=staff)
        parties = [
            *[{"role": p.role, "kind": p.kind, "name": p.name, "phone": p.phone} for p in case.parties]
        ]
        make_case(session, settings, catalogue, case_no, staff=staff, parties=[*parties, outsider])
        rows = record(session, event("panel_formed"), catalogue, rules, case_no=case_no)
        assert _roles(rows) == [*BOTH_AND_INTERESTED, "outsider"]
        assert {row.rule for row in rows} == {"review_contact"}
        text = rows[0].text
        assert "陈法官" in text and "0571-88880001" in text and "王芳、赵强" in text
        # "at filing": the case was filed on 2024-03-01, so the notice was due by the end of that day.
        assert _due(rows[0]) == datetime(2024, 3, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["staff_changed", "court_changed"])
def test_3_2_court_judge_or_panel_changed_tells_both_parties_within_3_days(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, kind: str
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event(kind, summary="因工作调整，本案承办人变更为王明。"), catalogue, rules)
        assert _roles(rows) == BOTH
        assert {row.rule for row in rows} == {kind}
        assert all(_due(row) == END_OF_MARCH_8 for row in rows)
        assert "王明" in rows[0].text and JUDGE_PHONE in rows[0].text


def test_3_3_network_search_result_tells_the_applicant_the_same_day(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        summary = "通过网络执行查控系统查询被执行人名下存款、车辆、不动产：查到车辆一辆。"
        rows = record(session, event("network_search_result", summary=summary), catalogue, rules)
        assert _roles(rows) == ["applicant"]
        assert summary in rows[0].text and _due(rows[0]) == END_OF_MARCH_5


def test_3_3_traditional_search_tells_applicant_reporter_and_informant_within_3_days(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    payload = event(
        "traditional_search_done",
        item="核实财产举报线索",
        reporter={"name": "孙六", "phone": "13600001111"},
        informant=[{"name": "周七", "phone": "+86 136-0000-2222"}, {"name": "吴八"}],
    )
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, payload, catalogue, rules)
        assert _roles(rows) == ["applicant", "reporter", "informant", "informant"]
        assert all(_due(row) == END_OF_MARCH_8 for row in rows)
        assert "核实财产举报线索已完成" in rows[0].text
        assert rows[2].phone == "13600002222"  # normalised
        assert rows[3].state == FAILED and rows[3].last_error == NO_PHONE


@pytest.mark.parametrize(
    "kind", ["valuation", "auction_commissioned", "auction_announced", "sale", "debt_in_kind"]
)
def test_3_4_disposal_tells_both_parties_and_interested_the_same_day(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, kind: str
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event(kind, summary="在网络司法拍卖平台发布拍卖公告。"), catalogue, rules)
        assert _roles(rows) == BOTH_AND_INTERESTED
        assert all(row.rule == "disposal" and _due(row) == END_OF_MARCH_5 for row in rows)
        assert catalogue.kinds[kind].label in rows[0].text


def test_3_4_money_received_gives_time_and_amount_by_the_day_it_was_confirmed(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    payload = event("money_received", amount="50000", confirmed_at="2024-03-06T09:00:00+08:00")
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, payload, catalogue, rules)
        assert _roles(rows) == BOTH_AND_INTERESTED
        assert "2024年3月5日10时00分" in rows[0].text and "50,000.00元" in rows[0].text
        assert _due(rows[0]) == datetime(2024, 3, 6, 16, 0, tzinfo=UTC)


def test_3_4_money_received_without_an_amount_falls_back_to_the_summary(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event("money_received", summary="收到执行款12,000.00元。"), catalogue, rules)
        assert "收到执行款12,000.00元。" in rows[0].text and "{" not in rows[0].text
        assert _due(rows[0]) == END_OF_MARCH_5  # no confirmation day given: the event's day


@pytest.mark.parametrize(
    "kind", ["consumption_restricted", "exit_restricted", "fined", "detained", "dishonest_listed"]
)
def test_3_5_sanctions_tell_both_parties_and_interested_within_3_days(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, kind: str
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event(kind, summary="对被执行人采取措施。"), catalogue, rules)
        assert _roles(rows) == BOTH_AND_INTERESTED
        assert all(row.rule == "sanctions" and _due(row) == END_OF_MARCH_8 for row in rows)
        assert f"（{catalogue.kinds[kind].label}）" in rows[0].text


@pytest.mark.parametrize(
    "kind",
    ["deferred", "not_enforced", "suspended", "closed_settlement", "closed_voluntary", "closed_enforced"],
)
def test_3_7_suspension_stay_and_closures_tell_both_parties_the_same_day(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, kind: str
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event(kind, summary="本案结案。"), catalogue, rules)
        assert _roles(rows) == BOTH
        assert all(row.rule == "progress" and _due(row) == END_OF_MARCH_5 for row in rows)


def test_3_7_closure_by_terminating_this_round_tells_only_the_applicant_on_closing_day(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event("closed_terminated_round"), catalogue, rules)
        assert _roles(rows) == ["applicant"]
        assert "2024年3月5日终结本次执行程序" in rows[0].text and _due(rows[0]) == END_OF_MARCH_5


def test_kinds_without_a_duty_and_judges_of_other_case_types_notify_nobody(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        assert record(session, event("property_frozen"), catalogue, rules) == []
        make_case(session, settings, catalogue, "(2024)浙0102执监3号")
        assert record(session, event("judge_assigned"), catalogue, rules, case_no="(2024)浙0102执监3号") == []


def test_a_missing_or_landline_phone_is_a_recorded_failure_not_a_crash(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    parties = [
        {"role": "applicant", "kind": "person", "name": "张三"},
        {"role": "respondent", "kind": "organisation", "name": "某公司", "phone": "0571-87654321"},
    ]
    with db.transaction() as session:
        make_case(session, settings, catalogue, parties=parties)
        rows = by_role(record(session, event("judge_assigned"), catalogue, rules))
        assert rows["applicant"].state == FAILED and rows["applicant"].last_error == NO_PHONE
        assert rows["respondent"].state == FAILED
        assert (rows["respondent"].last_error or "").startswith("手机号无效")
        assert "87654321" not in (rows["respondent"].last_error or "")


def test_without_an_office_phone_the_fallback_template_is_used(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    staff = [{"staff_no": "T-2", "name": "刘法官", "role": "presiding", "assigned_on": "2024-03-02"}]
    with db.transaction() as session:
        make_case(session, settings, catalogue, staff=staff)
        rows = record(session, event("judge_assigned", summary="确定刘法官为本案承办人。"), catalogue, rules)
        assert "确定刘法官为本案承办人。" in rows[0].text and "电话" not in rows[0].text


def test_a_replayed_event_and_a_second_enqueue_add_nothing(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        case = make_case(session, settings, catalogue)
        rows = record(session, event("money_received"), catalogue, rules)
        keys = [row.idempotency_key for row in rows]
        assert len(set(keys)) == 3 and all(len(key) == 32 for key in keys)
        result, again = record_event(session, CASE_NO, event("money_received"), catalogue, rules)
        assert (result, again) == ("duplicate", [])
        stored = session.scalars(select(CaseEvent)).one()
        assert enqueue_for_event(session, stored, case, rules, datetime.now(UTC)) == []
        assert session.scalar(select(func.count()).select_from(Notification)) == 3


def test_notifications_roll_back_with_the_event(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with db.transaction() as session:
        make_case(session, settings, catalogue)
    with pytest.raises(RuntimeError), db.transaction() as session:
        assert record(session, event("judge_assigned"), catalogue, rules)
        raise RuntimeError("the importer's transaction fails after the event")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0
        assert session.scalar(select(func.count()).select_from(CaseEvent)) == 0


def test_an_event_arriving_long_after_its_deadline_is_recorded_as_skipped(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    late = datetime(2024, 5, 1, tzinfo=UTC)  # more than stale_days past the deadline
    with db.transaction() as session:
        make_case(session, settings, catalogue)
        rows = record(session, event("judge_assigned"), catalogue, rules, now=late)
        assert [row.state for row in rows] == [SKIPPED, SKIPPED]


def test_opted_in_parties_also_get_the_notice_on_their_chat_channel(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    from bot.notify.optin import opt_in, opt_out

    with db.transaction() as session:
        case = make_case(session, settings, catalogue)
        opt_in(session, case.id, "applicant", "wechat", "openid-1")
        opt_in(session, case.id, "applicant", "wechat", "openid-1")  # twice is once
        opt_in(session, case.id, "interested", "telegram", "tg-9")
        rows = record(session, event("judge_assigned"), catalogue, rules)
        pushes = session.scalars(select(ChatPush).order_by(ChatPush.id)).all()
        # Only the applicant's opt-in matches a recipient of this rule (the interested party is not told).
        assert [(push.channel, push.user_key) for push in pushes] == [("wechat", "openid-1")]
        assert Reply.from_dict(pushes[0].reply).text == by_role(rows)["applicant"].text
        assert opt_out(session, case.id, "wechat", "openid-1") == 1
        record(session, event("closed_voluntary"), catalogue, rules)
        assert session.scalar(select(func.count()).select_from(ChatPush)) == 1


def test_a_batch_reads_nothing_per_event_and_links_each_notice_to_its_event(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    from sqlalchemy import event as sql_event

    from bot.case_lookup.ingest import EventLookup
    from bot.notify.optin import opt_in
    from bot.notify.record import NotifyBatch

    with db.transaction() as session:
        case = make_case(session, settings, catalogue)
        opt_in(session, case.id, "respondent", "webchat", "w-1")
    payloads = [event(kind, event_id=f"B-{kind}") for kind in ("judge_assigned", "property_frozen", "fined")]
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with db.transaction() as session:
        lookup = EventLookup.fetch(session, [CASE_NO], [payload.event_id for payload in payloads])
        batch = NotifyBatch.fetch(session, rules, lookup.case_ids.values())
        sql_event.listen(db.engine, "before_cursor_execute", count)
        try:
            created = [
                record_event(
                    session, CASE_NO, payload, catalogue, rules, SOON_AFTER, lookup=lookup, batch=batch
                )[1]
                for payload in payloads
            ]
        finally:
            sql_event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []
    assert [len(rows) for rows in created] == [2, 0, 3]
    with db.transaction() as session:
        events = {item.external_id: item.id for item in session.scalars(select(CaseEvent))}
        stored = session.scalars(select(Notification)).all()
        assert {(events["B-judge_assigned"], "judge_assigned"), (events["B-fined"], "sanctions")} == {
            (row.event_id, row.rule) for row in stored
        }
        assert session.scalar(select(func.count()).select_from(ChatPush)) == 2  # respondent: both notices

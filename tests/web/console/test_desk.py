"""The hotline desk's tools: lifting query lockouts, agent assist with the calculators, the notification report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.payloads import EventPayload
from bot.case_lookup.verification import active_lock
from bot.config import Settings
from bot.knowledge.calculators import application_fee
from bot.notify.record import record_event
from bot.notify.rules import load_rules
from bot.storage.db import Database
from bot.storage.models import AuditEntry, NotificationReason, VerificationLock
from tests.conftest import REPO
from tests.web.console.conftest import CASE_NO, Client, People, form_token, sign_in


def _lock(db: Database, user_key: str, case_no: str | None, scope: str = "case") -> int:
    now = datetime.now(UTC)
    with db.transaction() as session:
        lock = VerificationLock(
            scope=scope, case_no=case_no, user_key=user_key, locked_until=now + timedelta(minutes=30)
        )
        session.add(lock)
        session.flush()
        return lock.id


async def test_an_operator_finds_and_lifts_a_lock_by_case_number(
    client: Client, people: People, db: Database
) -> None:
    first = _lock(db, "wx-openid-aaaaaaaaaaaa", CASE_NO)
    _lock(db, "tg-222", CASE_NO)
    _lock(db, "tg-333", "(2024)浙0106执77号")
    await sign_in(client, "operator")
    # Typed as a caller reads it out: full-width brackets, no 号.
    page = await client.get("/console/locks", params={"case_no": "（2024）浙0102执1234"})
    html = await page.text()
    assert page.status == 200 and html.count("锁定中") == 2 and "浙0106执77号" not in html
    assert "wx-ope…aaaa" in html  # user keys shortened
    token = await form_token(client, "/console/locks")
    lifted = await client.post(
        "/console/locks/lift", data={"csrf": token, "lock_id": str(first), "case_no": CASE_NO}
    )
    assert lifted.status == 200 and "已解除锁定" in await lifted.text()
    now = datetime.now(UTC)
    with db.transaction() as session:
        assert active_lock(session, CASE_NO, "wx-openid-aaaaaaaaaaaa", now) is None
        assert active_lock(session, CASE_NO, "tg-222", now) is not None
        lock = session.get(VerificationLock, first)
        assert lock is not None and lock.lifted_by == "operator"
    everything = await client.post("/console/locks/lift", data={"csrf": token, "case_no": CASE_NO})
    assert everything.status == 200
    with db.transaction() as session:
        assert active_lock(session, CASE_NO, "tg-222", now) is None
        assert active_lock(session, "(2024)浙0106执77号", "tg-333", now) is not None
        lifts = session.scalars(select(AuditEntry).where(AuditEntry.action == "locks.lift")).all()
        assert [entry.details["count"] for entry in lifts] == [1, 1]
    bad = await client.get("/console/locks", params={"case_no": "浙执"})
    assert bad.status == 422


async def test_agent_assist_answers_with_the_bots_knowledge_and_calculates(
    client: Client, people: People
) -> None:
    await sign_in(client, "judge1")
    page = await client.get("/console/assist", params={"q": "申请强制执行需要交什么费用"})
    html = await page.text()
    assert page.status == 200
    assert html.count('class="card answer"') == 3 and "法律依据" in html and "相似度" in html
    fee = await (await client.get("/console/assist", params={"calc": "fee", "amount": "20万"})).text()
    expected = application_fee(Decimal(200000)).rounded
    assert f"执行申请费：{expected:,.2f} 元" in fee and "诉讼费用交纳办法" in fee
    interest = await (
        await client.get(
            "/console/assist",
            params={"calc": "interest", "debt": "100000", "start": "2024-01-01", "end": "2024-01-31"},
        )
    ).text()
    assert "加倍部分债务利息：525.00 元" in interest  # 100000 × 0.000175 × 30
    wrong = await (await client.get("/console/assist", params={"calc": "fee", "amount": "很多"})).text()
    assert "金额无法识别" in wrong
    days = await (
        await client.get("/console/assist", params={"calc": "interest", "debt": "1000", "days": "-3"})
    ).text()
    assert "迟延天数应为整数" in days


async def test_the_compliance_report_and_recording_a_reason(
    client: Client, people: People, db: Database, settings: Settings
) -> None:
    catalogue = Catalogue.load(REPO / "data" / "case_events.yaml")
    rules = load_rules(REPO / "data", catalogue)
    long_ago = datetime.now(UTC) - timedelta(days=20)
    event = EventPayload.model_validate(
        {
            "event_id": "EV-1",
            "kind": "money_received",
            "occurred_at": long_ago.isoformat(),
            "summary": "收到执行款5000元。",
            "details": {"amount": "5000"},
        }
    )
    with db.transaction() as session:
        result, rows = record_event(session, CASE_NO, event, catalogue, rules, long_ago)
        assert result == "inserted" and rows
        session.flush()
        owed = rows[0].id
    await sign_in(client, "op0102")
    html = await (await client.get("/console/notify")).text()
    assert "杭州市上城区人民法院" in html and "尚未说明理由" in html
    assert f'action="/console/notify/{owed}/reason"' in html
    token = await form_token(client, "/console/notify")
    empty = await client.post(f"/console/notify/{owed}/reason", data={"csrf": token, "reason": " "})
    assert empty.status == 422
    done = await client.post(
        f"/console/notify/{owed}/reason", data={"csrf": token, "reason": "当事人未留手机号码"}
    )
    assert done.status == 200 and "理由已记录" in await done.text()
    assert f'action="/console/notify/{owed}/reason"' not in await done.text()
    with db.transaction() as session:
        reason = session.scalars(select(NotificationReason)).one()
        assert reason.reason == "当事人未留手机号码" and reason.recorded_by == "op0102（上城话务员）"
        assert session.scalars(
            select(AuditEntry.target).where(AuditEntry.action == "notify.reason")
        ).all() == [str(owed)]
    # Another court's operator neither sees it in the report nor may explain it.
    await sign_in(client, "op0106")
    other = await (await client.get("/console/notify")).text()
    assert "杭州市上城区人民法院" not in other
    token = await form_token(client, "/console/notify")
    refused = await client.post(f"/console/notify/{owed}/reason", data={"csrf": token, "reason": "越权记录"})
    assert refused.status == 404

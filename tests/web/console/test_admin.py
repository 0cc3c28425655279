"""Admin pages: accounts (create, deactivate), knowledge-base gaps and the audit log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import AuditEntry, KnowledgeGap, StaffAccount, StaffSession
from tests.web.console.conftest import Client, ClientMaker, People, form_token, sign_in


async def test_an_admin_creates_an_account_that_can_sign_in(
    new_client: ClientMaker, people: People, db: Database
) -> None:
    admin = await new_client()
    await sign_in(admin, "admin")
    token = await form_token(admin, "/console/admin/users")
    created = await admin.post(
        "/console/admin/users",
        data={"csrf": token, "login": "zhao.li", "name": "赵丽", "role": "operator", "court_code": "浙0102"},
    )
    assert created.status == 200
    html = await created.text()
    found = re.search(r'<code class="secret">([^<]+)</code>', html)
    assert found and "只显示这一次" in html
    password = found.group(1)
    with db.transaction() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.login == "zhao.li")).one()
        assert account.password_hash.startswith("$argon2id$") and password not in account.password_hash
        assert (account.role, account.court_code, account.active) == ("operator", "浙0102", True)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
        assert entry.target == "zhao.li" and password not in str(entry.details)
    assert password not in await (await admin.get("/console/admin/users")).text()  # shown once only
    newcomer = await new_client()
    assert (await sign_in(newcomer, "zhao.li", password)).status == 303


async def test_account_forms_are_checked(client: Client, people: People, db: Database) -> None:
    await sign_in(client, "admin")
    token = await form_token(client, "/console/admin/users")
    cases = [
        ({"login": "operator", "name": "重复", "role": "operator"}, "已被使用"),
        ({"login": "x", "name": "太短", "role": "operator"}, "登录名应为"),
        ({"login": "newjudge", "name": "新法官", "role": "judge"}, "人员编号"),
        ({"login": "newjudge", "name": "新法官", "role": "judge", "staff_no": "NOPE"}, "没有编号为 NOPE"),
        ({"login": "weak", "name": "弱密码", "role": "operator", "password": "short"}, "密码至少"),
        ({"login": "boss", "name": "老板", "role": "superuser"}, "请选择角色"),
    ]
    for data, message in cases:
        response = await client.post("/console/admin/users", data={"csrf": token, **data})
        assert response.status == 422, data
        assert message in await response.text(), data
    with db.transaction() as session:
        assert session.scalar(select(func.count(StaffAccount.id))) == len(people.accounts)
    judge = await client.post(
        "/console/admin/users",
        data={"csrf": token, "login": "newjudge", "name": "新法官", "role": "judge", "staff_no": "J-2"},
    )
    assert judge.status == 200
    with db.transaction() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.login == "newjudge")).one()
        assert account.staff_member_id == people.judge2_member


async def test_deactivating_ends_sessions_and_logins(
    new_client: ClientMaker, people: People, db: Database
) -> None:
    victim = await new_client()
    await sign_in(victim, "judge2")
    admin = await new_client()
    await sign_in(admin, "admin")
    token = await form_token(admin, "/console/admin/users")
    judge2 = people.accounts["judge2"]
    response = await admin.post(f"/console/admin/users/{judge2}/deactivate", data={"csrf": token})
    assert response.status == 200 and "账号已停用" in await response.text()
    with db.transaction() as session:
        assert (
            session.scalar(select(func.count(StaffSession.id)).where(StaffSession.account_id == judge2)) == 0
        )
    assert (await victim.get("/console/tickets", allow_redirects=False)).status == 303
    assert (await sign_in(victim, "judge2")).status == 401
    me = people.accounts["admin"]
    myself = await admin.post(f"/console/admin/users/{me}/deactivate", data={"csrf": token})
    assert myself.status == 422 and "不能停用自己" in await myself.text()
    await admin.post(f"/console/admin/users/{judge2}/activate", data={"csrf": token})
    assert (await sign_in(victim, "judge2")).status == 303
    with db.transaction() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.target == "judge2")).all()
        assert "user.deactivate" in actions and "user.activate" in actions


async def test_gaps_are_grouped_counted_and_masked(client: Client, people: People, db: Database) -> None:
    now = datetime.now(UTC)
    with db.transaction() as session:
        for i, question in enumerate(["执行款可以分期吗", "执行款能分期吗", "执行款可以分期吗"]):
            session.add(
                KnowledgeGap(
                    question=question,
                    normalized="执行款分期",
                    band="low",
                    channel="web",
                    created_at=now - timedelta(minutes=i),
                )
            )
        session.add(
            KnowledgeGap(
                question="我身份证330102198001011234被冻结了怎么办",
                normalized="身份证冻结",
                band="middle",
                best_faq_id="freeze-01",
                score=0.33,
                channel="web",
                created_at=now,
            )
        )
        session.add(
            KnowledgeGap(
                question="很久以前的问题",
                normalized="旧",
                band="low",
                channel="web",
                created_at=now - timedelta(days=60),
            )
        )
    await sign_in(client, "admin")
    html = await (await client.get("/console/admin/gaps")).text()
    assert "执行款可以分期吗" in html and "很久以前的问题" not in html
    assert "330102198001011234" not in html and "330102********1234" in html
    assert "freeze-01（0.33）" in html
    assert html.index("执行款可以分期吗") < html.index("被冻结了怎么办")  # three askings before one
    assert "很久以前的问题" in await (await client.get("/console/admin/gaps?period=all")).text()


async def test_the_audit_log_lists_and_filters(client: Client, people: People) -> None:
    await sign_in(client, "operator")
    await sign_in(client, "admin")
    html = await (await client.get("/console/audit")).text()
    assert "operator（话务员甲）" in html and "admin（管理员）" in html and "登录" in html
    only = await (await client.get("/console/audit?who=operator")).text()
    assert "operator（话务员甲）" in only and "admin（管理员）" not in only

"""Signing in and out: argon2 passwords, HttpOnly SameSite cookies holding a token whose hash alone is stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database
from bot.storage.models import AuditEntry, StaffAccount, StaffSession
from bot.web.app import create_app
from bot.web.console.auth import COOKIE, OPTIONS, ConsoleOptions
from bot.web.console.csrf import LOGIN_NONCE
from tests.web.console.conftest import PASSWORD, Client, ClientMaker, People, csrf_in, sign_in


def _set_cookie(response: object) -> str:
    headers = response.headers.getall("Set-Cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(COOKIE + "=")]
    assert found, headers
    return found[0]


async def test_login_sets_a_guarded_cookie_and_stores_only_the_hash(
    client: Client, people: People, db: Database
) -> None:
    response = await sign_in(client, "operator")
    assert response.status == 303
    assert response.headers["Location"] == "/console/tickets"
    cookie = _set_cookie(response)
    token = cookie.split(";")[0].split("=", 1)[1]
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "path=/console" in lowered
    assert "secure" not in lowered  # plain HTTP in tests; see the Secure test below
    with db.transaction() as session:
        stored = session.scalars(select(StaffSession)).one()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (stored.token_hash, stored.csrf_token)
        assert stored.account_id == people.accounts["operator"]
        assert (
            session.scalar(select(AuditEntry.action).where(AuditEntry.account_id == stored.account_id))
            == "login"
        )
    page = await client.get("/console/tickets")
    assert page.status == 200
    assert "工单队列" in await page.text() and "话务员甲" in await page.text()


async def test_wrong_password_and_unknown_login_get_the_same_answer(
    client: Client, people: People, db: Database
) -> None:
    wrong = await sign_in(client, "operator", "not-the-password")
    unknown = await sign_in(client, "nobody", "not-the-password")
    assert wrong.status == unknown.status == 401
    assert "登录名或密码错误" in await wrong.text() and "登录名或密码错误" in await unknown.text()
    assert COOKIE not in wrong.cookies
    with db.transaction() as session:
        failed = session.scalars(select(AuditEntry.target).where(AuditEntry.action == "login_failed")).all()
        assert sorted(failed) == ["nobody", "operator"]
        assert session.scalar(select(func.count(StaffSession.id))) == 0


async def test_repeated_failures_lock_the_login_for_a_while(client: Client, people: People) -> None:
    for _ in range(5):
        assert (await sign_in(client, "judge1", "guess")).status == 401
    refused = await sign_in(client, "judge1")
    assert refused.status == 401
    assert "失败次数过多" in await refused.text()
    assert (await sign_in(client, "judge2")).status == 303  # other logins are not affected


async def test_logout_ends_the_session(client: Client, people: People, db: Database) -> None:
    await sign_in(client, "admin")
    page = await client.get("/console/tickets")
    token = (await page.text()).split('name="csrf" value="')[1].split('"')[0]
    out = await client.post("/console/logout", data={"csrf": token}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/console/login"
    with db.transaction() as session:
        assert session.scalar(select(func.count(StaffSession.id))) == 0
        assert "logout" in session.scalars(select(AuditEntry.action)).all()
    again = await client.get("/console/tickets", allow_redirects=False)
    assert again.status == 303 and again.headers["Location"].startswith("/console/login")


async def test_an_expired_session_or_a_deactivated_account_signs_out(
    new_client: ClientMaker, people: People, db: Database
) -> None:
    first, second = await new_client(), await new_client()
    await sign_in(first, "operator")
    await sign_in(second, "judge1")
    with db.transaction() as session:
        session.execute(
            update(StaffSession)
            .where(StaffSession.account_id == people.accounts["operator"])
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        session.execute(
            update(StaffAccount).where(StaffAccount.id == people.accounts["judge1"]).values(active=False)
        )
    for client in (first, second):
        response = await client.get("/console/tickets", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/console/login")


async def test_secure_cookies_can_be_required(
    aiohttp_client: Any, settings: Settings, db: Database, services: Services, people: People
) -> None:
    app = create_app(settings, db, services)
    app[OPTIONS] = ConsoleOptions(secure_cookies=True, session_hours=1)
    client: Client = await aiohttp_client(app)
    page = await client.get("/console/login")
    nonce = page.cookies[LOGIN_NONCE]
    assert nonce["secure"] and nonce["httponly"]
    # The test client speaks plain HTTP, so it keeps Secure cookies to itself; hand the nonce over as a
    # browser on HTTPS would.
    response = await client.post(
        "/console/login",
        data={"login": "operator", "password": PASSWORD, "csrf": csrf_in(await page.text())},
        cookies={LOGIN_NONCE: nonce.value},
        allow_redirects=False,
    )
    assert response.status == 303
    cookie = _set_cookie(response).lower()
    assert "secure" in cookie and "max-age=3600" in cookie


async def test_after_login_only_console_pages_are_followed(
    client: Client, people: People, settings: Settings
) -> None:
    evil = await sign_in(client, "operator", next="//evil.example/console/")
    assert evil.headers["Location"] == "/console/tickets"
    page = await client.get("/console/login?next=/console/assist", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/console/assist"

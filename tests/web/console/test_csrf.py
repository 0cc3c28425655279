"""CSRF: every POST needs its session's token (the login form its own), from this site; a refusal changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import AuditEntry, ChatPush, StaffAccount, StaffSession, TicketMessage
from tests.web.console.conftest import (
    PASSWORD,
    Client,
    ClientMaker,
    People,
    add_ticket,
    form_token,
    sign_in,
    ticket,
)


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.transaction() as session:
        return (
            int(session.scalar(select(func.count(TicketMessage.id))) or 0),
            int(session.scalar(select(func.count(ChatPush.id))) or 0),
            int(
                session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action != "ticket.view"))
                or 0
            ),
            int(session.scalar(select(func.count(StaffAccount.id))) or 0),
        )


async def test_posts_without_the_right_token_are_refused_and_change_nothing(
    new_client: ClientMaker, people: People, db: Database
) -> None:
    number = add_ticket(db)
    other = await new_client()
    await sign_in(other, "admin")
    others_token = await form_token(other)
    client = await new_client()
    await sign_in(client, "admin")
    token = await form_token(client, f"/console/tickets/{number}")
    before = _counts(db)
    attempts = [
        {},
        {"csrf": ""},
        {"csrf": token[:-1] + ("A" if token[-1] != "A" else "B")},
        {"csrf": others_token},
    ]
    for extra in attempts:
        for path, data in [
            (f"/console/tickets/{number}/reply", {"text": "伪造的答复"}),
            (f"/console/tickets/{number}/close", {"resolution": "伪造的办结"}),
            ("/console/admin/users", {"login": "forged", "name": "伪造", "role": "admin"}),
            ("/console/logout", {}),
        ]:
            response = await client.post(path, data={**data, **extra}, allow_redirects=False)
            assert response.status == 403, (path, extra)
            assert "安全校验未通过" in await response.text()
    # A JSON body or a page of another site is refused even when it carries the token.
    as_json = await client.post(f"/console/tickets/{number}/reply", json={"csrf": token, "text": "x"})
    assert as_json.status == 403
    cross = await client.post(
        f"/console/tickets/{number}/reply",
        data={"csrf": token, "text": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status == 403
    assert _counts(db) == before
    assert ticket(db, number).status == "open"
    # The same form with the right token goes through.
    ok = await client.post(
        f"/console/tickets/{number}/reply",
        data={"csrf": token, "text": "正式答复"},
        headers={"Origin": str(client.make_url("")).rstrip("/")},
    )
    assert ok.status == 200 and ticket(db, number).status == "answered"


async def test_the_login_form_needs_its_own_token(client: Client, people: People, db: Database) -> None:
    bare = await client.post("/console/login", data={"login": "admin", "password": PASSWORD})
    assert bare.status == 403
    page = await client.get("/console/login")
    assert page.status == 200
    forged = await client.post(
        "/console/login", data={"login": "admin", "password": PASSWORD, "csrf": "0" * 64}
    )
    assert forged.status == 403
    with db.transaction() as session:
        assert session.scalar(select(func.count(StaffSession.id))) == 0
    assert (await sign_in(client, "admin")).status == 303

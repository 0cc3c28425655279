"""Queues, the ticket page and what staff do there: who sees what, overdue first, reply reaching the user."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.channels.console import ConsoleChannel
from bot.core.push import take_for_user
from bot.hotline import Hotline
from bot.storage.db import Database
from bot.storage.models import AuditEntry, ChatPush, Ticket, TicketMessage
from bot.web.console.paging import PAGE_SIZE
from tests.web.console.conftest import (
    APPLICANT_ID,
    CASE_NO,
    Client,
    ClientMaker,
    People,
    add_ticket,
    csrf_in,
    form_token,
    sign_in,
    ticket,
)

NOW = datetime.now(UTC)


def _audit(db: Database, action: str) -> list[tuple[int | None, str]]:
    with db.transaction() as session:
        rows = session.execute(
            select(AuditEntry.account_id, AuditEntry.target).where(AuditEntry.action == action)
        ).all()
        return [(row[0], row[1]) for row in rows]


async def _numbers(client: Client, query: str = "") -> list[str]:
    response = await client.get("/console/api/tickets" + query)
    assert response.status == 200
    return [row["number"] for row in (await response.json())["tickets"]]


async def test_each_role_sees_its_own_queue(new_client: ClientMaker, people: People, db: Database) -> None:
    hangzhou = add_ticket(db, court="浙0102")
    xihu = add_ticket(db, court="浙0106")
    mine = add_ticket(db, kind="judge_contact", court="浙0102", staff_member_id=people.judge1_member)
    theirs = add_ticket(db, kind="judge_contact", court="浙0106", staff_member_id=people.judge2_member)
    expected = {
        "operator": {hangzhou, xihu, mine, theirs},
        "op0102": {hangzhou, mine},
        "op0106": {xihu, theirs},
        "judge1": {mine},
        "judge2": {theirs},
        "admin": {hangzhou, xihu, mine, theirs},
    }
    for login, numbers in expected.items():
        client = await new_client()
        await sign_in(client, login)
        assert set(await _numbers(client)) == numbers, login


async def test_a_judge_cannot_open_or_act_on_another_judges_ticket(
    client: Client, people: People, db: Database
) -> None:
    theirs = add_ticket(db, kind="judge_contact", court="浙0106", staff_member_id=people.judge2_member)
    await sign_in(client, "judge1")
    page = await client.get(f"/console/tickets/{theirs}")
    assert page.status == 404
    assert theirs in await page.text() and "不在您的处理范围" in await page.text()
    token = await form_token(client)
    for action, field in [("reply", "text"), ("close", "resolution"), ("note", "text")]:
        response = await client.post(
            f"/console/tickets/{theirs}/{action}", data={"csrf": token, field: "看看"}
        )
        assert response.status == 404
    assert ticket(db, theirs).status == "open"
    with db.transaction() as session:
        assert session.scalar(select(ChatPush.id)) is None
        assert len(session.scalars(select(TicketMessage)).all()) == 1  # the user's own first message


async def test_overdue_first_then_by_due_date_with_filters_and_pages(
    client: Client, people: People, db: Database
) -> None:
    later = add_ticket(db, kind="suggestion", due_at=NOW + timedelta(days=5))
    sooner = add_ticket(db, kind="complaint", due_at=NOW + timedelta(hours=3))
    late = add_ticket(db, kind="report", due_at=NOW - timedelta(days=1))
    very_late = add_ticket(db, kind="complaint", due_at=NOW - timedelta(days=3))
    closed = add_ticket(db, kind="complaint", due_at=NOW - timedelta(days=9))
    with db.transaction() as session:
        session.execute(update(Ticket).where(Ticket.number == closed).values(status="closed"))
    await sign_in(client, "operator")
    assert await _numbers(client) == [very_late, late, sooner, later]
    everything = await _numbers(client, "?status=all")
    assert everything[-2:] == [sooner, later] and set(everything[:3]) == {very_late, late, closed}
    assert everything.index(closed) == 2  # a closed ticket is never overdue
    assert await _numbers(client, "?due=overdue") == [very_late, late]
    assert await _numbers(client, "?kind=complaint") == [very_late, sooner]
    assert await _numbers(client, "?status=closed") == [closed]
    assert await _numbers(client, "?kind=nonsense&due=whenever") == [very_late, late, sooner, later]
    assert await _numbers(client, f"?q={sooner[-4:]}") == [sooner]
    html = await (await client.get("/console/tickets")).text()
    assert html.count("已超期") >= 2 + 1  # two rows plus the filter's own option
    assert html.index(very_late) < html.index(late) < html.index(sooner)


async def test_the_queue_pages(client: Client, people: People, db: Database) -> None:
    numbers = [add_ticket(db, due_at=NOW + timedelta(hours=i)) for i in range(PAGE_SIZE + 3)]
    await sign_in(client, "op0102")
    assert await _numbers(client) == numbers[:PAGE_SIZE]
    assert await _numbers(client, "?page=2") == numbers[PAGE_SIZE:]
    page = await client.get("/console/tickets?page=2&kind=complaint")
    html = await page.text()
    assert "第 2 / 2 页" in html and "上一页" in html and "下一页" not in html
    assert "kind=complaint" in html  # the page links keep the filter


async def test_the_ticket_page_shows_the_case_the_chat_and_the_thread(
    client: Client, people: People, db: Database, hotline: Hotline
) -> None:
    caller = ConsoleChannel(hotline.dialogue, "caller-9")
    caller.say("你好")
    caller.say("我的身份证号是330102198001011234，执行款什么时候到账")
    number = add_ticket(
        db,
        kind="handoff",
        user_key="caller-9",
        case_id=people.case_id,
        case_no=CASE_NO,
        staff_member_id=people.judge1_member,
        content="来访人要求转人工：执行款什么时候到账",
    )
    await sign_in(client, "judge1")
    response = await client.get(f"/console/tickets/{number}")
    assert response.status == 200
    html = await response.text()
    assert "转人工 · " + number in html
    assert CASE_NO in html and "杭州市上城区人民法院" in html and "民间借贷纠纷" in html
    assert "125,000.00 元" in html and "王明" in html and "0571-88881234" in html
    assert APPLICANT_ID not in html and "330102********1234" in html  # IDs masked, in the case and the chat
    assert "执行款什么时候到账" in html and "助手：" in html
    assert "来访人要求转人工" in html
    assert _audit(db, "ticket.view") == [(people.accounts["judge1"], f"ticket:{number}")]


async def test_reply_reaches_the_user_and_is_audited(client: Client, people: People, db: Database) -> None:
    number = add_ticket(db, user_key="caller-2")
    await sign_in(client, "op0102")
    token = await form_token(client, f"/console/tickets/{number}")
    response = await client.post(
        f"/console/tickets/{number}/reply",
        data={"csrf": token, "text": "您好，承办法官将于三日内与您联系。"},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == f"/console/tickets/{number}?done=reply"
    page = await (await client.get(response.headers["Location"])).text()
    assert "答复已发送" in page and "承办法官将于三日内与您联系" in page
    assert ticket(db, number).status == "answered"
    with db.transaction() as session:
        pushed = take_for_user(session, "console", "caller-2")
    assert len(pushed) == 1 and "承办法官将于三日内与您联系" in pushed[0].text and number in pushed[0].text
    assert _audit(db, "ticket.reply") == [(people.accounts["op0102"], f"ticket:{number}")]
    with db.transaction() as session:
        assert take_for_user(session, "console", "caller-2") == []  # delivered once


async def test_a_chat_handoff_is_answered_from_the_console(
    client: Client, people: People, db: Database, hotline: Hotline
) -> None:
    caller = ConsoleChannel(hotline.dialogue, "caller-7")
    caller.say("执行款什么时候到账")
    handed = caller.say("转人工").text
    found = re.search(r"GD\d{8}-\d{4}", handed)
    assert found, handed
    number = found.group()
    caller.say("我等了三个月了")  # while handed off, the bot passes it on instead of answering
    await sign_in(client, "operator")
    assert number in await _numbers(client, "?kind=handoff")
    page = await (await client.get(f"/console/tickets/{number}")).text()
    assert "执行款什么时候到账" in page and "我等了三个月了" in page
    token = csrf_in(page)
    await client.post(
        f"/console/tickets/{number}/reply", data={"csrf": token, "text": "执行款将于本周发放。"}
    )
    with db.transaction() as session:
        pushed = take_for_user(session, "console", "caller-7")
    assert [reply.text for reply in pushed] == [pushed[0].text] and "执行款将于本周发放" in pushed[0].text


async def test_reassign_note_and_close(client: Client, people: People, db: Database) -> None:
    number = add_ticket(db, court="浙0102", user_key="caller-3")
    await sign_in(client, "operator")
    token = await form_token(client, f"/console/tickets/{number}")
    judge = people.accounts["judge1"]
    assert (
        await client.post(f"/console/tickets/{number}/assign", data={"csrf": token, "assignee": str(judge)})
    ).status == 200
    assert ticket(db, number).assignee_id == judge and ticket(db, number).status == "in_progress"
    # Another court's judge cannot take it.
    other = people.accounts["judge2"]
    refused = await client.post(
        f"/console/tickets/{number}/assign", data={"csrf": token, "assignee": str(other)}
    )
    assert refused.status == 422 and ticket(db, number).assignee_id == judge
    await client.post(f"/console/tickets/{number}/note", data={"csrf": token, "text": "已电话联系，未接通"})
    closed = await client.post(
        f"/console/tickets/{number}/close", data={"csrf": token, "resolution": "已督促承办人联系当事人。"}
    )
    assert closed.status == 200 and "工单已办结" in await closed.text()
    done = ticket(db, number)
    assert done.status == "closed" and done.resolution == "已督促承办人联系当事人。"
    again = await client.post(f"/console/tickets/{number}/reply", data={"csrf": token, "text": "补充"})
    assert again.status == 422 and "已办结" in await again.text()
    empty = await client.post(f"/console/tickets/{number}/note", data={"csrf": token, "text": "   "})
    assert empty.status == 422
    me = people.accounts["operator"]
    for action in ("ticket.assign", "ticket.note", "ticket.close"):
        assert _audit(db, action) == [(me, f"ticket:{number}")], action
    with db.transaction() as session:
        pushed = take_for_user(session, "console", "caller-3")
    assert [reply.text for reply in pushed] == [pushed[0].text] and "已督促承办人联系当事人" in pushed[0].text
    # The judge it was assigned to now sees it, although it was not routed to them.
    await sign_in(client, "judge1")
    assert (await client.get(f"/console/tickets/{number}")).status == 200

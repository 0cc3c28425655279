"""Many chat users submitting at once through the real dialogue: no ticket lost, no number given twice."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from bot.core.context import Services
from bot.core.messages import Inbound, Reply
from bot.storage.db import Database, open_database
from bot.storage.models import Ticket, TicketCounter
from tests.tickets.helpers import Clock, make_dialogue

ACCEPTED = re.compile(r"已受理，工单号 (GD20261127-(\d{4,}))")
# PostgreSQL takes the 500 of the issue; SQLite serialises every write, so fewer threads show the same.
USERS = {"postgresql": 500, "sqlite": 50}


def concurrent_database(url: str) -> Database:
    """The project's database, with a PostgreSQL pool that lets 500 turns queue for a connection on a busy
    machine (the default 30-second wait would fail turns there without saying anything about tickets)."""
    if url.startswith("sqlite"):
        return open_database(url)
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        pool_size=25,
        max_overflow=0,
        pool_timeout=600,
    )
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def test_simultaneous_submissions_get_distinct_numbers_and_none_is_lost(
    database_url: str, services: Services
) -> None:
    db = concurrent_database(database_url)
    try:
        dialogue = make_dialogue(db, services, Clock())
        count = USERS[db.dialect]
        users = [f"user-{number:03d}" for number in range(count)]

        def say(user: str, text: str) -> Reply:
            return dialogue.handle(Inbound("web", user, text))

        def prepare(user: str) -> str:
            for text in ("意见建议", f"{user} 建议延长执行窗口的服务时间", f"1390000{user[-3:]:0>4}", "同意"):
                reply = say(user, text)
            return reply.text

        with ThreadPoolExecutor(16) as pool:
            summaries = list(pool.map(prepare, users))
        assert all("请核对以下内容" in text for text in summaries)

        start = threading.Barrier(count)
        replies: dict[str, Reply] = {}

        def submit(user: str) -> None:
            start.wait()
            replies[user] = say(user, "确认提交")  # each a real turn, all at once

        threads = [threading.Thread(target=submit, args=(user,)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)

        told = {user: ACCEPTED.search(reply.text) for user, reply in replies.items()}
        assert len(replies) == count and all(told.values()), [
            r.text for r in replies.values() if not ACCEPTED.search(r.text)
        ][:3]
        numbers = {user: match.group(1) for user, match in told.items() if match}
        assert len(set(numbers.values())) == count
        assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers.values()) == list(
            range(1, count + 1)
        )
        with db.transaction() as session:
            stored = {ticket.number: ticket.user_key for ticket in session.scalars(select(Ticket))}
            last = session.scalar(select(TicketCounter.last))
        assert stored == {number: user for user, number in numbers.items()}
        assert last == count
    finally:
        db.dispose()

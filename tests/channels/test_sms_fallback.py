"""Pushes WeChat no longer takes go by SMS: to the ticket's mobile, once per push, and never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.sms_fallback import send_by_sms
from bot.config import Settings
from bot.core.messages import Reply
from bot.core.push import enqueue
from bot.notify.gateways import HttpGateway
from bot.storage.db import Database
from bot.storage.models import ChatPush, utcnow
from bot.tickets.intake import TicketDraft, file_ticket
from tests.notify.gateway_server import FakeSmsGateway

USER = "oAway00000000000000000000001"


@pytest.fixture
def push(db: Database, settings: Settings) -> ChatPush:
    with db.transaction() as session:
        ticket = file_ticket(
            session,
            TicketDraft("complaint", "执行干警态度差", "wechat", USER, contact_phone="139 1234 5678"),
            settings,
            utcnow(),
        )
        enqueue(session, "wechat", USER, Reply(("您的投诉已有答复。",)), f"ticket:{ticket.number}")
    with db.transaction() as session:
        return session.scalars(select(ChatPush)).one()  # loaded, and kept after the session closes


def test_a_ticket_push_is_texted_to_its_contact_mobile_once_per_push(db: Database, push: ChatPush) -> None:
    def first_fails(key: str, nth: int) -> str:
        return "500" if nth == 1 else "ok"

    with FakeSmsGateway(first_fails) as server, db.transaction() as session:
        gateway = HttpGateway(server.url, timeout=5)
        # The gateway is down the first time: not sent, so the push stays queued for the deliverer's retry.
        assert send_by_sms(session, push, gateway) is False
        assert send_by_sms(session, push, gateway) is True
        assert send_by_sms(session, push, gateway) is True  # a retry after a crash: the gateway dedupes it
        gateway.close()
    [body] = server.delivered.values()
    assert body["phone"] == "13912345678" and body["text"] == "【12368】您的投诉已有答复。"
    assert server.requests == {f"push:{push.id}": 3} and server.duplicates == 1


def test_nothing_is_texted_without_a_mobile_or_a_gateway(db: Database, push: ChatPush) -> None:
    with FakeSmsGateway() as server, db.transaction() as session:
        other = ChatPush(**{**_columns(push), "id": None, "source": "wechat:late-reply"})
        assert send_by_sms(session, other, HttpGateway(server.url)) is False  # no ticket, no mobile
        assert send_by_sms(session, push, None) is False  # no gateway configured
        notice = ChatPush(**{**_columns(push), "id": None, "source": "notice:abc"})
        assert send_by_sms(session, notice, None) is True  # its SMS is the notice of record already
    assert server.total_requests == 0


def _columns(push: ChatPush) -> dict[str, object]:
    return {column.key: getattr(push, column.key) for column in ChatPush.__table__.columns}

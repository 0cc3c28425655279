"""What the ticket tests share: a dialogue with the ticket flows, a settable clock, a user who can send photos."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.console import ConsoleChannel
from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.core.messages import Inbound
from bot.handlers import build_flows, complaint, detectors, handoff, judge_contact, suggestion, ticket_status
from bot.storage.db import Database
from bot.storage.models import Ticket
from tests.conftest import Transcript

# 2026-11-27 14:00 in Shanghai.
START = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
TICKET_FLOWS = {flow.name: flow for flow in (complaint.FLOW, suggestion.FLOW, judge_contact.FLOW)} | {
    flow.name: flow for flow in (ticket_status.FLOW, handoff.FLOW)
}


@dataclasses.dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_dialogue(db: Database, services: Services, clock: Clock) -> Dialogue:
    """The hotline's dialogue with the ticket flows registered (as bot/handlers/__init__.py will) and a clock."""
    timed = dataclasses.replace(services, clock=clock)
    return Dialogue(db, timed, {**build_flows(), **TICKET_FLOWS}, [ticket_status.detect, *detectors()])


class Chat(Transcript):
    """A console user who also sends photos and sees what staff pushed to them."""

    def __init__(self, dialogue: Dialogue, user_key: str) -> None:
        super().__init__(ConsoleChannel(dialogue, user_key, show_pushes=True))

    def send(self, text: str, *attachments: str) -> str:
        channel = self.channel
        if channel.show_pushes:
            channel.pushes.extend(channel.take_pushes())
        reply = channel.dialogue.handle(Inbound(channel.channel, channel.user_key, text, None, attachments))
        channel.replies.append(reply)
        return reply.text

    @property
    def pushed(self) -> list[str]:
        return [reply.text for reply in self.channel.pushes]


def only_ticket(db: Database) -> Ticket:
    with db.transaction() as session:
        ticket = session.scalars(select(Ticket)).one()
        ticket.messages  # noqa: B018 - loaded while the session is open
        return ticket


def ticket_by_number(session: Session, number: str) -> Ticket:
    return session.scalars(select(Ticket).where(Ticket.number == number)).one()

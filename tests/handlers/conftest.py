"""The ticket flows' transcripts share one clock and one dialogue with the ticket flows registered."""

from __future__ import annotations

import pytest

from bot.core.context import Services
from bot.core.dialogue import Dialogue
from bot.storage.db import Database
from tests.tickets.helpers import Clock, make_dialogue


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def dialogue(db: Database, services: Services, clock: Clock) -> Dialogue:
    return make_dialogue(db, services, clock)

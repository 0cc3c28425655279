"""Fixtures of the notification tests: the real catalogue and rules, and a fake SMS gateway server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.case_lookup.catalogue import Catalogue
from bot.notify.rules import NotifyRules, load_rules
from tests.conftest import REPO
from tests.notify.gateway_server import FakeSmsGateway


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load(REPO / "data" / "case_events.yaml")


@pytest.fixture(scope="session")
def rules(catalogue: Catalogue) -> NotifyRules:
    return load_rules(REPO / "data", catalogue)


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    with FakeSmsGateway() as server:
        yield server

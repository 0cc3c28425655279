"""Delivering the outbox: the log gateway, and the http gateway against a real local server that fails on cue."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.case_lookup.catalogue import Catalogue
from bot.config import Settings
from bot.notify.dispatcher import Dispatcher, backoff
from bot.notify.gateways import GatewayConfigError, HttpGateway, LogGateway, build_gateway
from bot.notify.rules import NotifyRules
from bot.storage.db import Database
from bot.storage.models import Notification
from bot.storage.models.notify import DEAD, FAILED, PENDING, SENT
from tests.conftest import make_settings
from tests.notify.factories import (
    APPLICANT_PHONE,
    Clock,
    add_case,
    event,
    record,
    seed,
)
from tests.notify.gateway_server import FakeSmsGateway


def http_settings(settings: Settings, gateway: FakeSmsGateway, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "sms_gateway": "http",
        "sms_http_url": gateway.url,
        "sms_http_token": "gw-token",
        "sms_http_timeout": 2.0,
        "sms_retry_base_seconds": 30.0,
        "sms_concurrency": 4,
        **overrides,
    }
    return make_settings(settings.database_url, **values)


def states(db: Database) -> dict[str, list[Notification]]:
    found: dict[str, list[Notification]] = {}
    with db.transaction() as session:
        for row in session.scalars(select(Notification).order_by(Notification.id)):
            found.setdefault(row.state, []).append(row)
    return found


def test_the_log_gateway_writes_masked_lines_and_marks_rows_sent(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, tmp_path: Path
) -> None:
    seed(db, settings, catalogue, rules, events=2)
    echoed: list[str] = []
    gateway = LogGateway(tmp_path / "var" / "sms.log", echoed.append)
    try:
        tally = Dispatcher(db, gateway, settings, Clock()).run(once=True)
    finally:
        gateway.close()
    assert (tally.sent, tally.claimed) == (6, 6)
    lines = [
        json.loads(line) for line in (tmp_path / "var" / "sms.log").read_text(encoding="utf-8").splitlines()
    ]
    assert len(lines) == 6 and len(echoed) == 6
    assert lines[0]["to"] == "138****5678" and "收到执行款100.00元" in lines[0]["text"]
    assert all(APPLICANT_PHONE not in line for line in echoed)
    assert APPLICANT_PHONE not in (tmp_path / "var" / "sms.log").read_text(encoding="utf-8")
    assert len(states(db)[SENT]) == 6


def test_http_delivery_posts_json_with_the_idempotency_key_header(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, gateway: FakeSmsGateway
) -> None:
    keys = seed(db, settings, catalogue, rules, events=5)
    config = http_settings(settings, gateway)
    sender = build_gateway(config)
    try:
        tally = Dispatcher(db, sender, config, Clock()).run(once=True, batch=4)
    finally:
        sender.close()
    assert tally.sent == 15
    assert set(gateway.delivered) == set(keys) and set(gateway.requests.values()) == {1}
    assert gateway.without_key == 0
    headers = gateway.headers[0]
    assert headers["Authorization"] == "Bearer gw-token"
    assert headers["Content-Type"].startswith("application/json")
    body = gateway.delivered[headers["Idempotency-Key"]]
    assert body["key"] == headers["Idempotency-Key"] and body["phone"].startswith("1")
    sent = states(db)[SENT]
    assert {row.gateway_ref for row in sent} == {item["id"] for item in gateway.delivered.values()}
    assert all(row.attempts == 1 and row.claim_token is None for row in sent)


def test_a_500_is_retried_after_the_backoff_and_then_sent(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, gateway: FakeSmsGateway
) -> None:
    gateway.policy = lambda _key, nth: "500" if nth == 1 else "ok"
    seed(db, settings, catalogue, rules, events=1)
    config = http_settings(settings, gateway)
    clock = Clock()
    dispatcher = Dispatcher(db, HttpGateway(gateway.url, timeout=2.0), config, clock)
    first = dispatcher.run(once=True)
    assert (first.sent, first.retried) == (0, 3)
    pending = states(db)[PENDING]
    assert all("HTTP 500" in (row.last_error or "") for row in pending)
    assert dispatcher.run(once=True).claimed == 0  # not due before the backoff has passed
    clock.advance(seconds=30)
    assert dispatcher.run(once=True).sent == 3
    sent = states(db)[SENT]
    assert [row.attempts for row in sent] == [2, 2, 2] and all(row.last_error is None for row in sent)
    assert set(gateway.requests.values()) == {2} and len(gateway.delivered) == 3


def test_after_the_last_attempt_a_row_is_dead(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, gateway: FakeSmsGateway
) -> None:
    gateway.policy = lambda _key, _nth: "500"
    seed(db, settings, catalogue, rules, events=1)
    config = http_settings(settings, gateway, sms_max_attempts=3)
    clock = Clock()
    dispatcher = Dispatcher(db, HttpGateway(gateway.url), config, clock)
    for _ in range(5):
        dispatcher.run(once=True)
        clock.advance(hours=2)
    dead = states(db)[DEAD]
    assert len(dead) == 3 and all(row.attempts == 3 for row in dead)
    assert set(gateway.requests.values()) == {3} and not gateway.delivered


def test_a_refusal_fails_the_row_at_once(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, gateway: FakeSmsGateway
) -> None:
    gateway.policy = lambda _key, _nth: "400"
    seed(db, settings, catalogue, rules, events=1)
    tally = Dispatcher(db, HttpGateway(gateway.url), http_settings(settings, gateway), Clock()).run(once=True)
    assert tally.failed == 3
    assert all("HTTP 400" in (row.last_error or "") for row in states(db)[FAILED])


def test_a_timeout_is_retried_and_the_gateway_still_delivers_once(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with FakeSmsGateway(lambda _key, nth: "slow" if nth == 1 else "ok", slow_seconds=0.6) as gateway:
        keys = seed(db, settings, catalogue, rules, events=1)
        config = http_settings(settings, gateway)
        clock = Clock()
        dispatcher = Dispatcher(db, HttpGateway(gateway.url, timeout=0.2, concurrency=3), config, clock)
        first = dispatcher.run(once=True)
        assert first.retried == 3
        assert all("超时" in (row.last_error or "") for row in states(db)[PENDING])
        time.sleep(0.8)  # the slow answers complete on the server: those messages did go out
        clock.advance(minutes=1)
        assert dispatcher.run(once=True).sent == 3
        assert set(gateway.delivered) == set(keys) and gateway.duplicates == 3


def test_an_unreachable_gateway_is_a_retry_not_a_crash(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules
) -> None:
    with FakeSmsGateway() as closed:
        url = closed.url
    seed(db, settings, catalogue, rules, events=1)
    tally = Dispatcher(db, HttpGateway(url, timeout=1.0), make_settings(settings.database_url), Clock()).run(
        once=True
    )
    assert tally.retried == 3
    assert all("无法连接" in (row.last_error or "") for row in states(db)[PENDING])


def test_a_claimed_row_waits_for_the_lease_and_a_late_mark_changes_nothing(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, gateway: FakeSmsGateway
) -> None:
    keys = seed(db, settings, catalogue, rules, events=2)
    config = http_settings(settings, gateway, sms_lease_seconds=60)
    clock = Clock()
    crashed = Dispatcher(db, HttpGateway(gateway.url), config, clock)
    token, claimed = crashed.claim(4)  # …and then it dies before sending or marking
    assert len(claimed) == 4
    survivor = Dispatcher(db, HttpGateway(gateway.url), config, clock)
    assert survivor.run(once=True).sent == 2  # the two rows nobody held
    clock.advance(seconds=61)
    assert survivor.run(once=True).sent == 4  # the lease ran out: taken again
    from bot.notify.gateways import Delivery

    crashed.mark(token, [(item, Delivery("retry", error="迟到"), clock()) for item in claimed])
    assert len(states(db)[SENT]) == 6
    assert set(gateway.delivered) == set(keys) and set(gateway.requests.values()) == {1}


def test_rows_without_a_usable_phone_are_never_handed_to_the_gateway(
    db: Database, settings: Settings, catalogue: Catalogue, rules: NotifyRules, gateway: FakeSmsGateway
) -> None:
    parties = [{"role": "applicant", "kind": "person", "name": "张三", "phone": "0571-87654321"}]
    with db.transaction() as session:
        add_case(session, settings, catalogue, parties=parties)
        record(session, event("network_search_result"), catalogue, rules)
    config = http_settings(settings, gateway)
    assert Dispatcher(db, HttpGateway(gateway.url), config, Clock()).run(once=True).claimed == 0
    assert gateway.total_requests == 0 and len(states(db)[FAILED]) == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n, 30, 3600).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20, 30, 3600) == timedelta(hours=1)


def test_run_stops_when_asked(db: Database, settings: Settings, tmp_path: Path) -> None:
    stop = threading.Event()
    gateway = LogGateway(tmp_path / "sms.log", None)
    config = make_settings(settings.database_url, sms_poll_seconds=0.05)
    worker = threading.Thread(target=lambda: Dispatcher(db, gateway, config).run(stop=stop))
    worker.start()
    time.sleep(0.2)
    stop.set()
    worker.join(5)
    gateway.close()
    assert not worker.is_alive()


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"sms_gateway": "carrier-pigeon"}, "未知的短信网关"),
        ({"sms_gateway": "http", "sms_http_url": "ftp://x"}, "http://"),
    ],
)
def test_a_misconfigured_gateway_is_named(overrides: dict[str, Any], complaint: str) -> None:
    with pytest.raises(GatewayConfigError, match=complaint):
        build_gateway(make_settings("sqlite://", **overrides))

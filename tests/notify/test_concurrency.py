"""Several dispatchers on one database never send a row twice; one killed with SIGKILL mid-batch loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.case_lookup.catalogue import Catalogue
from bot.config import Settings
from bot.notify.dispatcher import Dispatcher
from bot.notify.gateways import HttpGateway
from bot.notify.rules import NotifyRules
from bot.storage.db import Database, open_database
from bot.storage.models import Notification
from bot.storage.models.notify import SENT
from tests.conftest import make_settings
from tests.notify.factories import Clock, seed
from tests.notify.gateway_server import FakeSmsGateway

LEASE = 1.5


def sent_count(db: Database) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(select(func.count()).select_from(Notification).where(Notification.state == SENT))
            or 0
        )


def dispatcher_process(
    database_url: str, gateway_url: str, cwd: Path, *extra: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HOTLINE_SMS_GATEWAY": "http",
        "HOTLINE_SMS_HTTP_URL": gateway_url,
        "HOTLINE_SMS_LEASE_SECONDS": str(LEASE),
        "HOTLINE_SMS_CONCURRENCY": "4",
        "HOTLINE_SMS_POLL_SECONDS": "0.2",
    }
    command = [sys.executable, "-m", "bot.cli", "--database-url", database_url, "notify", "run", *extra]
    # Run outside the repository so that no .env file there changes the settings.
    return subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_four_dispatcher_threads_send_every_row_exactly_once(
    database_url: str, settings: Settings, db: Database, catalogue: Catalogue, rules: NotifyRules
) -> None:
    keys = seed(db, settings, catalogue, rules, events=200)
    config = make_settings(database_url, sms_gateway="http", sms_concurrency=4)
    with FakeSmsGateway(delay=0.002) as gateway:
        clock = Clock()
        databases = [open_database(database_url) for _ in range(4)]
        tallies = []

        def work(own: Database) -> None:
            sender = HttpGateway(gateway.url, concurrency=4)
            tallies.append(Dispatcher(own, sender, config, clock).run(once=True, batch=20))
            sender.close()

        threads = [threading.Thread(target=work, args=(own,)) for own in databases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for own in databases:
            own.dispose()
    assert len(keys) == 600
    assert sum(tally.sent for tally in tallies) == 600
    assert sum(1 for tally in tallies if tally.sent) >= 2  # the work was really shared
    assert set(gateway.requests.values()) == {1} and set(gateway.delivered) == set(keys)
    assert sent_count(db) == 600


def test_two_dispatcher_processes_share_the_outbox_without_a_repeat(
    database_url: str,
    settings: Settings,
    db: Database,
    catalogue: Catalogue,
    rules: NotifyRules,
    tmp_path: Path,
) -> None:
    keys = seed(db, settings, catalogue, rules, events=100)
    with FakeSmsGateway(delay=0.003) as gateway:
        workers = [
            dispatcher_process(database_url, gateway.url, tmp_path, "--once", "--batch", "10")
            for _ in range(2)
        ]
        for worker in workers:
            _out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err.decode()
    assert set(gateway.requests.values()) == {1} and set(gateway.delivered) == set(keys)
    assert sent_count(db) == 300


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_the_gateway_delivers_each_key_once(
    database_url: str,
    settings: Settings,
    db: Database,
    catalogue: Catalogue,
    rules: NotifyRules,
    tmp_path: Path,
) -> None:
    keys = seed(db, settings, catalogue, rules, events=100)
    reached = threading.Event()

    def policy(_key: str, _nth: int) -> str:
        # From the 40th request on, the gateway answers slowly: the dispatcher is caught holding a batch.
        with lock:
            counter[0] += 1
            if counter[0] >= 40:
                reached.set()
                return "slow"
        return "ok"

    lock, counter = threading.Lock(), [0]
    with FakeSmsGateway(policy, delay=0.005, slow_seconds=0.5) as gateway:
        worker = dispatcher_process(database_url, gateway.url, tmp_path, "--batch", "25")
        try:
            assert reached.wait(60), "the dispatcher never got going"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        assert worker.returncode == -signal.SIGKILL
        with db.transaction() as session:
            held = session.scalar(
                select(func.count()).select_from(Notification).where(Notification.claim_token.is_not(None))
            )
        assert held and held > 0  # rows were claimed and never marked
        assert sent_count(db) < 300
        gateway.policy = lambda _key, _nth: "ok"
        time.sleep(LEASE + 0.6)  # the lease runs out (and the slow answers finish on the server)
        again = dispatcher_process(database_url, gateway.url, tmp_path, "--once", "--batch", "25")
        _out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err.decode()
    assert sent_count(db) == 300
    assert set(gateway.delivered) == set(keys)  # every message reached a phone, each once
    assert max(gateway.requests.values()) <= 2
    assert gateway.duplicates <= 25  # at most the batch in hand was offered twice, and deduped

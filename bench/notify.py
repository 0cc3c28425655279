"""SMS notifications at scale: events through the importer path into the outbox, then delivery by 1 and 2 dispatchers.

    .venv/bin/python bench/notify.py [--events 100000] [--pg postgresql://postgres@127.0.0.1:5432/test]
                                     [--batch 200] [--concurrency 8] [--seed 12368] [--keep] [--markdown]

Creates a database of its own (hotline_bench_notify_<random>) on the server --pg names and migrates it, then:

(a) upserts events/10 cases (applicant with a mobile; respondent with a mobile, a landline or no phone;
    an interested party in a third of them; a 承办人 with an office phone) and writes --events case events
    of every catalogue kind, all in the last few hours, as JSON lines;
(b) imports them the way `run_import`'s fast path does (batches of 500 lines, EventPayload validation, the
    batch's cases and event ids read up front, one transaction and one round of inserts per batch), with
    add_event + the event's notifications (bot.notify.record.record_event with a NotifyBatch) per line:
    events/s and notifications enqueued/s;
(c) starts a local HTTP server standing in for the SMS gateway (tests/notify/gateway_server.py: it counts
    requests per idempotency key and dedupes), and runs `hotline notify run --once` as 1 process, then
    (every row put back to pending, a fresh gateway) as 2 processes at once: rows delivered per second,
    duplicates (a key requested more than once) and losses (a pending row the gateway never got, or a row
    not marked sent) — both must be zero.

The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import EventLookup, upsert_case
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.config import Settings
from bot.notify.record import NotifyBatch, record_event
from bot.notify.rules import NotifyRules, load_rules
from bot.storage.db import Database, open_database
from bot.storage.models import Notification
from bot.storage.models.notify import PENDING, SENT
from bot.storage.scratch import create_database, drop_database

REPO = Path(__file__).resolve().parent.parent
SEED = 12368
EVENTS_PER_CASE = 10
BATCH = 500
COURTS = (
    ("浙0102", "杭州市上城区人民法院"),
    ("浙0106", "杭州市西湖区人民法院"),
    ("浙0203", "宁波市海曙区人民法院"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def _mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "187", "199")) + f"{rng.randrange(10**8):08d}"


def _case(rng: random.Random, number: int) -> tuple[str, dict[str, Any]]:
    code, name = COURTS[number % len(COURTS)]
    case_no = f"(2025){code}执{number + 1}号"
    roll = rng.random()
    respondent_phone = _mobile(rng) if roll < 0.8 else "0571-87654321" if roll < 0.9 else None
    parties = [
        {"role": "applicant", "kind": "person", "name": rng.choice(SURNAMES) + "某", "phone": _mobile(rng)},
        {"role": "respondent", "kind": "organisation", "name": "某某贸易有限公司", "phone": respondent_phone},
    ]
    if rng.random() < 1 / 3:
        parties.append({"role": "interested", "kind": "person", "name": "钱某", "phone": _mobile(rng)})
    judge = {"staff_no": f"J-{code}-{number % 40}", "name": rng.choice(SURNAMES) + "法官"}
    staff = [judge | {"office_phone": "0571-88881234", "role": "presiding", "assigned_on": "2025-01-02"}]
    body = {
        "court_name": name,
        "filed_on": "2025-01-02",
        "amount": "100000.00",
        "parties": parties,
        "staff": staff,
    }
    return case_no, body


def fill_cases(db: Database, settings: Settings, catalogue: Catalogue, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    numbers: list[str] = []
    for start in range(0, count, BATCH):
        with db.transaction() as session:
            for number in range(start, min(count, start + BATCH)):
                case_no, body = _case(rng, number)
                payload = CasePayload.model_validate(body, context={"catalogue": catalogue})
                upsert_case(session, case_no, payload, settings, catalogue=catalogue)
                numbers.append(case_no)
    return numbers


def write_events(path: Path, cases: list[str], catalogue: Catalogue, count: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    kinds = sorted(catalogue.kinds)
    now = datetime.now(UTC)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            kind = kinds[number % len(kinds)]
            details: dict[str, Any] = {}
            if kind == "money_received":
                details["amount"] = f"{rng.randrange(1000, 10**6)}.00"
            if kind == "traditional_search_done" and rng.random() < 0.5:
                details["reporter"] = {"name": "孙某", "phone": _mobile(rng)}
            line = {
                "case_no": cases[number % len(cases)],
                "event_id": f"bench-{number}",
                "kind": kind,
                "occurred_at": (now - timedelta(seconds=rng.randrange(1, 4 * 3600))).isoformat(),
                "summary": "执行人员已完成该事项，详情可凭查询密码在浙江法院司法公开网查看。",
                "details": details,
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def enqueue(
    db: Database, path: Path, catalogue: Catalogue, rules: NotifyRules
) -> tuple[int, int, int, float]:
    """run_import's fast path, with record_event for add_event: (lines, events, notices, seconds).

    Per batch of 500 lines: validate every line, fetch the batch's cases and known event ids
    (EventLookup) and its cases' parties, staff and chat opt-ins (NotifyBatch), add each event and its
    notices, commit once.
    """
    lines = events = notices = 0
    started = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        while batch := list(islice(handle, BATCH)):
            items = []
            for raw in batch:
                data = json.loads(raw)
                case_no = data.pop("case_no")
                items.append((case_no, EventPayload.model_validate(data, context={"catalogue": catalogue})))
            lines += len(items)
            with db.transaction() as session:
                lookup = EventLookup.fetch(
                    session, [no for no, _ in items], [item.event_id for _, item in items]
                )
                notify = NotifyBatch.fetch(session, rules, lookup.case_ids.values())
                for case_no, payload in items:
                    result, rows = record_event(
                        session, case_no, payload, catalogue, rules, lookup=lookup, batch=notify
                    )
                    events += result == "inserted"
                    notices += len(rows)
    return lines, events, notices, time.perf_counter() - started


def pending_keys(db: Database) -> set[str]:
    with db.transaction() as session:
        return set(session.scalars(select(Notification.idempotency_key).where(Notification.state == PENDING)))


def deliver(url: str, processes: int, batch: int, concurrency: int, gateway_cls: Any) -> dict[str, Any]:
    db = open_database(url)
    expected = pending_keys(db)
    with gateway_cls() as gateway, tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "HOTLINE_SMS_GATEWAY": "http",
            "HOTLINE_SMS_HTTP_URL": gateway.url,
            "HOTLINE_SMS_CONCURRENCY": str(concurrency),
        }
        command = [sys.executable, "-m", "bot.cli", "--database-url", url, "notify", "run", "--once"]
        started = time.perf_counter()
        workers = [
            subprocess.Popen([*command, "--batch", str(batch)], env=env, cwd=scratch, stdout=subprocess.PIPE)
            for _ in range(processes)
        ]
        for worker in workers:
            worker.communicate()
            if worker.returncode != 0:
                raise SystemExit(f"dispatcher exited with {worker.returncode}")
        seconds = time.perf_counter() - started
        requests = dict(gateway.requests)
        delivered = set(gateway.delivered)
    with db.transaction() as session:
        sent = set(session.scalars(select(Notification.idempotency_key).where(Notification.state == SENT)))
    db.dispose()
    return {
        "rows": len(expected),
        "seconds": seconds,
        "duplicates": sum(count - 1 for count in requests.values()),
        "losses": len(expected - delivered) + len(expected - sent),
    }


def reset(url: str) -> None:
    db = open_database(url)
    with db.transaction() as session:
        session.execute(
            update(Notification)
            .where(Notification.state == SENT)
            .values(
                state=PENDING, attempts=0, sent_at=None, gateway_ref=None, next_attempt_at=datetime.now(UTC)
            )
        )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--batch", type=int, default=200, help="rows a dispatcher claims at a time")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight per dispatcher")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))  # the fake gateway lives with the tests
    gateway_cls = importlib.import_module("tests.notify.gateway_server").FakeSmsGateway
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    catalogue = Catalogue.load(settings.data_dir / "case_events.yaml")
    rules = load_rules(settings.data_dir, catalogue)

    url, name = create_database(args.pg, "hotline_bench_notify")
    try:
        db = open_database(url)
        cases = max(1, args.events // EVENTS_PER_CASE)
        print(f"{name}: {cases:,} cases, {args.events:,} events …", file=sys.stderr)
        numbers = fill_cases(db, settings, catalogue, cases, args.seed)
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "events.jsonl"
            write_events(path, numbers, catalogue, args.events, args.seed)
            lines, events, notices, enqueue_seconds = enqueue(db, path, catalogue, rules)
        with db.transaction() as session:
            by_state = dict(
                session.execute(select(Notification.state, func.count()).group_by(Notification.state)).all()
            )
        db.dispose()
        print(f"enqueued {notices:,} notices in {enqueue_seconds:.0f} s; delivering …", file=sys.stderr)
        one = deliver(url, 1, args.batch, args.concurrency, gateway_cls)
        reset(url)
        two = deliver(url, 2, args.batch, args.concurrency, gateway_cls)
    finally:
        if not args.keep:
            drop_database(args.pg, name)

    states = ", ".join(f"{state} {count:,}" for state, count in sorted(by_state.items()))
    rows = [
        (
            "data",
            f"{cases:,} cases, {lines:,} event lines (every catalogue kind; seed {args.seed}), PostgreSQL",
        ),
        (
            "events recorded through the importer path (add_event + enqueue)",
            f"{events / enqueue_seconds:,.0f} events/s",
        ),
        ("notifications enqueued", f"{notices:,} ({states}); {notices / enqueue_seconds:,.0f} /s"),
    ]
    for label, result in (("1 dispatcher", one), ("2 dispatchers (processes)", two)):
        rate = result["rows"] / result["seconds"] if result["seconds"] else 0.0
        rows.append(
            (
                f"delivered by {label}, local HTTP gateway, batch {args.batch}, {args.concurrency} in flight",
                f"{result['rows']:,} rows in {result['seconds']:.1f} s = {rate:,.0f} /s; "
                f"duplicates {result['duplicates']}, losses {result['losses']}",
            )
        )
    if args.markdown:
        print("| measure | figure |\n| --- | --- |")
        for label, figure in rows:
            print(f"| {label} | {figure} |")
    else:
        for label, figure in rows:
            print(f"{label}: {figure}")
    if one["duplicates"] or one["losses"] or two["duplicates"] or two["losses"]:
        raise SystemExit("duplicates or losses: see above")


if __name__ == "__main__":
    main()

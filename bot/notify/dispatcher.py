"""Delivering due outbox rows: claim (row locks, SKIP LOCKED, a lease) → send → mark, with retries.

Each row is delivered at least once; the idempotency key lets the gateway drop a repeat. Two dispatchers
never hold one row at the same time: the claim locks rows with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite
serialises the claim with BEGIN IMMEDIATE) and moves `next_attempt_at` to the end of a lease. A dispatcher
killed between sending and marking leaves its rows pending; when the lease runs out another takes them.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.notify.gateways import Delivery, Gateway, Outgoing
from bot.storage.db import Database
from bot.storage.models.core import utcnow
from bot.storage.models.notify import DEAD, FAILED, PENDING, SENT, Notification

log = logging.getLogger(__name__)
MAX_ERROR = 300
_TABLE = cast(Table, Notification.__table__)


@dataclass
class Tally:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0

    def add(self, other: Tally) -> None:
        for name in ("claimed", "sent", "retried", "failed", "dead"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return (
            f"已发送 {self.sent} 条，待重试 {self.retried} 条，发送失败 {self.failed} 条，"
            f"多次失败放弃 {self.dead} 条"
        )


@dataclass(frozen=True)
class Claimed:
    message: Outgoing
    attempts: int


def backoff(attempts: int, base: float, cap: float) -> timedelta:
    """The wait before the next try after `attempts` tries: base, 2×base, 4×base … at most cap."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class Dispatcher:
    """One dispatcher; run several (threads or processes) against one database to send faster."""

    def __init__(
        self, db: Database, gateway: Gateway, settings: Settings, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db, self.gateway, self.settings, self.clock = db, gateway, settings, clock

    def claim(self, limit: int) -> tuple[str, list[Claimed]]:
        """Take up to `limit` due rows for one lease, in one statement; returns the claim token and the rows."""
        token = uuid.uuid4().hex
        with self.db.transaction() as session:
            now = self.clock()
            due = (
                select(Notification.id)
                .where(Notification.state == PENDING, Notification.next_attempt_at <= now)
                .order_by(Notification.next_attempt_at, Notification.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            lease = now + timedelta(seconds=self.settings.sms_lease_seconds)
            # The sub-select locks the rows it returns (skipping rows another dispatcher holds), so the
            # update only ever touches rows this transaction has locked.
            rows = session.execute(
                update(Notification)
                .where(Notification.id.in_(due))
                .values(claim_token=token, attempts=Notification.attempts + 1, next_attempt_at=lease)
                .returning(
                    Notification.id,
                    Notification.idempotency_key,
                    Notification.phone,
                    Notification.text,
                    Notification.attempts,
                )
                .execution_options(synchronize_session=False)
            ).all()
        claimed = [Claimed(Outgoing(row[0], row[1], row[2] or "", row[3]), row[4]) for row in rows]
        return token, sorted(claimed, key=lambda item: item.message.notification_id)

    def _send(self, item: Claimed) -> tuple[Claimed, Delivery, datetime]:
        try:
            delivery = self.gateway.send(item.message)
        except Exception as error:  # a gateway bug must not lose the batch: the row is retried
            delivery = Delivery("retry", error=f"发送出错（{type(error).__name__}）")
        return item, delivery, self.clock()

    def mark(self, token: str, results: list[tuple[Claimed, Delivery, datetime]]) -> Tally:
        """Record what the gateway said; a row whose lease another dispatcher has since taken is left alone."""
        tally = Tally(claimed=len(results))
        params: list[dict[str, Any]] = []
        for item, delivery, at in results:
            state, next_at, sent_at = SENT, at, None
            if delivery.outcome == "sent":
                sent_at = at
                tally.sent += 1
            elif delivery.outcome == "failed":
                state = FAILED
                tally.failed += 1
            elif item.attempts >= self.settings.sms_max_attempts:
                state = DEAD
                tally.dead += 1
            else:
                state = PENDING
                next_at = at + backoff(
                    item.attempts, self.settings.sms_retry_base_seconds, self.settings.sms_retry_max_seconds
                )
                tally.retried += 1
            params.append(
                {
                    "b_id": item.message.notification_id,
                    "b_token": token,
                    "b_state": state,
                    "b_next": next_at,
                    "b_sent": sent_at,
                    "b_ref": delivery.ref,
                    "b_error": (delivery.error or "")[:MAX_ERROR] or None,
                }
            )
        if params:
            statement = (
                update(_TABLE)
                .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.claim_token == bindparam("b_token"))
                .values(
                    state=bindparam("b_state"),
                    next_attempt_at=bindparam("b_next"),
                    sent_at=bindparam("b_sent"),
                    gateway_ref=bindparam("b_ref"),
                    last_error=bindparam("b_error"),
                    claim_token=None,
                )
            )
            with self.db.transaction() as session:
                session.execute(statement, params)
        return tally

    def run_batch(self, limit: int, pool: ThreadPoolExecutor | None = None) -> Tally:
        token, claimed = self.claim(limit)
        if not claimed:
            return Tally()
        # A row that has been claimed too often without an answer (its dispatchers keep dying) is given up.
        hopeless = [item for item in claimed if item.attempts > self.settings.sms_max_attempts]
        live = [item for item in claimed if item.attempts <= self.settings.sms_max_attempts]
        results = list(pool.map(self._send, live)) if pool is not None else [self._send(i) for i in live]
        now = self.clock()
        results += [(item, Delivery("retry", error="多次发送未完成"), now) for item in hopeless]
        return self.mark(token, results)

    def run(
        self, *, once: bool = False, batch: int | None = None, stop: threading.Event | None = None
    ) -> Tally:
        """Deliver until stopped, or with once=True until no row is due; returns what was done."""
        stop = stop or threading.Event()
        size = batch or self.settings.sms_batch_size
        total = Tally()
        workers = max(1, self.gateway.concurrency)
        pool = ThreadPoolExecutor(workers, thread_name_prefix="sms") if workers > 1 else None
        try:
            while not stop.is_set():
                try:
                    done = self.run_batch(size, pool)
                except SQLAlchemyError as error:
                    if once:
                        raise
                    # The database is away (a restart, a failover): keep going when it is back. Rows claimed
                    # and not marked come back by themselves when their lease ends.
                    log.warning("SMS dispatcher: database unavailable (%s), retrying", type(error).__name__)
                    stop.wait(self.settings.sms_poll_seconds)
                    continue
                total.add(done)
                if done.claimed == 0:
                    if once:
                        break
                    stop.wait(self.settings.sms_poll_seconds)
        finally:
            if pool is not None:
                pool.shutdown()
        return total

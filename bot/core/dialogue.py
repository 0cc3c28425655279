"""The Dialogue serves turns: load the conversation, decide, and save everything in one transaction.

Turns that arrive together are served together (group commit): one transaction locks every conversation
the batch touches, runs each turn in arrival order, saves them all and commits once. A reply is returned
only after that commit. A batch that fails is served again one turn at a time, so one bad turn costs only
its own reply."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Insert, Select, Update, bindparam, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from bot.core.context import Context, Flow, Services
from bot.core.messages import Inbound, Reply
from bot.core.normalize import clean
from bot.core.router import Detector, route
from bot.identity.masking import mask_in_text
from bot.storage.db import Database
from bot.storage.models import Conversation, Turn, utcnow

log = logging.getLogger(__name__)
# The key under which the conversation's memory (what outlives a flow) is stored inside its state.
MEMORY = "_memory"
REDACTED = "[已隐去]"
UserKey = tuple[str, str]  # (channel, user_key)


class _Statements:
    """The turn's SQL, built once per process on first use and reused with bound parameters."""

    @cached_property
    def _conversation(self) -> Select[Any]:
        return select(
            Conversation.id,
            Conversation.channel,
            Conversation.user_key,
            Conversation.flow,
            Conversation.state,
            Conversation.options,
        )

    @cached_property
    def lock(self) -> Select[Any]:
        # One order for every batch in every worker, so two batches never wait for each other in a cycle.
        return (
            self._conversation.where(
                tuple_(Conversation.channel, Conversation.user_key).in_(bindparam("keys", expanding=True))
            )
            .order_by(Conversation.id)
            .with_for_update()
        )

    @cached_property
    def lock_one(self) -> Select[Any]:
        # A lone turn (the console, an idle server): an expanding IN list costs ~70 us to render.
        return self._conversation.where(
            Conversation.channel == bindparam("channel"), Conversation.user_key == bindparam("user_key")
        ).with_for_update()

    @cached_property
    def save(self) -> Update:
        return (
            update(Conversation)
            .where(Conversation.id == bindparam("conversation_id"))
            .values(
                flow=bindparam("new_flow"),
                state=bindparam("new_state", type_=Conversation.state.type),
                options=bindparam("new_options", type_=Conversation.options.type),
                version=Conversation.version + bindparam("turns"),
                updated_at=bindparam("now"),
            )
        )

    @cached_property
    def stored_replies(self) -> Select[Any]:
        return select(Turn.message_key, Turn.reply).where(
            Turn.message_key.in_(bindparam("message_keys", expanding=True))
        )

    @cached_property
    def log(self) -> Insert:
        return insert(Turn)


STATEMENTS = _Statements()


@dataclass
class _Open:
    """A conversation as a batch holds it: loaded once, changed by each of its turns, saved once."""

    id: int
    flow: str | None
    state: dict[str, Any]
    options: dict[str, Any]
    turns: int = 0


def message_key(inbound: Inbound) -> str | None:
    # Keyed by the user too: a message id chosen by a client must never fetch another user's reply.
    if not inbound.message_id:
        return None
    return f"{inbound.channel}:{inbound.user_key}:{inbound.message_id}"[:200]


def _one_or_many(rows: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """One row as a plain execute: a one-row executemany costs a pipeline round of its own."""
    return rows[0] if len(rows) == 1 else rows


@dataclass
class Dialogue:
    db: Database
    services: Services
    flows: dict[str, Flow]
    detectors: Sequence[Detector] = ()

    def handle(self, inbound: Inbound) -> Reply:
        """Answer one message. The reply is returned only after its turn is committed."""
        return self.handle_many([inbound])[0]

    def handle_many(self, inbounds: Sequence[Inbound]) -> list[Reply]:
        """Answer messages that arrived together, in order, committed together before any reply is returned."""
        if not inbounds:
            return []
        try:
            return self._serve(inbounds)
        except (OperationalError, DBAPIError) as error:
            if len(inbounds) > 1:
                return self._one_by_one(inbounds)
            log.error("turn failed: database unavailable (%s)", type(error.orig or error).__name__)
            return [self._error("errors.storage", "storage_unavailable")]
        except Exception:
            if len(inbounds) > 1:
                return self._one_by_one(inbounds)
            # The message is not stored (the transaction rolled back); the user is told so.
            log.exception("turn failed on channel %s", inbounds[0].channel)
            return [self._error("errors.internal", "internal_error")]

    def _one_by_one(self, inbounds: Sequence[Inbound]) -> list[Reply]:
        """Nothing of a failed batch was committed: serve each turn alone, so only a bad one fails."""
        log.warning("a batch of %d turns failed; serving them one by one", len(inbounds))
        return [self.handle(inbound) for inbound in inbounds]

    def _serve(self, inbounds: Sequence[Inbound]) -> list[Reply]:
        keys = [message_key(inbound) for inbound in inbounds]
        with self.db.transaction() as session:
            connection = session.connection()
            conversations = self._lock_conversations(connection, inbounds)
            # Read after the locks: a retry racing its original in another worker waits, then finds it.
            answered = self._stored_replies(connection, [key for key in keys if key])
            replies: list[Reply] = []
            logged: list[dict[str, Any]] = []
            for inbound, key in zip(inbounds, keys, strict=True):
                if key is not None and key in answered:
                    replies.append(answered[key])
                    continue
                conversation = conversations[(inbound.channel, inbound.user_key)]
                reply, turn = self._turn(session, conversation, inbound, key)
                if key is not None:
                    answered[key] = reply  # the same message twice in one batch: one turn, one reply
                replies.append(reply)
                logged.append(turn)
            if logged:
                # Statements built once (see STATEMENTS): this is the hot path of every turn.
                now = utcnow()
                saves = [
                    {
                        "conversation_id": open_.id,
                        "new_flow": open_.flow,
                        "new_state": open_.state,
                        "new_options": open_.options,
                        "turns": open_.turns,
                        "now": now,
                    }
                    for open_ in conversations.values()
                    if open_.turns
                ]
                connection.execute(STATEMENTS.save, _one_or_many(saves))
                connection.execute(
                    STATEMENTS.log, _one_or_many([{**turn, "created_at": now} for turn in logged])
                )
        return replies

    def _turn(
        self, session: Session, conversation: _Open, inbound: Inbound, key: str | None
    ) -> tuple[Reply, dict[str, Any]]:
        """One message through the router; the conversation is updated in place for the batch to save."""
        limit = self.services.settings.max_message_chars
        cleaned = clean(inbound.text, limit)
        state = dict(conversation.state)
        memory = dict(state.pop(MEMORY, None) or {})
        ctx = Context(
            session=session,
            services=self.services,
            inbound=inbound,
            text=cleaned.text,
            flow=conversation.flow,
            state=state,
            memory=memory,
            flows=self.flows,
        )
        reply = route(ctx, list(conversation.options.get("labels", ())), self.detectors)
        if cleaned.truncated:
            reply = Reply(
                (self.services.texts("input.too_long", limit=limit), *reply.parts),
                reply.options,
                reply.links,
                reply.meta,
            )
        reply = reply.explained(intent=ctx.intent, flow=ctx.flow)
        conversation.flow = ctx.flow
        conversation.state = {**ctx.state, MEMORY: ctx.memory} if ctx.memory else ctx.state
        conversation.options = {"labels": list(reply.options)}
        conversation.turns += 1
        turn = {
            "conversation_id": conversation.id,
            "message_key": key,
            # A typed password never reaches the turn log; ID numbers and phones only masked.
            "text": REDACTED if reply.meta.get("redact_input") else mask_in_text(cleaned.text),
            "reply": reply.to_dict(),
            "intent": ctx.intent,
            "flow": ctx.flow,
        }
        return reply, turn

    def _lock_conversations(
        self, connection: Connection, inbounds: Sequence[Inbound]
    ) -> dict[UserKey, _Open]:
        """The batch's conversations, created if new, locked until commit so one user's turns never
        interleave with another worker's."""
        wanted = sorted({(inbound.channel, inbound.user_key) for inbound in inbounds})
        found = self._select_locked(connection, wanted)
        missing = [key for key in wanted if key not in found]
        if missing:
            # New users: two first messages may race here, so insert-if-absent and read the winner's row.
            now = utcnow()
            upsert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
            connection.execute(
                upsert(Conversation)
                .values(
                    [
                        {
                            "channel": channel,
                            "user_key": user_key,
                            "state": {},
                            "options": {},
                            "version": 0,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for channel, user_key in missing
                    ]
                )
                .on_conflict_do_nothing(index_elements=["channel", "user_key"])
            )
            found.update(self._select_locked(connection, missing))
        return found

    @staticmethod
    def _select_locked(connection: Connection, keys: list[UserKey]) -> dict[UserKey, _Open]:
        if len(keys) == 1:
            [(channel, user_key)] = keys
            rows = connection.execute(STATEMENTS.lock_one, {"channel": channel, "user_key": user_key})
        else:
            rows = connection.execute(STATEMENTS.lock, {"keys": keys})
        return {
            (row.channel, row.user_key): _Open(
                row.id, row.flow, dict(row.state or {}), dict(row.options or {})
            )
            for row in rows
        }

    @staticmethod
    def _stored_replies(connection: Connection, keys: list[str]) -> dict[str, Reply]:
        if not keys:
            return {}
        rows = connection.execute(STATEMENTS.stored_replies, {"message_keys": keys})
        return {row.message_key: Reply.from_dict(row.reply) for row in rows}

    def _error(self, text_key: str, intent: str) -> Reply:
        texts = self.services.texts
        return Reply((texts(text_key),), (texts("options.menu"),), meta={"intent": intent, "error": True})

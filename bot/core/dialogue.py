"""The Dialogue serves one turn: load the conversation, decide, and save everything in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Insert, Row, Select, Update, bindparam, insert, select, update
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


class _Statements:
    """The turn's SQL, built once per process on first use and reused with bound parameters."""

    @cached_property
    def lock(self) -> Select[Any]:
        return (
            select(Conversation.id, Conversation.flow, Conversation.state, Conversation.options)
            .where(
                Conversation.channel == bindparam("channel"), Conversation.user_key == bindparam("user_key")
            )
            .with_for_update()
        )

    @cached_property
    def save(self) -> Update:
        return (
            update(Conversation)
            .where(Conversation.id == bindparam("conversation_id"))
            .values(
                flow=bindparam("new_flow"),
                state=bindparam("new_state", type_=Conversation.state.type),
                options=bindparam("new_options", type_=Conversation.options.type),
                version=Conversation.version + 1,
                updated_at=bindparam("now"),
            )
        )

    @cached_property
    def stored_reply(self) -> Select[Any]:
        return select(Turn.reply).where(Turn.message_key == bindparam("message_key"))

    @cached_property
    def log(self) -> Insert:
        return insert(Turn)


STATEMENTS = _Statements()


@dataclass
class Dialogue:
    db: Database
    services: Services
    flows: dict[str, Flow]
    detectors: Sequence[Detector] = ()

    def handle(self, inbound: Inbound) -> Reply:
        """Answer one message. The reply is returned only after its turn is committed."""
        try:
            return self._handle(inbound)
        except (OperationalError, DBAPIError) as error:
            log.error("turn failed: database unavailable (%s)", type(error.orig or error).__name__)
            return self._error("errors.storage", "storage_unavailable")
        except Exception:
            # The message is not stored (the transaction rolled back); the user is told so.
            log.exception("turn failed on channel %s", inbound.channel)
            return self._error("errors.internal", "internal_error")

    def _handle(self, inbound: Inbound) -> Reply:
        limit = self.services.settings.max_message_chars
        cleaned = clean(inbound.text, limit)
        # Keyed by the user too: a message id chosen by a client must never fetch another user's reply.
        message_key = (
            f"{inbound.channel}:{inbound.user_key}:{inbound.message_id}"[:200] if inbound.message_id else None
        )
        with self.db.transaction() as session:
            conversation = self._lock_conversation(session, inbound)
            if message_key:
                stored = session.scalar(STATEMENTS.stored_reply, {"message_key": message_key})
                if stored is not None:
                    return Reply.from_dict(stored)
            state = dict(conversation.state or {})
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
            offered = list((conversation.options or {}).get("labels", ()))
            reply = route(ctx, offered, self.detectors)
            if cleaned.truncated:
                reply = Reply(
                    (self.services.texts("input.too_long", limit=limit), *reply.parts),
                    reply.options,
                    reply.links,
                    reply.meta,
                )
            reply = reply.explained(intent=ctx.intent, flow=ctx.flow)
            # Statements built once (see STATEMENTS): this is the hot path of every turn.
            connection = session.connection()
            now = utcnow()
            connection.execute(
                STATEMENTS.save,
                {
                    "conversation_id": conversation.id,
                    "new_flow": ctx.flow,
                    "new_state": {**ctx.state, MEMORY: ctx.memory} if ctx.memory else ctx.state,
                    "new_options": {"labels": list(reply.options)},
                    "now": now,
                },
            )
            connection.execute(
                STATEMENTS.log,
                {
                    "conversation_id": conversation.id,
                    "message_key": message_key,
                    # A typed password never reaches the turn log; ID numbers and phones only masked.
                    "text": REDACTED if reply.meta.get("redact_input") else mask_in_text(cleaned.text),
                    "reply": reply.to_dict(),
                    "intent": ctx.intent,
                    "flow": ctx.flow,
                    "created_at": now,
                },
            )
        return reply

    def _lock_conversation(self, session: Session, inbound: Inbound) -> Row[Any]:
        """The conversation row, created if new, locked until commit so one user's turns never interleave."""
        key = {"channel": inbound.channel, "user_key": inbound.user_key}
        connection = session.connection()
        conversation = connection.execute(STATEMENTS.lock, key).one_or_none()
        if conversation is not None:
            return conversation
        # A new user: two first messages may race here, so insert-if-absent and read the winner's row.
        now = utcnow()
        upsert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        connection.execute(
            upsert(Conversation)
            .values(
                channel=inbound.channel,
                user_key=inbound.user_key,
                state={},
                options={},
                version=0,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["channel", "user_key"])
        )
        return connection.execute(STATEMENTS.lock, key).one()

    def _error(self, text_key: str, intent: str) -> Reply:
        texts = self.services.texts
        return Reply((texts(text_key),), (texts("options.menu"),), meta={"intent": intent, "error": True})

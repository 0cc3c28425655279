"""The Dialogue serves one turn: load the conversation, decide, and save everything in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from bot.core.context import Context, Flow, Services
from bot.core.messages import Inbound, Reply
from bot.core.normalize import clean
from bot.core.router import Detector, route
from bot.storage.db import Database
from bot.storage.models import Conversation, Turn, utcnow

log = logging.getLogger(__name__)


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
        message_key = f"{inbound.channel}:{inbound.message_id}" if inbound.message_id else None
        with self.db.transaction() as session:
            conversation = self._lock_conversation(session, inbound)
            if message_key:
                stored = session.scalar(select(Turn.reply).where(Turn.message_key == message_key))
                if stored is not None:
                    return Reply.from_dict(stored)
            ctx = Context(
                session=session,
                services=self.services,
                inbound=inbound,
                text=cleaned.text,
                flow=conversation.flow,
                state=dict(conversation.state or {}),
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
            conversation.flow = ctx.flow
            conversation.state = ctx.state
            conversation.options = {"labels": list(reply.options)}
            conversation.version += 1
            conversation.updated_at = utcnow()
            session.add(
                Turn(
                    conversation_id=conversation.id,
                    message_key=message_key,
                    text=cleaned.text,
                    reply=reply.to_dict(),
                    intent=ctx.intent,
                    flow=ctx.flow,
                )
            )
        return reply

    def _lock_conversation(self, session: Session, inbound: Inbound) -> Conversation:
        """The conversation row, created if new, locked until commit so one user's turns never interleave."""
        values = {
            "channel": inbound.channel,
            "user_key": inbound.user_key,
            "state": {},
            "options": {},
            "version": 0,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(Conversation)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["channel", "user_key"])
        )
        conversation = session.scalars(
            select(Conversation)
            .where(Conversation.channel == inbound.channel, Conversation.user_key == inbound.user_key)
            .with_for_update()
        ).one()
        return conversation

    def _error(self, text_key: str, intent: str) -> Reply:
        texts = self.services.texts
        return Reply((texts(text_key),), (texts("options.menu"),), meta={"intent": intent, "error": True})

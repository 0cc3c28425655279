"""A push WeChat no longer accepts (the user last wrote more than 48 hours ago) goes out by SMS instead,
to the mobile the hotline holds for it: a ticket's contact phone. A case notice needs nothing more: its
SMS to the party is the notice of record and is already in the notification outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.messages import Reply
from bot.identity.phone import PhoneError, normalize_mobile
from bot.notify.gateways import Gateway, Outgoing
from bot.storage.models import ChatPush
from bot.storage.models.tickets import Ticket

SIGNATURE = "【12368】"


def mobile_for(session: Session, push: ChatPush) -> str | None:
    """The mobile a push may be texted to, if the hotline holds one for its source."""
    kind, _, reference = push.source.partition(":")
    if kind != "ticket":
        return None
    phone = session.scalar(
        select(Ticket.contact_phone).where(
            Ticket.number == reference, Ticket.channel == push.channel, Ticket.user_key == push.user_key
        )
    )
    try:
        return normalize_mobile(phone) if phone else None
    except PhoneError:
        return None


def send_by_sms(session: Session, push: ChatPush, gateway: Gateway | None) -> bool:
    """True when the push's content has gone (or already goes) by SMS, so the push counts as delivered."""
    if push.source.startswith("notice:"):
        return True
    phone = mobile_for(session, push)
    if phone is None or gateway is None:
        return False
    text = SIGNATURE + Reply.from_dict(push.reply).text
    # The key makes a retry of this push (a crash before the commit) one SMS at the gateway.
    delivery = gateway.send(Outgoing(0, f"push:{push.id}", phone, text))
    return delivery.outcome == "sent"

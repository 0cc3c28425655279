"""Reading a WeChat callback body safely: size-capped, no DTDs or entities, and only WeChat's flat shape."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, XMLParser

# WeChat's messages are a few hundred bytes (an encrypted one about 1.5 KB); anything near this is not theirs.
MAX_BODY = 64 * 1024
MAX_FIELD = 8 * 1024
# A DTD is how entity attacks (billion laughs, external entities) begin; WeChat never sends one.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_OPEN_ID = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_MSG_ID = re.compile(r"[0-9]{1,32}")


class BadXml(ValueError):
    """The body is not a WeChat message; answered 400 before anything touches the database."""


@dataclass(frozen=True)
class WeChatMessage:
    """The fields of one message or event: who (an OpenID), when, what type, and the rest by name."""

    to_user: str
    from_user: str
    create_time: str
    msg_type: str
    fields: dict[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def event(self) -> str:
        return self.get("Event").lower()


def parse_fields(body: bytes | str) -> dict[str, str]:
    """The text fields under <xml>; nested elements (some events carry them) are skipped."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if len(raw) > MAX_BODY:
        raise BadXml("body too large")
    if _DTD.search(raw):
        raise BadXml("DTD not allowed")
    try:
        # Safe without a DTD (refused above): expat then knows only the five predefined entities.
        parser = XMLParser()
        parser.feed(raw.decode("utf-8"))
        root = parser.close()
    except (ParseError, ValueError) as error:
        raise BadXml(f"not well-formed XML ({type(error).__name__})") from None
    if root.tag != "xml":
        raise BadXml("root element is not <xml>")
    fields: dict[str, str] = {}
    for element in root:
        name = element.tag
        if name in fields:
            raise BadXml(f"field {name} repeated")
        text = (element.text or "").strip()
        if len(element) or element.attrib or not text:
            continue  # nested (some events carry such), attributed or empty: not a text field
        if len(text) > MAX_FIELD:
            raise BadXml(f"field {name} too long")
        fields[name] = text
    return fields


def message_of(fields: dict[str, str]) -> WeChatMessage:
    """Checks the fields every message and event carries; an OpenID is what becomes the user key."""
    try:
        to_user, from_user = fields["ToUserName"], fields["FromUserName"]
        create_time, msg_type = fields["CreateTime"], fields["MsgType"]
    except KeyError as missing:
        raise BadXml(f"missing {missing.args[0]}") from None
    if not _OPEN_ID.fullmatch(from_user):
        raise BadXml("FromUserName is not an OpenID")
    if not _TIMESTAMP.fullmatch(create_time):
        raise BadXml("CreateTime is not a timestamp")
    msg_id = fields.get("MsgId", "")
    if msg_id and not _MSG_ID.fullmatch(msg_id):
        raise BadXml("MsgId is not a number")
    return WeChatMessage(to_user, from_user, create_time, msg_type.lower(), fields)

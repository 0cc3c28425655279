"""The WeChat official-account adapter: signed (and AES-encrypted) XML in, an Inbound out; a Reply back as text."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from bot.channels.render import numbered_text
from bot.channels.splitting import split_text, utf8_size
from bot.channels.wechat_xml import BadXml, WeChatMessage, message_of, parse_fields
from bot.config import Settings
from bot.core.context import Services
from bot.core.messages import Inbound, Reply

CHANNEL = "wechat"
MAX_TEXT = 2048  # bytes, for a passive reply and for a customer-service text message


class BadSignature(Exception):
    """The request is not signed with our token: answered 403."""


def signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def same(expected: str, sent: str) -> bool:
    """Constant-time comparison; as bytes, since compare_digest refuses str with non-ASCII characters."""
    return hmac.compare_digest(expected.encode(), sent.encode())


@dataclass(frozen=True)
class WeChatGate:
    """Checks every request's signature and opens (decrypts) its body; seals replies the same way."""

    token: str
    crypto: WeChatCrypto | None = None

    @classmethod
    def of(cls, settings: Settings) -> WeChatGate:
        if not settings.wechat_aes_key:
            return cls(settings.wechat_token)
        try:
            crypto = WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
        except Exception:
            raise ValueError("HOTLINE_WECHAT_AES_KEY 应为公众号后台的 43 位 EncodingAESKey") from None
        return cls(settings.wechat_token, crypto)

    def verify(self, query: Mapping[str, str]) -> None:
        expected = signature(self.token, query.get("timestamp", ""), query.get("nonce", ""))
        if not same(expected, query.get("signature", "")):
            raise BadSignature()

    def open(self, query: Mapping[str, str], body: bytes) -> WeChatMessage:
        """The message in a POST body: plaintext, or in compatible and safe modes the decrypted one."""
        self.verify(query)
        fields = parse_fields(body)
        if encrypted(query):
            fields = self._decrypt(query, fields)
        return message_of(fields)

    def seal(self, query: Mapping[str, str], xml: str) -> str:
        """A reply encrypted when the request was (compatible and safe modes), else as is."""
        if self.crypto is None or not encrypted(query):
            return xml
        return str(self.crypto.encrypt_message(xml, query.get("nonce", ""), query.get("timestamp", "")))

    def _decrypt(self, query: Mapping[str, str], fields: dict[str, str]) -> dict[str, str]:
        if self.crypto is None:
            raise BadXml("encrypted message, but no EncodingAESKey is configured")
        secret = fields.get("Encrypt", "")
        if not secret:
            raise BadXml("encrypted message without Encrypt")
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        msg_signature = query.get("msg_signature", "")
        if not same(signature(self.token, timestamp, nonce, secret), msg_signature):
            raise BadSignature()
        try:
            plain = self.crypto.decrypt_message({"Encrypt": secret}, msg_signature, timestamp, nonce)
        except Exception as error:  # padding, base64, app id: a corrupt or foreign ciphertext
            raise BadXml(f"cannot decrypt ({type(error).__name__})") from None
        return parse_fields(plain)


def encrypted(query: Mapping[str, str]) -> bool:
    return query.get("encrypt_type", "raw").lower() == "aes"


def message_id(message: WeChatMessage) -> str:
    """MsgId for messages. Events have none: WeChat says FromUserName + CreateTime identifies their retries;
    the event and its key are added so that two different events in one second stay apart."""
    if message.get("MsgId"):
        return message.get("MsgId")
    return f"{message.from_user}:{message.create_time}:{message.event}:{message.get('EventKey')}"[:180]


def translate(message: WeChatMessage, services: Services) -> Inbound | Reply | None:
    """An Inbound for a turn; a Reply for what needs no turn (content we cannot read); None for silence."""

    def inbound(text: str, *attachments: str) -> Inbound:
        return Inbound(CHANNEL, message.from_user, text, message_id(message), attachments)

    kind = message.msg_type
    if kind == "text":
        return inbound(message.get("Content"))
    if kind == "voice" and message.get("Recognition").strip():
        return inbound(message.get("Recognition").strip(), f"wechat:voice:{message.get('MediaId')}")
    if kind == "image":
        return inbound("", f"wechat:image:{message.get('MediaId')}")
    if kind == "event":
        text = event_text(message, services)
        return inbound(text) if text is not None else None
    # Voice without recognition, video, location, links: nothing the hotline can read.
    return Reply((services.texts("input.no_text"),))


def event_text(message: WeChatMessage, services: Services) -> str | None:
    """What an event means as a message: following is the first hello (welcome and menu), a menu click
    the menu item's label; other events (unfollow, link clicks, location reports) need no answer."""
    if message.event == "subscribe":
        return services.texts.words("commands.greet")[0]
    if message.event == "click":
        labels = {item.key: item.label for item in services.menu}
        return labels.get(message.get("EventKey")) or services.texts.words("commands.menu")[0]
    return None


def reply_parts(reply: Reply) -> list[str]:
    """The reply as WeChat texts of at most 2,048 bytes, options as numbered lines; none for a silent
    reply (a conversation handed to a person acknowledges only now and then)."""
    return [part for part in split_text(numbered_text(reply), MAX_TEXT, utf8_size) if part.strip()]


def cdata_safe(text: str) -> str:
    # A reply may quote the user ("没有找到“…”"); "]]>" in it would end the CDATA section early.
    return text.replace("]]>", "]]]]><![CDATA[>")


def passive_xml(message: WeChatMessage, text: str) -> str:
    reply = TextReply(source=message.to_user, target=message.from_user, content=cdata_safe(text))
    return str(reply.render())
